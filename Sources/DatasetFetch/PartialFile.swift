import Foundation
import Persistence
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The partial file of a download (`NAME.part` beside the destination), appended to as bytes
/// arrive and kept between runs so that a later run resumes where this one stopped.
///
/// It is opened without following a symbolic link and must be a regular file: the tool runs as
/// root on clusters, and a link planted at the name must not make it append to another file.
final class PartialFile {
    let path: String
    private var fd: Int32
    /// Bytes in the file.
    private(set) var size: Int

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw DownloadError.partFile(path: path, reason: "is a symbolic link; remove it") }
            throw DownloadError.partFile(path: path, reason: "cannot open it: \(String(cString: strerror(code)))")
        }
        var s = stat()
        guard fstat(fd, &s) == 0, s.st_mode & S_IFMT == S_IFREG else {
            closeDescriptor(fd)
            throw DownloadError.partFile(path: path, reason: "is not a regular file; remove it")
        }
        size = Int(s.st_size)
    }

    deinit { close() }

    /// Appends `data` (all of it, or throws).
    func append(_ data: Data) throws {
        let result = DescriptorWrite.all(fd, data)
        size += result.written
        if let failure = result.failure { throw DownloadError.partFile(path: path, reason: "cannot write: \(failure)") }
    }

    /// Empties the file (the server sent the whole file instead of the rest).
    func truncate() throws {
        guard ftruncate(fd, 0) == 0 else {
            throw DownloadError.partFile(path: path, reason: "cannot truncate: \(String(cString: strerror(errno)))")
        }
        size = 0
    }

    /// Flushes what was written to the disk (before a later run relies on it).
    func sync() {
        if fd >= 0 { _ = fsync(fd) }
    }

    func close() {
        if fd >= 0 {
            closeDescriptor(fd)
            fd = -1
        }
    }
}

/// `close(2)`, named apart from ``PartialFile/close()``.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
