import Foundation

/// Progress with an ETA on standard error, for runs longer than a second. On a terminal
/// the line is rewritten in place; in a log it is printed every few seconds.
final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let start = Date()
    private var lastPrint = Date.distantPast
    private var printedAny = false
    private let interactive = isatty(fileno(stderr)) != 0
    private let enabled: Bool
    private let lock = NSLock()

    init(label: String, enabled: Bool = true) {
        self.label = label
        self.enabled = enabled
    }

    /// Reports the fraction of work done, in [0, 1].
    func update(_ fraction: Double) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let interval = interactive ? 0.25 : 5
        guard elapsed > 1, now.timeIntervalSince(lastPrint) >= interval, fraction < 1 else { return }
        lastPrint = now
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : .infinity
        let line = String(format: "%@: %5.1f%%  elapsed %@  ETA %@", label, fraction * 100,
                          Self.duration(elapsed), eta.isFinite ? Self.duration(eta) : "?")
        write(interactive ? "\r" + line + "\u{1B}[K" : line + "\n")
        printedAny = true
    }

    /// Ends the progress display with the total time.
    func finish() {
        guard enabled, printedAny else { return }
        let line = "\(label): done in \(Self.duration(Date().timeIntervalSince(start)))"
        write(interactive ? "\r" + line + "\u{1B}[K\n" : line + "\n")
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    static func duration(_ seconds: Double) -> String {
        // Beyond ~100 years an estimate says nothing, and Int(seconds) must not trap.
        guard seconds < 3.6e9 else { return seconds.isNaN ? "?" : "> 10⁶ h" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        if seconds < 3600 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%dh%02dm", Int(seconds) / 3600, (Int(seconds) % 3600) / 60)
    }
}
