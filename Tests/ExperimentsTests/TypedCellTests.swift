import Experiments
import Foundation
import SignalPropagation
import Support
import Training
import XCTest

/// Cells hold typed specs: records keep typed values, ids come from the settings' canonical
/// text, the same axis value reads and writes the same everywhere, and a results folder of the
/// previous format is refused rather than misread.
final class TypedCellTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("typed-cells-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func plan(_ yaml: String) throws -> SweepPlan {
        try SweepPlan(spec: try SweepSpec.parse(yaml: yaml, source: "t.yaml", baseDirectory: "/"))
    }

    /// A train cell's record: numbers as numbers, booleans as booleans, the residual bias as
    /// used (auto resolved), the weight entry as a pair; the settings read back as the same cell.
    func testRecordsKeepTypedValues() throws {
        let p = try plan("command: train\nsettings:\n  init: fbm\n  hurst: 0.7\n  width: 4\n  lr: 1e-3\n  weight-entry: 1,2\nseed: 18446744073709551615\n")
        let cell = try XCTUnwrap(p.cells.first)
        let record = CellRecord(cell: cell, status: .done, host: "h", pid: 1, started: "t", seconds: 0)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
        let settings = try XCTUnwrap(object["settings"] as? [String: Any])
        XCTAssertEqual(settings["width"] as? Int, 4)
        XCTAssertEqual(settings["lr"] as? Double, 0.001)
        XCTAssertEqual(settings["residual-bias"] as? Bool, true, "auto, resolved for fbm")
        XCTAssertEqual(settings["init"] as? String, "fbm")
        XCTAssertEqual(settings["hurst"] as? Double, 0.7)
        XCTAssertEqual(settings["weight-entry"] as? [Int], [1, 2])
        XCTAssertNil(settings["momentum"], "not used by Adam")
        XCTAssertNil(settings["data-dir"], "not part of the cell")
        XCTAssertEqual(record.settings["seed"], .unsigned(.max))
        XCTAssertEqual(object["format"] as? Int, CellRecord.currentFormat)
        XCTAssertEqual(object["tool_version"] as? String, ToolVersion.current.description)
        XCTAssertEqual(try JSONDecoder().decode(CellRecord.self, from: JSONEncoder().encode(record)).toolVersion, .current)
        // The manifest's cells decode to the same typed specs and ids.
        let manifest = SweepManifest(plan: p)
        let decoded = try JSONDecoder().decode(SweepManifest.self, from: JSONEncoder().encode(manifest))
        XCTAssertEqual(decoded.cells, p.cells)
        guard case .train(let config) = decoded.cells[0].spec else { return XCTFail("a train cell") }
        XCTAssertEqual(config.initialization, .fbm(hurst: 0.7))
        XCTAssertTrue(config.residualBias)
        XCTAssertEqual(config.weightEntry, WeightEntry(i: 1, j: 2))
        XCTAssertEqual(config.seed, .max)
    }

    /// `init: fbm:0.7` is `init: fbm` with `hurst: 0.7`: the same cell.
    func testFBMSugarIsTheSameCell() throws {
        let sugar = try plan("command: train\nsettings:\n  init: fbm:0.7\n")
        let split = try plan("command: train\nsettings:\n  init: fbm\n  hurst: 0.7\n")
        XCTAssertEqual(sugar.cells.map(\.id), split.cells.map(\.id))
        XCTAssertEqual(sugar.cells[0].texts["init"], "fbm")
        XCTAssertEqual(sugar.cells[0].texts["hurst"], "0.7")
    }

    /// The defaults of a sweep are the command's: a simulate sweep without depth has one cell
    /// per default depth of `simulate` (10, 120, …, 1000).
    func testSweepDefaultsAreTheCommandDefaults() throws {
        let p = try plan("command: simulate\nsettings:\n  samples: 1\n")
        XCTAssertEqual(p.cells.compactMap { $0.texts["depth"] }, SimulationSpec().depths.map(String.init))
        XCTAssertEqual(p.axisNames, ["depth"])
        XCTAssertEqual(p.cells[0].texts["beta"], "0.25,0.5,1")
    }

    /// simulate and collect write the same text for the same axis value: a linspace of β is
    /// rounded once when parsed (0.3, not 0.30000000000000004), by the one parser of both.
    func testSimulateAndCollectWriteTheSameAxisText() throws {
        let p = try plan("command: simulate\nsettings:\n  width: 3\n  input-dim: 2\n  depth: 4\n  samples: 1\naxes:\n  beta: 0:1.3:14\n")
        let store = try ResultStore(directory: directory, create: true)
        _ = try SweepRunner(plan: p, store: store, options: SweepOptions()).run()
        let table = try Collector.collect(store)
        let beta = try XCTUnwrap(table.header.firstIndex(of: "beta"))
        let collected = table.rows.map { $0[beta] }
        let request = try SimulateRequest.settings.parse(arguments: ["--width", "3", "--input-dim", "2", "--depth", "4", "--samples", "1",
                                                                      "--beta", "0:1.3:14"])
        let csv = ResultTables.csv(try Simulator(spec: request.spec).run(threads: 1))
        let written = csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",", omittingEmptySubsequences: false)[7]) }
        XCTAssertEqual(collected, written)
        XCTAssertTrue(collected.contains("0.3"), "\(collected)")
        XCTAssertFalse(collected.contains { $0.count > 6 }, "\(collected)")
    }

    /// The collect columns are the identity settings of the table, in table order.
    func testCollectColumnsComeFromTheTable() {
        XCTAssertEqual(Collector.header(.train).prefix(4), ["cell_id", "dataset", "model", "activation"])
        let train = TrainRequest.settings.settings.filter(\.identity).map { $0.name.replacingOccurrences(of: "-", with: "_") }
        XCTAssertEqual(Array(Collector.header(.train).dropFirst().prefix(train.count)), train)
        XCTAssertTrue(Collector.header(.train).contains("weight_entry"))
        XCTAssertFalse(Collector.header(.train).contains("data_dir"))
        XCTAssertEqual(Collector.header(.simulate), ["cell_id", "model", "activation", "init", "hurst", "width", "input_dim", "output_dim",
                                                     "depth", "samples", "inputs", "seed", "beta", "model_index", "input_index",
                                                     "h_ratio", "h_diff", "grad_ratio", "grad_diff"])
    }

    /// A results folder written by the previous version (format 1) is refused with a message
    /// that says so; a record of another format is never read as this one's.
    func testPreviousFormatIsRefused() throws {
        let store = try ResultStore(directory: directory, create: true)
        let old = """
        {"axes":["depth"],"cells":[{"command":"simulate","config":{"depth":"10"},"id":"0123456789abcdef0123456789abcdef","index":0}],\
        "command":"simulate","description":"","fingerprint":"x","format":1,"spec":"/s.yaml"}
        """
        try Data(old.utf8).write(to: URL(fileURLWithPath: store.manifestPath))
        XCTAssertThrowsError(try Collector.collect(store)) { error in
            XCTAssertTrue("\(error)".contains("earlier version of resnet-scaling (results format 1; this version reads format 2"), "\(error)")
        }
        let p = try plan("command: simulate\nsettings:\n  width: 3\n  input-dim: 2\n  depth: 4\n  samples: 1\n")
        XCTAssertThrowsError(try SweepRunner(plan: p, store: store, options: SweepOptions()).run()) { error in
            XCTAssertTrue("\(error)".contains("earlier version"), "\(error)")
        }
        XCTAssertTrue(store.records().isEmpty)
        try Data("{\"format\": 1, \"cell_id\": \"\(p.cells[0].id)\"}".utf8).write(to: URL(fileURLWithPath: store.recordPath(p.cells[0].id)))
        guard case .unreadable(let reason) = store.lookup(p.cells[0].id) else { return XCTFail("an old record is not this version's") }
        XCTAssertTrue(reason.contains("another version of resnet-scaling (record format 1"), reason)
    }
}
