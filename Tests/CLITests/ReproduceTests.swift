import Foundation
import XCTest

/// `reproduce --tiny` end to end with the real binary: the report, the claims file, the
/// resume, and the bad input.
final class ReproduceTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("reproduce-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The package's bundled specs.
    static let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("experiments").path

    func reproduce(_ arguments: [String]) throws -> ToolProcess.Result {
        try ToolProcess.run(["reproduce", "--specs", Self.specs] + arguments)
    }

    /// Path, size and modification time of every file under `root`.
    func snapshot(_ root: String) throws -> [String: String] {
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)!
        while let name = enumerator.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + name)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + name))
            files[name] = "\(data.hashValue) \(data.count) \((attributes[.modificationDate] as! Date).timeIntervalSince1970)"
        }
        return files
    }

    func testTinyReproductionWritesTheReportAndResumes() throws {
        let out = path("report")
        let first = try reproduce(["--tiny", "--out", out])
        XCTAssertEqual(first.status, 0, first.stderr)
        // One progress line per stage, with the overall ETA.
        XCTAssertTrue(first.stderr.contains("[1/7] fig1:") && first.stderr.contains("overall ETA"), first.stderr)

        let csv = try String(contentsOfFile: out + "/claims.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.first, "claim,figure,statement,statistic,measured,ci_low,ci_high,expected,tolerance,verdict,n")
        var verdicts: [String: String] = [:]
        for line in lines.dropFirst() {
            let id = String(line.prefix { $0 != "," })
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            verdicts[id] = String(fields[fields.count - 2])
        }
        XCTAssertTrue(verdicts.values.allSatisfy { ["PASS", "FAIL", "NOT-RUN"].contains($0) }, "\(verdicts)")
        // The exact moments hold within 4 standard errors even at the tiny size; CIFAR-10 has no data here.
        XCTAssertEqual(verdicts["moment-res1-identity-L10-beta0.5"], "PASS")
        XCTAssertEqual(verdicts["moment-res1-identity-L100-beta0.5"], "PASS")
        XCTAssertEqual(verdicts["fig9-cifar10-claims"], "NOT-RUN")
        for id in ["fig1-iid-beta1-h_diff-slope", "fig2-lognormal-mean", "fig7-h_diff-rising", "sde-strong-rate", "ode-rate"] {
            XCTAssertNotNil(verdicts[id], id)
        }

        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        let claimsAt = try XCTUnwrap(markdown.range(of: "## Claims"))
        let firstFigure = try XCTUnwrap(markdown.range(of: "## Figures 1 and 3"))
        XCTAssertLessThan(claimsAt.lowerBound, firstFigure.lowerBound, "the report opens with the claims")
        XCTAssertTrue(markdown.contains("not run: needs the cifar10 data set"), "figures without data are listed")
        XCTAssertTrue(markdown.contains("--data-dir"))
        XCTAssertTrue(markdown.contains("resnet-scaling reproduce --out"), "each section gives its command")
        XCTAssertTrue(markdown.contains("seed 0") && markdown.contains("core(s)") && markdown.contains("Tool version"))
        // β*(H) under both fBm samplers, side by side, at the tiny grid's three H.
        let comparison = try XCTUnwrap(markdown.range(of: "### β*(H) under the exact fBm sampler and the reference code's"))
        let table = markdown[comparison.upperBound...].prefix { $0 != "#" }
        XCTAssertTrue(table.contains("| H | β* exact [95 % CI] | β* reference [95 % CI] | reference − exact |"), String(table))
        for h in ["0.2", "0.5", "0.8"] { XCTAssertTrue(table.contains("\n| \(h) | 0."), "H = \(h): \(table)") }
        XCTAssertFalse(table.contains("not run"), String(table))
        XCTAssertTrue(table.contains("95 % intervals are disjoint at"), String(table))

        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        XCTAssertGreaterThanOrEqual(html.components(separatedBy: "<svg").count - 1, 7, "figures inline")
        XCTAssertTrue(html.contains("<th>β* reference [95 % CI]</th>"), "the boundary table in the HTML")
        XCTAssertFalse(html.contains("<script"))
        // Inline figures share one id space: no id twice.
        let ids = html.components(separatedBy: " id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        XCTAssertEqual(Set(ids).count, ids.count, "duplicate SVG ids")
        XCTAssertFalse(html.contains("<?xml"))
        XCTAssertFalse(html.contains("src=") || html.contains("<link"), "no external resources")
        for name in ["fig1", "fig2", "fig4-5", "fig7", "fig7-reference", "sde-limit", "ode-limit"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/figures/\(name).svg"), name)
        }

        // A second run takes seconds and changes no record.
        let runs = out + "/runs"
        let before = try snapshot(runs)
        XCTAssertFalse(before.isEmpty)
        let started = Date()
        let second = try reproduce(["--tiny", "--out", out])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        XCTAssertEqual(try snapshot(runs), before)
        XCTAssertEqual(try String(contentsOfFile: out + "/claims.csv", encoding: .utf8), csv, "deterministic claims")

        // An interrupted run (a cell record missing) finishes only what is missing.
        let cells = runs + "/fig1/cells"
        let records = try FileManager.default.contentsOfDirectory(atPath: cells).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertGreaterThan(records.count, 1)
        try FileManager.default.removeItem(atPath: cells + "/" + records[0])
        let third = try reproduce(["--tiny", "--out", out])
        XCTAssertEqual(third.status, 0, third.stderr)
        let after = try snapshot(runs)
        XCTAssertEqual(Set(after.keys), Set(before.keys))
        let rerun = String(records[0].dropLast(".json".count))
        for (name, value) in before where name != "fig1/cells/\(rerun).json" && name != "fig1/locks/\(rerun).lock" {
            XCTAssertEqual(after[name], value, "\(name) was rewritten")
        }
        XCTAssertEqual(try String(contentsOfFile: out + "/claims.csv", encoding: .utf8), csv)

        // The folder holds a tiny reproduction: another size is refused, naming the difference.
        let other = try reproduce(["--quick", "--out", out])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertEqual(other.errorLines.count, 1, other.stderr)
        XCTAssertTrue(other.stderr.contains("different reproduction") && other.stderr.contains("size tiny"), other.stderr)
        XCTAssertEqual(try snapshot(runs), after)
    }

    func testBadInputIsOneLineAndWritesNothing() throws {
        let out = path("never")
        let cases: [([String], String)] = [
            (["--tiny", "--only", "fig1,fig3", "--out", out], "--only: unknown name 'fig3'"),
            (["--tiny", "--only", "fig9-cifar10", "--out", out], "fig9-cifar10: needs the cifar10 data set"),
            (["--tiny", "--only", "fig8", "--data-dir", path("nodata"), "--out", out], "fig8: needs the mnist data set"),
            (["--tiny", "--out", path("missing/deeper")], "--out: the parent folder"),
        ]
        for (arguments, message) in cases {
            let result = try reproduce(arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertEqual(result.errorLines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(arguments) wrote \(out)")
        }
        // A file, and a folder holding something else, are not output folders.
        let file = path("file.txt")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let notFolder = try reproduce(["--tiny", "--out", file])
        XCTAssertNotEqual(notFolder.status, 0)
        XCTAssertTrue(notFolder.stderr.contains("is not a folder"), notFolder.stderr)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "x")
        let busy = try reproduce(["--tiny", "--out", directory.path])
        XCTAssertNotEqual(busy.status, 0)
        XCTAssertTrue(busy.stderr.contains("holds no reproduction"), busy.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("runs")))
        // An unwritable folder (root writes anywhere: only checked when not root).
        if getuid() != 0 {
            let locked = path("locked")
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
            chmod(locked, 0o555)
            defer { chmod(locked, 0o755) }
            let result = try reproduce(["--tiny", "--out", locked])
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains("not writable"), result.stderr)
        }
    }

    /// `--slurm` writes each stage's job scripts; run by hand as one task, they record the same
    /// cells a local reproduce would, so the report step runs no cell again.
    func testSlurmScriptsRecordTheCellsTheReportUses() throws {
        let out = path("cluster")
        let written = try reproduce(["--tiny", "--only", "fig1,moments", "--slurm", "--array-size", "1", "--out", out])
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertTrue(written.stdout.contains("fig1: ") && written.stdout.contains("moments: "), written.stdout)
        // The scripts call the copy of the program in DIR/bin, not the build's binary.
        let bin = try FileManager.default.contentsOfDirectory(atPath: out + "/bin")
        XCTAssertEqual(bin.count, 1, "\(bin)")
        let copy = out + "/bin/" + bin[0]
        XCTAssertTrue(bin[0].hasPrefix("resnet-scaling-") && FileManager.default.isExecutableFile(atPath: copy), copy)
        XCTAssertTrue(written.stdout.contains("program: \(copy) (copied)"), written.stdout)
        for stage in ["fig1", "moments"] {
            for script in ["array.sbatch", "collect.sbatch"] {
                let text = try String(contentsOfFile: out + "/runs/\(stage)/slurm/\(script)", encoding: .utf8)
                XCTAssertTrue(text.contains("'\(copy)' "), "\(stage)/\(script): \(text)")
                XCTAssertFalse(text.contains(CommandLineTests.executable.path), "\(stage)/\(script) calls the build's binary")
            }
        }
        let again = try reproduce(["--tiny", "--only", "fig1,moments", "--slurm", "--array-size", "1", "--out", out])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("program: \(copy) (the copy made by an earlier submission)"), again.stdout)
        for stage in ["fig1", "moments"] {
            let script = out + "/runs/\(stage)/slurm/array.sbatch"
            XCTAssertTrue(FileManager.default.isExecutableFile(atPath: script), script)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script]
            process.environment = ["SLURM_ARRAY_TASK_ID": "0", "PATH": "/usr/bin:/bin"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, stage)
        }
        let before = try snapshot(out + "/runs/fig1/cells")
        XCTAssertFalse(before.isEmpty)
        let report = try reproduce(["--tiny", "--only", "fig1,moments", "--out", out])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertEqual(try snapshot(out + "/runs/fig1/cells"), before, "the report step ran no cell again")
        let csv = try String(contentsOfFile: out + "/claims.csv", encoding: .utf8)
        XCTAssertTrue(csv.contains("moment-res1-identity-L10-beta0.5,theory,"), csv)
        XCTAssertTrue(csv.contains("fig1-iid-beta1-h_diff-slope,1,"), csv)
    }
}
