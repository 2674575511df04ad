import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The most memory one command may plan to use, and the check every command makes before it
/// allocates: the estimate of what a request needs is compared with the limit, and a request
/// above it is refused with both numbers (instead of growing until the system kills it).
///
/// The default is half the physical memory (`sysconf(_SC_PHYS_PAGES) · _SC_PAGE_SIZE`), a
/// margin for the estimates being approximate and for the rest of the machine; commands that
/// allocate in proportion to their input take `--memory-limit <GB>` to set it.
public struct MemoryLimit: Sendable, Equatable, CustomStringConvertible {
    /// The limit in bytes.
    public var bytes: Int
    /// Where the limit comes from, for messages: "half the physical memory", "--memory-limit 2".
    public var origin: String
    /// How to raise it, for messages (e.g. "use --memory-limit to raise it"); nil when there is no way.
    public var hint: String?

    public init(bytes: Int, origin: String, hint: String? = nil) {
        self.bytes = max(bytes, 0)
        self.origin = origin
        self.hint = hint
    }

    /// The flag that sets the limit on the command line.
    public static let flag = "--memory-limit"

    /// Installed memory in bytes (`Int.max` if the system does not say).
    public static let physicalMemory: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return Int.max }
        return Saturating.product(Int(pages), Int(size))
    }()

    /// Half the physical memory.
    public static let `default` = MemoryLimit(bytes: physicalMemory / 2, origin: "half the physical memory",
                                              hint: "use \(flag) <GB> to raise it")

    /// A limit given in gigabytes (10⁹ bytes) by `flag`: a positive finite number; values beyond
    /// what an `Int` counts mean "no limit" (`Int.max` bytes).
    public init(gigabytes: Double, flag: String = MemoryLimit.flag) throws {
        guard gigabytes.isFinite, gigabytes > 0 else {
            throw ResourceError.invalidLimit(flag: flag, value: gigabytes)
        }
        let bytes = gigabytes * 1e9
        self.init(bytes: bytes < 9.2e18 ? Int(bytes.rounded(.up)) : Int.max,
                  origin: "\(flag) \(Self.format(gigabytes: gigabytes))", hint: "use a larger \(flag) to raise it")
    }

    /// Parses the value of `--memory-limit` (gigabytes).
    public init(parsing text: String, flag: String = MemoryLimit.flag) throws {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else {
            throw ResourceError.invalidLimit(flag: flag, value: .nan)
        }
        try self.init(gigabytes: value, flag: flag)
    }

    /// Throws ``ResourceError/memory(subject:purpose:needed:limit:)`` if `needed` bytes exceed
    /// the limit. `subject` is what needs the memory ("simulate", a file), `purpose` what for
    /// ("for 3.0 × 10⁸ records").
    public func check(_ needed: Int, subject: String, purpose: String) throws {
        if needed > bytes { throw ResourceError.memory(subject: subject, purpose: purpose, needed: needed, limit: self) }
    }

    /// The limit left after `used` bytes are taken by `what` (for a second allocation that
    /// must fit beside a first one).
    public func remaining(after used: Int, for what: String) -> MemoryLimit {
        guard used > 0 else { return self }
        return MemoryLimit(bytes: bytes - min(used, bytes),
                           origin: "\(origin), less \(Self.format(bytes: used)) for \(what)", hint: hint)
    }

    /// "12 GB (half the physical memory)".
    public var description: String { "\(Self.format(bytes: bytes)) (\(origin))" }

    /// A byte count for people: 2 significant digits in B, kB, MB, GB, TB, PB, EB (powers of 10,
    /// as the `--memory-limit` flag counts).
    public static func format(bytes: Int) -> String {
        if bytes == Int.max { return "more than 9.2 EB" }
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(max(bytes, 0)), unit = 0
        while value >= 999.5, unit < units.count - 1 { value /= 1000; unit += 1 }
        if unit == 0 { return "\(bytes) B" }
        return (value < 9.95 ? String(format: "%.1f", value) : String(format: "%.0f", value)) + " " + units[unit]
    }

    /// A count for messages: exact below 10⁶, else "3.0 × 10^8".
    public static func format(count: Int) -> String {
        if count < 1_000_000 { return String(count) }
        if count == Int.max { return "more than 9.2 × 10^18" }
        var exponent = Int(Foundation.log10(Double(count)).rounded(.down))
        var mantissa = Double(count) / Foundation.pow(10, Double(exponent))
        if mantissa >= 9.95 { mantissa /= 10; exponent += 1 }  // 9.99… would print as 10.0
        return String(format: "%.1f × 10^%d", mantissa, exponent)
    }

    static func format(gigabytes: Double) -> String {
        gigabytes == gigabytes.rounded() && gigabytes < 1e15 ? String(Int(gigabytes)) : "\(gigabytes)"
    }
}
