import XCTest
@testable import Persistence
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading input files: regular files only, clear errors, never blocking on a FIFO.
final class InputFileTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    private func assertError(_ p: String, _ expected: InputFileError, _ message: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try InputFile.read(p), file: file, line: line) { error in
            XCTAssertEqual(error as? InputFileError, expected, file: file, line: line)
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    func testReadsARegularFileAndThroughALink() throws {
        let bytes = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: URL(fileURLWithPath: path("data.bin")))
        XCTAssertEqual(try InputFile.read(path("data.bin")), bytes)
        XCTAssertEqual(symlink("data.bin", path("link")), 0)
        XCTAssertEqual(try InputFile.read(path("link")), bytes)
        XCTAssertEqual(try InputFile.read(path("link"), maximumBytes: 200_000), bytes)
        XCTAssertThrowsError(try InputFile.read(path("link"), maximumBytes: 1000)) { error in
            XCTAssertEqual(error as? InputFileError, .tooLarge(path: path("link"), bytes: 200_000, limit: 1000))
        }
        try Data().write(to: URL(fileURLWithPath: path("empty")))
        XCTAssertEqual(try InputFile.read(path("empty")), Data())
    }

    func testMissingDanglingAndLoop() throws {
        assertError(path("none"), .missing(path: path("none")), "\(path("none")): no such file or folder")
        XCTAssertEqual(symlink("none", path("dangling")), 0)
        assertError(path("dangling"), .danglingSymlink(path: path("dangling"), target: "none"),
                    "\(path("dangling")): is a symbolic link to 'none', which does not exist")
        XCTAssertEqual(symlink("b", path("a")), 0)
        XCTAssertEqual(symlink("a", path("b")), 0)
        assertError(path("a"), .symlinkLoop(path: path("a")), "\(path("a")): too many levels of symbolic links")
        XCTAssertTrue(InputFile.entryExists(path("a")), "a loop is an entry, reported as what it is")
        XCTAssertFalse(InputFile.entryExists(path("none")))
        assertError("", .emptyPath, "the path is empty")
    }

    func testNonRegularFilesAreRefused() throws {
        assertError(dir.path, .notARegularFile(path: dir.path, kind: .directory), "\(dir.path): is a directory, expected a regular file")
        assertError("/dev/zero", .notARegularFile(path: "/dev/zero", kind: .characterDevice),
                    "/dev/zero: is a character device, expected a regular file")
        XCTAssertEqual(symlink("/dev/zero", path("zero")), 0)
        assertError(path("zero"), .notARegularFile(path: path("zero"), kind: .characterDevice),
                    "\(path("zero")): is a character device, expected a regular file")
    }

    /// A FIFO with no writer is refused at once (reading it would block forever).
    func testFIFODoesNotBlock() throws {
        XCTAssertEqual(mkfifo(path("fifo"), 0o644), 0)
        let started = Date()
        assertError(path("fifo"), .notARegularFile(path: path("fifo"), kind: .fifo),
                    "\(path("fifo")): is a FIFO (named pipe), expected a regular file")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testFolders() throws {
        XCTAssertNoThrow(try InputFile.checkFolder(dir.path))
        try "x".write(toFile: path("plain"), atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try InputFile.checkFolder(path("plain"))) { error in
            XCTAssertEqual(error as? InputFileError, .notAFolder(path: path("plain"), kind: .regularFile))
            XCTAssertEqual("\(error)", "\(path("plain")): is a regular file, expected a folder")
        }
        XCTAssertThrowsError(try InputFile.checkFolder(path("none"))) { error in
            XCTAssertEqual(error as? InputFileError, .missing(path: path("none")))
        }
    }

    func testUTF8() throws {
        try Data("héllo: ✓\n".utf8).write(to: URL(fileURLWithPath: path("ok.yaml")))
        XCTAssertEqual(try InputFile.readText(path("ok.yaml")), "héllo: ✓\n")
        // "ab" then a lone continuation byte at offset 2.
        try Data([0x61, 0x62, 0x80, 0x63]).write(to: URL(fileURLWithPath: path("bad.yaml")))
        XCTAssertThrowsError(try InputFile.readText(path("bad.yaml"))) { error in
            XCTAssertEqual(error as? InputFileError, .notUTF8(path: path("bad.yaml"), offset: 2))
            XCTAssertEqual("\(error)", "\(path("bad.yaml")): not valid UTF-8 at byte 2")
        }
        // Latin-1 "café" after a 3-byte character: é (0xE9) starts a sequence that 0x0A breaks.
        XCTAssertEqual(InputFile.firstInvalidUTF8Offset(Array("✓caf".utf8) + [0xE9, 0x0A]), 6)
        XCTAssertEqual(InputFile.firstInvalidUTF8Offset([0xED, 0xA0, 0x80]), 0, "surrogates are not UTF-8")
        XCTAssertEqual(InputFile.firstInvalidUTF8Offset([0xC0, 0xAF]), 0, "overlong forms are not UTF-8")
        XCTAssertEqual(InputFile.firstInvalidUTF8Offset(Array("plain".utf8)), nil)
        XCTAssertEqual(InputFile.firstInvalidUTF8Offset([0x61, 0xF0, 0x9F, 0x98]), 1, "a truncated sequence at the end")
    }
}
