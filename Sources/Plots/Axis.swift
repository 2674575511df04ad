import Foundation
import Support

/// How data values map to positions along an axis.
public enum AxisScale: String, Hashable, Sendable {
    /// Positions proportional to the value.
    case linear
    /// Positions proportional to log10 of the value. Values ≤ 0 and non-finite values cannot
    /// be placed: plots skip them and report how many were skipped in the panel's notes.
    case log10
}

/// Description of one axis of a panel: label, scale and optional fixed limits or ticks.
///
/// ```swift
/// let y = Axis(label: "‖h_L − h_0‖ / ‖h_0‖", scale: .log10)
/// let x = Axis(label: "depth L", min: 0, max: 1000)
/// ```
public struct Axis: Hashable, Sendable {
    /// Text under (x) or beside (y) the axis. Escaped for XML when rendered.
    public var label: String
    /// Linear or log10.
    public var scale: AxisScale
    /// Fixed lower limit (data units); `nil` = from the data with a small margin.
    public var min: Double?
    /// Fixed upper limit (data units); `nil` = from the data with a small margin.
    public var max: Double?
    /// Explicit tick positions (data units); `nil` = automatic nice ticks.
    public var ticks: [Double]?
    /// Whether to draw light grid lines at the major ticks.
    public var grid: Bool
    /// Labels of the explicit `ticks` (same count), or nil to format them (`TickLabels`).
    public var tickLabels: [String]?

    /// Creates an axis description.
    public init(label: String = "", scale: AxisScale = .linear, min: Double? = nil, max: Double? = nil,
                ticks: [Double]? = nil, grid: Bool = true) {
        self.label = label
        self.scale = scale
        self.min = min
        self.max = max
        self.ticks = ticks
        self.grid = grid
        self.tickLabels = nil
    }

    /// A log10 axis.
    public static func log(_ label: String, min: Double? = nil, max: Double? = nil) -> Axis {
        Axis(label: label, scale: .log10, min: min, max: max)
    }
}

/// Tick generation: "nice" round values covering a range.
public enum Ticks {
    /// Nice tick values (multiples of 1, 2, 2.5 or 5 × 10^k) inside `[min, max]`, about
    /// `targetCount` of them (never fewer than 2 for a non-degenerate range). Values are exact
    /// decimal numbers (e.g. `0.3`, not `0.30000000000000004`).
    public static func linear(min lo: Double, max hi: Double, targetCount: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite else { return [] }
        let a = Swift.min(lo, hi), b = Swift.max(lo, hi)
        if a == b { return [a] }
        let target = Swift.max(2, targetCount)
        // Try candidate steps from fine to coarse; take the finest with at most target+1 ticks.
        let raw = (b - a) / Double(target)
        let p0 = Int(floor(Foundation.log10(raw))) - 1
        var best: [Double] = []
        outer: for p in p0...(p0 + 3) {
            for m in [10, 20, 25, 50] {
                let ticks = multiples(of: m, exponent: p - 1, in: a, b)
                if ticks.count <= target + 1 {
                    best = ticks
                    break outer
                }
            }
        }
        if best.count < 2 {
            // Range too narrow for two round values at this step: use the finest step giving two.
            for p in stride(from: p0 + 3, through: p0 - 4, by: -1) {
                for m in [50, 25, 20, 10] {
                    let ticks = multiples(of: m, exponent: p - 1, in: a, b)
                    if ticks.count >= 2 { return ticks }
                }
            }
        }
        return best
    }

    /// Values k·m·10^e inside [a, b], computed exactly from decimal strings.
    private static func multiples(of m: Int, exponent e: Int, in a: Double, _ b: Double) -> [Double] {
        guard let step = Double("\(m)e\(e)"), step > 0 else { return [] }
        let eps = 1e-9
        let kLo = ceil(a / step - eps), kHi = floor(b / step + eps)
        guard kLo.isFinite, kHi.isFinite, kHi - kLo < 10_000 else { return [] }
        if kHi < kLo { return [] }
        var out: [Double] = []
        var k = Int(kLo)
        while Double(k) <= kHi {
            if let v = Double("\(k * m)e\(e)") { out.append(v == 0 ? 0 : v) }
            k += 1
        }
        return out
    }

