import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 8, points 1, 2 and 6: an output replaces only a new or regular file of its own (a
/// link is followed), never a device, FIFO, directory or another output or input of the
/// same command; `-` is standard output. Refusals come before any work, with exit status 64,
/// one line naming the flag, the path and what it is, and leave everything as it was.
final class OutputPolicyTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    let small = ["--width", "8", "--input-dim", "4", "--depth", "5,20", "--beta", "0.5,1", "--samples", "2", "--quiet"]

    func kind(_ p: String) -> mode_t {
        var s = stat()
        XCTAssertEqual(lstat(p, &s), 0, p)
        return s.st_mode & S_IFMT
    }

    func listing() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() }

    /// Exit status 64 and one line on standard error containing every fragment.
    func assertRefused(_ r: ToolProcess.Result, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 64, r.stderr, file: file, line: line)
        XCTAssertEqual(r.errorLines.count, 1, r.stderr, file: file, line: line)
        for fragment in fragments { XCTAssertTrue(r.stderr.contains(fragment), "\(fragment) not in: \(r.stderr)", file: file, line: line) }
        XCTAssertEqual(r.stdout, "", file: file, line: line)
    }

    func testDeviceIsRefusedAndUntouched() throws {
        let r = try ToolProcess.run(["simulate"] + small + ["--out", "/dev/full"])
        assertRefused(r, ["--out", "'/dev/full' is a character device"])
        XCTAssertEqual(kind("/dev/full"), S_IFCHR)
        let null = try ToolProcess.run(["paths", "--out", path("p.svg"), "--csv", "/dev/null"])
        assertRefused(null, ["--csv", "'/dev/null' is a character device"])
        XCTAssertEqual(kind("/dev/null"), S_IFCHR)
        XCTAssertEqual(try listing(), [], "no other output written")
    }

    func testDescriptorLinkIsRefused() throws {
        #if os(Linux)
        let r = try ToolProcess.run(["simulate"] + small + ["--out", "/dev/stdout"])
        assertRefused(r, ["--out", "'/dev/stdout'", "use '-' for standard output"])
        XCTAssertEqual(kind("/dev/stdout"), S_IFLNK)
        #endif
    }

    func testFIFOIsRefusedWithoutBlockingAndUntouched() throws {
        XCTAssertEqual(mkfifo(path("fifo"), 0o644), 0)
        for arguments in [["simulate"] + small + ["--out", path("fifo")], ["paths", "--out", path("fifo")]] {
            assertRefused(try ToolProcess.run(arguments), ["--out", "is a FIFO (named pipe)"])
            XCTAssertEqual(kind(path("fifo")), S_IFIFO)
        }
        XCTAssertEqual(try listing(), ["fifo"])
    }

    func testDirectoryIsRefused() throws {
        try FileManager.default.createDirectory(atPath: path("d"), withIntermediateDirectories: true)
        assertRefused(try ToolProcess.run(["simulate"] + small + ["--out", path("d")]), ["--out", "is a directory"])
    }

    /// The link stays a link; the file it points to gets the CSV.
    func testSymbolicLinkIsFollowed() throws {
        try FileManager.default.createDirectory(atPath: path("real"), withIntermediateDirectories: true)
        try "old\n".write(toFile: path("real/t.csv"), atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("real/t.csv", path("link.csv")), 0)
        let r = try ToolProcess.run(["simulate"] + small + ["--out", path("link.csv")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(kind(path("link.csv")), S_IFLNK)
        let text = try String(contentsOfFile: path("real/t.csv"), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("model,activation,"), text)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("real")), ["t.csv"], "no temporary file left")

        XCTAssertEqual(symlink("missing.csv", path("dangling.csv")), 0)
        assertRefused(try ToolProcess.run(["simulate"] + small + ["--out", path("dangling.csv")]),
                      ["--out", "dangling.csv' is a symbolic link to 'missing.csv', which does not exist"])
        XCTAssertEqual(kind(path("dangling.csv")), S_IFLNK)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("missing.csv")))
    }

    func testTwoOutputsOnOneFileAreRefused() throws {
        try "keep\n".write(toFile: path("x.csv"), atomically: false, encoding: .utf8)
        let cases: [([String], [String])] = [
            (["simulate"] + small + ["--out", path("x.csv"), "--plot", path("x.csv")], ["--plot", "--out", "are the same file"]),
            (["simulate"] + small + ["--out", path("o.csv"), "--plot", path("y.svg"), "--histogram", directory.path + "/./y.svg"],
             ["--histogram", "--plot", "are the same file"]),
            (["paths", "--out", path("p.svg"), "--csv", path("p.svg")], ["--csv", "--out", "are the same file"]),
            (["simulate"] + small + ["--out", "-", "--plot", "-"], ["--out", "--plot", "both write to standard output"]),
        ]
        for (arguments, fragments) in cases { assertRefused(try ToolProcess.run(arguments), fragments) }
        // Through a hard link and a symbolic link to the same file.
        XCTAssertEqual(link(path("x.csv"), path("hard.csv")), 0)
        XCTAssertEqual(symlink("x.csv", path("soft.csv")), 0)
        assertRefused(try ToolProcess.run(["simulate"] + small + ["--out", path("hard.csv"), "--boundary", path("soft.csv"),
                                                                  "--init", "fbm", "--hurst", "0.5"]),
                      ["--boundary", "--out", "are the same file"])
        XCTAssertEqual(try String(contentsOfFile: path("x.csv"), encoding: .utf8), "keep\n")
        XCTAssertEqual(try listing(), ["hard.csv", "soft.csv", "x.csv"])
    }

    func testPlotOverItsOwnTableIsRefused() throws {
        let table = "cell_id,depth,beta,h_diff\n"
        try table.write(toFile: path("t.csv"), atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("t.csv", path("t-link.csv")), 0)
        for out in [path("t.csv"), path("t-link.csv"), directory.path + "/../\(directory.lastPathComponent)/t.csv"] {
            assertRefused(try ToolProcess.run(["plot", path("t.csv"), "--out", out]),
                          ["--out", "would overwrite the table", "which this command reads"])
        }
        XCTAssertEqual(try String(contentsOfFile: path("t.csv"), encoding: .utf8), table)
    }

    /// A small finished sweep in `r1`.
    func makeSweep() throws -> String {
        let spec = """
        command: simulate
        settings:
          width: 8
          input-dim: 4
          samples: 2
        axes:
          depth: 5,10
          beta: [0.5, 1]
        seed: 0
        """
        try spec.write(toFile: path("s.yaml"), atomically: false, encoding: .utf8)
        let r = try ToolProcess.run(["sweep", path("s.yaml"), "--results", path("r1"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return path("r1")
    }

    func testCollectAndPlotDoNotOverwriteTheResultsFolder() throws {
        let results = try makeSweep()
        let manifest = try Data(contentsOf: URL(fileURLWithPath: results + "/sweep.json"))
        let cells = try FileManager.default.contentsOfDirectory(atPath: results + "/cells").sorted()
        assertRefused(try ToolProcess.run(["collect", results, "--out", results + "/sweep.json"]),
                      ["--out", "would overwrite the sweep manifest", "which this command reads"])
        assertRefused(try ToolProcess.run(["collect", results, "--out", results + "/cells/table.csv"]),
                      ["--out", "lies inside the results folder's cells/"])
        assertRefused(try ToolProcess.run(["plot", results, "--out", results + "/cells/\(cells[0])"]),
                      ["--out", "lies inside the results folder's cells/"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: results + "/sweep.json")), manifest)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: results + "/cells").sorted(), cells)

        // The Slurm collect job's outputs, beside the folder's own files, are allowed.
        let collect = try ToolProcess.run(["collect", results, "--out", results + "/table.csv"])
        XCTAssertEqual(collect.status, 0, collect.stderr)
        let plot = try ToolProcess.run(["plot", results, "--out", results + "/figure.svg"])
        XCTAssertEqual(plot.status, 0, plot.stderr)
    }

    func testDashWritesToStandardOutput() throws {
        let simulate = try ToolProcess.run(["simulate", "--width", "8", "--input-dim", "4", "--depth", "5,20", "--beta", "0.5",
                                            "--samples", "2", "--out", "-"])
        XCTAssertEqual(simulate.status, 0, simulate.stderr)
        let lines = simulate.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 2 * 2, "only the CSV on standard output: \(simulate.stdout)")
        XCTAssertTrue(lines[0].hasPrefix("model,activation,init,"))
        XCTAssertTrue(simulate.stderr.contains("4 rows"), "the summary goes to standard error: \(simulate.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "-"))

        let paths = try ToolProcess.run(["paths", "--length", "20", "--out", path("f6.svg"), "--csv", "-"], in: directory)
        XCTAssertEqual(paths.status, 0, paths.stderr)
        XCTAssertTrue(paths.stdout.hasPrefix("hurst,path,k,t,value\n"))
        XCTAssertTrue(try String(contentsOfFile: path("f6.svg"), encoding: .utf8).contains("</svg>"))

        let results = try makeSweep()
        let collect = try ToolProcess.run(["collect", results, "--out", "-"], in: directory)
        XCTAssertEqual(collect.status, 0, collect.stderr)
        XCTAssertTrue(collect.stdout.hasPrefix("cell_id,"))
        XCTAssertEqual(collect.stdout.split(separator: "\n").count, 1 + 2 * 2 * 2)
        XCTAssertTrue(collect.stderr.contains("2 done, 0 failed, 0 missing"), collect.stderr)
        let plot = try ToolProcess.run(["plot", results, "--out", "-"], in: directory)
        XCTAssertEqual(plot.status, 0, plot.stderr)
        XCTAssertTrue(plot.stdout.contains("<svg") && plot.stdout.contains("</svg>"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("-")))
    }

    /// A legal 216-byte file name works (the temporary name no longer grows with it); an
    /// illegal one is refused before the run.
    func testLongFileNames() throws {
        let name = String(repeating: "a", count: 212) + ".csv"
        let r = try ToolProcess.run(["simulate"] + small + ["--out", path(name)])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOfFile: path(name), encoding: .utf8).hasPrefix("model,"))
        let long = String(repeating: "b", count: 252) + ".csv"
        assertRefused(try ToolProcess.run(["simulate"] + small + ["--out", path(name), "--plot", path(long)]),
                      ["--plot", "is 256 bytes long; the file system allows 255"])
        XCTAssertEqual(try listing(), [name])
    }

    func testEmptyResultsFolderIsRefused() throws {
        try "command: simulate\n".write(toFile: path("s.yaml"), atomically: false, encoding: .utf8)
        assertRefused(try ToolProcess.run(["sweep", path("s.yaml"), "--results", ""], in: directory), ["--results must not be empty"])
        assertRefused(try ToolProcess.run(["collect", "", "--out", path("t.csv")]), ["must not be empty"])
        XCTAssertEqual(try listing(), ["s.yaml"])
    }

    func testSpecInsideTheResultsFolderIsRefused() throws {
        try FileManager.default.createDirectory(atPath: path("r/cells"), withIntermediateDirectories: true)
        try "command: simulate\n".write(toFile: path("r/cells/s.yaml"), atomically: false, encoding: .utf8)
        assertRefused(try ToolProcess.run(["sweep", path("r/cells/s.yaml"), "--results", path("r")]),
                      ["the spec", "lies inside", "which this command writes"])
    }
}
