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

/// Whole-file writes that are atomic and durable: the data goes to a temporary file in the
/// destination's directory, flushed, then renamed over the destination. Readers see the old
/// file or the new one, never a partial one; a crash leaves at most a hidden temporary file.
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

    /// Writes `data` to `path` atomically and durably, creating or replacing the file: the
    /// temporary file is flushed (fsync) before the rename, and the directory after it, so
    /// that after a crash or power loss the path holds the old file or the whole new one.
    public static func write(_ data: Data, to path: String) throws {
        try checkWritable(path)
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let tmp = (directory as NSString)
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)")
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw AtomicFileError.writeFailed(path: path, reason: "could not create temporary file '\(tmp)': \(String(cString: strerror(errno)))")
        }
        var failure: String?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure {
            unlink(tmp)
            throw AtomicFileError.writeFailed(path: path, reason: failure)
        }
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw AtomicFileError.writeFailed(path: path, reason: "rename failed: \(reason)")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Writes UTF-8 `text` to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}

/// `write(2)`, named apart from `AtomicFile.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
