import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an output path cannot be written. Every message names the path and what is wrong.
public enum AtomicFileError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The path is the empty string.
    case emptyPath
    /// The destination's directory does not exist.
    case directoryMissing(String)
    /// The destination's parent path exists but is not a directory.
    case notADirectory(String)
    /// The directory exists but the process may not create files in it.
    case directoryNotWritable(String)
    /// The destination (or the final target of a symbolic link at it) exists and is not a
    /// regular file: a directory, a device, a FIFO, a socket.
    case notARegularFile(path: String, kind: FileKind)
    /// The destination is a symbolic link whose target does not exist.
    case danglingSymlink(path: String, target: String)
    /// The destination is (or links to) an open file descriptor of a process
    /// (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`): not a file that can be replaced.
    case fileDescriptorLink(String)
    /// Resolving the destination met a cycle of symbolic links.
    case symlinkLoop(String)
    /// The file name (last component) is longer than the file system allows.
    case nameTooLong(path: String, bytes: Int, limit: Int)
    /// The whole path (or its temporary sibling) is longer than the kernel accepts.
    case pathTooLong(path: String, bytes: Int, limit: Int)
    /// The destination cannot be examined (e.g. a folder on the way is not searchable).
    case inaccessible(path: String, reason: String)
    /// Writing the temporary file or renaming it failed.
    case writeFailed(path: String, reason: String)

    /// A readable message naming the path and the reason.
    public var description: String {
        switch self {
        case .emptyPath: return "the path is empty"
        case .directoryMissing(let d): return "directory '\(d)' does not exist"
        case .notADirectory(let d): return "'\(d)' is not a directory"
        case .directoryNotWritable(let d): return "directory '\(d)' is not writable"
        case let .notARegularFile(p, kind):
            let hint = kind == .directory ? ", expected a file path" : "; only a new or a regular file is replaced"
            return "'\(p)' is \(kind)\(hint)"
        case let .danglingSymlink(p, t):
            return "'\(p)' is a symbolic link to '\(t)', which does not exist; outputs are not created through dangling links"
        case .fileDescriptorLink(let p):
            return "'\(p)' names an open file descriptor, not a file that can be replaced; use '-' for standard output"
        case .symlinkLoop(let p): return "'\(p)': too many levels of symbolic links"
        case let .nameTooLong(p, n, limit): return "the file name of '\(p)' is \(n) bytes long; the file system allows \(limit)"
        case let .pathTooLong(p, n, limit): return "the path '\(p)' is \(n) bytes long; the limit is \(limit)"
        case let .inaccessible(p, r): return "cannot examine '\(p)': \(r)"
        case let .writeFailed(path, reason): return "cannot write '\(path)': \(reason)"
        }
    }
}

/// Whole-file writes that are atomic and durable, under the output policy of
/// ``OutputTarget``: a new file or an existing regular file (a symbolic link is followed to
/// its target) is written through a temporary file in the same directory, flushed, then
/// renamed over it; anything else (device, FIFO, socket, directory) is refused. Readers see
/// the old file or the new one, never a partial one; a crash leaves at most a hidden
/// temporary file.
///
/// ```swift
/// try AtomicFile.write(figure.svg(), to: "results/figure7.svg")
/// ```
public enum AtomicFile {
    /// Throws an ``AtomicFileError`` if `path` could not be written now (see ``OutputTarget``):
    /// missing or unwritable directory, something other than a regular file in the way, a
    /// name too long. Used to fail before a long run.
    public static func checkWritable(_ path: String) throws {
        _ = try OutputTarget(path)
    }

    /// Writes `data` to `path` atomically and durably, creating or replacing the file (see
    /// ``OutputTarget/write(_:permissions:)``). `permissions` sets the mode bits (e.g.
    /// 0o755 for a script); by default a replaced file keeps its mode and a new one gets 0o644.
    public static func write(_ data: Data, to path: String, permissions: mode_t? = nil) throws {
        try OutputTarget(path).write(data, permissions: permissions)
    }

    /// Writes UTF-8 `text` to `path` atomically.
    public static func write(_ text: String, to path: String, permissions: mode_t? = nil) throws {
        try write(Data(text.utf8), to: path, permissions: permissions)
    }
}
