import XCTest
@testable import Persistence
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lock files are opened only when they are the tool's own regular files.
final class LockFileTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func testCreatesAndReopensARegularFile() throws {
        let fd = try LockFile.open(path("a.lock"))
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        close(fd)
        let again = try LockFile.open(path("a.lock"))
        close(again)
    }

    /// A link is refused and what it points to is left as it was (not truncated).
    func testSymbolicLinkIsRefusedAndItsTargetKept() throws {
        try "precious\n".write(toFile: path("precious"), atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("precious", path("b.lock")), 0)
        XCTAssertThrowsError(try LockFile.open(path("b.lock"))) { error in
            XCTAssertEqual(error as? AtomicFileError, .notARegularFile(path: path("b.lock"), kind: .symbolicLink))
        }
        XCTAssertEqual(try String(contentsOfFile: path("precious"), encoding: .utf8), "precious\n")
    }

    func testFIFOAndDirectoryAreRefusedWithoutBlocking() throws {
        XCTAssertEqual(mkfifo(path("c.lock"), 0o644), 0)
        XCTAssertThrowsError(try LockFile.open(path("c.lock"))) { error in
            XCTAssertEqual(error as? AtomicFileError, .notARegularFile(path: path("c.lock"), kind: .fifo))
        }
        try FileManager.default.createDirectory(atPath: path("d.lock"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try LockFile.open(path("d.lock"))) { error in
            XCTAssertEqual(error as? AtomicFileError, .notARegularFile(path: path("d.lock"), kind: .directory))
        }
    }
}
