import Foundation
import Persistence
import Resources
import Training

/// The verdict on one file of a dataset against the checksums compiled into the tool.
public struct FileVerification: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        /// A checksum of the file matched: of the official download, or of the decompressed content.
        case verified(ChecksumMatch)
        /// No file of this name (in any of the spellings the loader accepts).
        case missing
        /// The file is another known dataset's (`identification` says which and how).
        case otherDataset(DatasetCatalog.Identification)
        /// A known checksum did not match: the file is not the dataset's. `sha256` is the file's.
        case wrong(sha256: String, reason: String)
        /// The file could not be checked: no checksum of it is known to this tool version.
        case notVerifiable(reason: String)
        /// The file cannot be read (permissions, a directory in its place, a corrupt gzip stream).
        case unreadable(String)
    }

    /// The dataset's file as listed in ``DatasetCatalog``.
    public var file: DatasetFile
    /// Where it was looked for or found.
    public var path: String
    public var status: Status

    public var isVerified: Bool {
        if case .verified = status { return true }
        return false
    }

    /// True for a file that is missing, wrong, another dataset's or unreadable (not merely unverifiable).
    public var isFailure: Bool {
        switch status {
        case .verified, .notVerifiable: return false
        default: return true
        }
    }

    /// A short word for the status column: ok, MISSING, WRONG, UNVERIFIED, UNREADABLE.
    public var label: String {
        switch status {
        case .verified: return "ok"
        case .missing: return "MISSING"
        case .otherDataset, .wrong: return "WRONG"
        case .notVerifiable: return "UNVERIFIED"
        case .unreadable: return "UNREADABLE"
        }
    }

    /// What was found, for one line of output (without the path).
    public var detail: String {
        switch status {
        case .verified(.download): return "SHA-256 matches the official download"
        case .verified(.content):
            return file.isCompressed
                ? "SHA-256 of the decompressed content matches (the .gz itself differs from the official download: compressed differently)"
                : "SHA-256 matches"
        case .missing: return "not found"
        case .otherDataset(let id):
            return "this is \(id.description) (by its \(id.match == .download ? "" : "content's ")SHA-256)"
        case let .wrong(sha, reason): return "\(reason) (its SHA-256 is \(sha))"
        case .notVerifiable(let reason): return reason
        case .unreadable(let reason): return reason
        }
    }
}

/// Checks one file against a ``DatasetFile``: the SHA-256 of the file as stored, and for a
/// gzip file the SHA-256 of its decompressed content; either matching verifies it.
public struct FileVerifier: Sendable {
    /// The most memory a gzip file and its content may take (they are hashed in memory).
    public var memoryLimit: MemoryLimit

    public init(memoryLimit: MemoryLimit = .default) {
        self.memoryLimit = memoryLimit
    }

    /// What a file's checksums are: of the file as stored and, for a gzip file, of its
    /// decompressed content (or why it could not be decompressed).
    public struct Fingerprint: Sendable, Equatable {
        public var sha256: String
        public var isGzip: Bool
        /// The content's SHA-256, or the reason it has none (a corrupt or oversized stream); nil when not gzip.
        public var content: ContentDigest?
    }

    public enum ContentDigest: Sendable, Equatable {
        case sha256(String)
        case invalid(String)
    }

    /// The fingerprint of the file at `path`; a gzip file is decompressed to at most
    /// `expectedContentSize` bytes when given (more makes it `invalid`).
    /// A gzip file is read once: its bytes are hashed and inflated in memory.
    public func fingerprint(path: String, expectedContentSize: Int?) throws -> Fingerprint {
        guard try Self.startsWithGzipMagic(path) else {
            return Fingerprint(sha256: try SHA256.hexDigest(ofFile: path), isGzip: false, content: nil)
        }
        let (raw, inflated) = try inflate(path, expectedSize: expectedContentSize)
        let sha = SHA256.hex(raw)
        switch inflated {
        case .success(let data): return Fingerprint(sha256: sha, isGzip: true, content: .sha256(SHA256.hex(data)))
        case .failure(let reason): return Fingerprint(sha256: sha, isGzip: true, content: .invalid(reason))
        }
    }

    /// The verdict on the file at `path` for `file` of `dataset`.
    public func verify(path: String, as file: DatasetFile, of dataset: DatasetKind) -> FileVerification {
        do {
            let print = try fingerprint(path: path, expectedContentSize: file.contentSize)
            return Self.judge(print, path: path, as: file, of: dataset)
        } catch {
            return Self.failure(error, path: path, file: file)
        }
    }

