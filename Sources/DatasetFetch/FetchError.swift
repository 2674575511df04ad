import Foundation
import Persistence
import Resources
import Training

/// Why `data fetch` could not complete. Every message names the file or folder and, for a
/// download, the URL.
public enum FetchError: Error, CustomStringConvertible, Sendable {
    /// The destination folder cannot be created or used.
    case folder(path: String, reason: String)
    /// Another fetch into the same folder is running.
    case locked(path: String, holder: String)
    /// A file is already in the folder and is not the dataset's: it is not replaced.
    case existingFile(FileVerification)
    /// Every mirror failed; the errors in order; `kept` is the partial file left for the next run.
    case download(file: String, errors: [DownloadError], kept: PartialDownload?)
    /// A downloaded file failed verification (it was deleted).
    case checksum(file: String, url: String, verification: FileVerification)
    /// The archive cannot be extracted (corrupt gzip or tar, a file missing from it).
    case archive(path: String, reason: String)
    /// Writing a file failed.
    case output(path: String, reason: String)

    public var description: String {
        switch self {
        case let .folder(path, reason): return "--dir \(path): \(reason)"
        case let .locked(path, holder): return "--dir \(path): another fetch into this folder is running (\(holder)); wait for it to end"
        case .existingFile(let v):
            return "\(v.path) is already there and is not \(v.file.name) of the dataset: \(v.detail); it is not replaced (remove it, or fetch into another --dir)"
        case let .download(file, errors, kept):
            var text = "cannot download \(file): " + errors.map(\.description).joined(separator: "; then ")
            if let kept {
                text += "; the \(MemoryLimit.format(bytes: kept.bytes)) received are kept in \(kept.path): run the same command again to resume"
            }
            return text
        case let .checksum(file, url, v):
            return "\(file) downloaded from \(url) is not the dataset's file: \(v.detail); it was deleted"
        case let .archive(path, reason): return "\(path): \(reason)"
        case let .output(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// A partial download left for the next run to resume.
public struct PartialDownload: Sendable, Equatable {
    public var path: String
    public var bytes: Int
}
