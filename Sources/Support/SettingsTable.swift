/// A setting's value that cannot be used, with the setting's name and the value as typed, so
/// that every front end words it the same way: `--width must be a positive integer (got -3)`
/// on the command line, `spec.yaml:4: settings.width: must be a positive integer (got -3)` in
/// a sweep spec.
public struct SettingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The setting's name, or empty for a problem with the arguments themselves.
    public var setting: String
    public var message: SettingMessage
    /// The value as typed, when the message is about one.
    public var value: String?

    public init(setting: String, _ message: SettingMessage, value: String? = nil) {
        self.setting = setting
        self.message = message
        self.value = value
    }

    /// From a spec's `validate()`: the setting it names, its message.
    public init(_ error: ConfigurationError) {
        self.init(setting: error.setting, SettingMessage(error.message, isRule: error.message.hasPrefix("must ")))
    }

    /// The message with the value as typed added to a rule ("must be …"), unless it gives it.
    public var detail: String {
        guard message.isRule, let value, !message.text.contains("got ") else { return message.text }
        return "\(message.text) (got \(value.replacingOccurrences(of: "\n", with: "\\n")))"
    }

    /// The command-line form: `--width must be a positive integer (got -3)`, `--model: unknown model 'res4'; …`.
    public var description: String {
        guard !setting.isEmpty else { return detail }
        return "--\(setting)" + (message.isRule ? " " : ": ") + detail
    }
}

/// The settings of one run kind (simulate, train, paths): the one place each is declared.
///
/// A table parses command-line arguments (`--name value`, `--name=value`, negative numbers
/// as values) into a typed spec, applies the values of a sweep cell, validates a spec (each
/// setting's rule, then the rules that involve several settings, once), writes `--help`, and
/// gives a spec's canonical text (for cell ids) and typed values (for records and tables).
/// Values are always applied in table order, so a setting's setter sees the settings
/// declared before it (`hurst` sees `init`).
public struct SettingsTable<Spec>: @unchecked Sendable {
    /// The run kind, for messages: `simulate`.
    public let command: String
    public let settings: [Setting<Spec>]
    private let makeDefault: () -> Spec
    private let crossRules: (Spec) throws -> Void

    /// `defaults` makes the spec every run starts from (the defaults shown in help);
    /// `validate` checks the rules that involve several settings, throwing a
    /// ``ConfigurationError`` that names one of them.
    public init(_ command: String, _ settings: [Setting<Spec>], defaults: @escaping () -> Spec,
                validate: @escaping (Spec) throws -> Void = { _ in }) {
        precondition(Set(settings.map(\.name)).count == settings.count, "setting names must be unique")
        self.command = command
        self.settings = settings
        self.makeDefault = defaults
        self.crossRules = validate
    }

    public subscript(name: String) -> Setting<Spec>? { settings.first { $0.name == name } }

    /// Every setting's name, in table order.
    public var names: [String] { settings.map(\.name) }

    /// The spec with every default.
    public var defaults: Spec { makeDefault() }

    /// Stores `values` (setting name → text as typed) in `spec`, in table order. Throws a
    /// ``SettingError`` for an unknown name or a value that cannot be used.
    public func apply(_ values: [String: String], to spec: inout Spec) throws {
        for name in values.keys where self[name] == nil {
            throw SettingError(setting: "", SettingMessage("unknown setting '\(name)' for \(command); accepted: \(names.joined(separator: ", "))"))
        }
        for setting in settings {
            guard let text = values[setting.name] else { continue }
            do { try setting.apply(text, to: &spec) } catch let m as SettingMessage {
                throw SettingError(setting: setting.name, m, value: text)
            } catch let e as ConfigurationError {
                throw SettingError(setting: setting.name, SettingMessage(e.message, isRule: e.message.hasPrefix("must ")), value: text)
            }
        }
    }

    /// Checks every setting's current value against its rule, then the rules that involve
    /// several settings. Throws a ``SettingError``.
    public func validate(_ spec: Spec) throws {
        for setting in settings {
            if let problem = setting.check(spec) { throw SettingError(setting: setting.name, problem, value: setting.text(of: spec)) }
        }
        do { try crossRules(spec) } catch let e as ConfigurationError { throw SettingError(e) }
    }

