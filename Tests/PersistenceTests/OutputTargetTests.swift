import XCTest
@testable import Persistence
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output policy: what an output path may be, and that nothing else is ever replaced.
final class OutputTargetTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        // Short, so that a socket path fits in sun_path (108 bytes).
        dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("ot-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    private func contents(_ p: String) throws -> String { try String(contentsOfFile: p, encoding: .utf8) }
    private func listing() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    private func assertRefused(_ p: String, _ expected: AtomicFileError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try OutputTarget(p), file: file, line: line) { error in
            XCTAssertEqual(error as? AtomicFileError, expected, file: file, line: line)
        }
        XCTAssertThrowsError(try AtomicFile.write("x", to: p), file: file, line: line)
    }

    func testNewFileIsCreated() throws {
        let target = try OutputTarget(path("new.csv"))
        XCTAssertFalse(target.existed)
        XCTAssertEqual(target.name, "new.csv")
        try target.write("a\n")
        XCTAssertEqual(try contents(path("new.csv")), "a\n")
        XCTAssertEqual(try listing(), ["new.csv"])
    }

    func testRegularFileIsReplacedAndKeepsItsMode() throws {
        let p = path("old.csv")
        try "old\n".write(toFile: p, atomically: false, encoding: .utf8)
        chmod(p, 0o600)
        var before = stat()
        stat(p, &before)
        let target = try OutputTarget(p)
        XCTAssertTrue(target.existed)
        try target.write("new\n")
        var after = stat()
        stat(p, &after)
        XCTAssertEqual(try contents(p), "new\n")
        XCTAssertNotEqual(before.st_ino, after.st_ino, "replaced by rename, not rewritten in place")
        XCTAssertEqual(after.st_mode & 0o777, 0o600)
        XCTAssertEqual(try listing(), ["old.csv"])
    }

    func testExplicitPermissions() throws {
        try AtomicFile.write("#!/bin/sh\n", to: path("job.sh"), permissions: 0o755)
        var s = stat()
        stat(path("job.sh"), &s)
        XCTAssertEqual(s.st_mode & 0o777, 0o755)
    }

    /// A link stays a link; its target is replaced in the target's own folder.
    func testSymbolicLinkIsFollowedToItsTarget() throws {
        try FileManager.default.createDirectory(atPath: path("elsewhere"), withIntermediateDirectories: true)
        let real = path("elsewhere/real.csv")
        try "old\n".write(toFile: real, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("elsewhere/real.csv", path("link.csv")), 0)
        XCTAssertEqual(symlink("link.csv", path("link2.csv")), 0)   // a chain of two links
        let target = try OutputTarget(path("link2.csv"))
        XCTAssertEqual(target.path, ResolvedPath(real).path)
        try target.write("new\n")
        XCTAssertEqual(try contents(real), "new\n")
        XCTAssertEqual(FileSystem.linkTarget(path("link.csv")), "elsewhere/real.csv")
        XCTAssertEqual(FileSystem.linkTarget(path("link2.csv")), "link.csv")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("elsewhere")), ["real.csv"])
    }

    /// Refused (documented choice): a dangling link, even into an existing folder, is not created through.
    func testDanglingSymbolicLinkIsRefused() throws {
        XCTAssertEqual(symlink("missing.csv", path("dangling.csv")), 0)
        assertRefused(path("dangling.csv"), .danglingSymlink(path: path("dangling.csv"), target: "missing.csv"))
        XCTAssertEqual(FileSystem.linkTarget(path("dangling.csv")), "missing.csv")
        XCTAssertEqual(try listing(), ["dangling.csv"])
    }

    func testSymbolicLinkLoopIsRefused() throws {
        XCTAssertEqual(symlink("b", path("a")), 0)
        XCTAssertEqual(symlink("a", path("b")), 0)
        assertRefused(path("a"), .symlinkLoop(path("a")))
        XCTAssertTrue("\(AtomicFileError.symlinkLoop("a"))".contains("too many levels of symbolic links"))
    }

    func testDevicesAreRefusedAndUntouched() throws {
        assertRefused("/dev/null", .notARegularFile(path: "/dev/null", kind: .characterDevice))
        var s = stat()
        XCTAssertEqual(stat("/dev/null", &s), 0)
        XCTAssertEqual(FileKind(mode: s.st_mode), .characterDevice)
        // A link to a device is refused as what it leads to.
        XCTAssertEqual(symlink("/dev/null", path("null-link")), 0)
        assertRefused(path("null-link"), .notARegularFile(path: path("null-link"), kind: .characterDevice))
        XCTAssertEqual(FileSystem.linkTarget(path("null-link")), "/dev/null")
    }

    func testDescriptorLinksAreRefused() {
        #if os(Linux)
        for p in ["/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/dev/fd/2"] {
            assertRefused(p, .fileDescriptorLink(p))
        }
        XCTAssertEqual(symlink("/dev/stdout", path("out-link")), 0)
        assertRefused(path("out-link"), .fileDescriptorLink(path("out-link")))
        #endif
    }

    func testFIFOIsRefusedWithoutBlocking() throws {
        XCTAssertEqual(mkfifo(path("fifo"), 0o644), 0)
        assertRefused(path("fifo"), .notARegularFile(path: path("fifo"), kind: .fifo))
        var s = stat()
        lstat(path("fifo"), &s)
        XCTAssertEqual(FileKind(mode: s.st_mode), .fifo)
        XCTAssertEqual(try listing(), ["fifo"])
    }

    func testDirectoryIsRefused() throws {
        try FileManager.default.createDirectory(atPath: path("sub"), withIntermediateDirectories: true)
        assertRefused(path("sub"), .notARegularFile(path: path("sub"), kind: .directory))
        let slash = dir.path + "/new/"
        assertRefused(slash, .notARegularFile(path: slash, kind: .directory))
    }

    func testSocketIsRefused() throws {
        let p = path("sock")
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(p.utf8)
            precondition(bytes.count < raw.count)
            raw.copyBytes(from: bytes)
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(rc, 0)
        assertRefused(p, .notARegularFile(path: p, kind: .socket))
    }

    func testEmptyMissingAndUnusableParents() throws {
        assertRefused("", .emptyPath)
        assertRefused(path("no/such/x.csv"), .directoryMissing(path("no/such")))
        try "x".write(toFile: path("plain"), atomically: false, encoding: .utf8)
        assertRefused(path("plain/x.csv"), .notADirectory(path("plain")))
    }

    /// A legal 216-byte name works (the temporary name does not grow with it); one over
    /// NAME_MAX is refused before any work, as is a path over PATH_MAX.
    func testNameLengthLimits() throws {
        let legal = String(repeating: "n", count: 212) + ".csv"
        XCTAssertEqual(legal.utf8.count, 216)
        try AtomicFile.write("ok\n", to: path(legal))
        XCTAssertEqual(try contents(path(legal)), "ok\n")
        let longest = String(repeating: "m", count: 251) + ".csv"
        try AtomicFile.write("ok\n", to: path(longest))
        XCTAssertEqual(try listing(), [legal, longest].sorted())

        let tooLong = String(repeating: "x", count: 252) + ".csv"
        assertRefused(path(tooLong), .nameTooLong(path: path(tooLong), bytes: 256, limit: 255))
        let deep = dir.path + String(repeating: "/d", count: 2100) + "/x.csv"
        XCTAssertThrowsError(try OutputTarget(deep)) { error in
            guard case AtomicFileError.pathTooLong(_, let bytes, let limit)? = error as? AtomicFileError else {
                return XCTFail("\(error)")
            }
            XCTAssertGreaterThan(bytes, limit)
        }
        XCTAssertEqual(OutputTarget.temporaryName().utf8.count, OutputTarget.temporaryNameLength)
    }

    /// If something other than a regular file appears at the name between the check and the
    /// write, it is not replaced.
    func testNameChangedToAFIFOAfterTheCheckIsNotReplaced() throws {
        let target = try OutputTarget(path("late"))
        XCTAssertEqual(mkfifo(path("late"), 0o644), 0)
        XCTAssertThrowsError(try target.write("x")) { error in
            XCTAssertEqual(error as? AtomicFileError, .notARegularFile(path: target.path, kind: .fifo))
        }
        var s = stat()
        lstat(path("late"), &s)
        XCTAssertEqual(FileKind(mode: s.st_mode), .fifo)
        XCTAssertEqual(try listing(), ["late"], "no temporary file left")
    }

    func testStandardOutputOnlyWhereAllowed() throws {
        let stream = try OutputTarget("-", standardOutput: true)
        XCTAssertTrue(stream.isStandardOutput)
        XCTAssertEqual(stream.path, "-")
        // Elsewhere `-` is an ordinary file name (resolved in the working directory, not written here).
        let file = try OutputTarget("-")
        XCTAssertFalse(file.isStandardOutput)
        XCTAssertEqual(file.name, "-")
    }
}
