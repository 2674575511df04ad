import Experiments
import Foundation
import XCTest

/// A real Slurm cluster (../shared/tools/start-local-slurm.sh, single node): a sweep of tiny
/// training runs on a slice of the real MNIST as a job array with a dependent collect job;
/// then a second submission cancelled midway and resubmitted, which must complete only the
/// missing cells.
final class SlurmIntegrationTests: XCTestCase {
    static let tools = Tool.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/tools")
    static let mnist = Tool.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/mnist")

    var directory: URL!

    /// Runs a bash command (under `timeout`) with its output in a file. posix_spawn and
    /// waitpid rather than Foundation's Process, whose exit monitoring did not see the start
    /// script end once it had launched the daemons.
    @discardableResult
    func shell(_ command: String, timeout: TimeInterval = 120) throws -> (status: Int32, output: String) {
        try Spawn.run(["/usr/bin/timeout", String(Int(timeout)), "/bin/bash", "-c", command])
    }

    /// Runs the tool (under `timeout`, so a hung sbatch or sweep cannot hang CI).
    func tool(_ arguments: [String], timeout: TimeInterval = 300) throws -> (status: Int32, output: String) {
        try Spawn.run(["/usr/bin/timeout", "--kill-after=10", String(Int(timeout)), Tool.executable.path] + arguments)
    }

    /// The state of a job (COMPLETED, RUNNING, …; for an array, one line per task).
    func states(_ job: String) throws -> [String] {
        try shell("squeue -h -t all -j \(job) -o %T 2>/dev/null").output.split(separator: "\n").map(String.init)
    }

