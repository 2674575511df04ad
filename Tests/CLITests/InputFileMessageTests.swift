import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 8, point 6: a data file or spec that is not a readable regular file gets a message
/// saying what it is; a FIFO never blocks the tool.
final class InputFileMessageTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-in-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func assertError(_ r: ToolProcess.Result, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 64, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr, "error: \(message)\n", file: file, line: line)
    }

    /// The training images file (read first) replaced by something that is not a file.
    func trainWith(_ makeImages: (String) throws -> Void) throws -> ToolProcess.Result {
        let data = path("data-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try makeImages(data + "/train-images-idx3-ubyte")
        return try ToolProcess.run(["train", "--data-dir", data, "--width", "4", "--depth", "2", "--epochs", "1",
                                    "--out", path("run"), "--quiet"])
    }

    func testDataFileThatIsNotAFile() throws {
        var images = ""
        assertError(try trainWith { images = $0; try FileManager.default.createDirectory(atPath: $0, withIntermediateDirectories: false) },
                    "--data-dir: \(images): is a directory, expected a regular file")
        assertError(try trainWith { images = $0; XCTAssertEqual(mkfifo($0, 0o644), 0) },
                    "--data-dir: \(images): is a FIFO (named pipe), expected a regular file")
        assertError(try trainWith { images = $0; XCTAssertEqual(symlink("/dev/zero", $0), 0) },
                    "--data-dir: \(images): is a character device, expected a regular file")
        assertError(try trainWith { images = $0; XCTAssertEqual(symlink($0, $0), 0) },
                    "--data-dir: \(images): too many levels of symbolic links")
        assertError(try trainWith { images = $0; XCTAssertEqual(symlink("gone", $0), 0) },
                    "--data-dir: \(images): is a symbolic link to 'gone', which does not exist")
        let data = path("empty-data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        assertError(try ToolProcess.run(["train", "--data-dir", data, "--out", path("run2"), "--quiet"]),
                    "--data-dir: \(data)/train-images-idx3-ubyte.gz: file not found")
        try "x".write(toFile: path("plain"), atomically: false, encoding: .utf8)
        assertError(try ToolProcess.run(["train", "--data-dir", path("plain"), "--out", path("run3"), "--quiet"]),
                    "--data-dir: \(path("plain")): is a regular file, expected a folder")
    }

    func testSpecFileMessages() throws {
        var bytes = Array("command: simulate\ndescription: caf".utf8)
        bytes += [0xE9, 0x0A]  // Latin-1 é
        try Data(bytes).write(to: URL(fileURLWithPath: path("latin1.yaml")))
        assertError(try ToolProcess.run(["sweep", path("latin1.yaml"), "--results", path("r")]),
                    "\(path("latin1.yaml")): not valid UTF-8 at byte \(bytes.count - 2)")
        XCTAssertEqual(mkfifo(path("fifo.yaml"), 0o644), 0)
        assertError(try ToolProcess.run(["sweep", path("fifo.yaml"), "--results", path("r")]),
                    "\(path("fifo.yaml")): is a FIFO (named pipe), expected a regular file")
        assertError(try ToolProcess.run(["sweep", directory.path, "--results", path("r")]),
                    "\(directory.path): is a directory, expected a regular file")
        assertError(try ToolProcess.run(["sweep", path("none.yaml"), "--results", path("r")]),
                    "\(path("none.yaml")): no such file or folder")
        XCTAssertEqual(symlink("loop.yaml", path("loop.yaml")), 0)
        assertError(try ToolProcess.run(["sweep", path("loop.yaml"), "--results", path("r")]),
                    "\(path("loop.yaml")): too many levels of symbolic links")
    }

    func testTableThatIsNotAFile() throws {
        XCTAssertEqual(mkfifo(path("t.csv"), 0o644), 0)
        assertError(try ToolProcess.run(["plot", path("t.csv"), "--out", path("f.svg")]),
                    "\(path("t.csv")): is a FIFO (named pipe), expected a regular file")
        assertError(try ToolProcess.run(["plot", path("none.csv"), "--out", path("f.svg")]),
                    "'\(path("none.csv"))': no such table or results folder")
    }
}
