/// How a setting takes several values in a sweep.
public enum SettingAxis: Sendable {
    /// One value for the whole sweep (where the data is, threads).
    case none
    /// One cell per value.
    case cells
    /// Every value inside each run (simulate's β: one model serves every β).
    case inside
}

/// One setting of a run kind, declared once: its name (the flag `--name` and the YAML key
/// `name`), its type, its rule, its help; its default is the spec's own (`Spec()`). From
/// this declaration come the command's options and their help, the sweep schema and its
/// errors, validation, the canonical text of cell ids and the columns of `collect`.
///
/// A setting reads and writes its spec through closures made from a key path (or, for
/// settings that share storage such as `init` and `hurst`, from a getter and a setter), so
/// that a table of settings of different types is one array.
public struct Setting<Spec>: @unchecked Sendable {
    /// `lr`, `input-dim`: the flag and the YAML key.
    public let name: String
    /// One sentence; the default and the rule are appended in help.
    public let help: String
    /// `<x>`, `<axis>`, `res1|res2|res3`.
    public let valueName: String
    /// The rule's summary for help (`> 0`, `in (0, 1)`), or empty.
    public let rule: String
    public let axis: SettingAxis
    /// Part of a cell's identity (false: where the data is, threads — they do not change the
    /// numbers). Identity settings are the configuration columns of `collect`.
    public let identity: Bool
    /// Shown as the default in help instead of the spec's value (e.g. `auto`, `all cores`).
    public let defaultText: String?
    /// The value is a path: a sweep spec resolves it against the spec's folder.
    public let isPath: Bool
    /// The value is a list given at once (`--depth 10,20`); in a sweep, one cell per element
    /// (or, for `.inside`, the whole list in every cell).
    public let isList: Bool

    let apply: (inout Spec, String) throws -> Void
    let text: (Spec) -> String?
    let json: (Spec) -> JSONValue?
    let check: (Spec) -> SettingMessage?
    let cellValues: (String) throws -> [String]

    /// The core declaration: `get` returns the current value (nil: unset, or not applicable in
    /// this spec, e.g. `hurst` without fBm), `set` stores a parsed, valid value and may throw a
    /// ``SettingMessage`` for rules that involve other settings (applied in table order).
    public init<Value: SettingValue>(_ name: String, _ type: Value.Type = Value.self, get: @escaping (Spec) -> Value?,
                                     set: @escaping (inout Spec, Value) throws -> Void, rule: SettingRule<Value> = .any,
                                     axis: SettingAxis = .cells, identity: Bool = true, valueName: String? = nil,
                                     defaultText: String? = nil, help: String) {
        self.init(name, get: get, set: set, rule: rule, eachElement: false, axis: axis, identity: identity,
                  valueName: valueName ?? Value.settingValueName, defaultText: defaultText, isPath: false, help: help)
    }

    /// A setting stored at `keyPath`; `relevant` (default: always) tells when it matters (an
    /// irrelevant setting is left out of cell ids and tables, e.g. momentum under Adam).
    public init<Value: SettingValue>(_ name: String, _ keyPath: WritableKeyPath<Spec, Value>, _ rule: SettingRule<Value> = .any,
                                     axis: SettingAxis = .cells, identity: Bool = true, valueName: String? = nil,
                                     defaultText: String? = nil, relevant: ((Spec) -> Bool)? = nil, help: String) {
        self.init(name, get: { spec in relevant.map { $0(spec) } == false ? nil : spec[keyPath: keyPath] },
                  set: { $0[keyPath: keyPath] = $1 }, rule: rule, axis: axis, identity: identity, valueName: valueName,
                  defaultText: defaultText, help: help)
    }

    /// An optional setting stored at `keyPath` (unset by default); `isPath` for a file or folder.
    public init<Value: SettingValue>(_ name: String, _ keyPath: WritableKeyPath<Spec, Value?>, _ rule: SettingRule<Value> = .any,
                                     axis: SettingAxis = .cells, identity: Bool = true, valueName: String? = nil,
                                     defaultText: String? = nil, isPath: Bool = false, help: String) {
        self.init(name, get: { $0[keyPath: keyPath] }, set: { $0[keyPath: keyPath] = $1 }, rule: rule, eachElement: false,
                  axis: axis, identity: identity, valueName: valueName ?? Value.settingValueName, defaultText: defaultText,
                  isPath: isPath, help: help)
    }

