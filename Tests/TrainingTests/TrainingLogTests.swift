import Foundation
import XCTest
@testable import Training

/// `log.jsonl`: one line every N steps with the step's numbers, checked against independent
/// oracles (the epoch's train loss in metrics.json; the parameter change of one plain SGD
/// step, which is −lr × the gradient), written as the run goes, and continued by a resumed run
/// without a step twice.
final class TrainingLogTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("training-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    let data = (train: TrainingBenchmark.syntheticDataset(count: 96), test: TrainingBenchmark.syntheticDataset(count: 32, seed: 2))

    func lines(_ directory: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: directory.appendingPathComponent(TrainingLog.fileName), encoding: .utf8)
        XCTAssertTrue(text.isEmpty || text.hasSuffix("\n"), "only whole lines: \(text.debugDescription)")
        return try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0))
        }
    }

    /// Lines every 2 steps of 3 epochs of 6 steps (batch 16 of 96): steps 2, 4, …, 18; the
    /// window losses, weighted by their examples, give each epoch's train loss of metrics.json.
    func testLinesAndTheirLossesMatchTheEpochs() throws {
        let out = folder.appendingPathComponent("run")
        let config = TrainingConfiguration(width: 6, depth: 5, lrStep: 2, lrGamma: 0.5, epochs: 3, batchSize: 16, seed: 3)
        var seenDuringRun: [(step: Int, lines: Int)] = []
        let doc = try TrainingRun.run(config, in: out.path, resume: false, threads: 2, logEvery: 2, loadData: { self.data },
                                      progress: { p in
            // Flushed as written: when a step is reported, the lines of the steps so far are in the file.
            seenDuringRun.append(((p.epoch - 1) * p.stepsPerEpoch + p.step, (try? self.lines(out).count) ?? -1))
        })
        let log = try lines(out)
        XCTAssertEqual(log.map { $0["step"] as? Int }, Array(stride(from: 2, through: 18, by: 2)))
        XCTAssertEqual(log.map { $0["epoch"] as? Int }, [1, 1, 1, 2, 2, 2, 3, 3, 3])
        XCTAssertEqual(log.map { $0["learning_rate"] as? Double }, [0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.0005, 0.0005, 0.0005])
        XCTAssertEqual(Set(log.flatMap(\.keys)), ["step", "epoch", "loss", "learning_rate", "gradient_norm", "examples_per_second", "seconds"])
        for (e, metrics) in doc.epochs.enumerated() {
            let losses = log[(3 * e)..<(3 * e + 3)].map { $0["loss"] as! Double }
            XCTAssertEqual(losses.reduce(0, +) / 3, metrics.trainLoss, accuracy: 1e-12 * max(1, metrics.trainLoss))
        }
        for line in log {
            XCTAssertGreaterThan(line["gradient_norm"] as! Double, 0)
            XCTAssertGreaterThan(line["examples_per_second"] as! Double, 0)
        }
        let seconds = log.map { $0["seconds"] as! Double }
        XCTAssertEqual(seconds, seconds.sorted())
        XCTAssertEqual(seenDuringRun.map(\.step), Array(1...18))
        for seen in seenDuringRun { XCTAssertEqual(seen.lines, seen.step / 2, "at step \(seen.step)") }
    }

    /// The gradient norm of a logged step is ‖θ_before − θ_after‖ / lr for plain SGD (no
    /// momentum): the optimizer's own update is the oracle. With 2 threads the batch is split
    /// into column blocks, whose gradients the norm must sum.
    func testGradientNormIsTheNormOfTheSGDUpdate() throws {
        let lr = 0.05
        let config = TrainingConfiguration(model: .res3, width: 6, depth: 4, optimizer: .sgd(momentum: 0), learningRate: lr,
                                           epochs: 1, batchSize: 32, seed: 5)
        for threads in [1, 2] {
            let trainer = try Trainer(configuration: config, train: data.train, test: data.test, threads: threads)
            let before = trainer.parameters
            let indices = Array(0..<32)
            indices.withUnsafeBufferPointer { _ = trainer.step(indices: $0, learningRate: lr) }
            let after = trainer.parameters
            var sum = 0.0
            for (a, b) in [(before.inputLayer, after.inputLayer), (before.outputLayer, after.outputLayer), (before.v, after.v),
                           (before.w, after.w), (before.bias, after.bias)] {
                for (x, y) in zip(a, b) { sum += (Double(x) - Double(y)) * (Double(x) - Double(y)) }
            }
            let oracle = sum.squareRoot() / lr
            XCTAssertGreaterThan(oracle, 0)
            XCTAssertEqual(trainer.lastGradientNorm(examples: 32), oracle, accuracy: 1e-4 * oracle, "threads \(threads)")
        }
    }

    /// A run interrupted after epoch 1 with lines written past its checkpoint (and a partial
    /// line) is resumed: those lines are cut, and the log then has the steps, epochs, losses,
    /// learning rates and gradient norms of an uninterrupted run, each step once.
    func testResumeCutsLinesPastTheCheckpointAndAppends() throws {
        let whole = folder.appendingPathComponent("whole"), split = folder.appendingPathComponent("split")
        let config = TrainingConfiguration(width: 6, depth: 5, epochs: 2, batchSize: 16, seed: 3)
        try TrainingRun.run(config, in: whole.path, resume: false, threads: 1, logEvery: 4, loadData: { self.data })
        var first = config
        first.epochs = 1
        try TrainingRun.run(first, in: split.path, resume: false, threads: 1, logEvery: 4, loadData: { self.data })
        XCTAssertEqual(try lines(split).map { $0["step"] as? Int }, [4])
        // What a run killed during epoch 2 would have left after its checkpoint.
        let handle = try FileHandle(forWritingTo: split.appendingPathComponent(TrainingLog.fileName))
        handle.seekToEndOfFile()
        handle.write(Data("{\"step\":8,\"epoch\":2,\"loss\":9}\n{\"step\":12,\"ep".utf8))
        try handle.close()
        try TrainingRun.run(config, in: split.path, resume: true, threads: 2, logEvery: 4, loadData: { self.data })
        let a = try lines(whole), b = try lines(split)
        XCTAssertEqual(b.map { $0["step"] as? Int }, [4, 8, 12])
        for key in ["step", "epoch", "loss", "learning_rate", "gradient_norm"] {
            XCTAssertEqual(a.map { $0[key] as? Double }, b.map { $0[key] as? Double }, key)
        }
        XCTAssertEqual(TrainingLog.keptLength(of: Data("{\"step\":1}\n{\"step\":2}\n".utf8), throughStep: 1), 11)
        XCTAssertEqual(TrainingLog.keptLength(of: Data("{\"step\":1}\ngarbage\n{\"step\":2}\n".utf8), throughStep: 5), 11)
    }

    /// No log with logEvery 0; a symbolic link at log.jsonl is refused (the run writes only a
    /// regular file of its own) before any training.
    func testNoLogAndLinksRefused() throws {
        let quiet = folder.appendingPathComponent("quiet")
        try TrainingRun.run(TrainingConfiguration(width: 4, depth: 3, epochs: 1, batchSize: 32), in: quiet.path, resume: false,
                            threads: 1, logEvery: 0, loadData: { self.data })
        XCTAssertFalse(FileManager.default.fileExists(atPath: quiet.appendingPathComponent(TrainingLog.fileName).path))
        let linked = folder.appendingPathComponent("linked")
        try FileManager.default.createDirectory(at: linked, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("elsewhere.txt")
        try Data("keep".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(at: linked.appendingPathComponent(TrainingLog.fileName), withDestinationURL: target)
        XCTAssertThrowsError(try TrainingRun.run(TrainingConfiguration(width: 4, depth: 3, epochs: 1, batchSize: 32), in: linked.path,
                                                 resume: false, threads: 1, loadData: { self.data })) {
            XCTAssertTrue("\($0)".contains("symbolic link"), "\($0)")
        }
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "keep")
        XCTAssertFalse(FileManager.default.fileExists(atPath: linked.appendingPathComponent(Checkpoint.fileName).path))
    }
}
