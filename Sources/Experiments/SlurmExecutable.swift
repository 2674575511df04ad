import Foundation
import Persistence
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The program a sweep's job scripts run: a copy of this executable in `DIR/bin/`, so that
/// rebuilding or moving the tool while the jobs wait in the queue does not change the
/// program they run.
///
/// The copy is named `resnet-scaling-<version>-<revision>-<sha>` (`sha`: the first 12 hex
/// digits of the SHA-256 of its bytes), so one name is one program. A second submission
/// from the same build finds its copy and **reuses** it (after checking its bytes); a
/// submission from another build installs its own copy **beside** the earlier ones, which
/// stay for the jobs still queued with them. A file of that name whose bytes differ (a
/// damaged copy) is replaced atomically; anything but a regular file there is refused.
public enum SlurmExecutable {
    /// The file name of the copy of `bytes` built as `version`.
    public static func fileName(bytes: Data, version: ToolVersion) -> String {
        let sha = String(SHA256.hex(bytes).prefix(12))
        let revision = (version.revision ?? "unknown").replacingOccurrences(of: "/", with: "_")
        return "resnet-scaling-\(version.package)-\(revision)-\(sha)"
    }

    /// Copies `source` into `results/bin/` (created if missing) atomically with mode 0755,
    /// or reuses an identical copy there; returns the copy's path and whether it was reused.
    public static func install(_ source: String, results: String, version: ToolVersion = .current) throws -> (path: String, reused: Bool) {
        guard let bytes = FileManager.default.contents(atPath: source) else {
            throw SpecError(source: "--slurm", key: "", "cannot read this program at '\(source)' to copy it into the results folder")
        }
        let bin = (results as NSString).appendingPathComponent("bin")
        let path = (bin as NSString).appendingPathComponent(fileName(bytes: bytes, version: version))
        do { try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true) } catch {
            throw SpecError(source: "--slurm", key: "", "cannot create '\(bin)': \(error.localizedDescription)")
        }
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFREG else {
                throw SpecError(source: "--slurm", key: "", "'\(path)' exists and is not a regular file; remove it to install the program there")
            }
            if FileManager.default.contents(atPath: path) == bytes, status.st_mode & 0o111 != 0 {
                return (path, true)
            }
        }
        do { try AtomicFile.write(bytes, to: path, permissions: 0o755) } catch {
            throw SpecError(source: "--slurm", key: "", "cannot copy the program to '\(path)': \(error)")
        }
        return (path, false)
    }
}
