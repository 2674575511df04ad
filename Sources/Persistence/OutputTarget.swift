import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an output goes, decided before any work by one policy for every file the tool writes
/// (the tool runs as root on clusters, so an output must never replace anything but a
/// regular file):
///
/// - a path that does not exist: a new regular file, in an existing writable directory;
/// - an existing regular file: replaced atomically (temporary file + rename);
/// - a symbolic link: followed to its final target, which must be a regular file; the link
///   stays a link and the target is replaced atomically in the target's own directory. A
///   dangling link is refused (creating a file wherever a link points is an easy way to
///   be tricked into writing somewhere unexpected);
/// - anything else (directory, character or block device, FIFO, socket, or a link to a
///   process's open descriptor such as `/dev/stdout`) is refused, with the path and what it is;
/// - `-`, where the caller allows it (stream outputs: CSV, SVG, tables), is standard output,
///   written directly.
///
/// The file name and the path (and the temporary file's path) are checked against
/// `NAME_MAX` and `PATH_MAX` here, so a legal name never fails after the work. Temporary
/// files have a short fixed-length name (`.` + 12 random characters + `.tmp`), whatever the
/// length of the final name.
public struct OutputTarget: Equatable, Sendable, CustomStringConvertible {
    /// The path as given (for messages).
    public let given: String
    /// True for `-` where standard output is allowed.
    public let isStandardOutput: Bool
    /// The resolved folder the file is written in (symbolic links followed); empty for
    /// standard output.
    public let directory: String
    /// The file's name in `directory`; empty for standard output.
    public let name: String
    /// True when the file existed (as a regular file) when the target was resolved.
    public let existed: Bool

    /// The file actually written: `directory/name` ("-" for standard output).
    public var path: String {
        isStandardOutput ? "-" : (directory == "/" ? "/" + name : directory + "/" + name)
    }

    /// The resolved path, for comparing outputs with each other and with inputs.
    public var resolved: ResolvedPath { ResolvedPath(path) }

    public var description: String { isStandardOutput ? "standard output" : given }

    /// Length of the temporary names: "." + 12 + ".tmp".
    static let temporaryNameLength = 17

    /// Resolves `path` under the policy above and checks it can be written now; throws an
    /// ``AtomicFileError`` naming the path and what is wrong. `standardOutput` makes `-`
    /// mean standard output (otherwise it is a file named `-`).
    public init(_ path: String, standardOutput: Bool = false) throws {
        given = path
        guard !path.isEmpty else { throw AtomicFileError.emptyPath }
        if standardOutput && path == "-" {
            isStandardOutput = true
            directory = ""
            name = ""
            existed = false
            return
        }
        isStandardOutput = false
        let bytes = path.utf8.count
        if bytes > FileSystem.pathMax { throw AtomicFileError.pathTooLong(path: path, bytes: bytes, limit: FileSystem.pathMax) }
        if path.hasSuffix("/") { throw AtomicFileError.notARegularFile(path: path, kind: .directory) }

        // /dev/stdout and the like lead to whatever the descriptor is open on (maybe the file
        // a shell appends to): replacing that file would lose what it holds.
        if FileSystem.leadsToFileDescriptor(path) { throw AtomicFileError.fileDescriptorLink(path) }
        let final: String
        switch FileSystem.status(path, followingLinks: false) {
        case .success(let entry):
            var target = entry
            if FileKind(mode: entry.st_mode) == .symbolicLink {
                switch FileSystem.status(path, followingLinks: true) {
                case .success(let s): target = s
                case .failure(let e) where e.code == ENOENT:
                    throw AtomicFileError.danglingSymlink(path: path, target: FileSystem.linkTarget(path) ?? "?")
                case .failure(let e): throw Self.error(e, path: path)
                }
            }
            let kind = FileKind(mode: target.st_mode)
            guard kind == .regularFile else { throw AtomicFileError.notARegularFile(path: path, kind: kind) }
            switch FileSystem.realPath(path) {
            case .success(let r): final = r
            case .failure(let e): throw Self.error(e, path: path)
            }
            existed = true
        case .failure(let e) where e.code == ENOENT:
            let parent = splitPath(path).directory
            switch FileSystem.status(parent, followingLinks: true) {
            case .success(let s):
                guard FileKind(mode: s.st_mode) == .directory else { throw AtomicFileError.notADirectory(parent) }
            case .failure(let e) where e.code == ENOENT: throw AtomicFileError.directoryMissing(parent)
            case .failure(let e) where e.code == ENOTDIR: throw AtomicFileError.notADirectory(parent)
            case .failure(let e): throw Self.error(e, path: parent)
            }
            switch FileSystem.realPath(parent) {
            case .success(let r): final = (r == "/" ? "" : r) + "/" + splitPath(path).name
            case .failure(let e): throw Self.error(e, path: parent)
            }
            existed = false
        case .failure(let e) where e.code == ENOTDIR:
            throw AtomicFileError.notADirectory(splitPath(path).directory)
        case .failure(let e):
            throw Self.error(e, path: path)
        }

        let parts = splitPath(final)
        directory = parts.directory
        name = parts.name
        guard access(directory, W_OK) == 0 else { throw AtomicFileError.directoryNotWritable(directory) }
        let nameMax = FileSystem.nameMax(directory)
        if name.utf8.count > nameMax {
            throw AtomicFileError.nameTooLong(path: path, bytes: name.utf8.count, limit: nameMax)
        }
        // The rename needs both the final and the temporary path within PATH_MAX.
        let longest = directory.utf8.count + 1 + max(name.utf8.count, Self.temporaryNameLength)
        if longest > FileSystem.pathMax {
            throw AtomicFileError.pathTooLong(path: final, bytes: longest, limit: FileSystem.pathMax)
        }
    }

    static func error(_ e: Errno, path: String) -> AtomicFileError {
        switch e.code {
        case ELOOP: return .symlinkLoop(path)
        case ENAMETOOLONG:
            // One component over NAME_MAX, or the whole path over PATH_MAX.
            if let long = path.split(separator: "/").map({ $0.utf8.count }).max(), long > 255 {
                return .nameTooLong(path: path, bytes: long, limit: 255)
            }
            return .pathTooLong(path: path, bytes: path.utf8.count, limit: FileSystem.pathMax)
        default: return .inaccessible(path: path, reason: e.message)
        }
    }
}
