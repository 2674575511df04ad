import Experiments
import Figures
import Foundation
import SignalPropagation
import Training
import XCTest

/// Cells, ids, shards, the results store and collect, in process.
final class GridAndStoreTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-tests-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func plan(_ yaml: String) throws -> SweepPlan {
        try SweepPlan(spec: try SweepSpec.parse(yaml: yaml, source: "t.yaml", baseDirectory: "/"))
    }

    let small = """
    command: simulate
    settings:
      width: 6
      input-dim: 4
      samples: 4
      inputs: 2
    axes:
      depth: [3, 7, 12]
      beta: [0.25, 0.5, 1]
    seed: 5
    """

    func testIdsAreStableAndChangeWithAnySetting() throws {
        let a = try plan(small), b = try plan(small)
        XCTAssertEqual(a.cells.map(\.id), b.cells.map(\.id))
        XCTAssertEqual(Set(a.cells.map(\.id)).count, a.cells.count)
        XCTAssertTrue(a.cells.allSatisfy { $0.id.count == 32 && $0.id.allSatisfy(\.isHexDigit) })
        // Every identity setting, changed by the table, changes the id; so does the command.
        let cell = a.cells[0]
        guard case .simulate(let spec, let models) = cell.spec else { return XCTFail("a simulate cell") }
        let changes: [String: String] = ["model": "res1", "activation": "tanh", "init": "iid-gaussian", "width": "7",
                                         "input-dim": "5", "output-dim": "2", "depth": "4", "beta": "0.25,0.5", "samples": "5",
                                         "inputs": "3", "seed": "6"]
        XCTAssertEqual(Set(changes.keys), Set(SimulateRequest.settings.settings.filter(\.identity).map(\.name)).subtracting(["hurst"]))
        for (name, text) in changes {
            var request = SimulateRequest(spec: spec)
            try SimulateRequest.settings.apply([name: text], to: &request)
            XCTAssertNotEqual(Cell(index: 0, spec: .simulate(request.spec, models: models)).id, cell.id, name)
        }
        XCTAssertNotEqual(Cell(index: 0, spec: .simulate(spec, models: 1..<2)).id, cell.id, "the models")
        XCTAssertEqual(Cell(index: 9, spec: .simulate(spec, models: models)).id, cell.id, "the position is not")
        XCTAssertTrue(cell.spec.canonicalText.hasPrefix("resnet-scaling cell v2\ncommand=simulate\nactivation=relu\nbeta=0.25,0.5,1\n"),
                      cell.spec.canonicalText)
        // The seed is part of the identity; thread counts are not.
        let seeded = try plan(small.replacingOccurrences(of: "seed: 5", with: "seed: 6"))
        XCTAssertTrue(Set(seeded.cells.map(\.id)).isDisjoint(with: a.cells.map(\.id)))
        let threaded = try plan(small.replacingOccurrences(of: "  samples: 4", with: "  samples: 4\n  threads: 1"))
        XCTAssertEqual(threaded.cells.map(\.id), a.cells.map(\.id))
    }

    func testShardsPartitionTheCells() throws {
        let p = try plan(small.replacingOccurrences(of: "depth: [3, 7, 12]", with: "depth: 2:40:11"))
        XCTAssertEqual(p.cells.count, 11)
        for n in 1...13 {
            var seen: [Int] = []
            for i in 0..<n { seen += p.cells(in: try Shard(index: i, count: n)).map(\.index) }
            XCTAssertEqual(seen.sorted(), Array(0..<11), "n = \(n)")
        }
        XCTAssertEqual(try Shard(parsing: "1/4").description, "1/4")
        XCTAssertThrowsError(try Shard(parsing: "4/4")) { XCTAssertTrue("\($0)".contains("0-based"), "\($0)") }
        XCTAssertThrowsError(try Shard(parsing: "-1/4"))
        XCTAssertThrowsError(try Shard(parsing: "0/0"))
        XCTAssertThrowsError(try Shard(parsing: "1of4"))
    }

    /// Cells split by depth and by model range give exactly the rows of one monolithic run.
    func testSimulateCellsReproduceTheMonolithicRun() throws {
        let p = try plan(small + "\nmodels-per-cell: 3\n")
        XCTAssertEqual(p.cells.count, 3 * 2)
        var rows: [String] = []
        for cell in p.cells {
            guard case .simulate(let spec, let models) = cell.spec else { return XCTFail("a simulate cell") }
            for r in try SimulateCell.run(spec, models: models, threads: 2) {
                rows.append("\(r.depth) \(r.beta) \(r.modelIndex) \(r.inputIndex) \(r.metrics)")
            }
        }
        var spec = SimulationSpec()
        spec.width = 6; spec.inputDimension = 4; spec.samples = 4; spec.inputsPerModel = 2
        spec.depths = [3, 7, 12]; spec.betas = [0.25, 0.5, 1]; spec.seed = 5
        let whole = try Simulator(spec: spec).run(threads: 1).records.map { r in
            "\(r.depth) \(r.beta) \(r.modelIndex) \(r.inputIndex) \(r.metrics)"
        }
        XCTAssertEqual(rows.sorted(), whole.sorted())
    }

    /// The runner reports done, failed, running and skipped cells as they change, never more
    /// running than workers, and ends with every cell counted; the line shows them and an ETA.
    func testProgressCountsCellsAndGivesAnETA() throws {
        let p = try plan(small)
        let store = try ResultStore(directory: directory, create: true)
        let seen = Locked<[SweepProgress]>([])
        let execute: SweepRunner.Execute = { cell, _ in
            usleep(20_000)
            if cell.index == 1 { throw PlotError("boom") }
            return CellOutput(rows: [[0.5, 0, 0, 1, 2, 3, 4]])
        }
        let runner = SweepRunner(plan: p, store: store, options: SweepOptions(workers: 2), execute: execute)
        runner.progress = { progress in seen.mutate { $0.append(progress) } }
        _ = try runner.run()
        let reports = seen.value
        XCTAssertEqual(reports.count, 6, "a start and an end per cell")
        XCTAssertTrue(reports.allSatisfy { $0.cells == 3 && $0.running <= 2 && $0.running >= 0 }, "\(reports)")
        let last = try XCTUnwrap(reports.last)
        XCTAssertEqual([last.done, last.failed, last.running, last.skipped, last.remaining], [2, 1, 0, 0, 0])
        XCTAssertEqual(last.secondsRemaining, 0)
        XCTAssertNil(reports[0].secondsRemaining)
        XCTAssertEqual(reports[0].line, "0/3 cells: 0 done, 0 failed, 1 running; ETA ?")
        // A second run finds every cell recorded.
        let again = SweepRunner(plan: p, store: store, options: SweepOptions(), execute: execute)
        let skipped = Locked<[SweepProgress]>([])
        again.progress = { progress in skipped.mutate { $0.append(progress) } }
        _ = try again.run()
        XCTAssertEqual(skipped.value.last?.skipped, 3)
        XCTAssertEqual(skipped.value.last?.remaining, 0)
        // The ETA: 4 of 10 cells finished in 8 s, 6 to go at that rate.
        let mid = SweepProgress(cells: 10, done: 3, failed: 1, running: 2, skipped: 0, elapsed: 8)
        XCTAssertEqual(mid.secondsRemaining, 12)
        XCTAssertEqual(mid.line, "4/10 cells: 3 done, 1 failed, 2 running; ETA 12.0s")
    }

    func testFailingCellIsRecordedAndTheSweepContinues() throws {
        let p = try plan(small)
        let store = try ResultStore(directory: directory, create: true)
        let runs = Counter()
        let execute: SweepRunner.Execute = { cell, _ in
            runs.add(cell.index)
            if cell.index == 1 { throw PlotError("boom in cell 1") }
            return CellOutput(rows: [[0.5, 0, 0, 1, 2, 3, 4]])
        }
        let report = try SweepRunner(plan: p, store: store, options: SweepOptions(workers: 2), execute: execute).run()
        XCTAssertEqual(report.completed, 2)
        XCTAssertEqual(report.failed, 1)
        XCTAssertEqual(store.record(p.cells[1].id)?.status, .failed)
        XCTAssertEqual(store.record(p.cells[1].id)?.error, "boom in cell 1")
        XCTAssertEqual(runs.values.sorted(), [0, 1, 2])
        // Rerunning does nothing; --retry-failed reruns only the failed cell.
        let again = try SweepRunner(plan: p, store: store, options: SweepOptions(), execute: execute).run()
        XCTAssertEqual(again.alreadyDone, 2)
        XCTAssertEqual(again.alreadyFailed, 1)
        XCTAssertEqual(runs.values.count, 3)
        let retry = try SweepRunner(plan: p, store: store, options: SweepOptions(retryFailed: true), execute: execute).run()
        XCTAssertEqual(retry.failed, 1)
        XCTAssertEqual(runs.values.sorted(), [0, 1, 1, 2])

        let table = try Collector.collect(store)
        XCTAssertEqual(table.summary.line, "2 done, 1 failed, 0 missing")
        XCTAssertEqual(table.rows.count, 2)
        XCTAssertEqual(table.failures.map(\.id), [p.cells[1].id])
    }

    func testCollectCountsMissingCellsAgainstTheManifest() throws {
        let p = try plan(small)
        let store = try ResultStore(directory: directory, create: true)
        _ = try SweepRunner(plan: p, store: store, options: SweepOptions(shard: try Shard(index: 0, count: 2))).run()
        let table = try Collector.collect(store)
        XCTAssertEqual(table.summary, CollectSummary(done: 2, failed: 0, missing: 1))
        XCTAssertEqual(table.summary.line, "2 done, 0 failed, 1 missing")
        XCTAssertEqual(table.header.first, "cell_id")
        XCTAssertEqual(table.rows.count, 2 * 4 * 2 * 3, "cells × models × inputs × β")
        let parsed = CSV.parse(table.csv)
        XCTAssertEqual(parsed.header, table.header)
        XCTAssertEqual(parsed.rows, table.rows)
        // The table draws as figure 1.
        let (_, kind) = try SweepFigures.figure(header: parsed.header, rows: parsed.rows)
        XCTAssertEqual(kind, .curves)
        // Another grid cannot be run into the same folder.
        let other = try plan(small.replacingOccurrences(of: "seed: 5", with: "seed: 9"))
        XCTAssertThrowsError(try SweepRunner(plan: other, store: store, options: SweepOptions()).run()) {
            XCTAssertTrue("\($0)".contains("another sweep"), "\($0)")
        }
    }

    /// A figure-7 sweep with the reference sampler (H written in `init`, the hurst column empty)
    /// draws as the phase diagram, as one with `init: fbm` and a hurst axis does.
    func testReferenceSamplerTableDrawsAsThePhaseDiagram() throws {
        let spec = small.replacingOccurrences(of: "  depth: [3, 7, 12]", with: "  depth: [7]\n  init: [fbm-reference:0.3, fbm-reference:0.7]")
        let store = try ResultStore(directory: directory, create: true)
        _ = try SweepRunner(plan: try plan(spec), store: store, options: SweepOptions()).run()
        let table = try Collector.collect(store)
        XCTAssertEqual(Set(table.rows.map { $0[table.header.firstIndex(of: "hurst")!] }), [""])
        let (figure, kind) = try SweepFigures.figure(header: table.header, rows: table.rows)
        XCTAssertEqual(kind, .phase)
        // Its title names the sampler: the weights are not fBm.
        XCTAssertEqual(figure.title, PhaseFigures.referenceSamplerTitle)
    }

    /// Many workers in one process: each cell runs once (the lock is per open file).
    func testWorkersRunEachCellOnce() throws {
        let p = try plan(small.replacingOccurrences(of: "depth: [3, 7, 12]", with: "depth: 2:60:30"))
        let store = try ResultStore(directory: directory, create: true)
        let runs = Counter()
        let execute: SweepRunner.Execute = { cell, _ in
            runs.add(cell.index)
            usleep(2000)
            return CellOutput(rows: [])
        }
        let runners = (0..<3).map { _ in SweepRunner(plan: p, store: store, options: SweepOptions(workers: 4), execute: execute) }
        let reports = Locked<[SweepReport]>([])
        DispatchQueue.concurrentPerform(iterations: runners.count) { i in
            let r = try! runners[i].run()
            reports.mutate { $0.append(r) }
        }
        XCTAssertEqual(runs.values.sorted(), Array(0..<30))
        XCTAssertEqual(reports.value.map(\.completed).reduce(0, +), 30)
        XCTAssertEqual(try Collector.collect(store).summary.line, "30 done, 0 failed, 0 missing")
    }

    /// A missing data folder stops a train sweep up front with an error keyed settings.data-dir
    /// naming the folder and the loader's message; no record is written.
    func testMissingDataFolderStopsATrainSweep() throws {
        let missing = directory + "-no-data"
        let p = try plan("""
        command: train
        settings:
          data-dir: \(missing)
          width: 4
          depth: 6
        axes:
          beta: [0.5, 1]
        """)
        let store = try ResultStore(directory: directory, create: true)
        XCTAssertThrowsError(try SweepRunner(plan: p, store: store, options: SweepOptions()).run()) { error in
            let e = error as? SpecError
            XCTAssertEqual(e?.key, "settings.data-dir", "\(error)")
            XCTAssertTrue(e?.message.contains(missing) ?? false, "\(error)")
            XCTAssertTrue(e?.message.contains("\(DatasetError.missingDirectory(path: missing))") ?? false, "\(error)")
        }
        XCTAssertTrue(store.records().isEmpty)
        for cell in p.cells { XCTAssertNil(store.record(cell.id)) }
    }

    /// Registering two different grids at once: exactly one manifest wins, the other grid is
    /// refused every time, and no temporary file is left behind.
    func testConcurrentRegistrationAdmitsOneGrid() throws {
        let plans = [try plan(small), try plan(small.replacingOccurrences(of: "seed: 5", with: "seed: 9"))]
        for round in 0..<20 {
            let store = try ResultStore(directory: directory + "/round-\(round)", create: true)
            let outcomes = Locked<[(Int, Bool)]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { i in
                let ok = (try? store.register(plans[i % 2])) != nil
                outcomes.mutate { $0.append((i % 2, ok)) }
            }
            let manifest = try XCTUnwrap(try store.manifest())
            let winner = try XCTUnwrap(plans.firstIndex { $0.fingerprint == manifest.fingerprint })
            for (which, ok) in outcomes.value { XCTAssertEqual(ok, which == winner, "round \(round)") }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory).filter { $0.hasPrefix(".") }
            XCTAssertEqual(leftovers, [])
        }
    }

    func testLocksExcludeEachOther() throws {
        let store = try ResultStore(directory: directory, create: true)
        let first = try XCTUnwrap(try store.tryLock("abc"))
        XCTAssertNil(try store.tryLock("abc"))
        XCTAssertNotNil(try store.tryLock("abd"))
        first.release()
        XCTAssertNotNil(try store.tryLock("abc"))
    }

    func testSlurmScripts() throws {
        let job = SlurmJob(executable: "/opt/bin/resnet-scaling", spec: "/x/spec.yaml", results: "/shared/r", overrides: ["data-dir=/d"],
                           arraySize: 8, partition: "cpu", time: "01:00:00", cpusPerTask: 4, name: "sweep-x")
        let array = try job.arrayScript, collect = try job.collectScript
        XCTAssertTrue(array.contains("#SBATCH --array=0-7"))
        XCTAssertTrue(array.contains("#SBATCH --partition=\"cpu\"\n"), array)
        XCTAssertTrue(array.contains("#SBATCH --time=\"01:00:00\"\n"), array)
        XCTAssertTrue(array.contains("#SBATCH --cpus-per-task=4"))
        XCTAssertTrue(array.contains("'/opt/bin/resnet-scaling' sweep '/x/spec.yaml' --results '/shared/r' --shard \"${SLURM_ARRAY_TASK_ID}/8\""))
        XCTAssertTrue(array.contains("--set 'data-dir=/d'"))
        XCTAssertTrue(collect.contains("'/opt/bin/resnet-scaling' collect '/shared/r' --out '/shared/r/table.csv'\n"))
        XCTAssertTrue(collect.contains("'/opt/bin/resnet-scaling' plot '/shared/r' --out '/shared/r/figure.svg' || echo "), collect)
        let submit = try job.submitCommands
        XCTAssertEqual(submit[0], "ARRAY=$(sbatch --parsable '/shared/r/slurm/array.sbatch')")
        XCTAssertTrue(submit[1].contains("--dependency=afterok:"))
        XCTAssertTrue(submit[1].contains("--kill-on-invalid-dep=yes"))
        XCTAssertTrue(array.contains("#SBATCH --job-name=\"sweep-x\""))
        XCTAssertTrue(array.contains("#SBATCH --output=\"/shared/r/logs/shard-%A_%a.out\""), array)
        XCTAssertTrue(collect.contains("#SBATCH --job-name=\"sweep-x-collect\""))
        XCTAssertTrue(collect.contains("#SBATCH --output=\"/shared/r/logs/collect.out\""))
        // Spaces, quotes and % in the results path are kept literally.
        let odd = SlurmJob(executable: "/b", spec: "/s.yaml", results: "/my runs/100%/a\"b#c", overrides: [], arraySize: 2,
                           name: "my \"sweep\"")
        let oddScript = try odd.arrayScript
        XCTAssertTrue(oddScript.contains("#SBATCH --output=\"/my runs/100%%/a\\\"b#c/logs/shard-%A_%a.out\"\n"), oddScript)
        XCTAssertTrue(oddScript.contains("#SBATCH --job-name=\"my \\\"sweep\\\"\"\n"), oddScript)
        // A backslash: Slurm would drop it from the log path and the jobs would not start.
        let backslash = SlurmJob(executable: "/b", spec: "/s.yaml", results: "/r/a\\b", overrides: [], arraySize: 2, name: "x")
        XCTAssertThrowsError(try backslash.arrayScript) { XCTAssertTrue("\($0)".contains("backslash"), "\($0)") }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func add(_ v: Int) { lock.lock(); items.append(v); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return items }
}

final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var item: T
    init(_ v: T) { item = v }
    func mutate(_ body: (inout T) -> Void) { lock.lock(); body(&item); lock.unlock() }
    var value: T { lock.lock(); defer { lock.unlock() }; return item }
}
