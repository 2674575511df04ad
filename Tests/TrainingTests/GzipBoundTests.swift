import Foundation
import Resources
import XCTest
@testable import Training

/// Decompression never goes past what the caller allows: the size an IDX header announces,
/// and the memory limit.
final class GzipBoundTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-bound-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// An IDX images header for `count` images of rows × columns.
    func imagesHeader(count: UInt32, rows: UInt32, columns: UInt32) -> Data {
        var d = Data()
        for v in [IDX.imagesMagic, count, rows, columns] { d.append(contentsOf: IDX.bigEndian(v)) }
        return d
    }

    func testMaximumSizeIsExactAndStopsEarly() throws {
        let data = Data((0..<200_000).map { UInt8($0 % 253) })
        let gz = try Gzip.compress(data)
        XCTAssertEqual(try Gzip.decompress(gz, maximumSize: data.count), data, "exactly the limit is allowed")
        XCTAssertThrowsError(try Gzip.decompress(gz, maximumSize: data.count - 1)) { error in
            XCTAssertEqual(error as? GzipError, .exceedsLimit(data.count - 1))
        }
        XCTAssertThrowsError(try Gzip.decompress(gz, maximumSize: 0)) { XCTAssertEqual($0 as? GzipError, .exceedsLimit(0)) }
        // Concatenated members count together.
        let two = try Gzip.compress(data) + Gzip.compress(Data("tail".utf8))
        XCTAssertEqual(try Gzip.decompress(two, maximumSize: data.count + 4).count, data.count + 4)
        XCTAssertThrowsError(try Gzip.decompress(two, maximumSize: data.count + 3))
    }

    func testAForgedTrailerSizeDoesNotAllocateIt() throws {
        // ISIZE (the last 4 bytes) claims 2^31 − 1 bytes: it must not become the first buffer.
        var gz = try Gzip.compress(Data(repeating: 1, count: 1000))
        gz.replaceSubrange((gz.count - 4)..<gz.count, with: [0xFF, 0xFF, 0xFF, 0x7F])
        XCTAssertThrowsError(try Gzip.decompress(gz, maximumSize: 1000)) { error in
            XCTAssertEqual(error as? GzipError, .corrupt("incorrect length check"), "zlib checks the length at the end")
        }
    }

    func testPrefixReadsOnlyTheHeader() throws {
        let data = imagesHeader(count: 3, rows: 2, columns: 2) + Data(repeating: 9, count: 12)
        let gz = try Gzip.compress(data)
        XCTAssertEqual(try Gzip.decompressPrefix(gz, count: 16), data.prefix(16))
        XCTAssertEqual(try Gzip.decompressPrefix(gz, count: 1000), data, "a shorter stream gives what it holds")
        XCTAssertEqual(try Gzip.decompressPrefix(gz.prefix(gz.count - 8), count: 16), data.prefix(16), "the cut end is never read")
        XCTAssertEqual(IDX.announcedSize(data.prefix(16)), 16 + 3 * 2 * 2)
        XCTAssertEqual(IDX.announcedSize(IDX.encodeLabels([1, 2, 3])), 8 + 3)
        XCTAssertNil(IDX.announcedSize(Data([1, 2, 3, 4, 5, 6, 7, 8])))
    }

    /// A small file whose IDX header promises little and whose body inflates to much more stops
    /// at the promised size (the 12.7 MB file of 3 GB of the issue, scaled down to 64 MB).
    func testBodyLargerThanTheHeaderPromisesFailsAtThePromisedSize() throws {
        var body = imagesHeader(count: 10, rows: 28, columns: 28)
        body.append(Data(count: 64 << 20))
        let gz = try Gzip.compress(body, level: 9)
        XCTAssertLessThan(gz.count, 200_000)
        try gz.write(to: URL(fileURLWithPath: path("train-images-idx3-ubyte.gz")))
        XCTAssertThrowsError(try readDataFile(path("train-images-idx3-ubyte.gz"))) { error in
            XCTAssertEqual("\(error)", "\(self.path("train-images-idx3-ubyte.gz")): the gzip data inflates to more than the 7856 bytes its IDX header announces")
        }
        // The bound is the header's size (the output buffer never exceeds it by more than a byte).
        XCTAssertThrowsError(try Gzip.decompress(gz, maximumSize: 7856)) { XCTAssertEqual($0 as? GzipError, .exceedsLimit(7856)) }
    }

    func testHeaderPromisingMoreThanTheLimitIsRefusedBeforeInflating() throws {
        var body = imagesHeader(count: 0xFFFF_FFFF, rows: 4096, columns: 4096)
        body.append(Data(count: 1000))
        try Gzip.compress(body).write(to: URL(fileURLWithPath: path("huge.gz")))
        let limit = MemoryLimit(bytes: 12_000_000_000, origin: "half the physical memory", hint: "use --memory-limit <GB> to raise it")
        XCTAssertThrowsError(try readDataFile(path("huge.gz"), budget: DataFileBudget(limit: limit))) { error in
            guard case let .memory(subject, _, needed, refused)? = error as? ResourceError else {
                return XCTFail("expected a memory refusal, got \(error)")
            }
            XCTAssertEqual(subject, self.path("huge.gz"))
            XCTAssertEqual(needed, 5 * (16 + 0xFFFF_FFFF * 4096 * 4096))
            XCTAssertEqual(refused, limit)
            XCTAssertTrue("\(error)".contains("the limit is 12 GB (half the physical memory); use --memory-limit <GB> to raise it"), "\(error)")
        }
        // The same through the loader, with the default limit.
        let sub = folder.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try Gzip.compress(body).write(to: sub.appendingPathComponent("train-images-idx3-ubyte.gz"))
        XCTAssertThrowsError(try DatasetKind.mnist.load(directory: sub.path)) { XCTAssertTrue($0 is ResourceError, "\($0)") }
    }

    func testFilesWithoutAHeaderAreBoundedByTheLimit() throws {
        // CIFAR-10 batches have no header: the limit bounds them (5 bytes of memory per byte).
        let record = CIFAR10.encode(labels: [1], pixels: [UInt8](repeating: 3, count: CIFAR10.features))
        let batch = Data((0..<40).map { _ in record }.joined())
        try Gzip.compress(batch).write(to: URL(fileURLWithPath: path("b.bin")))
        let small = MemoryLimit(bytes: 5 * batch.count - 1, origin: "test")
        XCTAssertThrowsError(try readDataFile(path("b.bin"), budget: DataFileBudget(limit: small))) { error in
            XCTAssertTrue(error is ResourceError, "\(error)")
            XCTAssertTrue("\(error)".contains("to inflate it"), "\(error)")
        }
        let enough = DataFileBudget(limit: MemoryLimit(bytes: 5 * batch.count, origin: "test"))
        XCTAssertEqual(try readDataFile(path("b.bin"), budget: enough), batch)
        XCTAssertEqual(enough.used, 5 * batch.count)
        // Raw files: refused from their size, before they are read.
        try batch.write(to: URL(fileURLWithPath: path("raw.bin")))
        XCTAssertThrowsError(try readDataFile(path("raw.bin"), budget: DataFileBudget(limit: MemoryLimit(bytes: batch.count - 1, origin: "test")))) {
            XCTAssertTrue("\($0)".contains("to read its"), "\($0)")
        }
    }

    func testTheFilesOfADatasetAddUp() throws {
        let images = IDX.encodeImages([UInt8](repeating: 1, count: 100 * 36), count: 100, rows: 6, columns: 6)
        let labels = IDX.encodeLabels([UInt8](repeating: 2, count: 100))
        try images.write(to: URL(fileURLWithPath: path("i")))
        try labels.write(to: URL(fileURLWithPath: path("l")))
        let both = 5 * (images.count + labels.count)
        XCTAssertEqual(try IDX.loadPair(images: path("i"), labels: path("l"), name: "t",
                                        budget: DataFileBudget(limit: MemoryLimit(bytes: both, origin: "test"))).count, 100)
        // Each file alone fits the smaller limit, both together do not.
        XCTAssertThrowsError(try IDX.loadPair(images: path("i"), labels: path("l"), name: "t",
                                              budget: DataFileBudget(limit: MemoryLimit(bytes: both - 1, origin: "test")))) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(self.path("l")) needs about"), "\(error)")
            XCTAssertTrue("\(error)".contains("with 18 kB for the files read before it"), "\(error)")
        }
    }
}
