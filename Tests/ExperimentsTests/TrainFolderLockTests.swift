import Foundation
import Training
import XCTest

/// `train --out DIR` as separate processes: the folder is locked for the whole run, a second
/// run on it stops at once naming the holder, and the lock dies with its process.
final class TrainFolderLockTests: XCTestCase {
    var directory: URL!
    var data: URL { directory.appendingPathComponent("data") }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("train-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try TinyMNIST.write(to: data)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func train(_ out: URL, _ extra: [String] = []) -> [String] {
        ["train", "--data-dir", data.path, "--width", "16", "--depth", "200", "--batch-size", "8", "--threads", "1",
         "--quiet", "--out", out.path] + extra
    }

    /// Two real `train` processes on one folder: the second fails at once with the first's
    /// pid and host; once the first is killed (SIGKILL) the kernel has released the lock.
    func testSecondTrainOnTheSameFolderStopsAtOnce() throws {
        let out = directory.appendingPathComponent("run")
        let first = try Tool.start(train(out, ["--epochs", "100000"]))
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
        let lockFile = out.appendingPathComponent(TrainingSession.lockFileName).path
        let deadline = Date().addingTimeInterval(60)
        while (try? String(contentsOfFile: lockFile, encoding: .utf8))?.hasSuffix(" \(first.processIdentifier)\n") != true
                && Date() < deadline && first.isRunning {
            usleep(10_000)
        }
        XCTAssertTrue(first.isRunning, "the first run must still be training")
        let host = ProcessInfo.processInfo.hostName
        for resume in [[], ["--resume"]] {
            let started = Date()
            let second = try Tool.run(train(out, ["--epochs", "100000"] + resume))
            XCTAssertEqual(second.status, 64, second.output)
            XCTAssertEqual(second.output, "error: --out: '\(out.path)' is in use by process \(first.processIdentifier) on host \(host) " +
                           "(run.lock is locked); wait for that run to end or choose another output folder\n")
            XCTAssertLessThan(Date().timeIntervalSince(started), 10, "refused before loading data or training")
        }
        XCTAssertTrue(first.isRunning)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let lock = try TrainingSession.lock(out.path)
        lock.release()
    }

    /// A lock held by this process (a separate open file) stops `train`, which leaves the
    /// folder as it was.
    func testHeldLockStopsTrainAndChangesNothing() throws {
        let out = directory.appendingPathComponent("held")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let lock = try TrainingSession.lock(out.path)
        defer { lock.release() }
        let r = try Tool.run(train(out, ["--epochs", "1"]))
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(r.output.contains("is in use by process \(getpid()) on host "), r.output)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [TrainingSession.lockFileName])
    }

    /// A run that fails before writing anything removes the folder it created; in an existing
    /// folder it leaves only its lock file.
    func testFailedStartLeavesNoNewFolder() throws {
        let fresh = directory.appendingPathComponent("new/run")
        var args = train(fresh, ["--epochs", "1"])
        args[args.firstIndex(of: "--data-dir")! + 1] = directory.appendingPathComponent("no-data").path
        let r = try Tool.run(args)
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(r.output.hasPrefix("error: --data-dir: "), r.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.deletingLastPathComponent().path), "nor its parent")
        // The lock is free again and a good run then works in a new folder.
        let ok = try Tool.run(train(fresh, ["--epochs", "1"]))
        XCTAssertEqual(ok.status, 0, ok.output)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: fresh.path)),
                       [TrainingSession.lockFileName, TrainingSession.metricsFileName, Checkpoint.fileName, TrainingLog.fileName,
                        ModelWeights.fileName, ModelWeights.initialFileName])
    }

    /// `--resume` with fewer epochs is refused; with more it extends the run and records the total.
    func testResumeEpochsFromTheCommandLine() throws {
        let out = directory.appendingPathComponent("epochs")
        XCTAssertEqual(try Tool.run(train(out, ["--epochs", "2"])).status, 0)
        let before = try Data(contentsOf: out.appendingPathComponent("metrics.json"))
        let fewer = try Tool.run(train(out, ["--epochs", "1", "--resume"]))
        XCTAssertEqual(fewer.status, 64, fewer.output)
        XCTAssertEqual(fewer.output, "error: --epochs: cannot resume '\(out.path)' with --epochs 1: its run is for 2 epochs (2 done); " +
                       "--epochs may only extend it (2 or more)\n")
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("metrics.json")), before)
        let more = try Tool.run(train(out, ["--epochs", "3", "--resume"]))
        XCTAssertEqual(more.status, 0, more.output)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as! [String: Any]
        XCTAssertEqual((json["config"] as! [String: Any])["epochs"] as? Int, 3)
        XCTAssertEqual(json["completed_epochs"] as? Int, 3)
    }
}
