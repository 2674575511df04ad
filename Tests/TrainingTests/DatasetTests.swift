import Foundation
import XCTest
@testable import Training

/// The real MNIST files of ../shared/data/mnist (relative to the package root), loaded once.
enum SharedMNIST {
    static let directory: String = {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path
    }()

    /// nil only when the folder does not exist; a load error is kept (never turned into a skip).
    static let loaded: Result<(train: Dataset, test: Dataset), any Error>? = {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else { return nil }
        return Result { try DatasetKind.mnist.load(directory: directory) }
    }()

    /// The real sets, or nil when the folder does not exist. A folder that exists but does not
    /// load fails the calling test (a loader regression must not pass as "no data").
    static var sets: (train: Dataset, test: Dataset)? {
        switch loaded {
        case nil: return nil
        case .success(let sets)?: return sets
        case .failure(let error)?:
            XCTFail("MNIST folder \(directory) exists but does not load: \(error)")
            return nil
        }
    }
}

final class DatasetTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("training-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func write(_ data: Data, _ name: String) throws { try data.write(to: folder.appendingPathComponent(name)) }

    /// A small IDX pair of `count` 3×2 images with pixel (i, p) = 10·i + p and labels i mod 10.
    func smallIDX(count: Int = 4) -> (images: Data, labels: Data) {
        let pixels = (0..<count).flatMap { i in (0..<6).map { UInt8((10 * i + $0) % 256) } }
        return (IDX.encodeImages(pixels, count: count, rows: 3, columns: 2),
                IDX.encodeLabels((0..<count).map { UInt8($0 % 10) }))
    }

    func assertError(_ expression: @autoclosure () throws -> Any, contains fragments: [String],
                     file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try expression()
            XCTFail("expected an error", file: file, line: line)
        } catch {
            let text = "\(error)"
            for f in fragments { XCTAssertTrue(text.contains(f), "'\(text)' should mention '\(f)'", file: file, line: line) }
        }
    }

    // MARK: Real MNIST

    func testRealMNIST() throws {
        guard let loaded = SharedMNIST.loaded else {
            throw XCTSkip("MNIST not found in \(SharedMNIST.directory)")
        }
        let sets = try loaded.get()
        XCTAssertEqual(sets.train.count, 60000)
        XCTAssertEqual(sets.test.count, 10000)
        XCTAssertEqual(sets.train.features, 784)
        XCTAssertEqual(sets.train.classes, 10)
        XCTAssertEqual(Array(sets.train.labels.prefix(5)), [5, 0, 4, 1, 9])
        XCTAssertEqual(Array(sets.test.labels.prefix(5)), [7, 2, 1, 0, 4])
        XCTAssertEqual(sets.train.images.count, 60000 * 784)
        XCTAssertTrue(sets.train.images.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertEqual(sets.train.images.max(), 1)
        // Class counts of the training set (a content check independent of the compression).
        var counts = [Int](repeating: 0, count: 10)
        for l in sets.train.labels { counts[Int(l)] += 1 }
        XCTAssertEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        // The accuracy the reference records for a diverged network (NaN outputs → class 0):
        // MNIST's test set has 980 zeros.
        XCTAssertEqual(MetricsDocument.nanOutputAccuracy(labels: sets.test.labels), 0.098)
    }

    // MARK: Formats written by the tests

    func testRawAndGzippedIDX() throws {
        let (images, labels) = smallIDX()
        for (suffix, transform) in [("", { (d: Data) in d }), (".gz", { (d: Data) in try! Gzip.compress(d) })] {
            let sub = folder.appendingPathComponent("set\(suffix.isEmpty ? "raw" : "gz")")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            for name in ["train", "t10k"] {
                try transform(images).write(to: sub.appendingPathComponent("\(name)-images-idx3-ubyte\(suffix)"))
                try transform(labels).write(to: sub.appendingPathComponent("\(name)-labels-idx1-ubyte\(suffix)"))
            }
            let sets = try DatasetKind.fashionMNIST.load(directory: sub.path)
            XCTAssertEqual(sets.train.count, 4)
            XCTAssertEqual(sets.train.features, 6)
            XCTAssertEqual(sets.test.labels, [0, 1, 2, 3])
            XCTAssertEqual(Array(sets.train.image(2)), (20..<26).map { Float($0) / 255 })
        }
    }

    func testGzipRoundTripAndMultipleMembers() throws {
        let a = Data((0..<100_000).map { UInt8($0 % 251) }), b = Data("tail".utf8)
        XCTAssertEqual(try Gzip.decompress(Gzip.compress(a)), a)
        XCTAssertEqual(try Gzip.decompress(Gzip.compress(a) + Gzip.compress(b)), a + b)
        XCTAssertEqual(try Gzip.decompress(Gzip.compress(Data())), Data())
    }

    func testCIFAR10() throws {
        let features = CIFAR10.features
        for (i, name) in ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"].enumerated() {
            let labels: [UInt8] = [UInt8(i), 9]
            let pixels = (0..<(2 * features)).map { UInt8(($0 + i) % 256) }
            try write(CIFAR10.encode(labels: labels, pixels: pixels), "\(name).bin")
        }
        let sets = try DatasetKind.cifar10.load(directory: folder.path)
        XCTAssertEqual(sets.train.count, 10)
        XCTAssertEqual(sets.train.features, 3072)
        XCTAssertEqual(sets.train.labels, [0, 9, 1, 9, 2, 9, 3, 9, 4, 9])
        XCTAssertEqual(sets.test.labels, [5, 9])
        XCTAssertEqual(sets.test.images[0], Float(5) / 255)
        XCTAssertEqual(sets.test.images[features], Float((features + 5) % 256) / 255)
    }

    func testCIFAR10RejectsBatchesOfUnequalRecordCounts() throws {
        let features = CIFAR10.features
        func batch(_ n: Int) -> Data {
            CIFAR10.encode(labels: [UInt8](repeating: 1, count: n), pixels: [UInt8](repeating: 9, count: n * features))
        }
        // data_batch_3 is cut at a record boundary (2 records instead of 3): a whole number of records.
        for (name, n) in [("data_batch_1", 3), ("data_batch_2", 3), ("data_batch_3", 2), ("data_batch_4", 3),
                          ("data_batch_5", 3), ("test_batch", 3)] {
            try write(batch(n), "\(name).bin")
        }
        assertError(try DatasetKind.cifar10.load(directory: folder.path),
                    contains: [path("data_batch_3.bin"), "holds 2 records", "hold 3 each"])
        // The first file short: still the short one is named.
        try write(batch(3), "data_batch_3.bin")
        try write(batch(1), "data_batch_1.bin")
        assertError(try DatasetKind.cifar10.load(directory: folder.path),
                    contains: [path("data_batch_1.bin"), "holds 1 records", "hold 3 each"])
        // A short test batch (training batches all equal).
        try write(batch(3), "data_batch_1.bin")
        try write(batch(2), "test_batch.bin")
        assertError(try DatasetKind.cifar10.load(directory: folder.path),
                    contains: [path("test_batch.bin"), "holds 2 records", "hold 3 each"])
        try write(batch(3), "test_batch.bin")
        let sets = try DatasetKind.cifar10.load(directory: folder.path)
        XCTAssertEqual(sets.train.count, 15)
        XCTAssertEqual(sets.test.count, 3)
        // An explicit expectation.
        assertError(try CIFAR10.load(files: [path("data_batch_1.bin")], name: "x", recordsPerFile: 10000),
                    contains: [path("data_batch_1.bin"), "holds 3 records", "hold 10000 each"])
    }

    // MARK: Corruption

    func testMissingFilesAndDirectory() throws {
        assertError(try DatasetKind.mnist.load(directory: path("nowhere")), contains: ["nowhere", "not found"])
        assertError(try DatasetKind.mnist.load(directory: folder.path), contains: ["train-images-idx3-ubyte", "file not found"])
        assertError(try DatasetKind.cifar10.load(directory: folder.path), contains: ["data_batch_1.bin", "file not found"])
    }

    func testIDXCorruptions() throws {
        let (images, labels) = smallIDX()
        // wrong magic (a labels file given as images)
        try write(labels, "a-images")
        assertError(try IDX.parseImages(Data(contentsOf: folder.appendingPathComponent("a-images")), path: path("a-images")),
                    contains: ["a-images", "magic", "0x00000801", "0x00000803"])
        // truncated images (last image cut) and header-only truncation
        assertError(try IDX.parseImages(images.prefix(images.count - 3), path: "imgs"), contains: ["imgs", "truncated", "3 whole images"])
        assertError(try IDX.parseImages(images.prefix(10), path: "imgs"), contains: ["imgs", "truncated"])
        assertError(try IDX.parseImages(Data(), path: "imgs"), contains: ["imgs", "truncated"])
        // trailing bytes
        assertError(try IDX.parseImages(images + Data([1, 2]), path: "imgs"), contains: ["imgs", "2 unexpected bytes"])
        // bad dimensions
        assertError(try IDX.parseImages(IDX.encodeImages([], count: 0, rows: 3, columns: 2), path: "imgs"), contains: ["imgs", "0 images"])
        assertError(try IDX.parseImages(IDX.encodeImages([], count: 2, rows: 0, columns: 2), path: "imgs"), contains: ["imgs", "dimensions"])
        // labels: truncated, out of range, wrong magic
        assertError(try IDX.parseLabels(labels.prefix(labels.count - 1), path: "lbls"), contains: ["lbls", "truncated", "4 labels"])
        assertError(try IDX.parseLabels(IDX.encodeLabels([1, 12, 3]), path: "lbls"), contains: ["lbls", "label 12", "record 1"])
        assertError(try IDX.parseLabels(images, path: "lbls"), contains: ["lbls", "magic"])
    }

    func testCountMismatch() throws {
        let (images, _) = smallIDX(count: 4)
        try write(images, "i")
        try write(IDX.encodeLabels([1, 2, 3]), "l")
        assertError(try IDX.loadPair(images: path("i"), labels: path("l"), name: "x"), contains: ["4 images", "3 labels", path("i"), path("l")])
    }

    func testGzipCorruptions() throws {
        let (images, _) = smallIDX(count: 50)
        let gz = try Gzip.compress(images)
        try write(gz.prefix(gz.count - 10), "cut.gz")
        assertError(try readDataFile(path("cut.gz")), contains: ["cut.gz", "truncated gzip"])
        try write(gz.prefix(12), "header.gz")
        assertError(try readDataFile(path("header.gz")), contains: ["header.gz", "truncated gzip"])
        var damaged = gz
        damaged[damaged.count - 6] ^= 0xFF  // CRC-32 of the trailer
        try write(damaged, "crc.gz")
        assertError(try readDataFile(path("crc.gz")), contains: ["crc.gz", "corrupt gzip"])
        try write(images, "plain.gz")
        assertError(try readDataFile(path("plain.gz")), contains: ["plain.gz", "not a gzip file"])
        XCTAssertThrowsError(try Gzip.decompress(Data([0x1F, 0x8B])))
    }

    func testCIFARCorruptions() throws {
        let one = CIFAR10.encode(labels: [3], pixels: [UInt8](repeating: 7, count: CIFAR10.features))
        assertError(try CIFAR10.parse(one + one.prefix(100), path: "batch.bin"), contains: ["batch.bin", "truncated", "1 whole records", "100 bytes left over"])
        var bad = one
        bad[0] = 10
        assertError(try CIFAR10.parse(bad, path: "batch.bin"), contains: ["batch.bin", "label 10"])
        assertError(try CIFAR10.parse(Data(), path: "batch.bin"), contains: ["batch.bin", "empty"])
    }

    func testPrefix() {
        let d = Dataset(name: "d", images: (0..<12).map(Float.init), labels: [0, 1, 2, 3], features: 3, classes: 10)
        XCTAssertEqual(d.prefix(2).labels, [0, 1])
        XCTAssertEqual(d.prefix(2).images, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(d.prefix(nil), d)
        XCTAssertEqual(d.prefix(10), d)
    }
}
