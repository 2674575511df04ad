import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lock files (for `flock`) are written in place, not replaced, so the output policy is
/// stricter for them: the tool only opens a lock file that is its own, a regular file at
/// the path itself. A symbolic link there is refused (following it would truncate whatever
/// it points to), and a FIFO or device is refused without blocking.
public enum LockFile {
    /// Opens (creating it if needed, mode 0o644) the lock file at `path` for reading and
    /// writing; returns the descriptor. Throws an ``AtomicFileError`` naming the path and
    /// what is there when it is not a regular file.
    public static func open(_ path: String) throws -> Int32 {
        guard !path.isEmpty else { throw AtomicFileError.emptyPath }
        let fd = systemOpen(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP || code == EMLINK, case .success(let s) = FileSystem.status(path, followingLinks: false),
               FileKind(mode: s.st_mode) == .symbolicLink {
                throw AtomicFileError.notARegularFile(path: path, kind: .symbolicLink)
            }
            if code == ENXIO || code == EISDIR, case .success(let s) = FileSystem.status(path, followingLinks: false) {
                throw AtomicFileError.notARegularFile(path: path, kind: FileKind(mode: s.st_mode))
            }
            throw AtomicFileError.writeFailed(path: path, reason: "cannot open the lock file: \(Errno(code).message)")
        }
        var s = stat()
        guard fstat(fd, &s) == 0 else {
            let code = errno
            close(fd)
            throw AtomicFileError.writeFailed(path: path, reason: "cannot examine the lock file: \(Errno(code).message)")
        }
        let kind = FileKind(mode: s.st_mode)
        guard kind == .regularFile else {
            close(fd)
            throw AtomicFileError.notARegularFile(path: path, kind: kind)
        }
        return fd
    }
}

/// `open(2)`, named apart from `LockFile.open`.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
