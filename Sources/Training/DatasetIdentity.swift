import Foundation
import Persistence

/// A folder given for one dataset holds the files of another, known by their checksums
/// (MNIST's files given with `--dataset fashion-mnist`, or the reverse).
public struct DatasetMismatchError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The folder as given.
    public var directory: String
    /// The dataset named.
    public var expected: DatasetKind
    /// The dataset the file belongs to.
    public var found: DatasetKind
    /// The file's name in the folder.
    public var file: String
    /// Which of its checksums matched.
    public var match: ChecksumMatch

    public var description: String {
        let subject = match == .download ? file : "the content of \(file)"
        return "\(directory) holds \(found.displayName), not \(expected.displayName) (\(subject) matches \(found.displayName)'s checksum)"
    }
}

/// The check, while a dataset is loaded, that its files are not another known dataset's: the
/// SHA-256 of each file as read and of its decompressed content (both in memory already) are
/// looked up in ``DatasetCatalog``. Only a match with another dataset is an error: files that
/// match no known checksum are accepted (a custom set in the same format), as are files of the
/// dataset named.
struct DatasetIdentityCheck {
    var expected: DatasetKind
    var directory: String

    func inspect(path: String, raw: Data, content: Data) throws {
        let fileSHA = SHA256.hex(raw)
        let contentSHA = raw.count == content.count && raw == content ? fileSHA : SHA256.hex(content)
        let matches = DatasetCatalog.identify(fileSHA256: fileSHA, contentSHA256: contentSHA)
        guard !matches.contains(where: { $0.dataset == expected }),
              let other = matches.first(where: { $0.dataset != expected }) else { return }
        throw DatasetMismatchError(directory: directory, expected: expected, found: other.dataset,
                                   file: (path as NSString).lastPathComponent, match: other.match)
    }
}
