import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input file or folder cannot be read. `description` is `<path>: <reason>`.
public enum InputFileError: Error, Equatable, CustomStringConvertible, Sendable {
    case emptyPath
    case missing(path: String)
    case danglingSymlink(path: String, target: String)
    case symlinkLoop(path: String)
    /// Expected a regular file (following links), found `kind`.
    case notARegularFile(path: String, kind: FileKind)
    /// Expected a folder (following links), found `kind`.
    case notAFolder(path: String, kind: FileKind)
    case unreadable(path: String, reason: String)
    /// Larger than the caller's bound.
    case tooLarge(path: String, bytes: Int, limit: Int)
    /// Text that is not UTF-8; `offset` is the 0-based position of the first bad byte.
    case notUTF8(path: String, offset: Int)

    public var path: String {
        switch self {
        case .emptyPath: return ""
        case .missing(let p), .danglingSymlink(let p, _), .symlinkLoop(let p), .notARegularFile(let p, _),
             .notAFolder(let p, _), .unreadable(let p, _), .tooLarge(let p, _, _), .notUTF8(let p, _):
            return p
        }
    }

    /// What is wrong, without the path.
    public var reason: String {
        switch self {
        case .emptyPath: return "the path is empty"
        case .missing: return "no such file or folder"
        case .danglingSymlink(_, let t): return "is a symbolic link to '\(t)', which does not exist"
        case .symlinkLoop: return "too many levels of symbolic links"
        case .notARegularFile(_, let kind): return "is \(kind), expected a regular file"
        case .notAFolder(_, let kind): return "is \(kind), expected a folder"
        case .unreadable(_, let r): return "cannot read: \(r)"
        case let .tooLarge(_, n, limit): return "is \(n) bytes; the limit is \(limit) bytes"
        case .notUTF8(_, let offset): return "not valid UTF-8 at byte \(offset)"
        }
    }

    public var description: String { self == .emptyPath ? reason : "\(path): \(reason)" }
}

/// Reading the tool's input files (data files, specs, tables, checkpoints, records) with one
/// set of checks and clear errors: the path is examined with `stat` before it is opened, so
/// a directory, a device such as `/dev/zero`, a FIFO or a socket is refused (and a FIFO
/// never blocks the tool); symbolic links are followed, a dangling one or a loop is named
/// as such; a bound on the size is checked before anything is read.
public enum InputFile {
    /// True when something is at `path`, without following a final symbolic link (a
    /// dangling link or a loop counts, so that reading it reports what is wrong).
    public static func entryExists(_ path: String) -> Bool {
        if case .success = FileSystem.status(path, followingLinks: false) { return true }
        return false
    }

    /// The size of the regular file at `path`; throws ``InputFileError`` for anything else.
    @discardableResult
    public static func check(_ path: String) throws -> Int {
        let s = try status(path)
        let kind = FileKind(mode: s.st_mode)
        guard kind == .regularFile else { throw InputFileError.notARegularFile(path: path, kind: kind) }
        return Int(s.st_size)
    }

    /// Throws ``InputFileError`` unless `path` is a folder (following links).
    public static func checkFolder(_ path: String) throws {
        let s = try status(path)
        let kind = FileKind(mode: s.st_mode)
        guard kind == .directory else { throw InputFileError.notAFolder(path: path, kind: kind) }
    }

    /// The whole content of the regular file at `path`; with `maximumBytes`, a larger file is
    /// refused before it is read.
    public static func read(_ path: String, maximumBytes: Int? = nil) throws -> Data {
        let size = try check(path)
        if let maximumBytes, size > maximumBytes {
            throw InputFileError.tooLarge(path: path, bytes: size, limit: maximumBytes)
        }
        // O_NONBLOCK: if the path was swapped for a FIFO since the check, open does not wait.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw error(Errno(errno), path: path) }
        defer { close(fd) }
        var s = stat()
        guard fstat(fd, &s) == 0 else { throw InputFileError.unreadable(path: path, reason: Errno(errno).message) }
        let kind = FileKind(mode: s.st_mode)
        guard kind == .regularFile else { throw InputFileError.notARegularFile(path: path, kind: kind) }

        var data = Data()
        var chunk = [UInt8](repeating: 0, count: max(min(Int(s.st_size), 1 << 26) + 1, 1 << 16))
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputFileError.unreadable(path: path, reason: Errno(errno).message)
            }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
            if let maximumBytes, data.count > maximumBytes {
                throw InputFileError.tooLarge(path: path, bytes: data.count, limit: maximumBytes)
            }
        }
        return data
    }

    /// The content of the regular file at `path` as UTF-8 text; invalid UTF-8 is reported
    /// with the offset of its first bad byte.
    public static func readText(_ path: String, maximumBytes: Int? = nil) throws -> String {
        let data = try read(path, maximumBytes: maximumBytes)
        if let offset = firstInvalidUTF8Offset(data) { throw InputFileError.notUTF8(path: path, offset: offset) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The 0-based offset of the first byte that is not part of a valid UTF-8 sequence, or nil.
    public static func firstInvalidUTF8Offset<Bytes: Sequence>(_ bytes: Bytes) -> Int? where Bytes.Element == UInt8 {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// `stat` with the failure turned into a precise error (dangling link, loop, missing).
    static func status(_ path: String) throws -> stat {
        guard !path.isEmpty else { throw InputFileError.emptyPath }
        switch FileSystem.status(path, followingLinks: true) {
        case .success(let s): return s
        case .failure(let e): throw error(e, path: path)
        }
    }

    static func error(_ e: Errno, path: String) -> InputFileError {
        switch e.code {
        case ENOENT:
            if case .success(let s) = FileSystem.status(path, followingLinks: false), FileKind(mode: s.st_mode) == .symbolicLink {
                return .danglingSymlink(path: path, target: FileSystem.linkTarget(path) ?? "?")
            }
            return .missing(path: path)
        case ELOOP: return .symlinkLoop(path: path)
        default: return .unreadable(path: path, reason: e.message)
        }
    }
}
