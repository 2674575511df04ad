import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension OutputTarget {
    /// Writes `data`: to standard output directly, or to the file atomically and durably.
    ///
    /// The file is written to a temporary file in the target's directory (created
    /// exclusively, never through a link), flushed (fsync), renamed over the name, and the
    /// directory flushed, so that after a crash or power loss the path holds the old file or
    /// the whole new one. Just before the rename the name is examined again: if something
    /// other than a regular file appeared there since the target was resolved, nothing is
    /// replaced. A replaced file keeps its permission bits (and, when running as root, its
    /// owner) unless `permissions` is given; a new file gets 0o644 (less the umask).
    public func write(_ data: Data, permissions: mode_t? = nil) throws {
        if isStandardOutput {
            if let reason = writeAll(STDOUT_FILENO, data) {
                throw AtomicFileError.writeFailed(path: "standard output", reason: reason)
            }
            return
        }
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else {
            throw AtomicFileError.writeFailed(path: given, reason: "cannot open directory '\(directory)': \(Errno(errno).message)")
        }
        defer { close(dirFD) }

        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            temporary = Self.temporaryName()
            fd = openat(dirFD, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw AtomicFileError.writeFailed(path: given, reason: "cannot create a temporary file in '\(directory)': \(Errno(errno).message)")
        }

        var failure: String?
        var current = stat()
        let exists = fstatat(dirFD, name, &current, AT_SYMLINK_NOFOLLOW) == 0
        if let permissions {
            if fchmod(fd, permissions) != 0 { failure = "cannot set permissions: \(Errno(errno).message)" }
        } else if exists, FileKind(mode: current.st_mode) == .regularFile {
            _ = fchmod(fd, current.st_mode & 0o777)
        }
        if exists, FileKind(mode: current.st_mode) == .regularFile, geteuid() == 0 {
            _ = fchown(fd, current.st_uid, current.st_gid)  // best effort: keep the owner's file theirs
        }
        if failure == nil { failure = writeAll(fd, data) }
        if failure == nil, fsync(fd) != 0 { failure = Errno(errno).message }
        close(fd)

        // What is at the name now must still be replaceable (it may have changed since init).
        if failure == nil, fstatat(dirFD, name, &current, AT_SYMLINK_NOFOLLOW) == 0 {
            let kind = FileKind(mode: current.st_mode)
            if kind != .regularFile {
                unlinkat(dirFD, temporary, 0)
                throw AtomicFileError.notARegularFile(path: path, kind: kind)
            }
        }
        if failure == nil, renameat(dirFD, temporary, dirFD, name) != 0 {
            failure = "rename failed: \(Errno(errno).message)"
        }
        if let failure {
            unlinkat(dirFD, temporary, 0)
            throw AtomicFileError.writeFailed(path: given, reason: failure)
        }
        _ = fsync(dirFD)
    }

    /// Writes UTF-8 `text` (see ``write(_:permissions:)``).
    public func write(_ text: String, permissions: mode_t? = nil) throws {
        try write(Data(text.utf8), permissions: permissions)
    }

    /// `.` + 12 random letters and digits + `.tmp`: short and fixed, whatever the final name.
    static func temporaryName() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let random = String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
        return "." + random + ".tmp"
    }
}

/// Writes every byte of `data` to `fd`; the error message on failure.
private func writeAll(_ fd: Int32, _ data: Data) -> String? {
    DescriptorWrite.all(fd, data).failure
}
