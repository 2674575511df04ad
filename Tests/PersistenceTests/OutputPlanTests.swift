import XCTest
@testable import Persistence
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outputs of one command: never two on the same file, never over an input.
final class OutputPlanTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    private func assertSameFile(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) {
        var plan = OutputPlan()
        XCTAssertNoThrow(try plan.output("--a", a), file: file, line: line)
        XCTAssertThrowsError(try plan.output("--b", b), file: file, line: line) { error in
            XCTAssertEqual(error as? OutputPlanError, .sameFile(label: "--b", path: b, otherLabel: "--a", otherPath: a),
                           file: file, line: line)
        }
    }

    func testDistinctOutputsAreAccepted() throws {
        var plan = OutputPlan()
        try plan.output("--out", path("a.csv"), standardOutput: true)
        try plan.output("--plot", path("a.svg"), standardOutput: true)
        try plan.output("--histogram", "-", standardOutput: true)
        XCTAssertTrue(plan.usesStandardOutput)
        XCTAssertEqual(plan.targets.map(\.label), ["--out", "--plot", "--histogram"])
    }

    func testSameNewFileBySpelling() {
        assertSameFile(path("x.csv"), path("x.csv"))
        assertSameFile(path("x.csv"), dir.path + "/./sub/../x.csv".replacingOccurrences(of: "sub/../", with: ""))
        assertSameFile(path("x.csv"), dir.path + "//x.csv")
    }

    func testSameFileThroughASymbolicLink() throws {
        try "t".write(toFile: path("t.csv"), atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("t.csv", path("l.csv")), 0)
        assertSameFile(path("t.csv"), path("l.csv"))
        // A link to the folder, with the file not yet there.
        XCTAssertEqual(symlink(dir.path, path("dirlink")), 0)
        assertSameFile(path("new.svg"), path("dirlink/new.svg"))
    }

    func testSameFileThroughAHardLink() throws {
        try "t".write(toFile: path("t.csv"), atomically: false, encoding: .utf8)
        XCTAssertEqual(link(path("t.csv"), path("hard.csv")), 0)
        assertSameFile(path("t.csv"), path("hard.csv"))
    }

    func testTwoStandardOutputs() {
        var plan = OutputPlan()
        XCTAssertNoThrow(try plan.output("--out", "-", standardOutput: true))
        XCTAssertThrowsError(try plan.output("--csv", "-", standardOutput: true)) { error in
            XCTAssertEqual(error as? OutputPlanError, .bothStandardOutput(label: "--csv", otherLabel: "--out"))
        }
    }

    func testOutputOverAnInputFileInEitherOrder() throws {
        try "h\n".write(toFile: path("t.csv"), atomically: false, encoding: .utf8)
        var first = OutputPlan()
        try first.input("the table", file: path("t.csv"))
        XCTAssertThrowsError(try first.output("--out", path("t.csv"))) { error in
            XCTAssertEqual(error as? OutputPlanError,
                           .overwritesInput(label: "--out", path: path("t.csv"), input: "the table", inputPath: path("t.csv"),
                                            inputIsFolder: false))
            XCTAssertTrue("\(error)".contains("which this command reads"), "\(error)")
        }
        var second = OutputPlan()
        try second.output("--out", path("t.csv"))
        XCTAssertThrowsError(try second.input("the table", file: path("t.csv")))
        XCTAssertEqual(try String(contentsOfFile: path("t.csv"), encoding: .utf8), "h\n")
    }

    func testOutputInsideAnInputFolder() throws {
        try FileManager.default.createDirectory(atPath: path("r1/cells"), withIntermediateDirectories: true)
        var plan = OutputPlan()
        try plan.input("the manifest", file: path("r1/sweep.json"))
        try plan.input("cells/", folder: path("r1/cells"))
        XCTAssertThrowsError(try plan.output("--out", path("r1/cells/a.json")))
        XCTAssertThrowsError(try plan.output("--out", path("r1/sweep.json")))
        XCTAssertThrowsError(try plan.output("--out", path("r1/cells")))
        XCTAssertNoThrow(try plan.output("--out", path("r1/table.csv")), "the folder's other files are free")
    }

    func testInputInsideAnOutputFolder() throws {
        var plan = OutputPlan()
        try plan.outputFolder("--results", path("r/cells"))
        XCTAssertThrowsError(try plan.input("the spec", file: path("r/cells/spec.yaml"))) { error in
            XCTAssertEqual(error as? OutputPlanError,
                           .inputInOutputFolder(input: "the spec", inputPath: path("r/cells/spec.yaml"), label: "--results",
                                                path: path("r/cells")))
        }
        XCTAssertNoThrow(try plan.input("the spec", file: path("r/spec.yaml")))
    }

    func testUnusableOutputNamesItsLabel() throws {
        var plan = OutputPlan()
        XCTAssertThrowsError(try plan.output("--plot", "/dev/null")) { error in
            XCTAssertEqual(error as? OutputPlanError, .unusable(label: "--plot", .notARegularFile(path: "/dev/null", kind: .characterDevice)))
            XCTAssertEqual("\(error)", "--plot: '/dev/null' is a character device; only a new or a regular file is replaced")
        }
    }

    func testResolvedPathOfMissingTail() throws {
        XCTAssertEqual(symlink(dir.path, path("here")), 0)
        let resolved = ResolvedPath(path("here/a/b/../c.txt"))
        XCTAssertEqual(resolved.path, ResolvedPath(dir.path).path + "/a/c.txt")
        XCTAssertNil(resolved.identity)
        XCTAssertTrue(ResolvedPath(path("a")).contains(resolved))
        XCTAssertFalse(ResolvedPath(path("a/c")).contains(resolved), "a prefix of the name is not a parent")
    }
}
