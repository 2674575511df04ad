import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a directory entry is, from the type bits of its `st_mode`, named in messages
/// ("'/dev/full' is a character device").
public enum FileKind: String, Sendable, Equatable, CustomStringConvertible {
    case regularFile
    case directory
    case symbolicLink
    case characterDevice
    case blockDevice
    case fifo
    case socket
    case unknown

    /// The kind of an entry whose `stat` mode is `mode`.
    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regularFile
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        default: self = .unknown
        }
    }

    /// With an article, for messages: "a character device".
    public var description: String {
        switch self {
        case .regularFile: return "a regular file"
        case .directory: return "a directory"
        case .symbolicLink: return "a symbolic link"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .fifo: return "a FIFO (named pipe)"
        case .socket: return "a socket"
        case .unknown: return "not a regular file"
        }
    }
}

/// The identity of an existing file: its device and inode numbers. Two paths with the same
/// identity are the same file, whatever hard links, symbolic links or bind mounts lead to it.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    init(_ s: stat) {
        self.init(device: UInt64(truncatingIfNeeded: s.st_dev), inode: UInt64(truncatingIfNeeded: s.st_ino))
    }
}

/// Thin, errno-returning wrappers over the calls the file policies need.
enum FileSystem {
    /// `stat` (following symbolic links) or `lstat`; the errno on failure.
    static func status(_ path: String, followingLinks: Bool) -> Result<stat, Errno> {
        var s = stat()
        let rc = followingLinks ? stat(path, &s) : lstat(path, &s)
        return rc == 0 ? .success(s) : .failure(Errno(errno))
    }

    /// `realpath(3)`: the absolute path with every symbolic link, `.` and `..` resolved.
    static func realPath(_ path: String) -> Result<String, Errno> {
        guard let resolved = realpath(path, nil) else { return .failure(Errno(errno)) }
        defer { free(resolved) }
        return .success(String(cString: resolved))
    }

    /// The target of a symbolic link, as stored in the link.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `path` is, or a chain of symbolic links from it passes through, a
    /// per-process descriptor link: `/dev/fd/N`, `/proc/<pid>/fd/N` (as `/dev/stdout` does).
    static func leadsToFileDescriptor(_ path: String) -> Bool {
        func isDescriptor(_ p: String) -> Bool {
            if p.hasPrefix("/dev/fd/") || ["/dev/stdin", "/dev/stdout", "/dev/stderr"].contains(p) { return true }
            let parts = p.split(separator: "/")
            return parts.count >= 4 && parts[0] == "proc" && parts[2] == "fd"
        }
        var current = absolute(path)
        for _ in 0..<40 {
            if isDescriptor(current) { return true }
            guard case .success(let s) = status(current, followingLinks: false),
                  FileKind(mode: s.st_mode) == .symbolicLink, let target = linkTarget(current) else { return false }
            current = target.hasPrefix("/") ? target : (splitPath(current).directory as NSString).appendingPathComponent(target)
        }
        return false
    }

    /// The process's working directory.
    static var currentDirectory: String { FileManager.default.currentDirectoryPath }

    /// `path` made absolute against the working directory (not otherwise changed).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (currentDirectory as NSString).appendingPathComponent(path)
    }

    /// The longest file name the directory's file system accepts (`NAME_MAX`, usually 255 bytes).
    static func nameMax(_ directory: String) -> Int {
        let n = pathconf(directory, Int32(_PC_NAME_MAX))
        return n > 0 ? Int(n) : 255
    }

    /// The longest path the kernel accepts, terminating NUL excluded (`PATH_MAX` − 1).
    static let pathMax = Int(PATH_MAX) - 1
}

/// An `errno` value with its message.
struct Errno: Error, Equatable {
    var code: Int32
    init(_ code: Int32) { self.code = code }
    var message: String { String(cString: strerror(code)) }
}

/// The parent folder of `path` as written ("." for a bare name), and its last component.
func splitPath(_ path: String) -> (directory: String, name: String) {
    let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    guard let slash = trimmed.lastIndex(of: "/") else { return (".", trimmed) }
    let directory = String(trimmed[..<slash])
    return (directory.isEmpty ? "/" : directory, String(trimmed[trimmed.index(after: slash)...]))
}

/// `read(2)`, named apart from the `read` methods of this module.
func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
