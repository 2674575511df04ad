import Foundation
import Persistence
import Resources
import Training

/// Why a folder could not be verified at all (as opposed to a file in it being wrong).
public enum VerifyError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The folder does not exist or is not a folder.
    case folder(InputFileError)
    /// No file of any known dataset is in the folder.
    case noDatasetFiles(directory: String)
    /// Files of the MNIST format whose checksums match neither MNIST nor Fashion-MNIST.
    case notIdentified(directory: String, candidates: [DatasetKind])

    public var description: String {
        switch self {
        case .folder(let e): return e.description
        case .noDatasetFiles(let d):
            return "\(d) holds no dataset files (MNIST and Fashion-MNIST: train-images-idx3-ubyte.gz …; CIFAR-10: data_batch_1.bin …)"
        case let .notIdentified(d, candidates):
            let names = candidates.map(\.displayName).joined(separator: " nor ")
            return "\(d): its files match neither \(names) by their checksums; give --dataset to check them against one"
        }
    }
}

/// The verdict on a dataset folder: one line per file the loader reads (and the archive, when
/// one lies in the folder).
public struct FolderVerification: Sendable {
    public var directory: String
    public var dataset: DatasetKind
    public var files: [FileVerification]

    public var verifiedCount: Int { files.filter(\.isVerified).count }
    /// True when every file is verified.
    public var allVerified: Bool { files.allSatisfy(\.isVerified) }
    /// True when a file is missing, wrong, another dataset's or unreadable.
    public var hasFailures: Bool { files.contains(where: \.isFailure) }

    /// The report: a heading, one line per file, a summary.
    public var lines: [String] {
        let width = files.map { ($0.path as NSString).lastPathComponent.count }.max() ?? 0
        var out = ["\(dataset.displayName) in \(directory):"]
        for f in files {
            let name = (f.path as NSString).lastPathComponent
            out.append("  " + f.label.padding(toLength: 10, withPad: " ", startingAt: 0) + " " +
                       name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + f.detail)
        }
        out.append(summary)
        return out
    }

    /// `4 of 4 files verified.` or what is wrong.
    public var summary: String {
        let count = files.count
        if allVerified { return "\(count) of \(count) files verified." }
        var parts = ["\(verifiedCount) of \(count) files verified"]
        let missing = files.filter { $0.status == .missing }.count
        let wrong = files.filter { f in
            switch f.status {
            case .wrong, .otherDataset: return true
            default: return false
            }
        }.count
        let unverifiable = files.filter { f in
            if case .notVerifiable = f.status { return true }
            return false
        }.count
        let unreadable = files.filter { f in
            if case .unreadable = f.status { return true }
            return false
        }.count
        if missing > 0 { parts.append("\(missing) missing") }
        if wrong > 0 { parts.append("\(wrong) wrong") }
        if unreadable > 0 { parts.append("\(unreadable) unreadable") }
        if unverifiable > 0 { parts.append("\(unverifiable) not verifiable (checksum not known to this tool version)") }
        return parts.joined(separator: ", ") + "."
    }
}

/// Verifies the dataset files in a folder against ``DatasetCatalog``.
public struct DatasetVerifier: Sendable {
    public var fileVerifier: FileVerifier

    public init(memoryLimit: MemoryLimit = .default) {
        fileVerifier = FileVerifier(memoryLimit: memoryLimit)
    }

    /// The verdict on `directory` as a folder of `dataset`. CIFAR-10's archive
    /// (`cifar-10-binary.tar.gz`) is checked too when it lies in the folder.
    /// `checked` holds verdicts already reached on files of the folder, by path (those of a
    /// fetch that has just checked them): they are used instead of reading the files again.
    public func verify(_ directory: String, as dataset: DatasetKind, checked: [String: FileVerification] = [:]) throws -> FolderVerification {
        try checkFolder(directory)
        let entry = DatasetCatalog.entry(dataset)
        var files = entry.paths(in: directory).map { checked[$0.path] ?? fileVerifier.verify(path: $0.path, as: $0.file, of: dataset) }
        if let archive = entry.archive {
            let path = (directory as NSString).appendingPathComponent(archive.name)
            if InputFile.entryExists(path) { files.append(checked[path] ?? verifyArchive(path, as: archive, of: dataset)) }
        }
        return FolderVerification(directory: directory, dataset: dataset, files: files)
    }

    /// The verdict on `directory` as the dataset its files belong to: the one with the most
    /// verified files among those whose files are present.
    public func verify(_ directory: String) throws -> FolderVerification {
        try checkFolder(directory)
        let present = DatasetCatalog.entries.filter { entry in
            entry.paths(in: directory).contains { InputFile.entryExists($0.path) }
        }
        guard !present.isEmpty else { throw VerifyError.noDatasetFiles(directory: directory) }
        // MNIST and Fashion-MNIST share their file names: each file is hashed once.
        var prints: [String: Result<FileVerifier.Fingerprint, Error>] = [:]
        var reports: [FolderVerification] = []
        for entry in present {
            var files: [FileVerification] = []
            for (file, path) in entry.paths(in: directory) {
                if prints[path] == nil {
                    prints[path] = Result { try fileVerifier.fingerprint(path: path, expectedContentSize: file.contentSize) }
                }
                switch prints[path]! {
                case .success(let print): files.append(FileVerifier.judge(print, path: path, as: file, of: entry.kind))
                case .failure(let error): files.append(FileVerifier.failure(error, path: path, file: file))
                }
            }
            if let archive = entry.archive {
                let path = (directory as NSString).appendingPathComponent(archive.name)
                if InputFile.entryExists(path) { files.append(verifyArchive(path, as: archive, of: entry.kind)) }
            }
            reports.append(FolderVerification(directory: directory, dataset: entry.kind, files: files))
        }
        let best = reports.map(\.verifiedCount).max() ?? 0
        let leaders = reports.filter { $0.verifiedCount == best }
        guard leaders.count == 1 else {
            throw VerifyError.notIdentified(directory: directory, candidates: leaders.map(\.dataset))
        }
        return leaders[0]
    }

    /// An archive is checked by the checksum of its bytes only (it is not decompressed).
    func verifyArchive(_ path: String, as file: DatasetFile, of dataset: DatasetKind) -> FileVerification {
        do {
            return Self.archiveVerification(sha256: try SHA256.hexDigest(ofFile: path), path: path, as: file)
        } catch {
            return FileVerifier.failure(error, path: path, file: file)
        }
    }

    /// The verdict on an archive whose bytes have the SHA-256 `sha256`.
    static func archiveVerification(sha256 sha: String, path: String, as file: DatasetFile) -> FileVerification {
        if sha == file.downloadSHA256 { return FileVerification(file: file, path: path, status: .verified(.download)) }
        return FileVerification(file: file, path: path, status: file.downloadSHA256 == nil
            ? .notVerifiable(reason: "no checksum of this file is known to this tool version: not verified")
            : .wrong(sha256: sha, reason: "does not match the official download's checksum"))
    }

    func checkFolder(_ directory: String) throws {
        do { try InputFile.checkFolder(directory) } catch let e as InputFileError { throw VerifyError.folder(e) }
    }
}
