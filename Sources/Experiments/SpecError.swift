import Foundation

/// Why a spec, a `--set` override or a results folder cannot be used. `source` is the file
/// (or `--set`), `key` the setting (dotted path in the file), so every message says where.
public struct SpecError: Error, Equatable, CustomStringConvertible, Sendable {
    public var source: String
    public var key: String
    public var message: String
    public var line: Int?

    public init(source: String, key: String, _ message: String, line: Int? = nil) {
        self.source = source
        self.key = key
        self.message = message
        self.line = line
    }

    public var description: String {
        let place = line.map { "\(source):\($0)" } ?? source
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}
