import Foundation
import XCTest

/// Runs the built `resnet-scaling` executable as a user would.
final class CommandLineTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable sits in the build products folder, beside the test bundle (Linux: the
    /// bundle path is that folder or a file in it; macOS: a .xctest directory in it).
    static var executable: URL {
        let bundle = Bundle(for: CommandLineTests.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent(), Bundle.main.bundleURL]
            .map { $0.appendingPathComponent("resnet-scaling") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    let small = ["--width", "8", "--input-dim", "4", "--depth", "5:50:3", "--beta", "0.25,0.5,1",
                 "--samples", "4", "--inputs", "2"]

    func testSimulateWritesCSVSummaryAndFigures() throws {
        let r = try run(["simulate"] + small + ["--out", path("a.csv"), "--plot", path("a.svg"), "--histogram", path("h.svg")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let csv = try String(contentsOfFile: path("a.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 3 * 3 * 4 * 2)
        XCTAssertEqual(String(lines[0]), "model,activation,init,hurst,bandwidth,width,depth,beta,model_index,input_index,h_ratio,h_diff,grad_ratio,grad_diff")
        XCTAssertTrue(lines[1].hasPrefix("res3,relu,iid-uniform,,,8,5,0.25,0,0,"), String(lines[1]))
        XCTAssertTrue(r.stdout.contains("h_diff median"))
        XCTAssertTrue(r.stdout.contains("72 rows"))
        for svg in ["a.svg", "h.svg"] {
            let text = try String(contentsOfFile: path(svg), encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("<?xml") || text.hasPrefix("<svg"), svg)
            XCTAssertTrue(text.contains("</svg>"))
        }
    }

    func testSameOutputWhateverTheThreadCount() throws {
        XCTAssertEqual(try run(["simulate"] + small + ["--threads", "1", "--out", path("1.csv"), "--quiet"]).status, 0)
        XCTAssertEqual(try run(["simulate"] + small + ["--threads", "3", "--out", path("3.csv"), "--quiet"]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("1.csv"))),
                       try Data(contentsOf: URL(fileURLWithPath: path("3.csv"))))
    }

    /// Bad input: one line naming the flag, a non-zero exit, and no output file.
    func testBadInputGivesOneLineErrorAndNoFile() throws {
        let cases: [([String], String)] = [
            (["--width", "0"], "--width"),
            (["--depth", "0,10"], "--depth"),
            (["--depth", "-5"], "--depth"),
            (["--model", "res4"], "--model"),
            (["--activation", "softplus"], "--activation"),
            (["--init", "xavier"], "--init"),
            (["--depth", "1:2"], "--depth"),
            (["--beta", "nan"], "--beta"),
            (["--beta", "0.5,abc"], "--beta"),
            (["--samples", "0"], "--samples"),
        ]
        for (arguments, flag) in cases {
            let out = path("bad.csv")
            let r = try run(["simulate", "--out", out] + arguments)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(flag), "\(arguments): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(arguments)")
        }
    }

    /// Every drawing command takes --size and --font-size (one option group): a bad value is a
    /// one-line error naming the flag, exit 64, no file; a good one sizes the document.
    func testFigureSizeAndFontSize() throws {
        let commands: [[String]] = [
            ["simulate"] + small + ["--out", path("s.csv"), "--plot", path("s.svg"), "--quiet"],
            ["paths", "--hurst", "0.3", "--length", "20", "--out", path("p.svg")],
            ["reproduce", "--tiny", "--out", path("r"), "--only", "moments"],
        ]
        for command in commands {
            for (flag, bad) in [("--size", "0x3"), ("--size", "abc"), ("--size", "10x"), ("--font-size", "0"), ("--font-size", "big"),
                              ("--font-size", "-3"), ("--size", "-1x2")] {
                let r = try run(command + [flag, bad])
                XCTAssertEqual(r.status, 64, "\(command[0]) \(flag) \(bad): \(r.stderr)")
                XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
                XCTAssertTrue(r.stderr.contains(flag) && r.stderr.contains("'\(bad)'"), r.stderr)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("s.svg")))
        let r = try run(["paths", "--hurst", "0.3", "--length", "20", "--out", path("p.svg"), "--size", "5x3in", "--font-size", "8pt"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let svg = try String(contentsOfFile: path("p.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("width=\"480\" height=\"288\""), String(svg.prefix(300)))
        XCTAssertTrue(svg.contains("class=\"tick-label\" x=") && svg.contains("font-size=\"10.67\""))
        let plain = try run(["paths", "--hurst", "0.3", "--length", "20", "--out", path("q.svg")])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(try String(contentsOfFile: path("q.svg"), encoding: .utf8).contains("width=\"624\""), "6.5 in by default")
    }

    func testUnwritableOutputIsRejectedBeforeTheRun() throws {
        let missing = path("no/such/dir/x.csv")
        let r = try run(["simulate"] + small + ["--out", missing])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--out"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        let plot = try run(["simulate"] + small + ["--out", path("ok.csv"), "--plot", path("missing/p.svg")])
        XCTAssertNotEqual(plot.status, 0)
        XCTAssertTrue(plot.stderr.contains("--plot"), plot.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("ok.csv")), "no partial results on error")
    }

    func testFBMAxisWritesHeatmapAndBoundary() throws {
        let r = try run(["simulate", "--width", "8", "--input-dim", "4", "--depth", "60", "--init", "fbm",
                         "--hurst", "0.2,0.8", "--beta", "0:1.2:7", "--samples", "2", "--inputs", "2",
                         "--out", path("f7.csv"), "--heatmap", path("f7.svg"), "--boundary", path("b.csv"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let boundary = try String(contentsOfFile: path("b.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(boundary.count, 3)
        XCTAssertTrue(boundary[1].hasPrefix("0.2,"))
        let csv = try String(contentsOfFile: path("f7.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains(",fbm,0.8,,8,60,"))
        // β*(H) is math: the star a superscript.
        XCTAssertTrue(try String(contentsOfFile: path("f7.svg"), encoding: .utf8).contains("measured β<tspan baseline-shift=\"super\""))
    }

    func testHurstOutsideTheUnitIntervalIsRejected() throws {
        for (arguments, flag) in [(["--init", "fbm", "--hurst", "0.5,1.2"], "--hurst"), (["--init", "fbm:0"], "--init"),
                                  (["--init", "iid-uniform", "--hurst", "0.5"], "--hurst"), (["--heatmap", path("h.svg")], "--heatmap")] {
            let r = try run(["simulate", "--out", path("x.csv")] + arguments)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(flag), "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
    }

    func testPathsDrawsFigureSixAndCSV() throws {
        let r = try run(["paths", "--hurst", "0.2,0.8", "--length", "50", "--out", path("f6.svg"), "--csv", path("f6.csv")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: path("f6.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 2 * 51)
        XCTAssertEqual(String(lines[1]), "0.2,0,0,0.0,0.0")
        XCTAssertNotEqual(try run(["paths", "--hurst", "1.5", "--out", path("g.svg")]).status, 0)
    }

    func testHelpExplainsTheCommand() throws {
        let r = try run(["simulate", "--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("h_diff"))
        XCTAssertTrue(r.stdout.contains("--depth"))
    }

    /// Every run setting is listed in --help with its default and range, from the one declaration.
    func testHelpShowsTheSettingsWithTheirDefaults() throws {
        // Compared with white space collapsed: help is wrapped at 80 columns.
        func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let expected = [
            "train": ["--lr <x> Initial learning rate. (default: 0.001; > 0)", "--column-blocks <n> Column blocks per minibatch",
                      "--weight-entry <i,j> Record V_k[i, j]", "--width <n> Width d of the hidden state. (default: 30; ≥ 1)",
                      "--hurst <x> Hurst index H for --init fbm. (in (0, 1))", "--init <name>", "(default: iid-uniform)",
                      "--residual-bias auto|on|off", "(default: auto: on for fbm only)", "--out <dir>", "--resume"],
            "simulate": ["--width <n> Width d of the hidden state. (default: 40; ≥ 1)",
                         "--depth <axis> Depths L: a list or start:stop:count (rounded to integers). (default: 10,120,230,340,450,560,670,780,890,1000; ≥ 1)",
                         "--beta <axis>", "(default: 0.25,0.5,1)", "--threads <n>", "--out <file.csv>"],
            "paths": ["--length <n> Number of steps L of each path. (default: 1000; 1 to 1048577)", "--hurst <axis>", "(default: 0.2,0.5,0.8; in (0, 1))"],
        ]
        for (command, lines) in expected {
            let help = try run([command, "--help"])
            XCTAssertEqual(help.status, 0)
            for line in lines { XCTAssertTrue(words(help.stdout).contains(line), "\(command) --help lacks \(line):\n\(help.stdout)") }
        }
    }

    /// Settings that once existed only in sweep specs are flags of train too.
    func testSweepOnlySettingsAreFlags() throws {
        for arguments in [["--weight-entry", "0,99"], ["--column-blocks", "0"]] {
            let r = try run(["train", "--data-dir", path("none"), "--out", path("o")] + arguments)
            XCTAssertEqual(r.status, 64)
            XCTAssertTrue(r.stderr.hasPrefix("error: \(arguments[0])"), r.stderr)
        }
    }

    /// `--version`: the package version and the git revision of this checkout.
    func testVersionNamesTheRevision() throws {
        let r = try run(["--version"])
        XCTAssertEqual(r.status, 0)
        let version = r.stdout.trimmingCharacters(in: .newlines)
        XCTAssertNotNil(version.range(of: #"^\d+\.\d+\.\d+ \(revision ([0-9a-f]{12}(-dirty)?|unknown)\)$"#, options: .regularExpression), version)
        // Built from this checkout: the revision is its HEAD.
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", GoldenOutputTests.repository.path, "rev-parse", "--short=12", "HEAD"]
        let out = Pipe()
        git.standardOutput = out
        git.standardError = FileHandle.nullDevice
        guard (try? git.run()) != nil else { throw XCTSkip("git is not available") }
        let head = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .newlines)
        git.waitUntilExit()
        guard git.terminationStatus == 0, !head.isEmpty else { throw XCTSkip("not a git checkout") }
        XCTAssertTrue(version.contains("(revision \(head)"), "\(version) should name \(head)")
    }

    func testBenchRandomSectionPrintsThroughput() throws {
        let r = try run(["bench", "--section", "random"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.lowercased().contains("uniform"))
    }

    /// The training section's summary: one row per model and thread count with best, median
    /// and worst times over 15 steps, and (on Linux) the CPUs other processes kept busy, a
    /// number between 0 and the machine's CPUs.
    func testBenchTrainingSectionReportsSpreadAndContention() throws {
        let r = try run(["bench", "--section", "training", "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("| workload | threads | time (best) | time (median) | time (worst) | runs |"), r.stdout)
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("| training step, res") }
        XCTAssertEqual(rows.count, 2, r.stdout)
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let times = cells[2...4].compactMap { Double($0.replacingOccurrences(of: " ms", with: "")) }
            XCTAssertEqual(times.count, 3, String(row))
            XCTAssertTrue(times[0] <= times[1] && times[1] <= times[2], "best ≤ median ≤ worst: \(row)")
            XCTAssertEqual(cells[5], "15", String(row))
            #if os(Linux)
            let others = try XCTUnwrap(Double(cells[cells.count - 1]), String(row))
            XCTAssertTrue(others >= 0 && others <= Double(ProcessInfo.processInfo.activeProcessorCount) + 0.5, String(row))
            #endif
        }
    }
}
