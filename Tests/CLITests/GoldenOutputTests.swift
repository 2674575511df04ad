import Foundation
import XCTest

/// Before/after check of the numbers: outputs captured on main before the settings layer was
/// rewritten (issue 9, commit 71a200a; files in Golden/), produced again by this build with
/// the same commands. The simulate CSV must be the same bytes; the figure-7 run may differ
/// only in the text of its β linspace (axis values are now rounded to 15 significant digits
/// when parsed, so 0.30000000000000004 is run and written as 0.3), which leaves every measured
/// number identical; training must give the same metrics.
final class GoldenOutputTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func run(_ arguments: [String]) throws {
        let r = try ToolProcess.run(arguments, in: directory)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    func testSimulateCSVIsTheSameBytes() throws {
        try run(["simulate", "--depth", "10,50", "--samples", "3", "--inputs", "2", "--beta", "0.25,0.5,1", "--out", "sim.csv", "--quiet"])
        XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("sim.csv")),
                       try Data(contentsOf: Self.golden.appendingPathComponent("sim.csv")))
    }

    func testFigureSevenRunHasTheSameNumbersAndBoundary() throws {
        try run(["simulate", "--init", "fbm", "--hurst", "0.2,0.5,0.8", "--beta", "0:1.3:14", "--depth", "100", "--samples", "2",
                 "--inputs", "2", "--out", "f7.csv", "--boundary", "f7b.csv", "--quiet",
                 // The statistic of the golden run (issue 10 made the mean of log10 the default).
                 "--cell", "log10-mean"])
        func rows(_ url: URL) throws -> [[String]] { try text(url).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } }
        let new = try rows(directory.appendingPathComponent("f7.csv")), old = try rows(Self.golden.appendingPathComponent("f7.csv"))
        XCTAssertEqual(new.count, old.count)
        XCTAssertEqual(new.first, old.first)
        let beta = try XCTUnwrap(old[0].firstIndex(of: "beta"))
        var rewritten = 0
        for (n, o) in zip(new.dropFirst(), old.dropFirst()) {
            var n2 = n, o2 = o
            n2[beta] = ""; o2[beta] = ""
            XCTAssertEqual(n2, o2, "every column but beta is the same text")
            let b = try XCTUnwrap(Double(o[beta]))
            // The β written is the linspace value rounded to 15 significant digits.
            XCTAssertEqual(n[beta], "\(Double(String(format: "%.15g", b))!)")
            if n[beta] != o[beta] { rewritten += 1 }
        }
        XCTAssertGreaterThan(rewritten, 0, "the check must see the rounded values")
        let boundary = try rows(directory.appendingPathComponent("f7b.csv")), oldBoundary = try rows(Self.golden.appendingPathComponent("f7b.csv"))
        XCTAssertEqual(boundary.count, oldBoundary.count)
        XCTAssertEqual(boundary.first, oldBoundary.first)
        for (n, o) in zip(boundary.dropFirst(), oldBoundary.dropFirst()) {
            XCTAssertEqual(n[0], o[0])
            for c in 1..<3 { XCTAssertEqual(try XCTUnwrap(Double(n[c])), try XCTUnwrap(Double(o[c])), accuracy: 1e-12, "β* interpolated between the same cells") }
        }
    }

    func testTrainingGivesTheSameMetrics() throws {
        let mnist = Self.repository.deletingLastPathComponent().appendingPathComponent("shared/data/mnist")
        guard FileManager.default.fileExists(atPath: mnist.path) else { throw XCTSkip("needs the real MNIST at \(mnist.path)") }
        try run(["train", "--data-dir", mnist.path, "--depth", "20", "--epochs", "1", "--train-limit", "512", "--test-limit", "256",
                 "--out", "tr", "--quiet", "--init", "fbm:0.7"])
        // Line by line: every line of the golden file but the timings, in order (this build may
        // add lines, e.g. the tool's version beside the configuration).
        let new = try text(directory.appendingPathComponent("tr/metrics.json")).split(separator: "\n")
        let old = try text(Self.golden.appendingPathComponent("train-metrics.json")).split(separator: "\n")
        var position = new.startIndex
        for line in old where !line.contains("\"seconds\"") {
            guard let found = new[position...].firstIndex(where: { $0 == line }) else {
                return XCTFail("metrics.json lacks the golden line '\(line)' (in order)")
            }
            position = found + 1
        }
        XCTAssertTrue(new.contains { $0.hasPrefix("  \"tool_version\" : \"") }, "metrics.json records the tool's version")
        struct Final: Decodable { var test_accuracy, test_loss, train_accuracy, train_loss: Double }
        struct Document: Decodable { var final: Final }
        let final = try JSONDecoder().decode(Document.self, from: Data(contentsOf: directory.appendingPathComponent("tr/metrics.json"))).final
        XCTAssertEqual(final.test_accuracy, 0.4140625)
        XCTAssertEqual(final.test_loss, 1.9509682838599975)
        XCTAssertEqual(final.train_accuracy, 0.23828125)
        XCTAssertEqual(final.train_loss, 2.1617729849557636)
    }
}
