/// A request refused because of what it would need, with the numbers and the bound.
public enum ResourceError: Error, Equatable, CustomStringConvertible, Sendable {
    /// `subject` would need about `needed` bytes `purpose`, more than `limit`.
    case memory(subject: String, purpose: String, needed: Int, limit: MemoryLimit)
    /// `subject` has `count` items, more than `maximum`; `hint` says how to allow more (nil: it cannot be).
    case count(subject: String, count: Int, maximum: Int, hint: String?)
    /// A memory limit that is not a positive number of gigabytes.
    case invalidLimit(flag: String, value: Double)

    public var description: String {
        switch self {
        case let .memory(subject, purpose, needed, limit):
            let amount = needed == Int.max ? "more memory than can be counted (over 9.2 EB)" : "about \(MemoryLimit.format(bytes: needed))"
            let suffix = limit.hint.map { "; \($0)" } ?? ""
            return "\(subject) needs \(amount) \(purpose); the limit is \(limit)\(suffix)"
        case let .count(subject, count, maximum, hint):
            return "\(subject): \(MemoryLimit.format(count: count)) is more than the maximum of \(MemoryLimit.format(count: maximum))" +
                (hint.map { "; \($0)" } ?? "")
        case let .invalidLimit(flag, value):
            return "\(flag) must be a positive number of gigabytes" + (value.isNaN ? "" : " (got \(value))")
        }
    }
}

/// Bounds on counts that are not memory.
public enum ResourceLimits {
    /// The most threads (or concurrent workers) a command starts: more is never faster, and
    /// each thread holds its own buffers and stack.
    public static let maximumThreads = 1024

    /// Throws ``ResourceError/count(subject:count:maximum:hint:)`` unless 1 ≤ `threads` ≤ ``maximumThreads``.
    public static func checkThreads(_ threads: Int, subject: String) throws {
        if threads > maximumThreads {
            throw ResourceError.count(subject: subject, count: threads, maximum: maximumThreads, hint: nil)
        }
    }
}
