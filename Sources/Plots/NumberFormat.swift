import Foundation

/// Locale-independent, compact number formatting for tick labels, legends and SVG coordinates.
///
/// The output never depends on the process locale: it is built from integer digits, so the
/// decimal separator is always `.`, there are no grouping separators, and floating-point noise
/// (`0.30000000000000004`) is rounded away.
///
/// ```swift
/// NumberFormat.compact(0.25)    // "0.25"
/// NumberFormat.compact(0.001)   // "1e-3"
/// NumberFormat.compact(1000)    // "1000"
/// NumberFormat.compact(2.5e6)   // "2.5e6"
/// ```
public enum NumberFormat {
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
