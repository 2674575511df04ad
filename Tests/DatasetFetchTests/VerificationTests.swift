import Foundation
import Persistence
import Resources
import Support
import Training
import XCTest
@testable import DatasetFetch

/// Verdicts on files and folders, the extraction of an archive, the fetch lock, the partial
/// file and the move into place, without a network.
final class VerificationTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("verify-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static let sharedMNIST: String = {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path
    }()

    func sharedFile(_ name: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: Self.sharedMNIST) else { throw XCTSkip("MNIST not found in \(Self.sharedMNIST)") }
        return try InputFile.read((Self.sharedMNIST as NSString).appendingPathComponent(name))
    }

    // MARK: Files

    func testVerdictsOnOneFile() throws {
        let labels = DatasetCatalog.entry(.mnist).files[3]
        let gz = try sharedFile(labels.name)
        let verifier = FileVerifier()
        try gz.write(to: URL(fileURLWithPath: path("a.gz")))
        XCTAssertEqual(verifier.verify(path: path("a.gz"), as: labels, of: .mnist).status, .verified(.content))
        // Uncompressed: its own checksum is the content's.
        try Gzip.decompress(gz).write(to: URL(fileURLWithPath: path("raw")))
        XCTAssertEqual(verifier.verify(path: path("raw"), as: labels, of: .mnist).status, .verified(.content))
        // MNIST's file checked as Fashion-MNIST's: another dataset's.
        let fashion = DatasetCatalog.entry(.fashionMNIST).files[3]
        guard case .otherDataset(let id) = verifier.verify(path: path("a.gz"), as: fashion, of: .fashionMNIST).status else {
            return XCTFail("expected another dataset's file")
        }
        XCTAssertEqual(id.description, "MNIST's t10k-labels-idx1-ubyte.gz")
        // Recompressed or uncompressed Fashion-MNIST-format data of unknown content: not verifiable, not "wrong".
        let custom = IDX.encodeLabels([1, 2, 3])
        try Gzip.compress(custom).write(to: URL(fileURLWithPath: path("c.gz")))
        try custom.write(to: URL(fileURLWithPath: path("c")))
        let gzVerdict = verifier.verify(path: path("c.gz"), as: fashion, of: .fashionMNIST)
        XCTAssertEqual(gzVerdict.label, "UNVERIFIED")
        XCTAssertFalse(gzVerdict.isFailure)
        XCTAssertTrue(gzVerdict.detail.contains("not known to this tool version"), gzVerdict.detail)
        XCTAssertEqual(verifier.verify(path: path("c"), as: fashion, of: .fashionMNIST).label, "UNVERIFIED")
        // The same data checked as MNIST's: MNIST's content checksum is known, so it is wrong.
        let wrong = verifier.verify(path: path("c.gz"), as: labels, of: .mnist)
        XCTAssertEqual(wrong.label, "WRONG")
        XCTAssertTrue(wrong.detail.contains("neither the file nor its decompressed content matches MNIST's checksums"), wrong.detail)
        // A .gz that is not gzip data, and one that inflates to more than the dataset's file.
        try Data([0x1F, 0x8B, 1, 2, 3]).write(to: URL(fileURLWithPath: path("bad.gz")))
        XCTAssertTrue(verifier.verify(path: path("bad.gz"), as: labels, of: .mnist).detail.contains("not a valid gzip file"))
        try Gzip.compress(Data(count: 20_000)).write(to: URL(fileURLWithPath: path("big.gz")))
        XCTAssertTrue(verifier.verify(path: path("big.gz"), as: labels, of: .mnist).detail
            .contains("its content is larger than the 10008 bytes of the dataset's file"))
        // Missing, and a folder in the file's place.
        XCTAssertEqual(verifier.verify(path: path("none"), as: labels, of: .mnist).status, .missing)
        try FileManager.default.createDirectory(atPath: path("dir"), withIntermediateDirectories: false)
        XCTAssertEqual(verifier.verify(path: path("dir"), as: labels, of: .mnist).status, .unreadable("is a directory, expected a regular file"))
    }

    func testMemoryLimitBoundsTheCheck() throws {
        let images = DatasetCatalog.entry(.mnist).files[0]
        try sharedFile(images.name).write(to: URL(fileURLWithPath: path("i.gz")))
        let tight = FileVerifier(memoryLimit: MemoryLimit(bytes: 20_000_000, origin: "--memory-limit 0.02"))
        let verdict = tight.verify(path: path("i.gz"), as: images, of: .mnist)
        XCTAssertEqual(verdict.label, "UNREADABLE")
        XCTAssertTrue(verdict.detail.contains("the limit is 20 MB (--memory-limit 0.02)"), verdict.detail)
    }

    // MARK: Folders

    func testFolderVerdictAndRecognition() throws {
        let mnist = DatasetCatalog.entry(.mnist)
        for file in mnist.files.prefix(3) { try sharedFile(file.name).write(to: URL(fileURLWithPath: path(file.name))) }
        let verifier = DatasetVerifier()
        let report = try verifier.verify(folder.path)
        XCTAssertEqual(report.dataset, .mnist)
        XCTAssertEqual(report.verifiedCount, 3)
        XCTAssertTrue(report.hasFailures)
        XCTAssertEqual(report.summary, "3 of 4 files verified, 1 missing.")
        XCTAssertEqual(report.lines.count, 6)
        XCTAssertEqual(report.lines[4], "  MISSING    t10k-labels-idx1-ubyte.gz   not found")
        // A custom IDX set: neither dataset recognized, so the folder cannot be named.
        let custom = folder.appendingPathComponent("custom")
        try FileManager.default.createDirectory(at: custom, withIntermediateDirectories: false)
        try Gzip.compress(IDX.encodeLabels([1])).write(to: custom.appendingPathComponent("train-labels-idx1-ubyte.gz"))
        XCTAssertThrowsError(try verifier.verify(custom.path)) { error in
            XCTAssertEqual("\(error)", "\(custom.path): its files match neither MNIST nor Fashion-MNIST by their checksums; give --dataset to check them against one")
        }
        XCTAssertThrowsError(try verifier.verify(path("nothing"))) { error in
            XCTAssertEqual("\(error)", "\(path("nothing")): no such file or folder")
        }
    }

    // MARK: Extraction

    /// A CIFAR-like entry whose checksums are those of synthetic batches.
    func syntheticEntry(_ batches: [String: Data], archive: Data?) -> DatasetEntry {
        DatasetEntry(kind: .cifar10, displayName: "CIFAR-10",
                     mirrors: ["http://127.0.0.1:9/"],
                     files: batches.keys.sorted().map { DatasetFile(name: $0, contentSize: batches[$0]!.count, contentSHA256: SHA256.hex(batches[$0]!)) },
                     archive: DatasetFile(name: "cifar-10-binary.tar.gz", downloadSHA256: archive.map { SHA256.hex($0) }),
                     subfolder: "cifar-10-batches-bin")
    }

    func makeArchive(_ files: [String: Data]) throws -> Data {
        let staging = folder.appendingPathComponent("staging-\(UUID().uuidString)")
        let sub = staging.appendingPathComponent("cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        for (name, data) in files { try data.write(to: sub.appendingPathComponent(name)) }
        let out = staging.appendingPathComponent("a.tar.gz")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-czf", out.path, "-C", staging.path, "cifar-10-batches-bin"]
        try process.run()
        process.waitUntilExit()
        return try Data(contentsOf: out)
    }

    func testExtractsVerifiedBatches() throws {
        let batches = ["data_batch_1.bin": Data(repeating: 3, count: 3073 * 2), "test_batch.bin": Data(repeating: 4, count: 3073 * 2)]
        let archive = try makeArchive(batches.merging(["batches.meta.txt": Data("airplane\n".utf8)]) { a, _ in a })
        try archive.write(to: URL(fileURLWithPath: path("a.tar.gz")))
        let entry = syntheticEntry(batches, archive: nil)  // the archive's own checksum unknown: the batches decide
        let destination = folder.appendingPathComponent("cifar")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
        let written = try DatasetFetcher().extract(entry, archive: entry.archive!, from: path("a.tar.gz"), into: destination.path,
                                                   subfolder: "cifar-10-batches-bin", kept: true)
        let sub = destination.appendingPathComponent("cifar-10-batches-bin")
        // The verdicts the fetch reports without reading the files again are those a
        // verification of the written files (and of the kept archive) gives.
        XCTAssertEqual(written.count, batches.count + 1)
        for verdict in written.dropLast() {
            XCTAssertEqual(verdict, FileVerifier().verify(path: verdict.path, as: verdict.file, of: entry.kind))
        }
        XCTAssertEqual(written.last, DatasetVerifier().verifyArchive(path("a.tar.gz"), as: entry.archive!, of: entry.kind))
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: sub.path)), ["data_batch_1.bin", "test_batch.bin", "batches.meta.txt"])
        for (name, data) in batches { XCTAssertEqual(try Data(contentsOf: sub.appendingPathComponent(name)), data) }
        XCTAssertEqual(CIFAR10.batchFolder(in: destination.path), sub.path)

        // One batch altered: refused, naming it.
        let altered = syntheticEntry(batches.merging(["test_batch.bin": Data(repeating: 5, count: 3073 * 2)]) { _, b in b }, archive: nil)
        XCTAssertThrowsError(try DatasetFetcher().extract(altered, archive: altered.archive!, from: path("a.tar.gz"),
                                                          into: destination.path, subfolder: "cifar-10-batches-bin")) { error in
            XCTAssertTrue("\(error)".contains("cifar-10-batches-bin/test_batch.bin in it: does not match CIFAR-10's checksum"), "\(error)")
        }
        // The archive larger than the memory limit: refused before it is read.
        let small = DatasetFetcher(options: .init(memoryLimit: MemoryLimit(bytes: 1000, origin: "--memory-limit 1e-6")))
        XCTAssertThrowsError(try small.extract(entry, archive: entry.archive!, from: path("a.tar.gz"), into: destination.path,
                                               subfolder: "cifar-10-batches-bin")) { error in
            guard case .memory? = error as? ResourceError else { return XCTFail("\(error)") }
        }
    }

    /// A folder's verdict takes the verdicts already reached (a fetch's) instead of reading
    /// those files again; the others are read.
    func testFolderVerdictUsesTheVerdictsGiven() throws {
        let entry = DatasetCatalog.entry(.mnist)
        let paths = entry.paths(in: folder.path)
        let given = FileVerification(file: paths[0].file, path: paths[0].path, status: .verified(.download))
        let report = try DatasetVerifier().verify(folder.path, as: .mnist, checked: [given.path: given])
        XCTAssertEqual(report.files.first, given, "not read: the file is not even there")
        XCTAssertEqual(report.files.dropFirst().map(\.status), [.missing, .missing, .missing])
    }

    /// A batch of unknown checksum is accepted only from an archive that matched its own.
    func testBatchOfUnknownChecksumNeedsAVerifiedArchive() throws {
        let batches = ["data_batch_1.bin": Data(repeating: 3, count: 3073)]
        let archive = try makeArchive(batches)
        try archive.write(to: URL(fileURLWithPath: path("a.tar.gz")))
        var entry = syntheticEntry(batches, archive: archive)
        entry.files[0].contentSHA256 = nil
        let destination = folder.path
        XCTAssertNoThrow(try DatasetFetcher().extract(entry, archive: entry.archive!, from: path("a.tar.gz"), into: destination,
                                                      subfolder: "cifar-10-batches-bin"))
        entry.archive!.downloadSHA256 = SHA256.hex("another archive")
        XCTAssertThrowsError(try DatasetFetcher().extract(entry, archive: entry.archive!, from: path("a.tar.gz"), into: destination,
                                                          subfolder: "cifar-10-batches-bin")) { error in
            XCTAssertTrue("\(error)".contains("no checksum of this file or of the archive matched"), "\(error)")
        }
    }

    /// The batch folder must be a real folder: a symbolic link would send the files elsewhere.
    func testExtractionRefusesALinkedSubfolder() throws {
        let batches = ["data_batch_1.bin": Data(repeating: 3, count: 3073)]
        try makeArchive(batches).write(to: URL(fileURLWithPath: path("a.tar.gz")))
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: false)
        let destination = folder.appendingPathComponent("d")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: destination.appendingPathComponent("cifar-10-batches-bin").path, withDestinationPath: elsewhere.path)
        let entry = syntheticEntry(batches, archive: nil)
        XCTAssertThrowsError(try DatasetFetcher().extract(entry, archive: entry.archive!, from: path("a.tar.gz"), into: destination.path,
                                                          subfolder: "cifar-10-batches-bin")) { error in
            XCTAssertTrue("\(error)".contains("it is a symbolic link, expected a folder"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path), [])
    }

    // MARK: Lock, partial file, move into place

    func testOneFetchPerFolder() throws {
        guard let lock = try FileLock.tryLock(path(".fetch.lock")) else { return XCTFail("lock not taken") }
        defer { lock.release() }
        XCTAssertThrowsError(try DatasetFetcher(options: .init(mirror: "http://127.0.0.1:9/")).fetch(.mnist, into: folder.path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("--dir \(folder.path): another fetch into this folder is running (process \(getpid())"), "\(error)")
        }
    }

    func testPartialFileRefusesLinksAndOtherKinds() throws {
        let victim = path("victim")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: path("x.part"), withDestinationPath: victim)
        XCTAssertThrowsError(try PartialFile(path: path("x.part"))) { error in
            XCTAssertEqual(error as? DownloadError, .partFile(path: path("x.part"), reason: "is a symbolic link; remove it"))
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: victim)), Data("keep".utf8))
        XCTAssertEqual(mkfifo(path("f.part"), 0o644), 0)
        XCTAssertThrowsError(try PartialFile(path: path("f.part")))
        let part = try PartialFile(path: path("ok.part"))
        try part.append(Data("abc".utf8))
        try part.append(Data("de".utf8))
        XCTAssertEqual(part.size, 5)
        part.close()
        XCTAssertEqual(try PartialFile(path: path("ok.part")).size, 5)
    }

    func testInstallMovesIntoPlaceUnderTheOutputPolicy() throws {
        try Data("new".utf8).write(to: URL(fileURLWithPath: path("f.part")))
        try OutputTarget(path("f")).install(movingFrom: path("f.part"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("f"))), Data("new".utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("f.part")))
        // Something other than a regular file appeared at the name since the target was resolved.
        try Data("x".utf8).write(to: URL(fileURLWithPath: path("g.part")))
        let target = try OutputTarget(path("g"))
        try FileManager.default.createDirectory(atPath: path("g"), withIntermediateDirectories: false)
        XCTAssertThrowsError(try target.install(movingFrom: path("g.part"))) { error in
            XCTAssertEqual(error as? AtomicFileError, .notARegularFile(path: target.path, kind: .directory))
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("g.part")))
    }

    func testProgressLine() {
        let p = DownloadProgress(name: "x.gz", received: 6_000_000, total: 10_000_000, resumedFrom: 2_000_000, elapsed: 2)
        XCTAssertEqual(p.rate, 2_000_000)
        XCTAssertEqual(p.secondsLeft, 2)
        XCTAssertEqual(p.line, "x.gz  6.0 MB of 10 MB (60%)  2.0 MB/s  ETA 2.0s")
        XCTAssertEqual(DownloadProgress(name: "y", received: 1500, total: nil, resumedFrom: 0, elapsed: 0).line, "y  1.5 kB")
        XCTAssertEqual(ProgressReporter.duration(187), "3m07s")
    }
}
