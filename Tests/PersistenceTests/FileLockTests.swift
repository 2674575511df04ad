import Foundation
import XCTest
@testable import Persistence

/// `FileLock` against util-linux `flock(1)` in real second processes (an independent
/// implementation of the same kernel lock), and against itself in one process.
final class FileLockTests: XCTestCase {
    private var dir: URL!
    private var path: String { dir.appendingPathComponent("run.lock").path }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("filelock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Runs `flock` (util-linux) with the arguments; its exit status.
    private func flockCommand(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    private func requireFlockCommand() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else {
            throw XCTSkip("util-linux flock(1) is not installed")
        }
    }

    func testTwoLocksInOneProcessExcludeEachOther() throws {
        let first = try XCTUnwrap(try FileLock.tryLock(path))
        XCTAssertNil(try FileLock.tryLock(path), "a second open file description must not get the lock")
        first.release()
        first.release()  // idempotent
        let second = try XCTUnwrap(try FileLock.tryLock(path))
        second.release()
    }

    func testHolderIsWrittenAndRead() throws {
        let lock = try XCTUnwrap(try FileLock.tryLock(path))
        let me = FileLock.Holder(pid: getpid(), host: ProcessInfo.processInfo.hostName)
        XCTAssertEqual(FileLock.holder(of: path), me)
        XCTAssertEqual(me.description, "process \(getpid()) on host \(me.host)")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "\(me.host) \(getpid())\n")
        lock.release()
        XCTAssertNil(FileLock.holder(of: dir.appendingPathComponent("none").path, patience: 0))
    }

    /// A lock held here stops flock(1) in another process, and the other way round.
    func testExcludesAnotherProcess() throws {
        try requireFlockCommand()
        let lock = try XCTUnwrap(try FileLock.tryLock(path))
        XCTAssertEqual(try flockCommand(["-n", "-E", "99", path, "true"]), 99, "flock(1) must find the file locked")
        lock.release()
        XCTAssertEqual(try flockCommand(["-n", "-E", "99", path, "true"]), 0, "released: flock(1) takes it")

        // Another process holds it: tryLock returns nil; once it is killed (SIGKILL), the kernel
        // has released the lock and tryLock succeeds.
        // One process (bash exec'ing sleep) holding the lock on its descriptor 9.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/bash")
        // A blocking flock: the probes below briefly take the lock, and a non-blocking attempt
        // that met one of them would make the holder give up (a flaky test).
        holder.arguments = ["-c", "exec 9>>\"$1\" && flock 9 && exec sleep 60", "holder", path]
        try holder.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let probe = try FileLock.tryLock(path) { probe.release(); usleep(10_000) } else { break }
        }
        XCTAssertNil(try FileLock.tryLock(path), "flock(1) in another process holds it")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        var after: FileLock?
        let end = Date().addingTimeInterval(10)
        while after == nil && Date() < end {
            after = try FileLock.tryLock(path)
            if after == nil { usleep(20_000) }
        }
        XCTAssertNotNil(after)
    }

    /// The lock file is opened without following a symlink and must be a regular file: a link
    /// planted in a run folder must not make a root process truncate what it points to.
    func testSymlinkAndNonRegularFilesAreRefused() throws {
        let target = dir.appendingPathComponent("precious").path
        try "keep me\n".write(toFile: target, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink(target, path), 0)
        XCTAssertThrowsError(try FileLock.tryLock(path)) { XCTAssertTrue("\($0)".contains(self.path), "\($0)") }
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "keep me\n")
        let fifo = dir.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        XCTAssertThrowsError(try FileLock.tryLock(fifo)) { XCTAssertTrue("\($0)".contains("not a regular file"), "\($0)") }
    }
}
