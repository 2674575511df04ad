import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be written.
public enum AtomicFileError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The destination's directory does not exist.
    case directoryMissing(String)
    /// The destination's parent path exists but is not a directory.
    case notADirectory(String)
    /// The directory exists but the process may not create files in it.
    case directoryNotWritable(String)
    /// The destination is a directory.
    case destinationIsDirectory(String)
    /// Writing the temporary file or renaming it failed.
    case writeFailed(path: String, reason: String)

    /// A readable message naming the path and the reason.
    public var description: String {
        switch self {
        case .directoryMissing(let d): return "directory '\(d)' does not exist"
        case .notADirectory(let d): return "'\(d)' is not a directory"
        case .directoryNotWritable(let d): return "directory '\(d)' is not writable"
        case .destinationIsDirectory(let p): return "'\(p)' is a directory, expected a file path"
        case let .writeFailed(path, reason): return "cannot write '\(path)': \(reason)"
        }
    }
}

/// Whole-file writes that are atomic: the data goes to a temporary file in the destination's
/// directory, which is then renamed over the destination. Readers see the old file or the
/// new one, never a partial one; a crash leaves at most a hidden temporary file.
///
/// ```swift
/// try AtomicFile.write(figure.svg(), to: "results/figure7.svg")
/// ```
public enum AtomicFile {
    /// Throws an ``AtomicFileError`` if `path` could not be written now: missing or
    /// unwritable directory, or a directory in the way. Used to fail before a long run.
    public static func checkWritable(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir, isDirectory: &isDir) else { throw AtomicFileError.directoryMissing(dir) }
        guard isDir.boolValue else { throw AtomicFileError.notADirectory(dir) }
        guard fm.isWritableFile(atPath: dir) else { throw AtomicFileError.directoryNotWritable(dir) }
        if fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw AtomicFileError.destinationIsDirectory(path)
        }
    }

    /// Writes `data` to `path` atomically, creating or replacing the file.
    public static func write(_ data: Data, to path: String) throws {
        try checkWritable(path)
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: tmp, contents: data) else {
            throw AtomicFileError.writeFailed(path: path, reason: "could not create temporary file '\(tmp)'")
        }
        if rename(tmp, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: tmp)
            throw AtomicFileError.writeFailed(path: path, reason: "rename failed: \(reason)")
        }
    }

    /// Writes UTF-8 `text` to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
