import Foundation
import Persistence
import Support
import XCTest
@testable import Training

/// `TrainingRun`, the one run-in-a-folder of `train` and the sweep cells: creates and locks
/// its folder before the data is loaded, leaves nothing behind when refused, resumes to the
/// numbers of an uninterrupted run, and records the weight path of a `weight-entry`.
final class TrainingRunTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("training-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    let data = (train: TrainingBenchmark.syntheticDataset(count: 96), test: TrainingBenchmark.syntheticDataset(count: 32, seed: 2))

    func configuration(epochs: Int) -> TrainingConfiguration {
        TrainingConfiguration(width: 6, depth: 5, epochs: epochs, batchSize: 32, seed: 3)
    }

    func contents(_ url: URL) -> Set<String> { Set((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []) }

    func testRunsAndResumesToTheSameNumbers() throws {
        let whole = folder.appendingPathComponent("a/b/whole"), split = folder.appendingPathComponent("split")
        var started = 0
        let full = try TrainingRun.run(configuration(epochs: 2), in: whole.path, resume: false, threads: 1, loadData: { self.data },
                                       started: { XCTAssertFalse($0.resumed); started += 1 })
        XCTAssertEqual(started, 1)
        XCTAssertEqual(contents(whole), [TrainingSession.lockFileName, TrainingSession.metricsFileName, Checkpoint.fileName,
                                         TrainingLog.fileName, ModelWeights.fileName, ModelWeights.initialFileName])
        try TrainingRun.run(configuration(epochs: 1), in: split.path, resume: false, threads: 2, loadData: { self.data })
        let resumed = try TrainingRun.run(configuration(epochs: 2), in: split.path, resume: true, threads: 1, loadData: { self.data },
                                          started: { XCTAssertTrue($0.resumed) })
        XCTAssertEqual(resumed.epochs.map(\.testLoss), full.epochs.map(\.testLoss))
        XCTAssertEqual(resumed.final?.trainLoss, full.final?.trainLoss)
    }

    /// Refusals happen before the data is loaded, and a folder the run made is removed.
    func testRefusedRunsLeaveNothingBehind() throws {
        let fresh = folder.appendingPathComponent("new/run")
        struct NoData: Error {}
        XCTAssertThrowsError(try TrainingRun.run(configuration(epochs: 1), in: fresh.path, resume: false, threads: 1,
                                                 loadData: { throw NoData() })) { XCTAssertTrue($0 is NoData) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.deletingLastPathComponent().path), "nor its parent")

        let existing = folder.appendingPathComponent("existing")
        try TrainingRun.run(configuration(epochs: 1), in: existing.path, resume: false, threads: 1, loadData: { self.data })
        var loaded = false
        XCTAssertThrowsError(try TrainingRun.run(configuration(epochs: 1), in: existing.path, resume: false, threads: 1,
                                                 loadData: { loaded = true; return self.data })) { error in
            XCTAssertEqual(error as? TrainingRunError, .existingRun(path: existing.path))
        }
        let lock = try TrainingSession.lock(existing.path)
        XCTAssertThrowsError(try TrainingRun.run(configuration(epochs: 2), in: existing.path, resume: true, threads: 1,
                                                 loadData: { loaded = true; return self.data })) { error in
            guard case .inUse = error as? TrainingRunError else { return XCTFail("\(error)") }
        }
        lock.release()
        XCTAssertFalse(loaded, "refused before loading the data")
        XCTAssertThrowsError(try TrainingRun.run(configuration(epochs: 0), in: fresh.path, resume: false, threads: 1,
                                                 loadData: { self.data })) { error in
            XCTAssertEqual((error as? ConfigurationError)?.setting, "epochs", "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.deletingLastPathComponent().path))
        XCTAssertEqual(contents(existing), [TrainingSession.lockFileName, TrainingSession.metricsFileName, Checkpoint.fileName,
                                            TrainingLog.fileName, ModelWeights.fileName, ModelWeights.initialFileName])
    }

    /// A `weight-entry` puts V_k[i, j] against k in metrics.json, after training and at initialization.
    func testWeightEntryIsRecorded() throws {
        var config = configuration(epochs: 1)
        config.weightEntry = WeightEntry(i: 1, j: 2)
        let run = folder.appendingPathComponent("weights")
        let metrics = try TrainingRun.run(config, in: run.path, resume: false, threads: 1, loadData: { self.data })
        let path = try XCTUnwrap(metrics.weightPath)
        XCTAssertEqual(path.trained.count, config.depth)
        XCTAssertEqual(path.initial?.count, config.depth)
        XCTAssertNotEqual(path.trained, path.initial, "training moved the weight")
        let initial = try Trainer.initialParameters(config, network: try config.networkConfiguration(features: data.train.features,
                                                                                                      classes: data.train.classes))
        XCTAssertEqual(path.initial?[3], Double(initial.v[3 * 36 + 1 * 6 + 2]))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("metrics.json"))) as? [String: Any])
        XCTAssertEqual((json["weight_path"] as? [String: Any])?["i"] as? Int, 1)
        XCTAssertEqual((json["config"] as? [String: Any])?["weight_entry"] as? [Int], [1, 2])
        // Recording another entry on resume is not a different run.
        config.weightEntry = WeightEntry(i: 0, j: 0)
        let again = try TrainingRun.run(config, in: run.path, resume: true, threads: 1, loadData: { self.data })
        XCTAssertEqual(again.weightPath?.i, 0)
        XCTAssertEqual(again.final, metrics.final)
    }
}
