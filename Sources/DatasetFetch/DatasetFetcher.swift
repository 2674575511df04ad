import Foundation
import Persistence
import Resources
import Training
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a fetch is doing, for the command to show.
public enum FetchEvent: Sendable {
    /// A file already in the folder, checked.
    case present(FileVerification)
    /// A download starts (`resumingFrom` > 0: continuing a partial file).
    case downloading(file: String, url: String, resumingFrom: Int)
    case progress(DownloadProgress)
    /// An attempt failed; the next one resumes or tries the next mirror.
    case retrying(file: String, error: DownloadError)
    /// A downloaded file, verified and moved into place.
    case downloaded(FileVerification, bytes: Int, seconds: Double)
    /// Files extracted from an archive.
    case extracted(archive: String, files: [String])
}

/// Downloads a dataset into a folder, from its usual public locations or a mirror, resuming
/// partial downloads, and keeps only files that match the checksums compiled into the tool.
///
/// Each file is downloaded to `NAME.part` beside its final name (kept between runs, so that a
/// run resumes where the last one stopped), verified, then renamed into place: the final
/// name never holds a partial or unverified file. Files already present are verified and
/// kept; one that is wrong is reported, never replaced. CIFAR-10's archive is verified, its
/// batches are checked and extracted into `cifar-10-batches-bin/`, and the downloaded archive
/// is deleted. One fetch at a time per folder (a lock file `.fetch.lock`).
public struct DatasetFetcher: Sendable {
    public struct Options: Sendable {
        /// A base URL replacing the dataset's usual locations (a file's URL is the base + its name).
        public var mirror: String?
        /// Seconds without data before an attempt is abandoned.
        public var timeout: Double
        /// Further attempts, each resuming the partial file, after a transfer stops midway.
        public var retries: Int
        /// What the files being checked or extracted may take in memory.
        public var memoryLimit: MemoryLimit

        public init(mirror: String? = nil, timeout: Double = 30, retries: Int = 3, memoryLimit: MemoryLimit = .default) {
            self.mirror = mirror
            self.timeout = timeout
            self.retries = retries
            self.memoryLimit = memoryLimit
        }
    }

    public var options: Options
    private let events: @Sendable (FetchEvent) -> Void

    public init(options: Options = Options(), events: @escaping @Sendable (FetchEvent) -> Void = { _ in }) {
        self.options = options
        self.events = events
    }

    /// The base URLs tried, in order: the mirror alone when one is given (with a final `/`).
    public func mirrors(for entry: DatasetEntry) throws -> [String] {
        guard let mirror = options.mirror else { return entry.mirrors }
        let base = mirror.hasSuffix("/") ? mirror : mirror + "/"
        _ = try HTTPDownloader.url(base)
        return [base]
    }

    /// Fetches `kind` into `directory` (created if missing) and returns the verdict on the folder.
    @discardableResult
    public func fetch(_ kind: DatasetKind, into directory: String) throws -> FolderVerification {
        let entry = DatasetCatalog.entry(kind)
        let mirrors = try self.mirrors(for: entry)
        try Self.makeFolder(directory)
        let lockPath = (directory as NSString).appendingPathComponent(".fetch.lock")
        let lock: FileLock
        do {
            guard let taken = try FileLock.tryLock(lockPath) else {
                throw FetchError.locked(path: directory, holder: FileLock.holder(of: lockPath)?.description ?? "another process")
            }
            lock = taken
        } catch let e as FileLockError { throw FetchError.folder(path: directory, reason: e.description) }
        defer { lock.release() }

        let verifier = FileVerifier(memoryLimit: options.memoryLimit)
        // Every file checked on the way, by path: the folder's verdict reuses them instead of
        // reading every file again.
        var checked: [String: FileVerification] = [:]
        if entry.archive == nil {
            for (file, path) in entry.paths(in: directory) {
                if InputFile.entryExists(path) {
                    checked[path] = try keepPresent(verifier.verify(path: path, as: file, of: kind))
                    continue
                }
                let destination = (directory as NSString).appendingPathComponent(file.name)
                checked[destination] = try download(file, mirrors: mirrors, to: destination) { part in
                    verifier.verify(path: part, as: file, of: kind)
                }
            }
        } else {
            for verification in try fetchArchived(entry, mirrors: mirrors, into: directory, verifier: verifier) {
                checked[verification.path] = verification
            }
        }
        return try DatasetVerifier(memoryLimit: options.memoryLimit).verify(directory, as: kind, checked: checked)
    }

    /// A file already present: reported when verified (or not verifiable), refused when wrong.
    private func keepPresent(_ verification: FileVerification) throws -> FileVerification {
        guard !verification.isFailure else { throw FetchError.existingFile(verification) }
        events(.present(verification))
        return verification
    }

