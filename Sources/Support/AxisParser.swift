import Foundation

/// The axis syntax of every setting that takes several numbers (on the command line, in a
/// sweep spec and in `--set`): a list `a,b,c` or an inclusive linspace `start:stop:count`
/// (like numpy.linspace). Errors are ``ConfigurationError``s naming the setting (`flag`).
public enum AxisParser {
    /// The largest number of values an axis may have.
    public static let maximumCount = 100_000

    /// Parses a list or linspace of real numbers. `flag` names the setting in errors.
    public static func values(_ text: String, flag: String) throws -> [Double] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let accepted = "a list like 0.25,0.5,1 or an inclusive range start:stop:count like 10:1000:10"
        guard !trimmed.isEmpty else { throw ConfigurationError(setting: flag, "is empty; expected \(accepted)") }
        if trimmed.contains(":") {
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, let start = Double(parts[0]), let stop = Double(parts[1]), let count = Int(parts[2]) else {
                throw ConfigurationError(setting: flag, "malformed range '\(text)'; expected \(accepted)")
            }
            guard start.isFinite, stop.isFinite else {
                throw ConfigurationError(setting: flag, "range bounds must be finite numbers, got '\(text)'")
            }
            guard (1...maximumCount).contains(count) else {
                throw ConfigurationError(setting: flag, "range count must be from 1 to \(maximumCount), got \(count)")
            }
            if count == 1 { return [start] }
            // numpy.linspace: start + i·step, with the last point exactly `stop`; rounded to 15
            // significant digits (0.3, not 0.30000000000000004), so that the value run is the
            // decimal written in every table and cell id.
            let step = (stop - start) / Double(count - 1)
            return (0..<count).map { $0 == count - 1 ? stop : NumberFormat.roundedForAxis(start + Double($0) * step) }
        }
        return try trimmed.split(separator: ",", omittingEmptySubsequences: false).map { item in
            let s = item.trimmingCharacters(in: .whitespaces)
            guard let value = Double(s) else {
                throw ConfigurationError(setting: flag, "'\(s)' is not a number in '\(text)'; expected \(accepted)")
            }
            guard value.isFinite else { throw ConfigurationError(setting: flag, "values must be finite numbers, got '\(s)'") }
            return value
        }
    }

    /// Parses an axis of integers. A linspace is rounded to the nearest integers
    /// (`10:1000:10` is 10, 120, …, 1000) and values that rounding makes equal are kept once,
    /// so a dense range over few integers gives fewer values than its count; a list must hold
    /// whole numbers.
    public static func integers(_ text: String, flag: String) throws -> [Int] {
        let values = try values(text, flag: flag)
        let isRange = text.contains(":")
        var result: [Int] = []
        var seen = Set<Int>()  // a range of 10⁵ values: a linear search per value would take seconds
        for v in values {
            guard isRange || v == v.rounded() else {
                throw ConfigurationError(setting: flag, "must be whole numbers, got \(NumberFormat.text(v))")
            }
            guard let n = Int(exactly: v.rounded()) else {
                throw ConfigurationError(setting: flag, "must be integers below 2^63, got \(NumberFormat.text(v))")
            }
            if seen.insert(n).inserted { result.append(n) }
        }
        return result
    }

    /// Parses an axis of positive integers (e.g. depths), as ``integers(_:flag:)``.
    public static func positiveIntegers(_ text: String, flag: String) throws -> [Int] {
        let values = try integers(text, flag: flag)
        if let bad = values.first(where: { $0 < 1 }) {
            throw ConfigurationError(setting: flag, "must be positive integers, got \(bad)")
        }
        return values
    }
}
