import Experiments
import Foundation
import XCTest

/// The `resnet-scaling` executable beside the test bundle, and helpers to run it.
enum Tool {
    static var executable: URL {
        let bundle = Bundle(for: SweepProcessTests.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent(), Bundle.main.bundleURL]
            .map { $0.appendingPathComponent("resnet-scaling") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    /// The repository root (this file is Tests/ExperimentsTests/…).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func start(_ arguments: [String], output: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let output {
            FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// How long one run of the tool may take in a test before it is killed.
    static let timeoutSeconds = 300

    /// Waits for a started process; past `timeout` it is killed (SIGTERM, then SIGKILL) and
    /// the test fails rather than hanging CI.
    static func wait(_ process: Process, timeout: TimeInterval = TimeInterval(timeoutSeconds),
                     file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard process.isRunning else { return }
        XCTFail("\(executable.lastPathComponent) \(process.arguments ?? []) still running after \(Int(timeout)) s; killed",
                file: file, line: line)
        process.terminate()
        let grace = Date().addingTimeInterval(5)
        while process.isRunning && Date() < grace { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Runs the tool to the end under `/usr/bin/timeout` (killed after `timeoutSeconds`).
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["--kill-after=10", String(timeoutSeconds), executable.path] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Sweeps as separate processes: SIGKILL and resume, two processes on one folder.
final class SweepProcessTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// 24 fBm cells of about 0.1 s each (at the default depth).
    func writeSpec(depth: Int = 400) throws -> String {
        let yaml = """
        command: simulate
        settings:
          init: fbm
          width: 40
          depth: \(depth)
          samples: 3
          inputs: 4
        axes:
          hurst: 0.05:0.95:24
          beta: 0:1.3:8
        seed: 3
        """
        let path = directory.appendingPathComponent("spec.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func records(_ results: URL) -> [String: (data: Data, modified: Date)] {
        let cells = results.appendingPathComponent("cells")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cells.path)) ?? []
        var out: [String: (data: Data, modified: Date)] = [:]
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = cells.appendingPathComponent(name).path
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            out[String(name.dropLast(5))] = (FileManager.default.contents(atPath: path) ?? Data(),
                                             attributes?[.modificationDate] as? Date ?? .distantPast)
        }
        return out
    }

    func manifestIDs(_ results: URL) throws -> Set<String> {
        let store = try ResultStore(directory: results.path, create: false)
        return Set(try XCTUnwrap(try store.manifest()).cells.map(\.id))
    }

    func testSIGKILLThenRestartFinishesExactlyTheMissingCells() throws {
        // Cells of about 0.7 s on one thread: the sweep is still running long after its first record.
        let spec = try writeSpec(depth: 800)
        let results = directory.appendingPathComponent("results")
        let process = try Tool.start(["sweep", spec, "--results", results.path, "--threads", "1"])
        let deadline = Date().addingTimeInterval(120)
        while records(results).isEmpty && Date() < deadline && process.isRunning { usleep(5_000) }
        XCTAssertTrue(process.isRunning, "the sweep ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        Tool.wait(process, timeout: 30)
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let before = records(results)
        let all = try manifestIDs(results)
        XCTAssertEqual(all.count, 24)
        XCTAssertGreaterThanOrEqual(before.count, 1)
        XCTAssertLessThan(before.count, 24, "killed midway")
        for record in before.values {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: record.data), "records are whole")
        }

        // --require-complete: the table is written, and the status says the sweep is not done.
        let partial = directory.appendingPathComponent("partial.csv").path
        let incomplete = try Tool.run(["collect", results.path, "--out", partial, "--require-complete"])
        XCTAssertEqual(incomplete.status, 1, incomplete.output)
        XCTAssertTrue(incomplete.output.contains("error: --require-complete: the sweep is not complete: \(24 - before.count) missing of 24 cells"),
                      incomplete.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: partial))

        let (status, output) = try Tool.run(["sweep", spec, "--results", results.path, "--workers", "2", "--threads", "1"])
        XCTAssertEqual(status, 0, output)
        let missing = 24 - before.count
        XCTAssertTrue(output.contains("\(missing) done and 0 failed now, \(before.count) already done"), output)
        let after = records(results)
        XCTAssertEqual(Set(after.keys), all, "every cell has exactly one record")
        for (id, record) in before {
            XCTAssertEqual(after[id]?.data, record.data, "finished records are untouched")
            XCTAssertEqual(after[id]?.modified, record.modified)
        }
        let table = directory.appendingPathComponent("t.csv").path
        let collected = try Tool.run(["collect", results.path, "--out", table, "--require-complete"])
        XCTAssertEqual(collected.status, 0, collected.output)
        XCTAssertEqual(collected.output.split(separator: "\n").last, "24 done, 0 failed, 0 missing")
        // Each cell's rows appear once: 3 models × 4 inputs × 8 β.
        let rows = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.count, 24 * 3 * 4 * 8)
        XCTAssertEqual(Set(rows).count, rows.count)
    }

    func testTwoProcessesOnOneFolderCompleteEachCellOnce() throws {
        let spec = try writeSpec()
        let results = directory.appendingPathComponent("results")
        let logs = [directory.appendingPathComponent("a.log"), directory.appendingPathComponent("b.log")]
        let processes = try logs.map { try Tool.start(["sweep", spec, "--results", results.path, "--threads", "1"], output: $0) }
        for p in processes { Tool.wait(p) }
        XCTAssertEqual(processes.map(\.terminationStatus), [0, 0])
        let texts = try logs.map { try String(contentsOf: $0, encoding: .utf8) }
        // Every cell is recorded once, by exactly one of the two processes.
        let started = texts.map { t in t.split(separator: "\n").filter { $0.hasSuffix(": started") }.count }
        XCTAssertEqual(started.reduce(0, +), 24, texts.joined(separator: "\n"))
        let done = try texts.map { t -> Int in
            let match = try XCTUnwrap(t.range(of: #"(\d+) done and 0 failed now"#, options: .regularExpression))
            return Int(t[match].split(separator: " ")[0])!
        }
        XCTAssertEqual(done.reduce(0, +), 24)
        XCTAssertEqual(Set(records(results).keys), try manifestIDs(results))
        let store = try ResultStore(directory: results.path, create: false)
        let pids = Set(store.records().values.map(\.pid))
        XCTAssertEqual(pids, Set(processes.map(\.processIdentifier)).intersection(pids))
    }

    func testCommandLineErrorsNameFileAndKey() throws {
        let bad = directory.appendingPathComponent("bad.yaml").path
        try "command: train\nsettings:\n  widht: 3\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try Tool.run(["sweep", bad, "--results", directory.appendingPathComponent("r").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.hasPrefix("error: \(bad):3: settings.widht: unknown setting"), r.output)
        let shard = try Tool.run(["sweep", try writeSpec(), "--results", directory.appendingPathComponent("r").path, "--shard", "2/2"])
        XCTAssertNotEqual(shard.status, 0)
        XCTAssertTrue(shard.output.contains("0-based"), shard.output)
    }

    /// The tiny MNIST files in `directory/data`, the folder the train specs below name.
    private func writeTinyMNIST() throws {
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try TinyMNIST.write(to: data)
    }

    /// Train cells end to end on a tiny IDX dataset: half the cells fail on their own (their
    /// run folder is blocked by a file), the others finish, collect and plot draw figure 9.
    func testTrainSweepWithAFailingCell() throws {
        try writeTinyMNIST()
        let yaml = """
        command: train
        settings:
          data-dir: data
          width: 4
          depth: 6
          init: fbm
          epochs: 1
          batch-size: 16
        axes:
          dataset: [mnist, fashion-mnist]
          lr: [0.001, 0.01]
          hurst: [0.3, 0.7]
          beta: [0.5, 1]
        """
        let spec = directory.appendingPathComponent("train.yaml").path
        try yaml.write(toFile: spec, atomically: true, encoding: .utf8)
        let results = directory.appendingPathComponent("results").path
        // A per-cell failure: a plain file where each fashion-mnist cell's run folder goes.
        let plan = try SweepPlan(spec: try SweepSpec.parse(yaml: yaml, source: spec, baseDirectory: directory.path))
        let blocked = plan.cells.filter { $0.texts["dataset"] == "fashion-mnist" }
        XCTAssertEqual(blocked.count, 8)
        try FileManager.default.createDirectory(atPath: results + "/runs", withIntermediateDirectories: true)
        for cell in blocked {
            XCTAssertTrue(FileManager.default.createFile(atPath: results + "/runs/" + cell.id, contents: Data("blocked".utf8)))
        }
        let r = try Tool.run(["sweep", spec, "--results", results, "--workers", "2"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("8 done and 8 failed now"), r.output)
        let store = try ResultStore(directory: results, create: false)
        for cell in plan.cells {
            let expected: CellRecord.Status = cell.texts["dataset"] == "fashion-mnist" ? .failed : .done
            XCTAssertEqual(store.record(cell.id)?.status, expected, cell.texts["dataset"] ?? "")
        }
        let table = directory.appendingPathComponent("t.csv").path
        let c = try Tool.run(["collect", results, "--out", table])
        XCTAssertEqual(c.output.split(separator: "\n").last, "8 done, 8 failed, 0 missing", c.output)
        XCTAssertEqual(c.status, 0, "without --require-complete an incomplete sweep is not an error")
        let required = try Tool.run(["collect", results, "--out", table, "--require-complete"])
        XCTAssertEqual(required.status, 1, required.output)
        XCTAssertTrue(required.output.contains("the sweep is not complete: 8 failed of 16 cells (run the sweep again with --retry-failed"),
                      required.output)
        for cell in blocked {
            XCTAssertTrue(c.output.contains(String(cell.id.prefix(12))), "failed cells are listed: \(c.output)")
        }
        let csv = CSV.parse(try String(contentsOfFile: table, encoding: .utf8))
        XCTAssertEqual(csv.rows.count, 8)
        let accuracy = try XCTUnwrap(csv.header.firstIndex(of: "test_accuracy"))
        for row in csv.rows { XCTAssertTrue((0...1).contains(Double(row[accuracy]) ?? -1), row[accuracy]) }
        let figure = directory.appendingPathComponent("fig9.svg").path
        let p = try Tool.run(["plot", table, "--out", figure])
        XCTAssertEqual(p.status, 0, p.output)
        XCTAssertTrue(p.output.contains("figure 'accuracy'"), p.output)
        XCTAssertTrue(try String(contentsOfFile: figure, encoding: .utf8).contains("<svg"))
        // The training runs live under the results folder (the failed cells never started one).
        var isDirectory: ObjCBool = false
        let runs = try FileManager.default.contentsOfDirectory(atPath: results + "/runs").filter {
            FileManager.default.fileExists(atPath: results + "/runs/" + $0, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        XCTAssertEqual(runs.count, 8)
    }

    /// A run that diverges gets, as test_accuracy, the accuracy the reference code records for
    /// NaN outputs (argmax → class 0: the share of test labels that are 0, here 4 of 32), its
    /// last finite accuracy in last_finite_test_accuracy; figure 9 hatches a cell whose best
    /// run diverged and counts it.
    func testDivergedRunsTakeTheReferenceAccuracy() throws {
        try writeTinyMNIST()
        let yaml = """
        command: train
        settings:
          data-dir: data
          dataset: mnist
          width: 4
          depth: 6
          init: fbm
          hurst: 0.5
          epochs: 1
          batch-size: 16
          optimizer: sgd
        axes:
          lr: [0.001, 1e12]
          beta: [0.5, 1]
        """
        let spec = directory.appendingPathComponent("diverge.yaml").path
        try yaml.write(toFile: spec, atomically: true, encoding: .utf8)
        let results = directory.appendingPathComponent("results").path
        let r = try Tool.run(["sweep", spec, "--results", results, "--workers", "1", "--quiet"])
        XCTAssertEqual(r.status, 0, r.output)
        let table = directory.appendingPathComponent("t.csv").path
        XCTAssertEqual(try Tool.run(["collect", results, "--out", table]).status, 0)
        let csv = CSV.parse(try String(contentsOfFile: table, encoding: .utf8))
        let column = { (name: String) in try XCTUnwrap(csv.header.firstIndex(of: name)) }
        let (lr, diverged, accuracy, lastFinite) = (try column("lr"), try column("diverged"), try column("test_accuracy"),
                                                    try column("last_finite_test_accuracy"))
        XCTAssertEqual(csv.rows.count, 4)
        for row in csv.rows {
            if row[lr] == "1e+12" || Double(row[lr]) == 1e12 {
                XCTAssertEqual(row[diverged], "1", "lr 1e12 must diverge: \(row)")
                XCTAssertEqual(Double(row[accuracy]), 4.0 / 32)
                XCTAssertTrue((0...1).contains(Double(row[lastFinite]) ?? -1), row[lastFinite])
            } else {
                XCTAssertEqual(row[diverged], "0")
                XCTAssertEqual(row[accuracy], row[lastFinite])
            }
        }
        // Only the diverged runs: every cell's best run diverged, hatched and counted.
        let onlyDiverged = directory.appendingPathComponent("d.csv").path
        let kept = [csv.header] + csv.rows.filter { $0[diverged] == "1" }
        try kept.map { $0.joined(separator: ",") }.joined(separator: "\n").appending("\n").write(toFile: onlyDiverged, atomically: true, encoding: .utf8)
        let figure = directory.appendingPathComponent("fig9.svg").path
        XCTAssertEqual(try Tool.run(["plot", onlyDiverged, "--out", figure]).status, 0)
        let svg = try String(contentsOfFile: figure, encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "class=\"cell-hatch\"").count - 1, 2)
        XCTAssertTrue(svg.contains(">2 hatched: best run diverged"), svg)
        XCTAssertTrue(svg.contains("L = 6, d = 4, 1 epoch"), "figure 9's subtitle names L, d and the epochs")
    }

    /// A wrong data folder stops a train sweep before any cell runs, and nothing is recorded.
    func testMissingDataDirStopsTheSweepAndRecordsNothing() throws {
        let yaml = """
        command: train
        settings:
          data-dir: no-such-data
          width: 4
          depth: 6
          epochs: 1
        axes:
          dataset: [mnist, cifar10]
          beta: [0.5, 1]
        """
        let spec = directory.appendingPathComponent("train.yaml").path
        try yaml.write(toFile: spec, atomically: true, encoding: .utf8)
        let results = directory.appendingPathComponent("results")
        let r = try Tool.run(["sweep", spec, "--results", results.path])
        XCTAssertNotEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("settings.data-dir"), r.output)
        XCTAssertTrue(r.output.contains(directory.appendingPathComponent("no-such-data").lastPathComponent), r.output)
        XCTAssertTrue(records(results).isEmpty, "no cell is recorded")
        XCTAssertFalse(r.output.contains(": started"), r.output)
    }
}

/// A 64-image, 28×28, 10-class IDX dataset for fast training tests.
enum TinyMNIST {
    static func write(to folder: URL) throws {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)] }
        for (prefix, count) in [("train", 64), ("t10k", 32)] {
            var images = be(0x0803) + be(UInt32(count)) + be(28) + be(28)
            var labels = be(0x0801) + be(UInt32(count))
            for i in 0..<count {
                let label = UInt8(i % 10)
                labels.append(label)
                images += (0..<784).map { p in UInt8((p * 7 + Int(label) * 31 + i) % 256) }
            }
            try Data(images).write(to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try Data(labels).write(to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
    }
}
