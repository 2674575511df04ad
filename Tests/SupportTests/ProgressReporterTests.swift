import Foundation
import Support
import XCTest

/// The progress display on a fake clock: quiet for a second, then one line per interval, in
/// place on a terminal, and a final line with the total time.
final class ProgressReporterTests: XCTestCase {
    final class Clock: @unchecked Sendable {
        var time = Date(timeIntervalSince1970: 0)
        var written: [String] = []
    }

    func testPaceAndLines() {
        let clock = Clock()
        let log = ProgressReporter(label: "simulate", interactive: false, write: { clock.written.append($0) }, now: { clock.time })
        log.update(fraction: 0.1)
        XCTAssertEqual(clock.written, [], "nothing in the first second")
        clock.time += 2
        log.update(fraction: 0.5)
        XCTAssertEqual(clock.written, ["simulate:  50.0%  elapsed 2.0s  ETA 2.0s\n"])
        clock.time += 5
        log.update(fraction: 0.6)
        XCTAssertEqual(clock.written.count, 1, "a log gets a line every 10 s")
        clock.time += 6
        log.update { "epoch 1/2" }
        XCTAssertEqual(clock.written.last, "epoch 1/2\n")
        log.finish()
        XCTAssertEqual(clock.written.last, "simulate: done in 13.0s\n")

        let terminal = Clock()
        let tty = ProgressReporter(label: "train", interactive: true, write: { terminal.written.append($0) }, now: { terminal.time })
        terminal.time += 1.5
        tty.update { "step 3" }
        XCTAssertEqual(terminal.written, ["\rstep 3\u{1B}[K"])
        tty.clear()
        XCTAssertEqual(terminal.written.last, "\r\u{1B}[K")
        tty.clear()
        XCTAssertEqual(terminal.written.count, 2, "cleared once")

        let quiet = Clock()
        let off = ProgressReporter(label: "x", enabled: false, write: { quiet.written.append($0) }, now: { quiet.time })
        quiet.time += 100
        off.update(fraction: 0.5)
        off.finish()
        XCTAssertEqual(quiet.written, [])
    }

    /// `data fetch`'s use: forced lines at once, its own log pace, no quiet start, and an
    /// in-place line ended (kept) before other output.
    func testForcedLinesAndEndLine() {
        let clock = Clock()
        let log = ProgressReporter(label: "data fetch", interactive: false, logInterval: 5, quietSeconds: 0,
                                   write: { clock.written.append($0) }, now: { clock.time })
        log.update(force: true) { "a.gz: downloading" }
        XCTAssertEqual(clock.written, ["a.gz: downloading\n"], "forced: shown at once")
        clock.time += 0.5
        log.update { "a.gz  1 MB" }
        XCTAssertEqual(clock.written.count, 1, "not forced: at the log's pace")
        clock.time += 4.6
        log.update { "a.gz  2 MB" }
        XCTAssertEqual(clock.written.last, "a.gz  2 MB\n", "every 5 s in this log")
        log.update(force: true) { "a.gz: retrying" }
        XCTAssertEqual(clock.written.last, "a.gz: retrying\n")

        let terminal = Clock()
        let tty = ProgressReporter(label: "data fetch", interactive: true, quietSeconds: 0,
                                   write: { terminal.written.append($0) }, now: { terminal.time })
        tty.update(force: true) { "b.gz: downloading" }
        tty.endLine()
        XCTAssertEqual(terminal.written, ["\rb.gz: downloading\u{1B}[K", "\n"], "the line stays, ended")
        tty.endLine()
        XCTAssertEqual(terminal.written.count, 2, "ended once")
    }

    func testDurations() {
        XCTAssertEqual(ProgressReporter.duration(4.25), "4.2s")
        XCTAssertEqual(ProgressReporter.duration(187), "3m07s")
        XCTAssertEqual(ProgressReporter.duration(7500), "2h05m")
        XCTAssertEqual(ProgressReporter.duration(.nan), "?")
        XCTAssertEqual(ProgressReporter.duration(1e300), "> 10⁶ h")
    }
}
