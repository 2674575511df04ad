import Foundation

/// A value a setting can hold: parsed from the text a user types (a flag's value, a YAML
/// scalar, a `--set` value), written back as canonical text (help, tables, cell labels, cell
/// ids) and as a typed JSON value (records). `init(settingText: value.settingText)` gives the
/// value back: that is what makes the canonical text canonical.
public protocol SettingValue: Sendable {
    /// Parses what a user typed; throws a ``SettingMessage`` (or a ``ConfigurationError``)
    /// saying what is wrong.
    init(settingText text: String) throws
    /// The canonical text.
    var settingText: String { get }
    /// The value in records: numbers as numbers, booleans as booleans, names as strings.
    var settingJSON: JSONValue { get }
    /// The values of an axis of this type in a sweep (one cell per value): a list `a,b,c` by
    /// default; numbers also take `start:stop:count`.
    static func axisValues(_ text: String) throws -> [Self]
    /// How the value is shown in help: `<n>`, `<x>`, `res1|res2|res3`.
    static var settingValueName: String { get }
}

extension SettingValue {
    public var settingJSON: JSONValue { .string(settingText) }
    public static var settingValueName: String { "<value>" }

    public static func axisValues(_ text: String) throws -> [Self] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map {
            try Self(settingText: $0.trimmingCharacters(in: .whitespaces))
        }
    }
}

/// What is wrong with a value, as the end of a sentence naming the setting: "must be a
/// positive integer", "unknown model 'res4'; accepted: res1, res2, res3".
public struct SettingMessage: Error, Equatable, Sendable, CustomStringConvertible {
    public var text: String
    /// Whether `text` is a "must …" sentence about the value as typed, so that a message
    /// can add the value: `--width must be a positive integer (got -3)`.
    public var isRule: Bool

    public init(_ text: String, isRule: Bool = false) {
        self.text = text
        self.isRule = isRule
    }

    /// A "must …" sentence.
    public static func must(_ sentence: String) -> SettingMessage { SettingMessage("must " + sentence, isRule: true) }

    public var description: String { text }
}

extension Int: SettingValue {
    /// Decimal integers; whole numbers written as reals below 10^15 (`1e3` or `30.0` in YAML).
    public init(settingText text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let n = Int(t) { self = n; return }
        if let x = Double(t), x.isFinite, x == x.rounded(), abs(x) < 1e15 { self = Int(x); return }
        let digits = !t.isEmpty && t.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy { $0.isASCII && $0.isNumber }
        throw SettingMessage.must(digits ? "be an integer below 2^63" : "be an integer")
    }

    public var settingText: String { String(self) }
    public var settingJSON: JSONValue { .integer(Int64(self)) }
    public static var settingValueName: String { "<n>" }

    public static func axisValues(_ text: String) throws -> [Int] {
        try AxisParser.integers(text, flag: "")
    }
}

extension UInt64: SettingValue {
    public init(settingText text: String) throws {
        guard let n = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
            throw SettingMessage.must("be an integer from 0 to \(UInt64.max)")
        }
        self = n
    }

    public var settingText: String { String(self) }
    public var settingJSON: JSONValue { .unsigned(self) }
    public static var settingValueName: String { "<n>" }

    public static func axisValues(_ text: String) throws -> [UInt64] {
        // Seeds are listed (a linspace of seeds would be odd, and Double cannot hold them all).
        try text.split(separator: ",", omittingEmptySubsequences: false).map { try UInt64(settingText: String($0)) }
    }
}

extension Double: SettingValue {
    /// Finite reals only: no setting takes an infinity or NaN.
    public init(settingText text: String) throws {
        guard let x = Double(text.trimmingCharacters(in: .whitespaces)), x.isFinite else {
            throw SettingMessage.must("be a finite number")
        }
        self = x
    }

    public var settingText: String { NumberFormat.text(self) }
    public var settingJSON: JSONValue { .number(self) }
    public static var settingValueName: String { "<x>" }

    public static func axisValues(_ text: String) throws -> [Double] {
        try AxisParser.values(text, flag: "")
    }
}

extension Bool: SettingValue {
    public init(settingText text: String) throws {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "on", "1": self = true
        case "false", "no", "off", "0": self = false
        default: throw SettingMessage.must("be true or false (or on/off, yes/no)")
        }
    }

    public var settingText: String { self ? "true" : "false" }
    public var settingJSON: JSONValue { .bool(self) }
    public static var settingValueName: String { "true|false" }
}

extension String: SettingValue {
    public init(settingText text: String) throws {
        guard !text.isEmpty else { throw SettingMessage.must("not be empty") }
        self = text
    }

    public var settingText: String { self }

    /// A name or path is one value: commas are part of it.
    public static func axisValues(_ text: String) throws -> [String] { [try String(settingText: text)] }
}

/// A list of numbers given at once (simulate's depths, β, Hurst indices): `a,b,c` or
/// `start:stop:count`. In a sweep an axis of lists is an axis of its elements.
extension Array: SettingValue where Element: SettingValue & Equatable {
    public init(settingText text: String) throws {
        self = try Element.axisValues(text)
        guard !isEmpty else { throw SettingMessage.must("have at least one value") }
    }

    public var settingText: String { map(\.settingText).joined(separator: ",") }
    public var settingJSON: JSONValue { .array(map(\.settingJSON)) }
    public static var settingValueName: String { "<axis>" }

    public static func axisValues(_ text: String) throws -> [[Element]] { try Element.axisValues(text).map { [$0] } }
}
