import Foundation
import Persistence
import ResNets
import Stochastic
import XCTest
@testable import Training

final class TrainerTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Slices of the real MNIST (or synthetic data when it is absent).
    func data(train: Int = 600, test: Int = 300) -> (Dataset, Dataset) {
        if let sets = SharedMNIST.sets { return (sets.train.prefix(train), sets.test.prefix(test)) }
        return (TrainingBenchmark.syntheticDataset(count: train), TrainingBenchmark.syntheticDataset(count: test, seed: 2))
    }

    func tiny(_ model: ResidualVariant = .res1, epochs: Int = 3, lr: Double = 3e-3,
              initialization: Initialization = .iidUniform) -> TrainingConfiguration {
        TrainingConfiguration(model: model, width: 12, depth: 16, beta: 0.5, initialization: initialization,
                              learningRate: lr, lrStep: 2, lrGamma: 0.5, epochs: epochs, batchSize: 64, seed: 7)
    }

    func testTinyModelsLearnMNIST() throws {
        let (train, test) = data()
        for model in [ResidualVariant.res1, .res2, .res3] {
            let trainer = try Trainer(configuration: tiny(model), train: train, test: test, threads: 2)
            let initial = trainer.evaluateInitial()
            var last: EpochMetrics?
            while !trainer.isFinished {
                guard case .completed(let m) = trainer.runEpoch() else { return XCTFail("\(model) diverged") }
                last = m
            }
            XCTAssertEqual(trainer.history.count, 3)
            XCTAssertEqual(trainer.history.map(\.learningRate), [3e-3, 3e-3, 1.5e-3])
            XCTAssertLessThan(last!.testLoss, initial.loss, "\(model)")
            if SharedMNIST.sets != nil { XCTAssertGreaterThan(last!.testAccuracy, 0.6, "\(model)") }
        }
    }

    func testDeeperModelReachesGoodAccuracy() throws {
        guard SharedMNIST.sets != nil else { throw XCTSkip("needs the real MNIST") }
        let (train, test) = data(train: 4000, test: 1000)
        let config = TrainingConfiguration(model: .res1, width: 30, depth: 200, beta: 0.5, learningRate: 1e-3, lrStep: 5,
                                           lrGamma: 0.1, epochs: 2, batchSize: 128, seed: 0)
        let trainer = try Trainer(configuration: config, train: train, test: test, threads: 2)
        while !trainer.isFinished { _ = trainer.runEpoch() }
        XCTAssertNil(trainer.divergence)
        XCTAssertGreaterThan(trainer.history.last!.testAccuracy, 0.85)
    }

    func testResultsDoNotDependOnThreads() throws {
        // res-3 and res-1 (the training benchmark's model), Adam, with the residual bias: the
        // parameters and the optimizer state after an epoch are the same bits on 1, 2 and 3 threads.
        let (train, test) = data(train: 300, test: 100)
        for model in [ResidualVariant.res3, .res1] {
            var config = tiny(model, epochs: 1)
            config.residualBias = true
            let one = try Trainer(configuration: config, train: train, test: test, threads: 1)
            _ = one.runEpoch()
            for threads in [2, 3] {
                let other = try Trainer(configuration: config, train: train, test: test, threads: threads)
                _ = other.runEpoch()
                XCTAssertEqual(one.parameters, other.parameters, "\(model) on \(threads) threads")
                XCTAssertEqual(one.optimizer, other.optimizer, "\(model) on \(threads) threads")
                XCTAssertEqual(one.history[0].testLoss, other.history[0].testLoss)
                XCTAssertEqual(one.history[0].trainLoss, other.history[0].trainLoss)
            }
        }
    }

    func testBlockSplitMatchesOneBlock() throws {
        // Two column blocks compute the same gradient as one (up to Float rounding).
        let (train, test) = data(train: 128, test: 64)
        var a = tiny(epochs: 1), b = tiny(epochs: 1)
        a.columnBlocks = 1; b.columnBlocks = 2
        a.optimizer = .sgd(momentum: 0); b.optimizer = .sgd(momentum: 0)
        let ta = try Trainer(configuration: a, train: train, test: test), tb = try Trainer(configuration: b, train: train, test: test)
        XCTAssertEqual(ta.parameters, tb.parameters)
        let indices = Array(0..<64)
        indices.withUnsafeBufferPointer { _ = ta.step(indices: $0, learningRate: 1); _ = tb.step(indices: $0, learningRate: 1) }
        var pa = ta.parameters, pb = tb.parameters
        var maxDiff: Float = 0, maxStep: Float = 0
        let initial = try Trainer(configuration: a, train: train, test: test).parameters
        var p0 = initial
        pa.forEachArray { name, x in
            pb.forEachArray { n2, y in
                guard name == n2 else { return }
                p0.forEachArray { n3, z in
                    guard n3 == name else { return }
                    for i in x.indices { maxDiff = max(maxDiff, abs(x[i] - y[i])); maxStep = max(maxStep, abs(x[i] - z[i])) }
                }
            }
        }
        XCTAssertGreaterThan(maxStep, 1e-3)
        XCTAssertLessThan(maxDiff, 1e-5 * max(1, maxStep))
    }

    func testResumeIsBitIdentical() throws {
        let (train, test) = data(train: 256, test: 128)
        let config = tiny(epochs: 3, initialization: .iidGaussian)
        // Uninterrupted.
        let full = try TrainingSession(configuration: config, train: train, test: test,
                                       directory: folder.appendingPathComponent("full").path, resume: false, threads: 2)
        let fullMetrics = try full.run()
        // Interrupted after one epoch: a session that stops, then a new one that resumes.
        let dir = folder.appendingPathComponent("parts").path
        let first = try TrainingSession(configuration: config, train: train, test: test, directory: dir, resume: false, threads: 1)
        first.trainer.evaluateInitial()
        _ = first.trainer.runEpoch()
        try first.save()
        first.close()
        let second = try TrainingSession(configuration: config, train: train, test: test, directory: dir, resume: true, threads: 2)
        XCTAssertTrue(second.resumed)
        XCTAssertEqual(second.trainer.completedEpochs, 1)
        let resumedMetrics = try second.run()
        XCTAssertEqual(second.trainer.parameters, full.trainer.parameters)
        XCTAssertEqual(second.trainer.optimizer, full.trainer.optimizer)
        func numbers(_ m: MetricsDocument) -> [[Double]] {
            m.epochs.map { [$0.learningRate, $0.trainLoss, $0.trainAccuracy, $0.testLoss, $0.testAccuracy] }
        }
        XCTAssertEqual(numbers(resumedMetrics), numbers(fullMetrics))
        XCTAssertEqual(resumedMetrics.regularity, fullMetrics.regularity)
        XCTAssertEqual(resumedMetrics.initial, fullMetrics.initial)
        second.close()
        // Resuming a finished run changes nothing.
        let third = try TrainingSession(configuration: config, train: train, test: test, directory: dir, resume: true)
        XCTAssertTrue(third.trainer.isFinished)
        XCTAssertEqual(numbers(try third.run()), numbers(fullMetrics))
    }

    func testMetricsFileShape() throws {
        let (train, test) = data(train: 128, test: 64)
        let dir = folder.appendingPathComponent("run").path
        let session = try TrainingSession(configuration: tiny(epochs: 2), train: train, test: test, directory: dir, resume: false)
        try session.run()
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: session.metricsPath))) as! [String: Any]
        let config = json["config"] as! [String: Any]
        XCTAssertEqual(config["model"] as? String, "res1")
        XCTAssertEqual(config["width"] as? Int, 12)
        XCTAssertEqual(config["init"] as? String, "iid-uniform")
        XCTAssertEqual(json["diverged"] as? Bool, false)
        XCTAssertNil(json["nan_output_accuracy"])   // only for runs that diverged
        XCTAssertEqual(json["finished"] as? Bool, true)
        let epochs = json["epochs"] as! [[String: Any]]
        XCTAssertEqual(epochs.count, 2)
        XCTAssertEqual(epochs[0]["epoch"] as? Int, 1)
        for key in ["train_loss", "test_loss", "test_accuracy", "seconds"] { XCTAssertNotNil(epochs[1][key] as? Double, key) }
        let regularity = json["regularity"] as! [String: Any]
        let initialV = (regularity["initial"] as! [String: Any])["V"] as! [String: Any]
        XCTAssertNotNil(initialV["quadratic_variation"] as? Double)
        XCTAssertNotNil(initialV["holder_exponent"] as? Double)
        XCTAssertNotNil((regularity["final"] as! [String: Any])["V"])
        let change = (regularity["change"] as! [String: Any])["V"] as! [String: Any]
        XCTAssertGreaterThan(change["quadratic_variation"] as! Double, 0)
        XCTAssertNotNil(change["hurst_increments"] as? Double)
    }

    func testResumeWithOtherSettingsAndExistingRun() throws {
        let (train, test) = data(train: 128, test: 64)
        let dir = folder.appendingPathComponent("run").path
        try TrainingSession(configuration: tiny(epochs: 1), train: train, test: test, directory: dir, resume: false).run()
        XCTAssertThrowsError(try TrainingSession(configuration: tiny(epochs: 1), train: train, test: test, directory: dir, resume: false)) {
            XCTAssertTrue("\($0)".contains("--resume"), "\($0)")
        }
        var other = tiny(epochs: 1)
        other.learningRate = 0.5
        other.width = 13
        XCTAssertThrowsError(try TrainingSession(configuration: other, train: train, test: test, directory: dir, resume: true)) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("lr") && text.contains("width") && text.contains("0.5"), text)
        }
        // Other data (here: another slice) is refused.
        XCTAssertThrowsError(try TrainingSession(configuration: tiny(epochs: 1), train: data(train: 129, test: 64).0, test: test,
                                                 directory: dir, resume: true)) {
            XCTAssertTrue("\($0)".contains("other data"), "\($0)")
        }
        // More epochs extend the run.
        let longer = try TrainingSession(configuration: tiny(epochs: 2), train: train, test: test, directory: dir, resume: true)
        XCTAssertEqual(longer.trainer.completedEpochs, 1)
        XCTAssertEqual(try longer.run().epochs.count, 2)
    }

    /// Resuming with fewer epochs than the run was started for is refused (before, a 2-epoch
    /// run resumed with 1 recorded `epochs: 1` with 2 done); more epochs extend it and the
    /// new total is what metrics.json and the checkpoint record.
    func testResumeEpochsMayOnlyExtendTheRun() throws {
        let (train, test) = data(train: 128, test: 64)
        let dir = folder.appendingPathComponent("run").path
        let first = try TrainingSession(configuration: tiny(epochs: 2), train: train, test: test, directory: dir, resume: false)
        try first.run()
        first.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: first.metricsPath))
        XCTAssertThrowsError(try TrainingSession(configuration: tiny(epochs: 1), train: train, test: test, directory: dir, resume: true)) {
            XCTAssertEqual($0 as? TrainingRunError, .fewerEpochs(path: dir, recorded: 2, requested: 1, completed: 2))
            XCTAssertTrue("\($0)".contains("--epochs may only extend it"), "\($0)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first.metricsPath)), before, "a refused resume writes nothing")
        // The same total resumes a finished run without training.
        let same = try TrainingSession(configuration: tiny(epochs: 2), train: train, test: test, directory: dir, resume: true)
        XCTAssertTrue(same.trainer.isFinished)
        same.close()
        let longer = try TrainingSession(configuration: tiny(epochs: 3), train: train, test: test, directory: dir, resume: true)
        let metrics = try longer.run()
        longer.close()
        XCTAssertEqual(metrics.config.epochs, 3)
        XCTAssertEqual(metrics.completedEpochs, 3)
        XCTAssertEqual(metrics.epochs.map(\.epoch), [1, 2, 3])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: longer.metricsPath))) as! [String: Any]
        XCTAssertEqual((json["config"] as! [String: Any])["epochs"] as? Int, 3)
        XCTAssertEqual(json["completed_epochs"] as? Int, 3)
        XCTAssertEqual(try Checkpoint.read(from: longer.checkpointPath).configuration.epochs, 3)
        // Now 2 is fewer than the recorded 3.
        XCTAssertThrowsError(try TrainingSession(configuration: tiny(epochs: 2), train: train, test: test, directory: dir, resume: true))
    }

    /// Two sessions on one folder: the second is refused at once, naming the holder; after
    /// `close()` (or the end of the holder) the folder can be used again. Two `FileLock`s in
    /// one process are two open file descriptions, so flock makes them exclude each other
    /// exactly as two processes would.
    func testRunFolderIsLocked() throws {
        let (train, test) = data(train: 128, test: 64)
        let dir = folder.appendingPathComponent("run").path
        let first = try TrainingSession(configuration: tiny(epochs: 1), train: train, test: test, directory: dir, resume: false)
        for resume in [false, true] {
            XCTAssertThrowsError(try TrainingSession(configuration: tiny(epochs: 1), train: train, test: test, directory: dir,
                                                     resume: resume)) { error in
                let holder = FileLock.Holder(pid: getpid(), host: ProcessInfo.processInfo.hostName)
                XCTAssertEqual(error as? TrainingRunError, .inUse(path: dir, holder: holder))
                XCTAssertTrue("\(error)".contains("'\(dir)' is in use by process \(getpid()) on host \(holder.host)"), "\(error)")
            }
        }
        XCTAssertThrowsError(try TrainingSession.lock(dir))
        try first.run()
        first.close()
        let again = try TrainingSession(configuration: tiny(epochs: 1), train: train, test: test, directory: dir, resume: true)
        XCTAssertTrue(again.resumed)
        again.close()
        // A lock taken ahead (as `train` does before loading data) is the session's lock.
        let lock = try TrainingSession.lock(dir)
        let third = try TrainingSession(configuration: tiny(epochs: 1), train: train, test: test, directory: dir, resume: true, lock: lock)
        XCTAssertThrowsError(try TrainingSession.lock(dir))
        third.close()
        XCTAssertNoThrow(try TrainingSession.lock(dir).release())
    }

    func testCheckpointValidation() throws {
        let (train, test) = data(train: 64, test: 64)
        let trainer = try Trainer(configuration: tiny(.res3, epochs: 1), train: train, test: test)
        _ = trainer.runEpoch()
        let data = try Checkpoint(trainer: trainer).encodedVersion1()
        let decoded = try Checkpoint.decode(data)
        XCTAssertEqual(decoded.parameters, trainer.parameters)
        XCTAssertEqual(decoded.optimizer, trainer.optimizer)
        XCTAssertEqual(decoded.history, trainer.history)
        XCTAssertEqual(decoded.configuration, trainer.configuration)
        func fails(_ d: Data, _ fragment: String, line: UInt = #line) {
            XCTAssertThrowsError(try Checkpoint.decode(d, path: "ck.bin"), line: line) {
                XCTAssertTrue("\($0)".contains(fragment) && "\($0)".contains("ck.bin"), "\($0)", line: line)
            }
        }
        fails(data.prefix(data.count - 100), "checksum")
        var flipped = data
        flipped[data.count / 2] ^= 1
        fails(flipped, "checksum")
        fails(Data("hello world, not a checkpoint".utf8), "not a ResNetScaling checkpoint")
        var version = data
        version[8] = 9
        fails(version, "version 9")
        XCTAssertThrowsError(try Checkpoint.read(from: folder.appendingPathComponent("none.bin").path))
    }

    /// `data` with one more array record (name, values) before the checksum, count and CRC fixed up.
    func appendingArray(_ data: Data, name: String, values: [Float]) -> Data {
        var bytes = [UInt8](data.prefix(data.count - 4))
        let jsonLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        let countOffset = 16 + jsonLength
        var count = UInt32(bytes[countOffset]) | UInt32(bytes[countOffset + 1]) << 8
            | UInt32(bytes[countOffset + 2]) << 16 | UInt32(bytes[countOffset + 3]) << 24
        count += 1
        for k in 0..<4 { bytes[countOffset + k] = UInt8((count >> (8 * UInt32(k))) & 0xFF) }
        func le<I: FixedWidthInteger>(_ v: I) -> [UInt8] { (0..<MemoryLayout<I>.size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let nameBytes = Array(name.utf8)
        bytes += le(UInt16(nameBytes.count)) + nameBytes + le(UInt64(values.count))
        for v in values { bytes += le(v.bitPattern) }
        let crc = bytes.withUnsafeBytes { Gzip.crc32($0) }
        return Data(bytes + le(crc))
    }

    func testCheckpointRejectsUnknownAndDuplicateArrays() throws {
        let (train, test) = data(train: 64, test: 64)
        let trainer = try Trainer(configuration: tiny(.res1, epochs: 1), train: train, test: test)
        _ = trainer.runEpoch()
        let data = try Checkpoint(trainer: trainer).encodedVersion1()
        // Unmodified, it decodes; the spliced copies below fail on the array, not on the checksum.
        XCTAssertEqual(try Checkpoint.decode(data).parameters, trainer.parameters)
        func fails(_ d: Data, _ fragments: [String], line: UInt = #line) {
            XCTAssertThrowsError(try Checkpoint.decode(d, path: "ck.bin"), line: line) { error in
                XCTAssertTrue(error is CheckpointError, "\(error)", line: line)
                for f in fragments + ["ck.bin"] { XCTAssertTrue("\(error)".contains(f), "\(error) should mention \(f)", line: line) }
            }
        }
        fails(appendingArray(data, name: "param.X", values: [1, 2]), ["unknown array", "'param.X'"])
        fails(appendingArray(data, name: "opt2.W", values: [0]), ["unknown array", "'opt2.W'"])  // res-1 has no W
        fails(appendingArray(data, name: "param.V", values: trainer.parameters.v), ["'param.V'", "more than once"])
    }

    func testDivergenceIsAResult() throws {
        let (train, test) = data(train: 256, test: 64)
        // β = 0 (α = 1) with lr 1: the loss explodes within a few steps.
        var config = TrainingConfiguration(model: .res1, width: 16, depth: 50, beta: 0, learningRate: 1, lrStep: 5,
                                           lrGamma: 0.1, epochs: 3, batchSize: 32, seed: 1)
        config.optimizer = .sgd(momentum: 0.9)
        let dir = folder.appendingPathComponent("boom").path
        let session = try TrainingSession(configuration: config, train: train, test: test, directory: dir, resume: false)
        let metrics = try session.run()
        XCTAssertTrue(metrics.diverged)
        XCTAssertTrue(metrics.finished)
        let d = try XCTUnwrap(metrics.divergence)
        XCTAssertEqual(d.epoch, metrics.epochs.count + 1)
        XCTAssertTrue(metrics.epochs.allSatisfy { $0.trainLoss.isFinite && $0.testLoss.isFinite })
        // The parameters kept are the last finite ones, and the metrics file is valid JSON.
        XCTAssertTrue(session.trainer.parameters.v.allSatisfy(\.isFinite))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: session.metricsPath))) as! [String: Any]
        XCTAssertEqual(json["diverged"] as? Bool, true)
        // The reference's accuracy for NaN outputs: argmax picks class 0, so the share of the
        // test labels that are 0, counted here independently.
        let zeros = Double(test.labels.filter { $0 == 0 }.count) / Double(test.labels.count)
        XCTAssertEqual(metrics.nanOutputAccuracy, zeros)
        XCTAssertEqual(json["nan_output_accuracy"] as? Double, zeros)
        session.close()
        // Resuming a diverged run does nothing more.
        let again = try TrainingSession(configuration: config, train: train, test: test, directory: dir, resume: true)
        XCTAssertTrue(again.trainer.isFinished)
        XCTAssertEqual(try again.run().divergence, d)
    }

    func testModelExplodingAtInitialization() throws {
        let (train, test) = data(train: 128, test: 64)
        // β = 0, L = 1000: ‖h_L‖ overflows Float before any training.
        let config = TrainingConfiguration(model: .res1, width: 30, depth: 1000, beta: 0, learningRate: 1, lrStep: 5,
                                           lrGamma: 0.1, epochs: 2, batchSize: 64, seed: 1)
        let dir = folder.appendingPathComponent("exploded").path
        let session = try TrainingSession(configuration: config, train: train, test: test, directory: dir, resume: false)
        let metrics = try session.run()
        XCTAssertTrue(metrics.diverged)
        XCTAssertEqual(metrics.divergence?.epoch, 1)
        XCTAssertEqual(metrics.divergence?.step, 1)
        XCTAssertNil(metrics.divergence?.lastFiniteTrainLoss)
        XCTAssertEqual(metrics.epochs.count, 0)
        XCTAssertTrue(metrics.initial!.loss.isNaN || metrics.initial!.loss.isInfinite)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: session.metricsPath))) as! [String: Any]
        let initial = json["initial"] as! [String: Any]
        XCTAssertTrue(initial["loss"] is NSNull)
        session.close()
        // The checkpoint (with its NaN initial loss) reads back.
        let again = try TrainingSession(configuration: config, train: train, test: test, directory: dir, resume: true)
        XCTAssertTrue(again.trainer.isFinished)
        XCTAssertTrue(again.trainer.initialEvaluation!.loss.isNaN)
    }

    func testResidualBiasForFBM() throws {
        XCTAssertFalse(Initialization.iidUniform.hasResidualBias)
        if let fbm = try? Initialization(parsing: "fbm:0.5") {
            XCTAssertTrue(fbm.hasResidualBias)
            XCTAssertTrue(TrainingConfiguration(initialization: fbm).residualBias)
        }
        XCTAssertFalse(TrainingConfiguration().residualBias)
    }

    func testConfigurationJSONRoundTrip() throws {
        var c = tiny(.res3)
        c.optimizer = .sgd(momentum: 0.5)
        c.trainLimit = 100
        let data = try JSONEncoder().encode(c)
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfiguration.self, from: data), c)
        XCTAssertThrowsError(try TrainingConfiguration(epochs: 0).validate())
        XCTAssertThrowsError(try TrainingConfiguration(learningRate: -1).validate())
    }
}

final class NaNOutputAccuracyTests: XCTestCase {
    /// argmax over NaN outputs returns the first index (PyTorch and NumPy), so every image is
    /// predicted as class 0: the accuracy is the share of labels equal to 0.
    func testShareOfLabelZero() {
        XCTAssertEqual(MetricsDocument.nanOutputAccuracy(labels: [0, 1, 2, 0, 9, 0, 3, 4]), 3.0 / 8)
        XCTAssertEqual(MetricsDocument.nanOutputAccuracy(labels: [5, 6]), 0)
        XCTAssertTrue(MetricsDocument.nanOutputAccuracy(labels: []).isNaN)
    }
}
