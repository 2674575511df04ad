import ArgumentParser
import ResNetScaling

/// The run settings of `simulate`, `train` and `paths`. ArgumentParser declares only what is
/// not a run setting (outputs, `--quiet`, `--resume`, `--memory-limit`); everything it does not
/// recognize is captured (`@Argument(parsing: .allUnrecognized)`) and parsed by the run kind's
/// settings table — the one declaration of every setting, shared with the sweep specs.
enum RunSettings {
    /// The spec `arguments` give; errors as one line naming the flag (`--width must be a
    /// positive integer (got -3)`).
    static func parse<Spec>(_ table: SettingsTable<Spec>, _ arguments: [String]) throws -> Spec {
        do { return try table.parse(arguments: arguments) } catch let e as SettingError { throw ValidationError(e.description) }
    }

    /// The settings section of a command's help: every setting with its default and range.
    static func help<Spec>(_ table: SettingsTable<Spec>) -> String {
        "\nSETTINGS (the same names are the keys of a \(table.command) sweep spec):\n" + table.helpText()
    }

    /// Completion candidates: the settings' flags.
    static func flags<Spec>(_ table: SettingsTable<Spec>) -> [String] { table.names.map { "--\($0)" } }
}
