import Foundation
import Persistence
import XCTest
@testable import Training

/// The checksum table, checked against the real MNIST files, and the refusal of one dataset's
/// files given for another.
final class DatasetIdentityTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("identity-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func sharedMNIST() throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: SharedMNIST.directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw XCTSkip("MNIST not found in \(SharedMNIST.directory)")
        }
        return SharedMNIST.directory
    }

    func testCatalogChecksumsAreWellFormedAndDistinct() {
        var all: [String] = []
        for entry in DatasetCatalog.entries {
            XCTAssertFalse(entry.mirrors.isEmpty)
            for mirror in entry.mirrors { XCTAssertTrue(mirror.hasSuffix("/") && URL(string: mirror) != nil, mirror) }
            for file in entry.files + (entry.archive.map { [$0] } ?? []) {
                for sum in [file.downloadSHA256, file.contentSHA256].compactMap({ $0 }) {
                    XCTAssertEqual(sum.count, 64, file.name)
                    XCTAssertTrue(sum.allSatisfy { "0123456789abcdef".contains($0) }, file.name)
                    all.append(sum)
                }
            }
        }
        XCTAssertEqual(Set(all).count, all.count, "a checksum appears twice in the catalog")
        XCTAssertEqual(DatasetCatalog.entry(.cifar10).files.map(\.name),
                       ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"])
    }

    /// The content checksums of MNIST are those of the shared copy (decompressed by zlib here,
    /// hashed by the SHA-256 under test), and its sizes are the IDX sizes of 60,000 / 10,000 records.
    func testMNISTContentChecksumsMatchTheSharedCopy() throws {
        let directory = try sharedMNIST()
        for file in DatasetCatalog.entry(.mnist).files {
            let raw = try InputFile.read((directory as NSString).appendingPathComponent(file.name))
            let content = try Gzip.decompress(raw)
            XCTAssertEqual(content.count, file.contentSize, file.name)
            XCTAssertEqual(SHA256.hex(content), file.contentSHA256, file.name)
            // The shared .gz files were recompressed: not the official download's bytes.
            XCTAssertNotEqual(SHA256.hex(raw), file.downloadSHA256, file.name)
        }
    }

    func testIdentifyByDownloadOrContentChecksum() {
        let fashion = DatasetCatalog.entry(.fashionMNIST).files[0]
        XCTAssertEqual(DatasetCatalog.identify(fileSHA256: fashion.downloadSHA256, contentSHA256: nil),
                       [.init(dataset: .fashionMNIST, file: fashion, match: .download)])
        let mnist = DatasetCatalog.entry(.mnist).files[1]
        XCTAssertEqual(DatasetCatalog.identify(fileSHA256: "00", contentSHA256: mnist.contentSHA256),
                       [.init(dataset: .mnist, file: mnist, match: .content)])
        // An uncompressed file: its own checksum is its content's.
        XCTAssertEqual(DatasetCatalog.identify(fileSHA256: mnist.contentSHA256, contentSHA256: mnist.contentSHA256),
                       [.init(dataset: .mnist, file: mnist, match: .content)])
        XCTAssertEqual(DatasetCatalog.identify(fileSHA256: SHA256.hex("custom"), contentSHA256: SHA256.hex("set")), [])
    }

    /// The MNIST folder named as Fashion-MNIST: an error naming both datasets and the file.
    func testMNISTFolderGivenAsFashionMNISTIsRefused() throws {
        let directory = try sharedMNIST()
        XCTAssertThrowsError(try DatasetKind.fashionMNIST.load(directory: directory)) { error in
            guard let mismatch = error as? DatasetMismatchError else { return XCTFail("\(error)") }
            XCTAssertEqual(mismatch.found, .mnist)
            XCTAssertEqual(mismatch.expected, .fashionMNIST)
            XCTAssertEqual(mismatch.match, .content)
            XCTAssertEqual(mismatch.description,
                           "\(directory) holds MNIST, not Fashion-MNIST (the content of train-images-idx3-ubyte.gz matches MNIST's checksum)")
        }
    }

    /// Uncompressed MNIST files are recognized too (by the content checksum); a labels file alone suffices.
    func testUncompressedMNISTGivenAsFashionMNISTIsRefused() throws {
        let directory = try sharedMNIST()
        let (images, labels) = (IDX.encodeImages([UInt8](repeating: 7, count: 3 * 4), count: 3, rows: 2, columns: 2),
                                IDX.encodeLabels([0, 1, 2]))
        for name in ["train", "t10k"] {
            try images.write(to: folder.appendingPathComponent("\(name)-images-idx3-ubyte"))
            try labels.write(to: folder.appendingPathComponent("\(name)-labels-idx1-ubyte"))
        }
        let mnistLabels = try Gzip.decompress(InputFile.read((directory as NSString).appendingPathComponent("t10k-labels-idx1-ubyte.gz")))
        try mnistLabels.write(to: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        try IDX.encodeImages([UInt8](repeating: 7, count: 10_000 * 4), count: 10_000, rows: 2, columns: 2)
            .write(to: folder.appendingPathComponent("t10k-images-idx3-ubyte"))
        XCTAssertThrowsError(try DatasetKind.fashionMNIST.load(directory: folder.path)) { error in
            XCTAssertEqual("\(error)", "\(folder.path) holds MNIST, not Fashion-MNIST (the content of t10k-labels-idx1-ubyte matches MNIST's checksum)")
        }
        // Named as MNIST, the same folder loads (its other files are of unknown content).
        XCTAssertEqual(try DatasetKind.mnist.load(directory: folder.path).test.count, 10_000)
    }

    /// Files of unknown content are accepted under either name (a custom set in the IDX format).
    func testUnknownContentIsAcceptedUnderEitherName() throws {
        let images = try Gzip.compress(IDX.encodeImages((0..<24).map { UInt8($0) }, count: 4, rows: 2, columns: 3))
        let labels = try Gzip.compress(IDX.encodeLabels([3, 1, 4, 1]))
        for name in ["train", "t10k"] {
            try images.write(to: folder.appendingPathComponent("\(name)-images-idx3-ubyte.gz"))
            try labels.write(to: folder.appendingPathComponent("\(name)-labels-idx1-ubyte.gz"))
        }
        XCTAssertEqual(try DatasetKind.mnist.load(directory: folder.path).train.labels, [3, 1, 4, 1])
        XCTAssertEqual(try DatasetKind.fashionMNIST.load(directory: folder.path).train.labels, [3, 1, 4, 1])
    }
}
