import XCTest
@testable import Plots

final class SVGWriterTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("plots-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func testAtomicWriteReplacesAndLeavesNoTempFile() throws {
        let path = dir.appendingPathComponent("fig.svg").path
        try SVGWriter.write("<svg/>", to: path)
        try SVGWriter.write(LinePanel(series: [LineSeries(x: [0, 1], y: [1, 2])]).svg(), to: path)
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(contents.hasPrefix("<?xml"))
        _ = try parseSVG(contents)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["fig.svg"])
    }

    func testMissingDirectoryThrowsDescriptiveError() {
        let missing = dir.appendingPathComponent("no/such/dir/fig.svg").path
        XCTAssertThrowsError(try SVGWriter.write("<svg/>", to: missing)) { error in
            guard case SVGWriteError.directoryMissing(let d) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(d.hasSuffix("no/such/dir"))
            XCTAssertTrue("\(error)".contains("does not exist"))
        }
    }

    func testParentIsAFileThrows() throws {
        let file = dir.appendingPathComponent("plain")
        try "x".write(to: file, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try SVGWriter.write("<svg/>", to: file.appendingPathComponent("fig.svg").path)) { error in
            XCTAssertEqual(error as? SVGWriteError, .notADirectory(file.path))
        }
    }
}
