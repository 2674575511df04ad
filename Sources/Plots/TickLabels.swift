import Foundation
import Support

/// Tick labels of one axis, in one style chosen from the whole set of ticks, so that an axis
/// never mixes `1e8` with `10000`.
///
/// - **plain** when every tick reads as a plain decimal (`0.25`, `120`, `10000`);
/// - **powers** (`10^{k}`, drawn as math) when every nonzero tick is a power of ten and some
///   tick would need an exponent, or on a log axis spanning three decades or more;
/// - **scientific** (`m×10^{k}`, drawn as math) otherwise.
public enum TickLabels {
    /// The label style chosen for a set of ticks.
    public enum Style: String, Sendable { case plain, powers, scientific }

    /// The style for `ticks` on an axis of `scale`.
    public static func style(for ticks: [Double], scale: AxisScale) -> Style {
        let finite = ticks.filter(\.isFinite)
        let plain = finite.allSatisfy { !NumberFormat.compact($0, significantDigits: 6).contains("e") }
        let nonzero = finite.filter { $0 != 0 }
        let allPowers = !nonzero.isEmpty && nonzero.allSatisfy { powerOfTen($0) != nil }
        if scale == .log10 && allPowers, let lo = nonzero.map(abs).min(), let hi = nonzero.map(abs).max(), hi / lo >= 999 {
            return .powers
        }
        if plain { return .plain }
        return allPowers ? .powers : .scientific
    }

    /// The labels of `ticks` in the style chosen for them.
    public static func labels(_ ticks: [Double], scale: AxisScale) -> [String] {
        let style = style(for: ticks, scale: scale)
        return ticks.map { label($0, style: style) }
    }

    /// One tick's label in a given style.
    public static func label(_ v: Double, style: Style) -> String {
        guard v.isFinite, v != 0 else { return NumberFormat.compact(v, significantDigits: 6) }
        switch style {
        case .plain:
            // A typographic minus, as in the scripts (`10^{−3}`).
            let text = NumberFormat.compact(v, significantDigits: 6)
            return text.hasPrefix("-") ? "−" + text.dropFirst() : text
        case .powers:
            if let k = powerOfTen(v) { return (v < 0 ? "−" : "") + "10^{\(k)}" }
            return scientific(v)
        case .scientific: return scientific(v)
        }
    }

    /// `m×10^{k}` with m in [1, 10) (at most 6 significant digits), or `10^{k}` when m = 1.
    static func scientific(_ v: Double) -> String {
        let k = Int(floor(log10(abs(v))))
        var m = v / pow(10, Double(k))
        var e = k
        if abs(m) >= 9.999995 { m /= 10; e += 1 }
        let mantissa = NumberFormat.compact(m, significantDigits: 6)
        if mantissa == "1" { return "10^{\(e)}" }
        if mantissa == "-1" { return "−10^{\(e)}" }
        return (mantissa.hasPrefix("-") ? "−" + mantissa.dropFirst() : mantissa) + "×10^{\(e)}"
    }

    /// k when |v| is 10^k exactly (as the decimal literal `1ek` reads), else nil.
    static func powerOfTen(_ v: Double) -> Int? {
        let a = abs(v)
        guard a > 0, a.isFinite else { return nil }
        let k = Int(log10(a).rounded())
        return Double("1e\(k)") == a ? k : nil
    }
}
