import Foundation

/// A path made absolute with its symbolic links resolved as far as it exists, plus the
/// identity of the file when it exists: what two paths are compared by to tell whether they
/// name the same file ("x.csv", "./x.csv", a link to it, a hard link to it).
public struct ResolvedPath: Equatable, Sendable, CustomStringConvertible {
    /// Absolute, without `.`/`..` or symbolic links in its existing part.
    public let path: String
    /// Device and inode, when the path exists (following links).
    public let identity: FileIdentity?

    /// Resolves `path`: the longest existing prefix by `realpath(3)`, the rest appended
    /// lexically (a missing part cannot contain links).
    public init(_ path: String) {
        let absolute = FileSystem.absolute(path)
        var head = absolute
        var tail: [String] = []
        var resolvedHead: String?
        while resolvedHead == nil {
            if case .success(let r) = FileSystem.realPath(head) {
                resolvedHead = r
            } else {
                let (parent, name) = splitPath(head)
                if parent == head { resolvedHead = head; break }
                tail.insert(name, at: 0)
                head = parent
            }
        }
        var components = (resolvedHead ?? "/").split(separator: "/").map(String.init)
        for name in tail {
            switch name {
            case "", ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(name)
            }
        }
        self.path = "/" + components.joined(separator: "/")
        if case .success(let s) = FileSystem.status(self.path, followingLinks: true) {
            identity = FileIdentity(s)
        } else {
            identity = nil
        }
    }

    public var description: String { path }

    /// True when both name the same file: equal resolved paths, or equal device and inode.
    public func isSameFile(as other: ResolvedPath) -> Bool {
        if path == other.path { return true }
        if let a = identity, let b = other.identity { return a == b }
        return false
    }

    /// True when `other` is this path or lies inside it (this path taken as a folder).
    public func contains(_ other: ResolvedPath) -> Bool {
        if isSameFile(as: other) { return true }
        let prefix = path == "/" ? "/" : path + "/"
        return other.path.hasPrefix(prefix)
    }
}
