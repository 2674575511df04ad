import XCTest
@testable import Persistence

final class AtomicFileTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func testWriteReplacesAndLeavesNoTemporaryFile() throws {
        let path = dir.appendingPathComponent("table.csv").path
        try AtomicFile.write("first\n", to: path)
        try AtomicFile.write("second\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["table.csv"])
    }

    func testMissingDirectoryIsNamed() {
        let missing = dir.appendingPathComponent("no/such/dir/fig.svg").path
        XCTAssertThrowsError(try AtomicFile.write("x", to: missing)) { error in
            guard case AtomicFileError.directoryMissing(let d) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(d.hasSuffix("no/such/dir"))
            XCTAssertTrue("\(error)".contains("does not exist"))
        }
    }

    func testParentThatIsAFileIsRejected() throws {
        let file = dir.appendingPathComponent("plain")
        try "x".write(to: file, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try AtomicFile.write("y", to: file.appendingPathComponent("fig.svg").path)) { error in
            XCTAssertEqual(error as? AtomicFileError, .notADirectory(file.path))
        }
    }

    func testDirectoryAsDestinationIsRejected() {
        XCTAssertThrowsError(try AtomicFile.checkWritable(dir.path)) { error in
            XCTAssertEqual(error as? AtomicFileError, .notARegularFile(path: dir.path, kind: .directory))
        }
    }
}