    /// The verdict for an error met while fingerprinting.
    static func failure(_ error: Error, path: String, file: DatasetFile) -> FileVerification {
        switch error {
        case let e as InputFileError:
            if case .missing = e { return FileVerification(file: file, path: path, status: .missing) }
            return FileVerification(file: file, path: path, status: .unreadable(e.reason))
        case let e as ResourceError:
            return FileVerification(file: file, path: path, status: .unreadable(e.description))
        default:
            return FileVerification(file: file, path: path, status: .unreadable("\(error)"))
        }
    }

    /// The verdict on a file with fingerprint `print` for `file` of `dataset`: verified if the
    /// file's or its content's checksum matches, another dataset's if it matches another known
    /// file, else wrong (a checksum that applies is known) or not verifiable (none is).
    public static func judge(_ print: Fingerprint, path: String, as file: DatasetFile, of dataset: DatasetKind) -> FileVerification {
        func result(_ status: FileVerification.Status) -> FileVerification {
            FileVerification(file: file, path: path, status: status)
        }
        if print.sha256 == file.downloadSHA256 { return result(.verified(.download)) }
        if !print.isGzip, print.sha256 == file.contentSHA256 { return result(.verified(.content)) }
        var contentSHA: String?
        switch print.content {
        case .sha256(let s)?:
            if s == file.contentSHA256 { return result(.verified(.content)) }
            contentSHA = s
        case .invalid(let reason)?:
            return result(.wrong(sha256: print.sha256, reason: reason))
        case nil:
            break
        }
        let known = DatasetCatalog.identify(fileSHA256: print.sha256, contentSHA256: contentSHA)
        if let other = known.first(where: { $0.dataset != dataset || $0.file.name != file.name }) {
            return result(.otherDataset(other))
        }
        return result(mismatch(file: file, dataset: dataset, sha: print.sha256, gzip: print.isGzip))
    }

    /// The verdict when no checksum matched: wrong when a checksum that applies to this form
    /// of the file is known, not verifiable when none is.
    static func mismatch(file: DatasetFile, dataset: DatasetKind, sha: String, gzip: Bool) -> FileVerification.Status {
        let name = dataset.displayName
        if gzip {
            switch (file.downloadSHA256 != nil, file.contentSHA256 != nil) {
            case (_, true):
                return .wrong(sha256: sha, reason: "neither the file nor its decompressed content matches \(name)'s checksums")
            case (true, false):
                return .notVerifiable(reason: "not the official download's bytes, and the checksum of \(name)'s decompressed content is not known to this tool version: not verified")
            case (false, false):
                return .notVerifiable(reason: "no checksum of this file is known to this tool version: not verified")
            }
        }
        if file.contentSHA256 != nil {
            return .wrong(sha256: sha, reason: "does not match \(name)'s checksum")
        }
        if file.isCompressed {
            return .notVerifiable(reason: "an uncompressed copy, and the checksum of \(name)'s decompressed content is not known to this tool version: not verified")
        }
        return .notVerifiable(reason: "no checksum of this file is known to this tool version: not verified")
    }

    enum Inflated {
        case success(Data)
        case failure(String)
    }

    /// The bytes of the gzip file at `path` and its decompressed content, at most
    /// `expectedSize` bytes when it is known (more is a wrong file), within the memory limit.
    func inflate(_ path: String, expectedSize: Int?) throws -> (raw: Data, content: Inflated) {
        let size = try InputFile.check(path)
        try memoryLimit.check(Saturating.sum(size, expectedSize ?? 0), subject: path,
                              purpose: "to hash it and its decompressed content in memory")
        let raw = try InputFile.read(path)
        do {
            return (raw, .success(try Gzip.decompress(raw, expectedSize: expectedSize, memory: memoryLimit.bytes - size)))
        } catch Gzip.BoundExceeded.expectedSize(let expectedSize) {
            return (raw, .failure("its content is larger than the \(expectedSize) bytes of the dataset's file"))
        } catch Gzip.BoundExceeded.memory(let maximum) {
            throw ResourceError.memory(subject: path, purpose: "to decompress it", needed: Saturating.sum(size, maximum, 1), limit: memoryLimit)
        } catch let e as GzipError {
            return (raw, .failure("not a valid gzip file: \(e)"))
        }
    }

    /// Whether the file starts with the gzip magic bytes 1f 8b.
    static func startsWithGzipMagic(_ path: String) throws -> Bool {
        try InputFile.check(path)
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 2)
        return Gzip.isGzip(head)
    }
}
