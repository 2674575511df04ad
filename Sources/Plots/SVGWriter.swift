import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors of ``SVGWriter``.
public enum SVGWriteError: Error, Equatable, CustomStringConvertible {
    /// The destination's directory does not exist.
    case directoryMissing(String)
    /// The destination's parent path exists but is not a directory.
    case notADirectory(String)
    /// The directory exists but the process may not create files in it.
    case directoryNotWritable(String)
    /// Writing the temporary file or renaming it failed.
    case writeFailed(path: String, reason: String)

    /// A readable message naming the path and the reason.
    public var description: String {
        switch self {
        case .directoryMissing(let d): return "cannot write SVG: directory '\(d)' does not exist"
        case .notADirectory(let d): return "cannot write SVG: '\(d)' is not a directory"
        case .directoryNotWritable(let d): return "cannot write SVG: directory '\(d)' is not writable"
        case let .writeFailed(path, reason): return "cannot write SVG to '\(path)': \(reason)"
        }
    }
}

/// Writes documents atomically: a temporary file in the destination's directory, then a
/// rename over the destination, so readers never see a partial file.
///
/// ```swift
/// try SVGWriter.write(figure.svg(), to: "results/figure7.svg")
/// ```
public enum SVGWriter {
    /// Writes `contents` (UTF-8) to `path` atomically, replacing any existing file.
    /// - Throws: ``SVGWriteError`` naming the directory or the path and the reason.
    public static func write(_ contents: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir, isDirectory: &isDir) else { throw SVGWriteError.directoryMissing(dir) }
        guard isDir.boolValue else { throw SVGWriteError.notADirectory(dir) }
        guard fm.isWritableFile(atPath: dir) else { throw SVGWriteError.directoryNotWritable(dir) }
        let tmp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)").path
        let data = Data(contents.utf8)
        guard fm.createFile(atPath: tmp, contents: data) else {
            throw SVGWriteError.writeFailed(path: path, reason: "could not create temporary file '\(tmp)'")
        }
        if rename(tmp, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(atPath: tmp)
            throw SVGWriteError.writeFailed(path: path, reason: "rename failed: \(reason)")
        }
    }

    /// Writes `contents` to a file URL atomically (same behaviour as the path variant).
    public static func write(_ contents: String, to url: URL) throws {
        try write(contents, to: url.path)
    }
}