    /// Downloads `file` through `destination.part`, from each mirror in turn until one gives a
    /// file that `check` verifies, resuming after an interruption up to `options.retries` times
    /// per mirror. With `install`, the verified file is renamed to `destination`; without, it
    /// stays the `.part` file for the caller. Returns the verification of the file at its path.
    private func download(_ file: DatasetFile, mirrors: [String], to destination: String, install: Bool = true,
                          check: (String) -> FileVerification) throws -> FileVerification {
        let target: OutputTarget
        do { target = try OutputTarget(destination) } catch { throw FetchError.output(path: destination, reason: "\(error)") }
        let part = destination + ".part"
        let downloader = HTTPDownloader(timeout: options.timeout)
        var errors: [DownloadError] = []
        var rejected: (url: String, verification: FileVerification)?
        for mirror in mirrors {
            let urlText = mirror + file.name
            let url = try HTTPDownloader.url(urlText)
            var attempt = 0
            var outcome: HTTPDownloader.Outcome?
            while outcome == nil {
                attempt += 1
                events(.downloading(file: file.name, url: urlText, resumingFrom: Self.size(of: part)))
                do {
                    outcome = try downloader.download(url, to: part, name: file.name) { [events] in events(.progress($0)) }
                } catch let e as DownloadError {
                    if case .partFile = e { throw e }  // a local problem: no mirror can help
                    if case .interrupted = e, attempt <= options.retries {
                        events(.retrying(file: file.name, error: e))
                        continue
                    }
                    errors.append(e)
                    break
                }
            }
            // A partial file stays for the next mirror, or the next run, to resume; an empty one goes.
            guard let outcome else {
                if Self.size(of: part) == 0, FileSystemEntry.isRegularFile(part) { unlink(part) }
                continue
            }
            let verification = check(part)
            guard verification.isVerified else {
                unlink(part)
                rejected = (urlText, verification)
                continue
            }
            if install {
                do { try target.install(movingFrom: part) } catch { throw FetchError.output(path: destination, reason: "\(error)") }
            }
            let installed = FileVerification(file: verification.file, path: install ? destination : part, status: verification.status)
            events(.downloaded(installed, bytes: outcome.size, seconds: outcome.seconds))
            return installed
        }
        if let rejected, errors.isEmpty || mirrors.count == 1 {
            throw FetchError.checksum(file: file.name, url: rejected.url, verification: rejected.verification)
        }
        let kept = Self.size(of: part)
        throw FetchError.download(file: file.name, errors: errors, kept: kept > 0 ? PartialDownload(path: part, bytes: kept) : nil)
    }

    /// CIFAR-10: the batches if they are all present and verified; otherwise the archive (the
    /// one in the folder, or downloaded), checked and extracted. Returns the verifications of
    /// the files checked (the batches, and an archive kept in the folder).
    private func fetchArchived(_ entry: DatasetEntry, mirrors: [String], into directory: String,
                               verifier: FileVerifier) throws -> [FileVerification] {
        guard let archive = entry.archive, let subfolder = entry.subfolder else { return [] }
        let present = entry.paths(in: directory).filter { InputFile.entryExists($0.path) }
        let checked = try present.map { try keepPresent(verifier.verify(path: $0.path, as: $0.file, of: entry.kind)) }
        if present.count == entry.files.count { return checked }

        let archivePath = (directory as NSString).appendingPathComponent(archive.name)
        if InputFile.entryExists(archivePath) {
            // An archive the user put there: used, and kept.
            return checked + (try extract(entry, archive: archive, from: archivePath, into: directory, subfolder: subfolder, kept: true))
        }
        // Downloaded archives stay `.part` files, deleted once extracted: the archive's bytes are
        // checked with its batches during extraction (either matching its checksum or all the
        // batches matching theirs).
        let part = try download(archive, mirrors: mirrors, to: archivePath, install: false) { part in
            FileVerification(file: archive, path: part, status: .verified(.download))
        }.path
        defer { unlink(part) }
        return checked + (try extract(entry, archive: archive, from: part, into: directory, subfolder: subfolder, kept: false))
    }