    func waitUntilFinished(_ job: String, timeout: TimeInterval) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        let active: Set<String> = ["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING"]
        while Date() < deadline {
            let s = try states(job)
            if !s.isEmpty && s.allSatisfy({ !active.contains($0) }) { return s }
            usleep(200_000)
        }
        XCTFail("job \(job) still not finished after \(Int(timeout)) s: \(try states(job))")
        return try states(job)
    }

    func jobIDs(_ output: String) throws -> (array: String, collect: String) {
        func id(_ prefix: String) throws -> String {
            let line = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix(prefix) }, output)
            return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        return (try id("array job "), try id("collect job "))
    }

    func recordFiles(_ results: URL) -> [String: (data: Data, modified: Date)] {
        let cells = results.appendingPathComponent("cells")
        var out: [String: (data: Data, modified: Date)] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: cells.path)) ?? [] where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = cells.appendingPathComponent(name).path
            out[String(name.dropLast(5))] = (FileManager.default.contents(atPath: path) ?? Data(),
                                             (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date ?? .distantPast)
        }
        return out
    }

    /// Starts the cluster (stopped again at the end of the test) in a fresh `directory`;
    /// false if it did not start (the failure is recorded).
    func startCluster() throws -> Bool {
        let start = Self.tools.appendingPathComponent("start-local-slurm.sh")
        guard FileManager.default.fileExists(atPath: start.path) else {
            throw XCTSkip("no local Slurm tools at \(start.path) (expected ../shared/tools beside the repository); the Slurm test runs in CI")
        }
        guard getuid() == 0 else { throw XCTSkip("start-local-slurm.sh needs root") }
        guard FileManager.default.fileExists(atPath: Self.mnist.path) else { throw XCTSkip("no MNIST at \(Self.mnist.path)") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { [directory] in
            _ = try? self.shell("bash '\(Self.tools.appendingPathComponent("stop-local-slurm.sh").path)'", timeout: 60)
            try? FileManager.default.removeItem(at: directory!)
        }
        let started = try shell("bash '\(start.path)'", timeout: 150)
        XCTAssertEqual(started.status, 0, started.output)
        return started.status == 0
    }

    func testJobArraySweepCollectCancelAndResubmit() throws {
        let began = Date()
        guard try startCluster() else { return }

        // 8 tiny training runs on a slice of MNIST: 2 lr × 2 H × 2 β.
        let yaml = """
        command: train
        settings:
          dataset: mnist
          data-dir: \(Self.mnist.path)
          width: 8
          depth: 20
          init: fbm
          epochs: 1
          train-limit: 1000
          test-limit: 500
        axes:
          lr: [0.001, 0.01]
          hurst: [0.3, 0.7]
          beta: [0.5, 1]
        """
        let spec = directory.appendingPathComponent("tiny.yaml").path
        try yaml.write(toFile: spec, atomically: true, encoding: .utf8)

        // 1. The whole sweep as an 8-task array and a collect job after it.
        let first = directory.appendingPathComponent("first")
        let submitted = try tool(["sweep", spec, "--results", first.path, "--slurm", "--cpus-per-task", "1", "--submit"])
        XCTAssertEqual(submitted.status, 0, submitted.output)
        XCTAssertTrue(submitted.output.contains("8 cells in 8 array task(s)"), submitted.output)
        let ids = try jobIDs(submitted.output)
        let collectState = try waitUntilFinished(ids.collect, timeout: 90)
        let collectLog = (try? String(contentsOf: first.appendingPathComponent("logs/collect.out"), encoding: .utf8)) ?? ""
        XCTAssertEqual(collectState, ["COMPLETED"], "collect job: \(collectLog)")
        XCTAssertEqual(try states(ids.array).filter { $0 == "COMPLETED" }.count, 8)
        XCTAssertTrue(collectLog.contains("8 done, 0 failed, 0 missing"), collectLog)
        let manifest = try XCTUnwrap(try ResultStore(directory: first.path, create: false).manifest())
        let table = CSV.parse(try String(contentsOf: first.appendingPathComponent("table.csv"), encoding: .utf8))
        XCTAssertEqual(table.rows.map { $0[0] }.sorted(), manifest.cells.map(\.id).sorted(), "every cell exactly once")
        let accuracy = try XCTUnwrap(table.header.firstIndex(of: "test_accuracy"))
        let epochs = try XCTUnwrap(table.header.firstIndex(of: "completed_epochs"))
        for row in table.rows {
            XCTAssertTrue((0...1).contains(Double(row[accuracy]) ?? -1), "\(row)")
            XCTAssertEqual(row[epochs], "1")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: first.appendingPathComponent("figure.svg").path))

        // 2. A fresh folder, 4 tasks of 2 cells, cancelled once the first cell is recorded.
        let second = directory.appendingPathComponent("second")
        let again = try tool(["sweep", spec, "--results", second.path, "--slurm", "--array-size", "4", "--submit",
                                  "--set", "train-limit=4000", "--set", "depth=60"])
        XCTAssertEqual(again.status, 0, again.output)
        let cancelled = try jobIDs(again.output)
        let deadline = Date().addingTimeInterval(60)
        while recordFiles(second).isEmpty && Date() < deadline { usleep(50_000) }
        try shell("scancel \(cancelled.array)")
        _ = try waitUntilFinished(cancelled.array, timeout: 60)
        let collectAfterCancel = try waitUntilFinished(cancelled.collect, timeout: 60)
        XCTAssertNotEqual(collectAfterCancel, ["COMPLETED"], "the collect job must not run after a cancelled array")
        let before = recordFiles(second)
        XCTAssertGreaterThan(before.count, 0)
        XCTAssertLessThan(before.count, 8, "cancelled midway")

        // 3. Resubmitting completes only the missing cells; finished records are untouched.
        let resubmitted = try tool(["sweep", spec, "--results", second.path, "--slurm", "--array-size", "4", "--submit",
                                        "--set", "train-limit=4000", "--set", "depth=60"])
        XCTAssertEqual(resubmitted.status, 0, resubmitted.output)
        let final = try jobIDs(resubmitted.output)
        let finalState = try waitUntilFinished(final.collect, timeout: 90)
        let finalLog = (try? String(contentsOf: second.appendingPathComponent("logs/collect.out"), encoding: .utf8)) ?? ""
        XCTAssertEqual(finalState, ["COMPLETED"], finalLog)
        XCTAssertTrue(finalLog.contains("8 done, 0 failed, 0 missing"), finalLog)
        let after = recordFiles(second)
        XCTAssertEqual(after.count, 8)
        for (id, record) in before {
            XCTAssertEqual(after[id]?.data, record.data, "record \(id) was rewritten")
            XCTAssertEqual(after[id]?.modified, record.modified)
        }
        var ranAgain = 0
        // Logs are shard-<array job>_<task>.out: only the resubmitted array's logs count.
        let logs = second.appendingPathComponent("logs")
        let shardLogs = ((try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? [])
            .filter { $0.hasPrefix("shard-\(final.array)_") && $0.hasSuffix(".out") }
        XCTAssertEqual(shardLogs.count, 4, "\(shardLogs)")
        for name in shardLogs {
            let log = (try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8)) ?? ""
            if let m = log.range(of: #"(\d+) done and \d+ failed now"#, options: .regularExpression) {
                ranAgain += Int(log[m].split(separator: " ")[0]) ?? 0
            }
        }
        XCTAssertEqual(ranAgain, 8 - before.count, "the resubmission ran exactly the missing cells")
        print("Slurm sweep test: \(String(format: "%.1f", Date().timeIntervalSince(began))) s; \(before.count) cells survived the cancel")
    }
}

