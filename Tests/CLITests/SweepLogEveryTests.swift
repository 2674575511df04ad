import Foundation
import XCTest

/// `log-every` is a setting of train cells: a sweep's training runs write their `log.jsonl`
/// every N steps as `train --log-every N` does, 0 writes none, and the value is not part of a
/// cell's id (it changes no number).
final class SweepLogEveryTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-log-every-\(UUID().uuidString)")
        let mnist = directory.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: mnist, withIntermediateDirectories: true)
        try TinyMNIST.write(to: mnist)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a one-cell train sweep (32 examples, batches of 8: 4 steps per epoch, 2 epochs)
    /// with `settings` added; returns the cell's id and its log lines (nil: no log.jsonl).
    func sweep(_ name: String, settings: String, set: [String] = []) throws -> (id: String, log: [Substring]?) {
        let spec = directory.appendingPathComponent("\(name).yaml").path
        try ("command: train\nsettings:\n  data-dir: mnist\n  width: 2\n  depth: 2\n  epochs: 2\n  batch-size: 8\n" +
             "  test-limit: 8\n  threads: 1\n\(settings)seed: 0\n").write(toFile: spec, atomically: true, encoding: .utf8)
        let results = directory.appendingPathComponent(name).path
        let result = try ToolProcess.run(["sweep", spec, "--results", results, "--quiet"] + set.flatMap { ["--set", $0] })
        XCTAssertEqual(result.status, 0, result.stderr)
        let ids = try FileManager.default.contentsOfDirectory(atPath: results + "/runs")
        XCTAssertEqual(ids.count, 1, "\(ids)")
        let log = results + "/runs/\(ids[0])/log.jsonl"
        guard FileManager.default.fileExists(atPath: log) else { return (ids[0], nil) }
        return (ids[0], try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n"))
    }

    func testLogEveryIsASettingOfTrainCells() throws {
        // The default, as train's: every 50 steps (none in these 8 steps).
        let standard = try sweep("default", settings: "")
        XCTAssertEqual(standard.log?.count, 0)
        // Every 3 steps: steps 3 and 6.
        let three = try sweep("three", settings: "  log-every: 3\n")
        XCTAssertEqual(three.log?.map { $0.hasPrefix("{\"step\":3,") || $0.hasPrefix("{\"step\":6,") }, [true, true], "\(three.log ?? [])")
        XCTAssertEqual(three.id, standard.id, "log-every is not part of the cell's id")
        // With --set, and 0 for no log at all.
        let two = try sweep("two", settings: "", set: ["log-every=2"])
        XCTAssertEqual(two.log?.count, 4)
        XCTAssertNil(try sweep("none", settings: "  log-every: 0\n").log)

        // Refused values name the key; it cannot be an axis.
        for (yaml, message) in [("settings:\n  log-every: -1\n", "settings.log-every: must be a non-negative integer"),
                                ("axes:\n  log-every: [1, 2]\n", "log-every")] {
            let spec = directory.appendingPathComponent("bad.yaml").path
            try "command: train\n\(yaml)".write(toFile: spec, atomically: true, encoding: .utf8)
            let result = try ToolProcess.run(["sweep", spec, "--results", directory.appendingPathComponent("bad").path])
            XCTAssertNotEqual(result.status, 0)
            XCTAssertEqual(result.errorLines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(message), result.stderr)
        }
    }
}
