import Foundation
import Resources
import Support

/// Where a download stands: bytes received (including those of an earlier, resumed attempt),
/// the total when the server announced it, and the rate of this attempt.
public struct DownloadProgress: Sendable, Equatable {
    /// The file's name, for the line shown.
    public var name: String
    /// Bytes in the partial file.
    public var received: Int
    /// The file's whole size, when known.
    public var total: Int?
    /// Bytes that were already in the partial file when this attempt started.
    public var resumedFrom: Int
    /// Seconds since this attempt started.
    public var elapsed: Double

    public init(name: String, received: Int, total: Int?, resumedFrom: Int, elapsed: Double) {
        self.name = name
        self.received = received
        self.total = total
        self.resumedFrom = resumedFrom
        self.elapsed = elapsed
    }

    /// Bytes per second in this attempt (nil before any time has passed).
    public var rate: Double? {
        elapsed > 0 ? Double(received - resumedFrom) / elapsed : nil
    }

    /// Seconds left at the current rate, when the total is known.
    public var secondsLeft: Double? {
        guard let total, let rate, rate > 0 else { return nil }
        return Double(max(total - received, 0)) / rate
    }

    /// `train-images-idx3-ubyte.gz  4.2 MB of 9.9 MB (42%)  1.3 MB/s  ETA 4.4s`.
    public var line: String {
        var parts = [name]
        if let total, total > 0 {
            parts.append("\(MemoryLimit.format(bytes: received)) of \(MemoryLimit.format(bytes: total)) (\(Int(100 * Double(received) / Double(total)))%)")
        } else {
            parts.append(MemoryLimit.format(bytes: received))
        }
        if let rate { parts.append("\(MemoryLimit.format(bytes: Int(rate.rounded())))/s") }
        if let left = secondsLeft { parts.append("ETA \(ProgressReporter.duration(left))") }
        return parts.joined(separator: "  ")
    }

}