    /// Reads the archive at `path` (within the memory limit), checks it and every batch in it,
    /// and writes the files of `subfolder` into `directory/subfolder`. Returns the verdicts on
    /// the batches written (as a verification of the folder would give them) and, when the
    /// archive is `kept` in the folder, on the archive.
    @discardableResult
    func extract(_ entry: DatasetEntry, archive: DatasetFile, from path: String, into directory: String, subfolder: String,
                 kept: Bool = false) throws -> [FileVerification] {
        let name = (path as NSString).lastPathComponent
        let size: Int
        do { size = try InputFile.check(path) } catch { throw FetchError.archive(path: path, reason: "\(error)") }
        let expectedContent = entry.files.compactMap(\.contentSize).reduce(0, +)
        try options.memoryLimit.check(Saturating.sum(size, expectedContent), subject: path,
                                      purpose: "to extract it in memory (\(MemoryLimit.format(bytes: size)) and its content)")
        let inflated: Data
        let archiveSHA: String
        do {
            let raw = try InputFile.read(path)
            archiveSHA = SHA256.hex(raw)
            inflated = try Gzip.decompress(raw, expectedSize: nil, memory: options.memoryLimit.bytes - size)
        } catch is Gzip.BoundExceeded {
            throw ResourceError.memory(subject: path, purpose: "to extract it (its content is larger than what the limit leaves)",
                                       needed: Saturating.sum(options.memoryLimit.bytes, 1), limit: options.memoryLimit)
        } catch let e as GzipError {
            throw FetchError.archive(path: path, reason: "not a valid gzip file: \(e)")
        } catch {
            throw FetchError.archive(path: path, reason: "\(error)")
        }
        let tar: TarArchive
        do { tar = try TarArchive(inflated, name: name) } catch { throw FetchError.archive(path: path, reason: "\(error)") }
        let archiveVerified = archiveSHA == archive.downloadSHA256

        // Every batch must be in the archive and match its checksum when one is known; a batch
        // whose checksum is not known is accepted only from an archive that matched its own.
        var files: [(path: String, data: Data)] = []
        var written: [FileVerification] = []
        for file in entry.files {
            guard let found = tar.entries.first(where: { $0.path == subfolder + "/" + file.name }) else {
                throw FetchError.archive(path: path, reason: "\(subfolder)/\(file.name) is not in the archive")
            }
            let sha = SHA256.hex(found.data)
            let verification = FileVerification(
                file: file, path: (directory as NSString).appendingPathComponent(found.path),
                status: sha == file.contentSHA256 ? .verified(.content)
                    : file.contentSHA256 != nil ? .wrong(sha256: sha, reason: "does not match \(entry.displayName)'s checksum")
                    : archiveVerified ? .verified(.download)
                    : .notVerifiable(reason: "no checksum of this file or of the archive matched"))
            guard verification.isVerified else {
                throw FetchError.archive(path: path, reason: "\(found.path) in it: \(verification.detail)")
            }
            files.append((found.path, found.data))
            // The file as written, judged as a verification of the folder judges it.
            written.append(FileVerifier.judge(FileVerifier.Fingerprint(sha256: sha, isGzip: false, content: nil),
                                              path: verification.path, as: file, of: entry.kind))
        }
        // The other files of the folder (batches.meta.txt, readme.html) come along.
        for other in tar.entries where other.path.hasPrefix(subfolder + "/") && !files.contains(where: { $0.path == other.path }) {
            files.append((other.path, other.data))
        }
        let folder = (directory as NSString).appendingPathComponent(subfolder)
        try Self.makeSubfolder(folder)
        for file in files {
            let destination = (directory as NSString).appendingPathComponent(file.path)
            guard (destination as NSString).deletingLastPathComponent == folder else { continue }  // nested folders: not a dataset's
            do { try AtomicFile.write(file.data, to: destination) } catch { throw FetchError.output(path: destination, reason: "\(error)") }
        }
        events(.extracted(archive: name, files: files.map(\.path)))
        if kept { written.append(DatasetVerifier.archiveVerification(sha256: archiveSHA, path: path, as: archive)) }
        return written
    }

    /// Creates `directory` and its missing parents; an existing one must be a folder.
    static func makeFolder(_ directory: String) throws {
        guard !directory.isEmpty else { throw FetchError.folder(path: directory, reason: "the path is empty") }
        do {
            try InputFile.checkFolder(directory)
            return
        } catch InputFileError.missing {
        } catch let e as InputFileError {
            throw FetchError.folder(path: directory, reason: e.reason)
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw FetchError.folder(path: directory, reason: "cannot create it: \((error as NSError).localizedDescription)")
        }
    }

    /// The archive's folder inside the dataset folder: created, or an existing real folder
    /// (not a symbolic link, which would send the extracted files elsewhere).
    static func makeSubfolder(_ path: String) throws {
        var s = stat()
        if lstat(path, &s) == 0 {
            let kind = FileKind(mode: s.st_mode)
            guard kind == .directory else { throw FetchError.output(path: path, reason: "it is \(kind), expected a folder") }
            return
        }
        guard mkdir(path, 0o755) == 0 else {
            throw FetchError.output(path: path, reason: "cannot create the folder: \(String(cString: strerror(errno)))")
        }
    }

    /// The size of the regular file at `path`, 0 if there is none.
    static func size(of path: String) -> Int {
        var s = stat()
        return lstat(path, &s) == 0 && FileKind(mode: s.st_mode) == .regularFile ? Int(s.st_size) : 0
    }
}

enum FileSystemEntry {
    /// Whether `path` is a regular file (not following a final symbolic link).
    static func isRegularFile(_ path: String) -> Bool {
        var s = stat()
        return lstat(path, &s) == 0 && FileKind(mode: s.st_mode) == .regularFile
    }
}
