import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a lock file could not be opened or locked (being held by another process is not an
/// error: ``FileLock/tryLock(_:)`` returns nil).
public struct FileLockError: Error, Equatable, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String { "lock file '\(path)': \(reason)" }
}

/// An exclusive `flock` on a lock file, held until ``release()``, deinit, or the death of the
/// process (the kernel releases it even after SIGKILL, so a crash never leaves a folder
/// locked). The lock belongs to the open file description, so two `FileLock`s on one path
/// exclude each other in one process as well as across processes.
///
/// After taking the lock the holder writes `host pid` into the file, so that a process that
/// finds it taken can say who holds it (``holder(of:)``); the content plays no part in the
/// locking itself. The file is never deleted: unlinking a lock file that another process has
/// just opened would let two processes hold "the" lock.
///
/// ```swift
/// guard let lock = try FileLock.tryLock("run/run.lock") else {
///     print("held by \(FileLock.holder(of: "run/run.lock")?.description ?? "another process")")
/// }
/// ```
public final class FileLock: @unchecked Sendable {
    /// Who holds a lock, as written in its file.
    public struct Holder: Equatable, Sendable, CustomStringConvertible {
        public var pid: Int32
        public var host: String

        public init(pid: Int32, host: String) {
            self.pid = pid
            self.host = host
        }

        /// `process N on host H`.
        public var description: String { "process \(pid) on host \(host)" }
    }

    public let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock on `path` (created if missing) without waiting; nil if another open
    /// file description holds it.
    public static func tryLock(_ path: String) throws -> FileLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw FileLockError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw FileLockError(path: path, reason: "is not a regular file")
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(fd)
            if code == EWOULDBLOCK || code == EAGAIN { return nil }
            throw FileLockError(path: path, reason: "cannot lock: \(String(cString: strerror(code)))")
        }
        let note = Holder(pid: getpid(), host: ProcessInfo.processInfo.hostName)
        _ = ftruncate(fd, 0)
        let text = "\(note.host) \(note.pid)\n"
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return FileLock(path: path, fd: fd)
    }

    /// The holder written in the lock file at `path`, nil if it names none. A holder that has
    /// just taken the lock may not have written its note yet, and the file may still name a
    /// previous holder that has ended on this host: both are read again for up to `patience`
    /// seconds.
    public static func holder(of path: String, patience: TimeInterval = 0.2) -> Holder? {
        let deadline = Date().addingTimeInterval(patience)
        let localHost = ProcessInfo.processInfo.hostName
        var last: Holder?
        repeat {
            last = readHolder(path)
            if let h = last, h.host != localHost || kill(h.pid, 0) == 0 || errno == EPERM { return h }
            usleep(5_000)
        } while Date() < deadline
        return last
    }

    private static func readHolder(_ path: String) -> Holder? {
        guard let data = FileManager.default.contents(atPath: path), data.count < 4096,
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              let space = text.lastIndex(of: " "), let pid = Int32(text[text.index(after: space)...]) else { return nil }
        let host = String(text[..<space])
        return host.isEmpty ? nil : Holder(pid: pid, host: host)
    }

    /// Releases the lock (idempotent).
    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