    /// Major and minor ticks for a log10 axis over `[min, max]` (both > 0).
    ///
    /// Spanning two decades or more, majors are powers of ten (every `s`-th decade so that
    /// there are about `targetCount`), minors are 2…9 × 10^k when every decade is labelled.
    /// Over a narrower range majors are 1, 2, 5 × 10^k (or 1…9 × 10^k), falling back to linear
    /// nice ticks. Invalid input (≤ 0 or non-finite) returns empty lists.
    public static func log10(min lo: Double, max hi: Double, targetCount: Int = 5)
        -> (major: [Double], minor: [Double]) {
        guard lo.isFinite, hi.isFinite, lo > 0, hi > 0 else { return ([], []) }
        let a = Swift.min(lo, hi), b = Swift.max(lo, hi)
        let la = Foundation.log10(a), lb = Foundation.log10(b)
        let eps = 1e-9
        let kLo = Int(ceil(la - eps)), kHi = Int(floor(lb + eps))
        let decades = kHi - kLo + 1
        let target = Swift.max(2, targetCount)
        if decades >= 2 {
            var strideLen = 1
            while (decades + strideLen - 1) / strideLen > target + 1 {
                strideLen = nextNiceInteger(after: strideLen)
            }
            // Align to multiples of the stride (e.g. 1e-6, 1e-3, 1, 1e3).
            let first = Int(ceil(Double(kLo) / Double(strideLen))) * strideLen
            var major: [Double] = []
            var k = first
            while k <= kHi {
                major.append(power(k))
                k += strideLen
            }
            var minor: [Double] = []
            if strideLen == 1 {
                for k in (kLo - 1)...kHi {
                    for m in 2...9 {
                        if let v = Double("\(m)e\(k)"), v >= a * (1 - eps), v <= b * (1 + eps) { minor.append(v) }
                    }
                }
            } else {
                for k in kLo...kHi where !major.contains(power(k)) { minor.append(power(k)) }
            }
            if major.count >= 2 { return (major, minor) }
        }
        for mantissas in [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            var major: [Double] = []
            for k in (kLo - 1)...(kHi + 1) {
                for m in mantissas {
                    if let v = Double("\(m)e\(k)"), v >= a * (1 - eps), v <= b * (1 + eps) { major.append(v) }
                }
            }
            if major.count >= 2 && major.count <= target + 2 { return (major, []) }
            if major.count > target + 2 { break }
        }
        return (linear(min: a, max: b, targetCount: target).filter { $0 > 0 }, [])
    }

    static func power(_ k: Int) -> Double { Double("1e\(k)") ?? pow(10, Double(k)) }

    private static func nextNiceInteger(after n: Int) -> Int {
        // 1, 2, 3, 5, 10, 20, 30, 50, …
        var base = 1
        while true {
            for m in [1, 2, 3, 5] where m * base > n { return m * base }
            base *= 10
        }
    }
}

/// A resolved mapping from data values to pixels along one axis. Internal.
struct ScaleMap {
    let scale: AxisScale
    /// Range in transformed units (log10 of values for a log axis).
    let lo: Double
    let hi: Double
    let pixelLo: Double
    let pixelHi: Double

    /// Transform a value into axis units; nil if it cannot be shown on this scale.
    func transform(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        switch scale {
        case .linear: return v
        case .log10: return v > 0 ? Foundation.log10(v) : nil
        }
    }

    func pixel(_ v: Double) -> Double? {
        guard let t = transform(v) else { return nil }
        return pixel(transformed: t)
    }

