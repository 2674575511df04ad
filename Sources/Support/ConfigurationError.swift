/// A configuration value that the library cannot accept, with the name of the setting
/// and what would be accepted, so that the command line can print it as one line.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The setting at fault, e.g. `width` or `activation`.
    public var setting: String
    /// What is wrong and what is accepted.
    public var message: String

    public init(setting: String, _ message: String) {
        self.setting = setting
        self.message = message
    }

    public var description: String { "\(setting): \(message)" }
}
