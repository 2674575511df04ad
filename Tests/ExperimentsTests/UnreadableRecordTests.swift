import Experiments
import Figures
import Foundation
import XCTest

/// A damaged `cells/<id>.json` is reported by collect and sweep, counted apart from missing
/// cells, and run again; plot's automatic choice draws only a figure the table fits.
final class UnreadableRecordTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("unreadable-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    let yaml = """
    command: simulate
    settings:
      width: 6
      input-dim: 4
      samples: 4
      inputs: 2
    axes:
      depth: [3, 5, 7, 9, 12]
      beta: [0.5, 1]
    seed: 5
    """

    func plan() throws -> SweepPlan {
        try SweepPlan(spec: try SweepSpec.parse(yaml: yaml, source: "t.yaml", baseDirectory: "/"))
    }

    /// Damages four of five records in four ways; returns the expected reason of each.
    func damage(_ store: ResultStore, _ cells: [Cell]) throws -> [String: String] {
        let paths = cells.map { store.recordPath($0.id) }
        let whole = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: paths[0]))
        try Data().write(to: URL(fileURLWithPath: paths[1]))
        try Data("{\"format\": 2}".utf8).write(to: URL(fileURLWithPath: paths[2]))
        try Data(contentsOf: URL(fileURLWithPath: paths[4])).write(to: URL(fileURLWithPath: paths[3]))
        return [cells[0].id: "not valid JSON (truncated?)", cells[1].id: "the file is empty",
                cells[2].id: "missing key", cells[3].id: "it holds the record of cell \(cells[4].id)"]
    }

    func testCollectAndSweepReportUnreadableRecordsAndRunThemAgain() throws {
        let p = try plan()
        let store = try ResultStore(directory: directory, create: true)
        _ = try SweepRunner(plan: p, store: store, options: SweepOptions()).run()
        let good = try Collector.collect(store)
        XCTAssertEqual(good.summary.line, "5 done, 0 failed, 0 missing")
        let reasons = try damage(store, p.cells)
        // A sixth record goes missing: counted apart.
        try FileManager.default.removeItem(atPath: store.recordPath(p.cells[4].id))

        let table = try Collector.collect(store)
        XCTAssertEqual(table.summary, CollectSummary(done: 0, failed: 0, missing: 1, unreadable: 4))
        XCTAssertEqual(table.summary.line, "0 done, 0 failed, 1 missing, 4 unreadable")
        XCTAssertEqual(table.unreadable.map(\.id), p.cells.prefix(4).map(\.id))
        for (id, warning) in table.unreadable {
            XCTAssertTrue(warning.hasPrefix("\(store.recordPath(id)) is unreadable: "), warning)
            XCTAssertTrue(warning.contains(reasons[id]!), "\(warning) should say \(reasons[id]!)")
            XCTAssertTrue(warning.hasSuffix("; it will be run again"), warning)
            XCTAssertFalse(warning.contains("\n"), warning)
            guard case .unreadable = store.lookup(id) else { return XCTFail("\(id) should be unreadable") }
        }
        guard case .none = store.lookup(p.cells[4].id) else { return XCTFail("missing is not unreadable") }

        // The sweep says so up front (through `warn`, even when progress is not logged) and
        // runs those cells again.
        let warnings = Locked<[String]>([])
        let report = try SweepRunner(plan: p, store: store, options: SweepOptions(), warn: { line in
            warnings.mutate { $0.append(line) }
        }).run()
        XCTAssertEqual(warnings.value, table.unreadable.map(\.warning))
        XCTAssertEqual(report.unreadable, 4)
        XCTAssertEqual(report.completed, 5)
        XCTAssertTrue(report.summary.hasSuffix("; 4 had an unreadable record"), report.summary)
        let after = try Collector.collect(store)
        XCTAssertEqual(after.summary.line, "5 done, 0 failed, 0 missing")
        XCTAssertEqual(after.rows, good.rows, "the cells ran again to the same numbers")
    }

    /// The same through the command line: collect warns on standard error and counts them;
    /// sweep --quiet still warns.
    func testCommandLineReportsUnreadableRecords() throws {
        let spec = directory + "-spec.yaml"
        defer { try? FileManager.default.removeItem(atPath: spec) }
        try yaml.write(toFile: spec, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Tool.run(["sweep", spec, "--results", directory, "--quiet"]).status, 0)
        let store = try ResultStore(directory: directory, create: false)
        let p = try XCTUnwrap(try store.manifest())
        let record = store.recordPath(p.cells[1].id)
        let whole = try Data(contentsOf: URL(fileURLWithPath: record))
        try whole.prefix(10).write(to: URL(fileURLWithPath: record))

        let collect = try Tool.run(["collect", directory, "--out", directory + "/t.csv"])
        XCTAssertEqual(collect.status, 0, collect.output)
        XCTAssertTrue(collect.output.contains("warning: \(record) is unreadable: not valid JSON (truncated?) (10 bytes); it will be run again\n"),
                      collect.output)
        XCTAssertTrue(collect.output.hasSuffix("4 done, 0 failed, 0 missing, 1 unreadable\n"), collect.output)

        let sweep = try Tool.run(["sweep", spec, "--results", directory, "--quiet"])
        XCTAssertEqual(sweep.status, 0, sweep.output)
        XCTAssertTrue(sweep.output.hasPrefix("sweep: warning: \(record) is unreadable: not valid JSON"), sweep.output)
        XCTAssertTrue(sweep.output.contains("1 done and 0 failed now, 4 already done"), sweep.output)
        let again = try Tool.run(["collect", directory, "--out", directory + "/t.csv"])
        XCTAssertTrue(again.output.hasSuffix("5 done, 0 failed, 0 missing\n"), again.output)
        XCTAssertFalse(again.output.contains("warning"), again.output)
    }

    // MARK: Plot's automatic choice

    func trainTable(initialization: String, hurst: String) -> (header: [String], rows: [[String]]) {
        let header = ["cell_id", "dataset", "init", "hurst", "beta", "lr", "test_accuracy"]
        let rows = [["a", "mnist", initialization, hurst, "0.5", "0.001", "0.9"], ["b", "mnist", initialization, hurst, "1", "0.001", "0.8"]]
        return (header, rows)
    }

    func testAutomaticFigureFitsTheTable() throws {
        // A train sweep without fBm cells has no figure 9: a clear error, not a wrong figure.
        let iid = trainTable(initialization: "iid-uniform", hurst: "")
        XCTAssertThrowsError(try SweepFigures.figure(header: iid.header, rows: iid.rows)) { error in
            XCTAssertTrue("\(error)".hasPrefix("no figure fits this train table"), "\(error)")
        }
        let fbm = trainTable(initialization: "fbm", hurst: "0.5")
        XCTAssertEqual(try SweepFigures.figure(header: fbm.header, rows: fbm.rows).1, .accuracy)
        // A mixed train table (some rows without H) is not drawn as figure 9 either.
        XCTAssertThrowsError(try SweepFigures.figure(header: fbm.header, rows: fbm.rows + [iid.rows[0]]))
    }

    /// Simulate tables mixing fBm and iid initializations are not phase diagrams.
    func testAutomaticFigureForSimulateTables() throws {
        let yaml = """
        command: simulate
        settings:
          width: 4
          input-dim: 3
          samples: 2
          inputs: 1
          depth: 6
        axes:
          init: [fbm:0.3, fbm:0.7, iid-uniform]
          beta: [0.5, 1]
        """
        let p = try SweepPlan(spec: try SweepSpec.parse(yaml: yaml, source: "t.yaml", baseDirectory: "/"))
        let store = try ResultStore(directory: directory, create: true)
        _ = try SweepRunner(plan: p, store: store, options: SweepOptions()).run()
        let table = try Collector.collect(store)
        XCTAssertEqual(try SweepFigures.figure(header: table.header, rows: table.rows).1, .histograms)
        // Only the fBm rows: several H, so the phase diagram.
        let initColumn = try XCTUnwrap(table.header.firstIndex(of: "init"))
        let fbmRows = table.rows.filter { $0[initColumn] == "fbm" }
        XCTAssertEqual(try SweepFigures.figure(header: table.header, rows: fbmRows).1, .phase)
    }
}
