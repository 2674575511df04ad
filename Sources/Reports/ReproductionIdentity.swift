import Foundation
import Persistence
import Support

/// What makes two reproductions the same: `DIR/reproduction.json`. A folder holding another
/// reproduction (another size, seed, data or tool version) is refused, naming the difference,
/// so that results of different settings never mix; `--only`, workers and threads are not
/// part of it (they change no number).
public struct ReproductionIdentity: Codable, Equatable, Sendable {
    public var size: ReproductionSize
    public var seed: UInt64
    public var toolVersion: ToolVersion
    /// The folder given with `--data-dir` (absolute), nil when not given.
    public var dataDirectory: String?

    public init(size: ReproductionSize, seed: UInt64 = 0, toolVersion: ToolVersion = .current, dataDirectory: String?) {
        self.size = size
        self.seed = seed
        self.toolVersion = toolVersion
        self.dataDirectory = dataDirectory
    }

    public static let fileName = "reproduction.json"

    /// The first difference from `other` in words, nil when they are the same.
    public func difference(from other: ReproductionIdentity) -> String? {
        if size != other.size { return "it was made at size \(other.size.rawValue), this run is \(size.rawValue)" }
        if seed != other.seed { return "it was made with seed \(other.seed), this run uses \(seed)" }
        if toolVersion != other.toolVersion { return "it was made by version \(other.toolVersion), this is \(toolVersion)" }
        if dataDirectory != other.dataDirectory {
            return "it was made with --data-dir \(other.dataDirectory ?? "(none)"), this run has \(dataDirectory ?? "(none)")"
        }
        return nil
    }

    /// Checks that `directory` is empty or holds this reproduction (throws naming the
    /// difference otherwise); does not write.
    public func check(directory: String) throws {
        let path = directory + "/" + Self.fileName
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard FileManager.default.fileExists(atPath: path) else {
            if entries.isEmpty { return }
            throw ReproductionError("--out: '\(directory)' is not empty and holds no reproduction (no \(Self.fileName)); " +
                                    "use an empty or new folder")
        }
        let stored: ReproductionIdentity
        do {
            stored = try JSONDecoder().decode(ReproductionIdentity.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ReproductionError("--out: '\(path)' cannot be read as a reproduction's settings: use an empty or new folder")
        }
        if let difference = difference(from: stored) {
            throw ReproductionError("--out: '\(directory)' holds a different reproduction: \(difference); use another folder")
        }
    }

    /// Writes `DIR/reproduction.json` (atomically) unless it holds this identity already.
    public func record(directory: String) throws {
        let path = directory + "/" + Self.fileName
        if FileManager.default.fileExists(atPath: path) { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }
}
