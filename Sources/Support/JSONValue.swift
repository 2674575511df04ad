/// A typed JSON value: how a setting's value is kept in records and manifests (numbers as
/// numbers, booleans as booleans). Integers keep all their digits (`unsigned` holds seeds up
/// to 2^64 − 1, which a `Double` could not). Objects are written with sorted keys by the
/// encoders of the results folder.
public enum JSONValue: Codable, Equatable, Sendable {
    case integer(Int64)
    case unsigned(UInt64)
    case number(Double)
    case bool(Bool)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let n = try? c.decode(Int64.self) {
            self = .integer(n)
        } else if let n = try? c.decode(UInt64.self) { self = .unsigned(n) } else if let x = try? c.decode(Double.self) {
            self = .number(x)
        } else if let s = try? c.decode(String.self) { self = .string(s) } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .integer(let n): try c.encode(n)
        case .unsigned(let n): try c.encode(n)
        case .number(let x): try c.encode(x)
        case .bool(let b): try c.encode(b)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        case .null: try c.encodeNil()
        }
    }

    /// The text a setting reads back (``SettingValue/init(settingText:)``): numbers in the
    /// canonical form, arrays as `a,b,c`, nil for objects and null.
    public var settingText: String? {
        switch self {
        case .integer(let n): return String(n)
        case .unsigned(let n): return String(n)
        case .number(let x): return NumberFormat.text(x)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        case .array(let a):
            let items = a.compactMap(\.settingText)
            return items.count == a.count ? items.joined(separator: ",") : nil
        case .object, .null: return nil
        }
    }
}