    /// A list of values given at once (`a,b,c` or `start:stop:count`), each element checked by `rule`.
    public init<Element: SettingValue & Equatable>(_ name: String, list keyPath: WritableKeyPath<Spec, [Element]>,
                                                   each rule: SettingRule<Element> = .any, axis: SettingAxis = .cells,
                                                   identity: Bool = true, valueName: String = "<axis>", help: String) {
        self.init(name, list: { $0[keyPath: keyPath] }, set: { $0[keyPath: keyPath] = $1 }, each: rule, axis: axis,
                  identity: identity, valueName: valueName, help: help)
    }

    /// A list setting with its own accessors (see the core declaration).
    public init<Element: SettingValue & Equatable>(_ name: String, list get: @escaping (Spec) -> [Element]?,
                                                   set: @escaping (inout Spec, [Element]) throws -> Void,
                                                   each rule: SettingRule<Element> = .any, axis: SettingAxis = .cells,
                                                   identity: Bool = true, valueName: String = "<axis>", defaultText: String? = nil,
                                                   help: String) {
        let listRule = SettingRule<[Element]>(summary: rule.summary, accepted: rule.accepted) { values in
            values.lazy.compactMap(rule.check).first
        }
        self.init(name, get: get, set: set, rule: listRule, eachElement: true, axis: axis, identity: identity,
                  valueName: valueName, defaultText: defaultText, isPath: false, help: help)
    }

    private init<Value: SettingValue>(_ name: String, get: @escaping (Spec) -> Value?, set: @escaping (inout Spec, Value) throws -> Void,
                                      rule: SettingRule<Value>, eachElement: Bool, axis: SettingAxis, identity: Bool,
                                      valueName: String, defaultText: String?, isPath: Bool, help: String) {
        self.name = name
        self.isPath = isPath
        self.isList = eachElement
        self.help = help
        self.valueName = valueName
        self.rule = rule.summary
        self.axis = axis
        self.identity = identity
        self.defaultText = defaultText
        /// Parses and checks one value as typed.
        let parse: (String) throws -> Value = { text in
            let value: Value
            do { value = try Value(settingText: text) } catch let m as SettingMessage where m.isRule && !rule.accepted.isEmpty {
                // "must be an integer" says less than the rule: "must be a positive integer".
                let plural = eachElement ? " (each value)" : ""
                throw SettingMessage.must("be \(rule.accepted)\(plural)" + (m.text.hasSuffix(" below 2^63") ? " below 2^63" : ""))
            } catch let e as ConfigurationError {
                throw SettingMessage(e.message, isRule: e.message.hasPrefix("must "))
            }
            if let problem = rule.check(value) { throw problem }
            return value
        }
        apply = { spec, text in try set(&spec, try parse(text)) }
        self.text = { get($0)?.settingText }
        json = { get($0)?.settingJSON }
        check = { spec in get(spec).flatMap(rule.check) }
        switch axis {
        case .cells:
            cellValues = { text in
                // One value is read as one (its message says what the setting accepts).
                if !text.contains(","), !text.contains(":") || Value.self == String.self { return [try parse(text).settingText] }
                let values: [Value]
                do { values = try Value.axisValues(text) } catch let m as SettingMessage where m.isRule && !rule.accepted.isEmpty {
                    throw SettingMessage.must("be \(rule.accepted)")
                } catch let e as ConfigurationError {
                    throw SettingMessage(e.message, isRule: e.message.hasPrefix("must "))
                }
                guard !values.isEmpty else { throw SettingMessage("needs at least one value") }
                for value in values { if let problem = rule.check(value) { throw problem } }
                return values.map(\.settingText)
            }
        case .inside, .none:
            cellValues = { text in [try parse(text).settingText] }
        }
    }

    /// Parses `text`, checks it and stores it in `spec`.
    public func apply(_ text: String, to spec: inout Spec) throws { try apply(&spec, text) }

    /// The canonical text of the setting's value in `spec` (nil: unset or not applicable).
    public func text(of spec: Spec) -> String? { text(spec) }

    /// The typed value in `spec`, for records (nil: unset or not applicable).
    public func json(of spec: Spec) -> JSONValue? { json(spec) }

    /// The canonical texts of the values an axis `text` gives, one per cell (for `.inside`
    /// and `.none`, the one value). Throws a ``SettingMessage`` for a malformed or invalid value.
    public func cellValues(_ text: String) throws -> [String] { try cellValues(text) }
}
