import Foundation
import XCTest

/// Every command with extreme values of every numeric flag (and, for collect and plot, of the
/// numbers in their inputs): a legitimately valid value runs (exit 0); any other gives exit
/// status 1 or 64 with one line on standard error, never a signal, and leaves nothing in the
/// fresh folder used as working directory and output location. The accepted values are listed
/// per flag; every other value of the list must be refused.
final class ExtremeValueTests: XCTestCase {
    /// Integer flags: 0, −1, 10¹⁵, 1e308, nan, and an integer that overflows every buffer size.
    static let integers = ["0", "-1", "1000000000000000", "1e308", "nan", "99999999999999"]
    /// Real flags: 0, −1, 10¹⁵, 1e308, nan.
    static let reals = ["0", "-1", "1e15", "1e308", "nan"]

    /// Inputs shared by the cases, outside their working folders: a tiny MNIST, sweep specs,
    /// tables and results folders.
    static var fixtures: URL!

    struct Case {
        var arguments: [String]
        var accepted: Bool
    }

    override class func setUp() {
        super.setUp()
        let fm = FileManager.default
        fixtures = fm.temporaryDirectory.appendingPathComponent("extreme-fixtures-\(UUID().uuidString)")
        let mnist = fixtures.appendingPathComponent("mnist")
        try! fm.createDirectory(at: mnist, withIntermediateDirectories: true)
        try! TinyMNIST.write(to: mnist)
        try! "command: simulate\nsettings:\n  width: 2\n  input-dim: 2\n  depth: 3\n  beta: 0.5\n  samples: 2\n  threads: 1\nseed: 0\n"
            .write(to: fixtures.appendingPathComponent("sim.yaml"), atomically: true, encoding: .utf8)
        try! "command: train\nsettings:\n  data-dir: mnist\n  width: 2\n  depth: 2\n  epochs: 1\n  batch-size: 8\n  train-limit: 16\n  test-limit: 8\n  threads: 1\n  init: fbm\naxes:\n  hurst: [0.3, 0.6]\n  beta: [0.5, 1]\nseed: 0\n"
            .write(to: fixtures.appendingPathComponent("train.yaml"), atomically: true, encoding: .utf8)
        // A simulate and a train results folder with their tables, as the tool writes them.
        for name in ["sim", "train"] {
            let results = fixtures.appendingPathComponent("\(name)-results").path
            let table = fixtures.appendingPathComponent("\(name).csv").path
            for arguments in [["sweep", fixtures.appendingPathComponent("\(name).yaml").path, "--results", results, "--quiet"],
                              ["collect", results, "--out", table]] {
                let r = run(arguments, in: fixtures)
                precondition(r.status == 0, "fixture \(arguments): \(r.stderr)")
            }
        }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: fixtures)
        super.tearDown()
    }

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    struct Outcome {
        var status: Int32
        var signalled: Bool
        var stderr: String
    }

    static func run(_ arguments: [String], in directory: URL) -> Outcome {
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        do { try process.run() } catch { return Outcome(status: -1, signalled: false, stderr: "cannot start: \(error)") }
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// `base` with `flag`'s value replaced (or the flag appended), one case per value.
    func cases(_ base: [String], _ flag: String, _ values: [String], accepted: Set<String>,
               value format: (String) -> String = { $0 }, extra: [String] = []) -> [Case] {
        precondition(accepted.isSubset(of: values), "accepted values must be among the values tried")
        return values.map { value in
            var arguments = base
            if let i = arguments.firstIndex(of: flag) { arguments[i + 1] = format(value) } else { arguments += [flag, format(value)] }
            return Case(arguments: arguments + extra, accepted: accepted.contains(value))
        }
    }

    /// Runs the cases four at a time, each in a fresh working folder, and reports every deviation.
    func check(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
        let lock = NSLock()
        var failures: [String] = []
        var next = 0
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            while true {
                lock.lock()
                guard next < cases.count else { lock.unlock(); return }
                let c = cases[next]
                next += 1
                lock.unlock()
                let fm = FileManager.default
                let folder = fm.temporaryDirectory.appendingPathComponent("extreme-\(UUID().uuidString)")
                try? fm.createDirectory(at: folder, withIntermediateDirectories: true)
                let r = Self.run(c.arguments, in: folder)
                let left = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
                try? fm.removeItem(at: folder)
                let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
                var problem: String?
                if r.signalled {
                    problem = "killed by signal \(r.status)"
                } else if c.accepted {
                    if r.status != 0 { problem = "expected success, got status \(r.status)" }
                } else if r.status != 1 && r.status != 64 {
                    problem = "expected status 1 or 64, got \(r.status)"
                } else if lines.count != 1 || !lines[0].hasPrefix("error: ") {
                    problem = "expected one 'error:' line on stderr"
                } else if !left.isEmpty {
                    problem = "left \(left.sorted()) behind"
                }
                if let problem {
                    lock.lock()
                    failures.append("\(c.arguments.joined(separator: " ")): \(problem); stderr: \(r.stderr.prefix(400))")
                    lock.unlock()
                }
            }
        }
        for f in failures.sorted() { XCTFail(f, file: file, line: line) }
    }

    let ints = ExtremeValueTests.integers, reals = ExtremeValueTests.reals
    /// Every legitimately valid memory limit: any positive number of gigabytes.
    let memory: Set<String> = ["1e15", "1e308"]
    /// Valid seeds: integers from 0 to 2^64 − 1.
    let seeds: Set<String> = ["0", "1000000000000000", "99999999999999"]
    /// Values of integer flags with no upper bound of their own (epochs' step, limits).
    let anyPositive: Set<String> = ["1000000000000000", "99999999999999"]

    func testSimulate() {
        let base = ["simulate", "--width", "2", "--input-dim", "2", "--depth", "3", "--beta", "0.5", "--samples", "1",
                    "--inputs", "1", "--threads", "1", "--out", "o.csv", "--quiet"]
        var all: [Case] = []
        for flag in ["--width", "--input-dim", "--output-dim", "--depth", "--samples", "--inputs", "--threads"] {
            all += cases(base, flag, ints, accepted: [])
        }
        all += cases(base, "--seed", ints, accepted: seeds)
        all += cases(base, "--beta", reals, accepted: ["0", "-1", "1e15", "1e308"])  // β ≤ 0 explodes: a result, not an error
        all += cases(base, "--hurst", reals, accepted: [], extra: ["--init", "fbm"])
        all += cases(base, "--memory-limit", reals, accepted: memory)
        for family in ["fbm", "smooth", "smooth-increments"] {
            all += cases(base, "--init", reals, accepted: [], value: { "\(family):\($0)" })
        }
        check(all)
    }

    func testPaths() {
        let base = ["paths", "--hurst", "0.5", "--length", "4", "--count", "1", "--out", "p.svg", "--csv", "p.csv"]
        var all = cases(base, "--hurst", reals, accepted: [])
        all += cases(base, "--length", ints, accepted: [])
        all += cases(base, "--count", ints, accepted: [])
        all += cases(base, "--seed", ints, accepted: seeds)
        all += cases(base, "--memory-limit", reals, accepted: memory)
        check(all)
    }

    func testTrain() {
        let base = ["train", "--data-dir", Self.fixture("mnist"), "--width", "2", "--depth", "2", "--epochs", "1",
                    "--batch-size", "8", "--train-limit", "16", "--test-limit", "8", "--threads", "1", "--out", "run", "--quiet"]
        var all: [Case] = []
        for flag in ["--width", "--depth", "--epochs", "--threads"] { all += cases(base, flag, ints, accepted: []) }
        for flag in ["--lr-step", "--batch-size", "--train-limit", "--test-limit"] { all += cases(base, flag, ints, accepted: anyPositive) }
        all += cases(base, "--seed", ints, accepted: seeds)
        all += cases(base, "--beta", reals, accepted: ["0", "-1", "1e15", "1e308"])
        all += cases(base, "--momentum", reals, accepted: ["0", "1e15", "1e308"])
        for flag in ["--lr", "--lr-gamma"] { all += cases(base, flag, reals, accepted: ["1e15", "1e308"]) }  // a run that diverges is a result
        all += cases(base, "--memory-limit", reals, accepted: memory)
        all += cases(base, "--log-every", ints, accepted: ["0", "1000000000000000", "99999999999999"])
        for family in ["fbm", "smooth", "smooth-increments"] {
            all += cases(base, "--init", reals, accepted: [], value: { "\(family):\($0)" })
        }
        check(all)
    }

    func testSweep() {
        let simulate = ["sweep", Self.fixture("sim.yaml"), "--results", "res", "--workers", "1", "--quiet"]
        var all: [Case] = []
        for flag in ["--workers", "--threads"] { all += cases(simulate, flag, ints, accepted: []) }
        all += cases(simulate, "--max-cells", ints, accepted: anyPositive)
        all += cases(simulate, "--memory-limit", reals, accepted: memory)
        all += cases(simulate, "--shard", ints, accepted: ["0"], value: { "\($0)/2" })
        all += cases(simulate, "--shard", ints, accepted: anyPositive, value: { "0/\($0)" })
        all += cases(simulate + ["--slurm"], "--array-size", ints, accepted: anyPositive)
        all += cases(simulate + ["--slurm"], "--cpus-per-task", ints, accepted: [])
        for key in ["width", "input-dim", "output-dim", "depth", "samples", "inputs", "threads"] {
            all += cases(simulate, "--set", ints, accepted: [], value: { "\(key)=\($0)" })
        }
        all += cases(simulate, "--set", ints, accepted: anyPositive, value: { "models-per-cell=\($0)" })
        all += cases(simulate, "--set", ints, accepted: seeds, value: { "seed=\($0)" })
        all += cases(simulate, "--set", reals, accepted: ["0", "-1", "1e15", "1e308"], value: { "beta=\($0)" })
        all += cases(simulate + ["--set", "init=fbm"], "--set", reals, accepted: [], value: { "hurst=\($0)" })
        let train = ["sweep", Self.fixture("train.yaml"), "--results", "res", "--quiet", "--set", "hurst=0.5", "--set", "beta=0.5"]
        for key in ["width", "depth", "epochs"] { all += cases(train, "--set", ints, accepted: [], value: { "\(key)=\($0)" }) }
        for key in ["batch-size", "train-limit", "column-blocks"] {
            all += cases(train, "--set", ints, accepted: anyPositive, value: { "\(key)=\($0)" })
        }
        all += cases(train, "--set", reals, accepted: ["1e15", "1e308"], value: { "lr=\($0)" })
        check(all)
    }

    func testBench() {
        let base = ["bench", "--section", "random"]
        var all: [Case] = []
        all += cases(base, "--threads", ints, accepted: [])
        for (flag, figure) in [("--figure2-models", "figure2"), ("--figure7-hursts", "figure7")] {
            all += cases(["bench", "--section", figure], flag, ints, accepted: [])
            // A section that does not run the figure does not check its memory (figure 7's H
            // count still has its own range, 1 to 10⁵).
            all += cases(base, flag, ints, accepted: flag == "--figure2-models" ? anyPositive : [])
        }
        all += cases(base, "--memory-limit", reals, accepted: memory)
        check(all)
    }

    /// plot reads numbers from tables: indices and depths must be integers in range, other
    /// values are data (drawn as they are).
    func testPlotTables() throws {
        func table(_ name: String, column: String, value: String) throws -> String {
            let text = try String(contentsOfFile: Self.fixture(name), encoding: .utf8)
            var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let c = try XCTUnwrap(lines[0].firstIndex(of: column), column)
            for i in 1..<lines.count { lines[i][c] = value }
            let path = Self.fixture("\(name)-\(column)-\(value).csv")
            try (lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        var all: [Case] = []
        let values = ExtremeValueTests.integers
        for (column, accepted) in [("depth", Set<String>()), ("model_index", ["0"]), ("input_index", ["0"]),
                                   ("beta", Set(values)), ("h_ratio", Set(values)), ("grad_diff", Set(values))] {
            for value in values {
                for figure in ["auto", "curves", "histograms"] {
                    all.append(Case(arguments: ["plot", try table("sim.csv", column: column, value: value), "--out", "f.svg", "--figure", figure],
                                    accepted: accepted.contains(value)))
                }
            }
        }
        for column in ["beta", "hurst", "lr", "best_test_accuracy"] {
            for value in values {
                all.append(Case(arguments: ["plot", try table("train.csv", column: column, value: value), "--out", "f.svg"], accepted: true))
            }
        }
        check(all)
    }

    /// collect reads numbers from cell records: whatever they hold is written to the table
    /// (an index that is not an integer as a number), never trapped on; plot then refuses it.
    func testCollectAndPlotRecordsWithExtremeValues() throws {
        let fm = FileManager.default
        var all: [Case] = []
        for value in [0, -1, 1e15, 1e308, -1e308, 99_999_999_999_999_999_999.0] {
            let results = Self.fixture("sim-results-\(value)")
            try? fm.removeItem(atPath: results)
            try fm.copyItem(atPath: Self.fixture("sim-results"), toPath: results)
            let cells = (results as NSString).appendingPathComponent("cells")
            for name in try fm.contentsOfDirectory(atPath: cells) where name.hasSuffix(".json") {
                let path = (cells as NSString).appendingPathComponent(name)
                var record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
                // Every value extreme, an index extreme, and rows of the wrong length.
                record["rows"] = [[Double](repeating: value, count: 7), [0.5, value, 0, 1, 1, 1, 1], [0.5], [Double]()]
                try JSONSerialization.data(withJSONObject: record).write(to: URL(fileURLWithPath: path))
            }
            all.append(Case(arguments: ["collect", results, "--out", "t.csv"], accepted: true))
            // Rows of the wrong length read as nan indices: refused whatever the value.
            all.append(Case(arguments: ["plot", results, "--out", "f.svg"], accepted: false))
        }
        check(all)
    }

    /// The messages say what is wrong with the numbers: the value refused, or the memory needed
    /// and the bound with the way to raise it.
    func testMessagesGiveTheValueOrTheNumbersAndTheBound() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("extreme-messages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func stderr(_ arguments: [String]) -> String { Self.run(arguments, in: folder).stderr }
        XCTAssertEqual(stderr(["simulate", "--width", "-3", "--out", "o.csv"]), "error: --width must be a positive integer (got -3)\n")
        XCTAssertEqual(stderr(["train", "--data-dir", "d", "--out", "o", "--lr", "-0.5"]), "error: --lr must be a positive number (got -0.5)\n")
        XCTAssertEqual(stderr(["simulate", "--threads", "5000", "--out", "o.csv"]), "error: --threads must be at most 1024 (got 5000)\n")
        let samples = stderr(["simulate", "--samples", "1000000000", "--out", "o.csv"])
        XCTAssertTrue(samples.hasPrefix("error: simulate needs about "), samples)
        XCTAssertTrue(samples.contains(" for 3.0 × 10^10 records (1.0 × 10^10 models × 3 β × 1 input(s))"), samples)
        XCTAssertTrue(samples.contains("; the limit is "), samples)
        XCTAssertTrue(samples.hasSuffix(" (half the physical memory); use --memory-limit <GB> to raise it\n"), samples)
        let small = stderr(["simulate", "--samples", "1000", "--memory-limit", "0.0001", "--out", "o.csv"])
        XCTAssertTrue(small.contains("the limit is 100 kB (--memory-limit 0.0001); use a larger --memory-limit to raise it"), small)
        let wide = stderr(["train", "--data-dir", Self.fixture("mnist"), "--width", "100000", "--depth", "1000", "--out", "run"])
        XCTAssertTrue(wide.hasPrefix("error: train needs about "), wide)
        XCTAssertTrue(wide.contains(" for a model of 1.0 × 10^13 parameters (d = 100000, L = 1000)"), wide)
        XCTAssertTrue(stderr(["simulate", "--init", "smooth:1e17", "--out", "o.csv"])
            .hasPrefix("error: --init: cannot sample smooth:1e+17 at depth 10: circulant embedding failed: length scale 1e+17 is too large"))
        XCTAssertEqual(stderr(["paths", "--length", "99999999999", "--out", "p.svg"]),
                       "error: --length must be at most 1048577 (got 99999999999): longer paths need a larger circulant embedding than supported\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }
}
