import Foundation

/// The one number formatter of the toolkit. Every style is independent of the process locale
/// (the decimal separator is always `.`, there is no grouping) and writes non-finite values
/// as `inf`, `-inf` and `nan`.
///
/// | style | for | 1.0 | 0.1 + 0.2 | 1e-5 | 2.5e6 |
/// | --- | --- | --- | --- | --- | --- |
/// | ``shortest(_:)`` | data: CSV cells, records | `1.0` | `0.30000000000000004` | `1e-05` | `2500000.0` |
/// | ``text(_:)`` | a setting's value, labels, messages | `1` | `0.30000000000000004` | `1e-05` | `2500000` |
/// | ``compact(_:significantDigits:)`` | tick labels, summaries (rounded) | `1` | `0.3` | `1e-5` | `2.5e6` |
/// | ``fixed(_:decimals:)`` | SVG coordinates | `1` | `0.3` | `0` | `2500000` |
///
/// ``shortest(_:)`` and ``text(_:)`` are exact: the text reads back as the same `Double`. So
/// that an axis value written by `simulate` and by `collect` is the same text, axis values are
/// rounded once when they are parsed (``roundedForAxis(_:)``), never when they are written.
public enum NumberFormat {
    /// The shortest decimal that reads back as exactly `value` (Swift's round-trip printing:
    /// `0.25`, `1.0`, `1e-05`), or `inf`, `-inf`, `nan`. The text of a real in data files.
    public static func shortest(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return "\(value)"
    }

    /// As ``shortest(_:)``, but integral values below 10^15 are written as integers (`1`, not
    /// `1.0`; `-0.0` as `0`): the text of a setting's value in help, tables, cell labels and
    /// messages. Exact like ``shortest(_:)``.
    public static func text(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return shortest(value)
    }

    /// `value` rounded to 15 significant digits, so that computed axis values (a linspace step
    /// times an index) are the decimals a user would write: 0.3, not 0.30000000000000004.
    /// Applied once, where an axis is parsed; the value rounded is the value run and written.
    public static func roundedForAxis(_ value: Double) -> Double {
        guard value.isFinite, value != 0 else { return value }
        return Double(String(format: "%.15g", value)) ?? value
    }

    /// Formats `value` with at most `significantDigits` significant digits, trailing zeros removed.
    ///
    /// Magnitudes in `[0.01, 1e5)` are written in fixed notation (`0.01`, `12.5`, `10000`);
    /// others in compact scientific notation (`1e-3`, `2.5e6`). Non-finite values give
    /// `"inf"`, `"-inf"` or `"nan"`, and negative zero gives `"0"`.
    public static func compact(_ value: Double, significantDigits: Int = 4) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == 0 { return "0" }
        let digits = max(1, min(15, significantDigits))
        let negative = value < 0
        let magnitude = abs(value)
        var exponent = Int(floor(log10(magnitude)))
        // Round the mantissa to `digits` significant digits; rounding may carry into a new decade.
        var scaled = (magnitude / pow(10, Double(exponent - digits + 1))).rounded()
        if scaled >= pow(10, Double(digits)) {
            exponent += 1
            scaled = (magnitude / pow(10, Double(exponent - digits + 1))).rounded()
        }
        let mantissaDigits = integerDigits(scaled)  // exactly `digits` digits (possibly fewer if tiny)
        let body: String
        if exponent >= 5 || exponent <= -3 {
            body = decimalString(digits: mantissaDigits, pointAfter: 1) + "e" + String(exponent)
        } else {
            // Value = 0.mantissa × 10^(exponent+1): the point sits after (exponent + 1) digits.
            body = decimalString(digits: mantissaDigits, pointAfter: exponent + 1)
        }
        return negative ? "-" + body : body
    }

    /// Formats a coordinate with at most `decimals` decimal places (default 2), trailing zeros
    /// removed. Non-finite values give `"0"` so that the document stays valid.
    public static func fixed(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        let d = max(0, min(10, decimals))
        let scaled = (abs(value) * pow(10, Double(d))).rounded()
        if scaled == 0 { return "0" }
        if scaled >= 9.0e15 { return compact(value, significantDigits: 15) }
        var digits = integerDigits(scaled)
        if digits.count <= d { digits = Array(repeating: 0, count: d - digits.count + 1) + digits }
        let s = decimalString(digits: digits, pointAfter: digits.count - d)
        return value < 0 ? "-" + s : s
    }

    /// The decimal digits of a non-negative integral Double (< 2^53).
    private static func integerDigits(_ x: Double) -> [Int] {
        var n = UInt64(max(0, x))
        if n == 0 { return [0] }
        var out: [Int] = []
        while n > 0 {
            out.append(Int(n % 10))
            n /= 10
        }
        return out.reversed()
    }

    /// Writes `digits` with a decimal point after `pointAfter` digits (may be ≤ 0 or beyond the
    /// end), removing trailing fractional zeros and the point if nothing follows it.
    private static func decimalString(digits: [Int], pointAfter: Int) -> String {
        var intPart: [Int]
        var fracPart: [Int]
        if pointAfter <= 0 {
            intPart = [0]
            fracPart = Array(repeating: 0, count: -pointAfter) + digits
        } else if pointAfter >= digits.count {
            intPart = digits + Array(repeating: 0, count: pointAfter - digits.count)
            fracPart = []
        } else {
            intPart = Array(digits[..<pointAfter])
            fracPart = Array(digits[pointAfter...])
        }
        while let last = fracPart.last, last == 0 { fracPart.removeLast() }
        while intPart.count > 1, intPart.first == 0 { intPart.removeFirst() }
        var s = intPart.map(String.init).joined()
        if !fracPart.isEmpty { s += "." + fracPart.map(String.init).joined() }
        return s
    }
}
