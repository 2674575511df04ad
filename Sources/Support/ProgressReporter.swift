import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one progress display of the toolkit, on standard error: a fraction of work done with
/// its ETA (`simulate`), or a status line of the caller's (`train`'s steps, `data fetch`'s
/// transfers). On a terminal the line is rewritten in place 4 times a second; in a log a line
/// is printed every `logInterval` seconds (10 by default). Nothing is shown during the first
/// `quietSeconds` (1 by default), so short runs stay quiet; a forced line is shown at once.
public final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private let interactive: Bool
    private let write: (String) -> Void
    private let now: () -> Date
    private let start: Date
    private let logInterval: Double
    private let quietSeconds: Double
    private var lastShown = Date.distantPast
    private var printedAny = false
    /// An in-place line is on screen (to be cleared before a permanent line).
    private var lineShown = false
    private let lock = NSLock()

    /// `write` and `now` are standard error and the clock; tests pass their own.
    public init(label: String, enabled: Bool = true, interactive: Bool = isatty(fileno(stderr)) != 0,
                logInterval: Double = 10, quietSeconds: Double = 1,
                write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
                now: @escaping () -> Date = Date.init) {
        self.label = label
        self.enabled = enabled
        self.interactive = interactive
        self.logInterval = logInterval
        self.quietSeconds = quietSeconds
        self.write = write
        self.now = now
        self.start = now()
    }

    /// Seconds between two lines: 0.25 on a terminal, `logInterval` in a log.
    public var interval: Double { interactive ? 0.25 : logInterval }

    /// Reports the fraction of the work done, in [0, 1]: `label: 42.0%  elapsed 3.1s  ETA 4.3s`.
    public func update(fraction: Double) {
        show { elapsed in
            guard fraction < 1 else { return nil }
            let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : .infinity
            return String(format: "%@: %5.1f%%  elapsed %@  ETA %@", self.label, fraction * 100,
                          Self.duration(elapsed), eta.isFinite ? Self.duration(eta) : "?")
        }
    }

    /// Shows a line of the caller's, at the same pace (`force`: now, whatever the pace);
    /// `line` is built only when shown.
    public func update(force: Bool = false, line: @escaping () -> String) {
        show(force: force) { _ in line() }
    }

    /// Ends an in-place line where it stands (it stays on screen) before other output.
    public func endLine() {
        lock.lock(); defer { lock.unlock() }
        guard lineShown else { return }
        write("\n")
        lineShown = false
    }

    /// Removes an in-place line before a permanent one is printed.
    public func clear() {
        lock.lock(); defer { lock.unlock() }
        guard lineShown else { return }
        write("\r\u{1B}[K")
        lineShown = false
    }

    /// Ends the display with the total time (if anything was shown).
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        guard enabled, printedAny else { return }
        let line = "\(label): done in \(Self.duration(now().timeIntervalSince(start)))"
        write(interactive ? "\r" + line + "\u{1B}[K\n" : line + "\n")
        lineShown = false
    }

    private func show(force: Bool = false, _ line: (Double) -> String?) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let time = now()
        let elapsed = time.timeIntervalSince(start)
        guard force || (elapsed > quietSeconds && time.timeIntervalSince(lastShown) >= interval),
              let text = line(elapsed) else { return }
        lastShown = time
        write(interactive ? "\r" + text + "\u{1B}[K" : text + "\n")
        printedAny = true
        lineShown = interactive
    }

    /// A duration for people: `4.2s`, `3m07s`, `2h05m`; `?` for NaN and `> 10⁶ h` beyond ~100
    /// years (an estimate that says nothing, and `Int(seconds)` must not trap).
    public static func duration(_ seconds: Double) -> String {
        guard seconds < 3.6e9 else { return seconds.isNaN ? "?" : "> 10⁶ h" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        if seconds < 3600 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%dh%02dm", Int(seconds) / 3600, (Int(seconds) % 3600) / 60)
    }
}
