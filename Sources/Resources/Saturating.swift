/// Integer arithmetic for resource estimates: sums and products of non-negative counts that
/// stop at `Int.max` instead of trapping, so that an estimate of an absurd request is a huge
/// number (refused by the limit) rather than a crash. Negative terms and factors count as 0
/// (nothing to allocate).
public enum Saturating {
    /// The product of `factors` (1 for none), or `Int.max` if it overflows; 0 if a factor is ≤ 0.
    public static func product(_ factors: Int...) -> Int { factors.reduce(1, multiply) }

    /// The sum of `terms`, or `Int.max` if it overflows.
    public static func sum(_ terms: Int...) -> Int { terms.reduce(0, add) }

    /// ⌈a / b⌉ for a ≥ 0, b ≥ 1, without the overflow of `(a + b − 1) / b`.
    public static func ceilingDivision(_ a: Int, _ b: Int) -> Int {
        precondition(b >= 1, "divisor must be positive")
        guard a > 0 else { return 0 }
        return a / b + (a % b == 0 ? 0 : 1)
    }

    static func multiply(_ a: Int, _ b: Int) -> Int {
        guard a > 0, b > 0 else { return 0 }
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : value
    }

    static func add(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = max(a, 0).addingReportingOverflow(max(b, 0))
        return overflow ? Int.max : value
    }
}
