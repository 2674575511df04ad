import Support
import Foundation

/// The outcome of checking a claim.
public enum Verdict: String, Sendable, CaseIterable {
    case pass = "PASS"
    case fail = "FAIL"
    /// The data the claim needs was not produced (the reason is in the claim's note).
    case notRun = "NOT-RUN"
}

/// How a claim's measurement decides its verdict. Every comparison is false for NaN, so a
/// measurement that is not a number fails.
public enum Criterion: Equatable, Sendable {
    /// PASS iff [ciLow − margin, ciHigh + margin] contains `value`.
    case intervalContains(Double, margin: Double)
    /// PASS iff ciLow > `value` (the whole interval is above it).
    case intervalAbove(Double)
    /// PASS iff ciLow ≥ `value`.
    case intervalAtLeast(Double)
    /// PASS iff ciHigh < `value` (the whole interval is below it).
    case intervalBelow(Double)
    /// PASS iff |measured − `value`| ≤ `tolerance` (e.g. 4 standard errors).
    case within(Double, tolerance: Double)
    /// PASS iff measured ≥ `value` (e.g. a p-value above the test's level).
    case atLeast(Double)

    /// The value the claim compares with (the `expected` column).
    public var expected: Double {
        switch self {
        case .intervalContains(let v, _), .intervalAbove(let v), .intervalAtLeast(let v), .intervalBelow(let v),
             .within(let v, _), .atLeast(let v):
            return v
        }
    }

    /// The allowed deviation (the `tolerance` column): the margin or tolerance, else 0.
    public var tolerance: Double {
        switch self {
        case .intervalContains(_, let margin): return margin
        case .within(_, let tolerance): return tolerance
        default: return 0
        }
    }

    /// Whether a measurement with this interval satisfies the criterion.
    public func holds(measured: Double, interval: ConfidenceInterval) -> Bool {
        switch self {
        case .intervalContains(let v, let margin): return interval.contains(v, margin: margin)
        case .intervalAbove(let v): return interval.lower > v
        case .intervalAtLeast(let v): return interval.lower >= v
        case .intervalBelow(let v): return interval.upper < v
        case .within(let v, let tolerance): return abs(measured - v) <= tolerance
        case .atLeast(let v): return measured >= v
        }
    }
}

/// One checked statement of the paper: what was measured, with its confidence interval and
/// the verdict. A row of `claims.csv`.
public struct Claim: Equatable, Sendable {
    /// A stable identifier, e.g. `fig1-beta1-h_diff-slope`.
    public var id: String
    /// The figure the claim belongs to (`1`, `2`, …, `7`, `sde`, `ode`, `theory`).
    public var figure: String
    /// The claim in words, e.g. "at β = 1 the median of h_diff vanishes like L^-1/2".
    public var statement: String
    /// What `measured` is, e.g. "log-log slope of the median h_diff over L ∈ [10, 1000]".
    public var statistic: String
    public var measured: Double
    /// The confidence interval of `measured` (NaN where there is none, e.g. a p-value).
    public var ciLow: Double
    public var ciHigh: Double
    /// The value compared with (see `Criterion`).
    public var expected: Double
    /// The allowed deviation (see `Criterion`).
    public var tolerance: Double
    public var verdict: Verdict
    /// The number of independent units behind the measurement (models or paths).
    public var n: Int
    /// How the interval was obtained, diagnostics, or why the claim was not run. Not in the CSV.
    public var note: String

    /// A checked claim: `verdict`, `expected` and `tolerance` follow from `criterion`.
    public init(id: String, figure: String, statement: String, statistic: String, measured: Double,
                interval: ConfidenceInterval?, criterion: Criterion, n: Int, note: String = "") {
        self.id = id
        self.figure = figure
        self.statement = statement
        self.statistic = statistic
        self.measured = measured
        ciLow = interval?.lower ?? .nan
        ciHigh = interval?.upper ?? .nan
        expected = criterion.expected
        tolerance = criterion.tolerance
        let i = interval ?? ConfidenceInterval(lower: .nan, upper: .nan, level: .nan)
        verdict = criterion.holds(measured: measured, interval: i) ? .pass : .fail
        self.n = n
        self.note = note
    }

    /// A claim whose data is missing: NOT-RUN, with the reason in `note`.
    public static func notRun(id: String, figure: String, statement: String, statistic: String = "",
                              reason: String) -> Claim {
        var c = Claim(id: id, figure: figure, statement: statement, statistic: statistic, measured: .nan,
                      interval: nil, criterion: .atLeast(.nan), n: 0, note: reason)
        c.verdict = .notRun
        return c
    }
}

/// The claims as CSV (RFC 4180: fields with a comma, quote or line break are quoted), with
/// the columns `claim,figure,statement,statistic,measured,ci_low,ci_high,expected,tolerance,verdict,n`.
/// Numbers are shortest round-trip decimals, `inf`/`-inf`/`nan` when not finite, and empty
/// in NOT-RUN rows.
public func claimsCSV(_ claims: [Claim]) -> String {
    var out = "claim,figure,statement,statistic,measured,ci_low,ci_high,expected,tolerance,verdict,n\n"
    for c in claims {
        let numbers = [c.measured, c.ciLow, c.ciHigh, c.expected, c.tolerance].map {
            c.verdict == .notRun ? "" : NumberFormat.shortest($0)
        }
        let fields = [c.id, c.figure, c.statement, c.statistic] + numbers + [c.verdict.rawValue, String(c.n)]
        out += fields.map(csvField).joined(separator: ",") + "\n"
    }
    return out
}

/// A CSV field, quoted when it holds a comma, a double quote or a line break.
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