extension SlurmIntegrationTests {
    /// Under a real Slurm: a results folder and a spec whose names hold a newline, quotes, a
    /// `%` and command substitutions; a train sweep without fBm cells. The jobs run exactly
    /// the sweep (nothing injected runs), the logs land in the results folder under their
    /// expanded names (given to sbatch on its command line, since a directive cannot hold a
    /// newline), and the collect job completes, noting that no figure fits the table.
    func testHostilePathsAndATrainSweepWithoutFBM() throws {
        guard try startCluster() else { return }
        let odd = "x\n$(touch pwned-1)`touch pwned-2`;touch pwned-3 'q' \"dq\" 100%"
        let folder = directory.appendingPathComponent("in \(odd)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let spec = folder.appendingPathComponent("spec \(odd).yaml")
        try """
        command: train
        settings:
          dataset: mnist
          data-dir: \(Self.mnist.path)
          width: 8
          depth: 10
          epochs: 1
          train-limit: 500
          test-limit: 200
        axes:
          beta: [0.5, 1]
        """.write(to: spec, atomically: true, encoding: .utf8)
        let results = folder.appendingPathComponent("results \(odd)")
        // Submitted from `directory`: the jobs start there, where a relative `touch` would land.
        let submitted = try Spawn.run(["/usr/bin/timeout", "300", "/usr/bin/env", "--chdir=\(directory.path)", Tool.executable.path,
                                       "sweep", spec.path, "--results", results.path, "--slurm", "--submit", "--cpus-per-task", "1"])
        XCTAssertEqual(submitted.status, 0, submitted.output)
        let ids = try jobIDs(submitted.output)
        XCTAssertEqual(try waitUntilFinished(ids.collect, timeout: 120), ["COMPLETED"])
        XCTAssertEqual(try states(ids.array), ["COMPLETED", "COMPLETED"])
        let logs = results.appendingPathComponent("logs")
        let names = try FileManager.default.contentsOfDirectory(atPath: logs.path).sorted()
        XCTAssertEqual(names, ["collect.out", "shard-\(ids.array)_0.out", "shard-\(ids.array)_1.out"])
        let collectLog = try String(contentsOf: logs.appendingPathComponent("collect.out"), encoding: .utf8)
        XCTAssertTrue(collectLog.contains("2 done, 0 failed, 0 missing"), collectLog)
        XCTAssertTrue(collectLog.contains("no figure fits this train table"), collectLog)
        XCTAssertTrue(collectLog.contains("note: no figure drawn"), collectLog)
        XCTAssertTrue(FileManager.default.fileExists(atPath: results.appendingPathComponent("table.csv").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: results.appendingPathComponent("figure.svg").path))
        let all = FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []
        XCTAssertEqual(all.filter { ($0 as NSString).lastPathComponent.hasPrefix("pwned") }, [], "an injected command ran")
        let home = try FileManager.default.contentsOfDirectory(atPath: NSHomeDirectory()).filter { $0.hasPrefix("pwned") }
        XCTAssertEqual(home, [])
    }
}

/// Runs a program and waits for it with posix_spawn/waitpid; stdout and stderr go to a file.
enum Spawn {
    static func run(_ argv: [String]) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString).log").path
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ)
        guard rc == 0 else { throw NSError(domain: "spawn", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot run \(argv[0])"]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }
}
