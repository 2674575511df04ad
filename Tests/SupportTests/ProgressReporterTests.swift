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

    func testDurations() {
        XCTAssertEqual(ProgressReporter.duration(4.25), "4.2s")
        XCTAssertEqual(ProgressReporter.duration(187), "3m07s")
        XCTAssertEqual(ProgressReporter.duration(7500), "2h05m")
        XCTAssertEqual(ProgressReporter.duration(.nan), "?")
        XCTAssertEqual(ProgressReporter.duration(1e300), "> 10⁶ h")
    }
}