    func pixel(transformed t: Double) -> Double {
        let span = hi - lo
        let u = span != 0 ? (t - lo) / span : 0.5
        return pixelLo + u * (pixelHi - pixelLo)
    }

    /// Inverse of `transform` for a transformed coordinate.
    func value(transformed t: Double) -> Double {
        scale == .log10 ? pow(10, t) : t
    }
}

/// Computes the displayed range of an axis in transformed units from data and fixed limits.
/// `padFraction` widens automatic limits; degenerate ranges are widened to something visible.
func resolveRange(axis: Axis, data: [Double], padFraction: Double = 0.04) -> (lo: Double, hi: Double) {
    func t(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        if axis.scale == .log10 { return v > 0 ? log10(v) : nil }
        return v
    }
    var dmin = Double.infinity, dmax = -Double.infinity
    for v in data {
        if let x = t(v) {
            dmin = min(dmin, x)
            dmax = max(dmax, x)
        }
    }
    let fixedLo = axis.min.flatMap(t), fixedHi = axis.max.flatMap(t)
    if !dmin.isFinite {
        // No usable data: a default window.
        dmin = axis.scale == .log10 ? 0 : 0
        dmax = axis.scale == .log10 ? 1 : 1
        if let fl = fixedLo { dmin = fl; dmax = max(dmax, fl + 1) }
        if let fh = fixedHi { dmax = fh; if dmin >= fh { dmin = fh - 1 } }
    }
    var lo = dmin, hi = dmax
    if lo == hi {
        let w = axis.scale == .log10 ? 0.5 : (lo == 0 ? 0.5 : abs(lo) * 0.1)
        lo -= w
        hi += w
    } else {
        let pad = (hi - lo) * padFraction
        lo -= pad
        hi += pad
    }
    if let fl = fixedLo { lo = fl }
    if let fh = fixedHi { hi = fh }
    if hi <= lo {
        hi = lo + (axis.scale == .log10 ? 1 : max(1, abs(lo) * 0.1))
    }
    return (lo, hi)
}

/// Tick values and labels for an axis already resolved to a transformed range.
struct AxisTicks {
    var major: [Double]   // data units
    var minor: [Double]   // data units
    var labels: [String]

    /// These ticks with only every `k`-th label kept (the others blank), for explicit ticks
    /// too dense to label each one (cell centres of a large heatmap).
    func labellingEvery(_ k: Int) -> AxisTicks {
        var t = self
        t.labels = labels.enumerated().map { $0.offset % k == 0 ? $0.element : "" }
        return t
    }

    static func make(axis: Axis, lo: Double, hi: Double, target: Int) -> AxisTicks {
        let vlo = axis.scale == .log10 ? pow(10, lo) : lo
        let vhi = axis.scale == .log10 ? pow(10, hi) : hi
        var major: [Double]
        var minor: [Double] = []
        if let explicit = axis.ticks {
            var kept: [Double] = [], keptLabels: [String] = []
            for (i, v) in explicit.enumerated() {
                guard v.isFinite, axis.scale == .linear || v > 0 else { continue }
                let x = axis.scale == .log10 ? log10(v) : v
                guard x >= lo - 1e-9 * abs(hi - lo) && x <= hi + 1e-9 * abs(hi - lo) else { continue }
                kept.append(v)
                if let given = axis.tickLabels, i < given.count { keptLabels.append(given[i]) }
            }
            if axis.tickLabels != nil && keptLabels.count == kept.count {
                return AxisTicks(major: kept, minor: [], labels: keptLabels)
            }
            major = kept
        } else if axis.scale == .log10 {
            (major, minor) = Ticks.log10(min: vlo, max: vhi, targetCount: target)
        } else {
            major = Ticks.linear(min: vlo, max: vhi, targetCount: target)
        }
        return AxisTicks(major: major, minor: minor, labels: TickLabels.labels(major, scale: axis.scale))
    }
}
