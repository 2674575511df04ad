import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension OutputTarget {
    /// Moves the finished file at `source` (a regular file written beside the target, such as a
    /// download's `.part` file) to the target's name by `rename(2)`, atomically, then flushes it
    /// and the directory: the name never holds a partial file. As for
    /// ``write(_:permissions:)``, the name is examined again just before: if something other
    /// than a regular file appeared there, nothing is replaced. `source` must be on the same
    /// file system as the target (it is, in the target's folder).
    public func install(movingFrom source: String) throws {
        guard !isStandardOutput else { throw AtomicFileError.writeFailed(path: "standard output", reason: "cannot move a file to standard output") }
        let sourceFD = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard sourceFD >= 0 else {
            throw AtomicFileError.writeFailed(path: given, reason: "cannot open '\(source)': \(Errno(errno).message)")
        }
        var status = stat()
        let isRegular = fstat(sourceFD, &status) == 0 && FileKind(mode: status.st_mode) == .regularFile
        let synced = isRegular && fsync(sourceFD) == 0
        close(sourceFD)
        guard isRegular else { throw AtomicFileError.writeFailed(path: given, reason: "'\(source)' is not a regular file") }
        guard synced else { throw AtomicFileError.writeFailed(path: given, reason: "cannot flush '\(source)': \(Errno(errno).message)") }

        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else {
            throw AtomicFileError.writeFailed(path: given, reason: "cannot open directory '\(directory)': \(Errno(errno).message)")
        }
        defer { close(dirFD) }
        var current = stat()
        if fstatat(dirFD, name, &current, AT_SYMLINK_NOFOLLOW) == 0 {
            let kind = FileKind(mode: current.st_mode)
            if kind != .regularFile { throw AtomicFileError.notARegularFile(path: path, kind: kind) }
        }
        guard renameat(AT_FDCWD, source, dirFD, name) == 0 else {
            throw AtomicFileError.writeFailed(path: given, reason: "cannot move '\(source)' there: \(Errno(errno).message)")
        }
        _ = fsync(dirFD)
    }
}
