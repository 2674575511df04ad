/// The valid values of a setting: checked when a value is parsed (and by a spec's
/// `validate()`), summarized in `--help`, named in messages.
public struct SettingRule<Value>: Sendable {
    /// For help: `≥ 1`, `> 0`, `in (0, 1)`; empty when any value of the type is valid.
    public let summary: String
    /// For messages: "a positive integer" (an unparsable value "must be" this).
    public let accepted: String
    private let test: @Sendable (Value) -> SettingMessage?

    /// `test` returns nil for a valid value, else what is wrong (usually ``SettingMessage/must(_:)``).
    public init(summary: String, accepted: String, _ test: @escaping @Sendable (Value) -> SettingMessage?) {
        self.summary = summary
        self.accepted = accepted
        self.test = test
    }

    /// What is wrong with `value`, or nil.
    public func check(_ value: Value) -> SettingMessage? { test(value) }

    /// Every value the type can parse.
    public static var any: SettingRule { SettingRule(summary: "", accepted: "") { _ in nil } }
}

extension SettingRule where Value == Int {
    /// n ≥ 1.
    public static var positive: SettingRule {
        SettingRule(summary: "≥ 1", accepted: "a positive integer") { $0 >= 1 ? nil : .must("be a positive integer") }
    }

    /// n ≥ 0.
    public static var nonNegative: SettingRule {
        SettingRule(summary: "≥ 0", accepted: "a non-negative integer") { $0 >= 0 ? nil : .must("be a non-negative integer") }
    }

    /// 1 ≤ n ≤ `maximum`; `why` (if any) follows the message for values above it.
    public static func positive(atMost maximum: Int, why: String? = nil) -> SettingRule {
        SettingRule(summary: "1 to \(maximum)", accepted: "a positive integer") { n in
            if n < 1 { return .must("be a positive integer") }
            guard n <= maximum else {
                return why.map { SettingMessage.must("be at most \(maximum) (got \(n)): \($0)") } ?? .must("be at most \(maximum)")
            }
            return nil
        }
    }
}

extension SettingRule where Value == Double {
    /// Any finite real. (Parsed values are always finite; the rules check finiteness too, for
    /// specs made in code.)
    public static var finite: SettingRule {
        SettingRule(summary: "", accepted: "a finite number") { $0.isFinite ? nil : .must("be a finite number") }
    }

    /// x > 0.
    public static var positive: SettingRule {
        SettingRule(summary: "> 0", accepted: "a positive number") { $0 > 0 && $0.isFinite ? nil : .must("be a positive number") }
    }

    /// x ≥ 0.
    public static var nonNegative: SettingRule {
        SettingRule(summary: "≥ 0", accepted: "a non-negative number") { $0 >= 0 && $0.isFinite ? nil : .must("be a non-negative number") }
    }

    /// 0 < x < 1.
    public static var openUnitInterval: SettingRule {
        SettingRule(summary: "in (0, 1)", accepted: "a number in (0, 1)") { $0 > 0 && $0 < 1 ? nil : .must("be in (0, 1)") }
    }
}