    /// A spec from the defaults and `values`, validated.
    public func spec(_ values: [String: String]) throws -> Spec {
        var spec = defaults
        try apply(values, to: &spec)
        try validate(spec)
        return spec
    }

    /// Parses command-line arguments — `--name value` or `--name=value`, each setting at most
    /// once; a value may start with `-` (`--beta -0.5`) — into a validated spec.
    public func parse(arguments: [String]) throws -> Spec {
        var values: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw SettingError(setting: "", SettingMessage("unexpected argument '\(argument)'"))
            }
            var name = String(argument.dropFirst(2)), value: String
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            } else {
                guard i + 1 < arguments.count else {
                    throw SettingError(setting: name, SettingMessage(self[name] == nil ? "unknown option" : "needs a value"))
                }
                i += 1
                value = arguments[i]
            }
            guard self[name] != nil else {
                let guess = closestName(to: name).map { "; did you mean '--\($0)'?" } ?? ""
                throw SettingError(setting: "", SettingMessage("unknown option '--\(name)' for \(command)\(guess)"))
            }
            guard values[name] == nil else { throw SettingError(setting: name, SettingMessage("is given twice")) }
            values[name] = value
            i += 1
        }
        return try spec(values)
    }

    /// The setting whose name is within two edits of `name`, if exactly one is the closest.
    private func closestName(to name: String) -> String? {
        let scored = names.map { ($0, Self.editDistance($0, name)) }.filter { $0.1 <= 2 }
        guard let best = scored.map(\.1).min() else { return nil }
        let closest = scored.filter { $0.1 == best }
        return closest.count == 1 ? closest[0].0 : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }

    // MARK: Canonical forms

    /// The identity settings of `spec` that apply to it, in table order, as canonical text.
    public func identityTexts(_ spec: Spec) -> [(name: String, text: String)] {
        settings.filter(\.identity).compactMap { s in s.text(of: spec).map { (s.name, $0) } }
    }

    /// The identity settings' typed values (records and manifests).
    public func json(_ spec: Spec) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for setting in settings where setting.identity {
            if let value = setting.json(of: spec) { object[setting.name] = value }
        }
        return object
    }

    /// The spec whose identity settings are `object` (from ``json(_:)``), validated. Throws a
    /// ``SettingError`` for a value this version cannot read.
    public func spec(json object: [String: JSONValue]) throws -> Spec {
        var texts: [String: String] = [:]
        for (name, value) in object {
            guard let text = value.settingText else {
                throw SettingError(setting: name, SettingMessage("is not a value this version reads"))
            }
            texts[name] = text
        }
        return try spec(texts)
    }

    // MARK: Help

    /// One line per setting, as ArgumentParser writes options:
    /// `  --lr <x>                Initial learning rate. (default: 0.001; > 0)`.
    public func helpText(width: Int = 79) -> String {
        let defaults = self.defaults
        let column = 26
        var lines: [String] = []
        for setting in settings {
            let label = "  --\(setting.name) \(setting.valueName)"
            var notes: [String] = []
            if let text = setting.defaultText ?? setting.text(of: defaults) { notes.append("default: \(text)") }
            if !setting.rule.isEmpty { notes.append(setting.rule) }
            let help = setting.help + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))")
            let wrapped = Self.wrap(help, width: width - column)
            if label.utf8.count < column - 1 {
                lines.append(label.padding(toLength: column, withPad: " ", startingAt: 0) + wrapped[0])
                lines += wrapped.dropFirst().map { String(repeating: " ", count: column) + $0 }
            } else {
                lines.append(label)
                lines += wrapped.map { String(repeating: " ", count: column) + $0 }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `text` in lines of at most `width` UTF-8 bytes, broken at spaces. (Bytes, not
    /// characters: ArgumentParser wraps help at 80 bytes, and σ or ≥ take several.)
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.utf8.count + 1 + word.utf8.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + [line]
    }
}
