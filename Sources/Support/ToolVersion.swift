/// The version of the tool: the package version and the git revision it was built from
/// (`-dirty` when built with uncommitted changes; unknown when the sources were not a git
/// checkout). Shown by `resnet-scaling --version`, recorded in every output's metadata:
/// sweep records and manifests, and `metrics.json`.
public struct ToolVersion: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The package's version (semantic versioning).
    public var package: String
    /// The git revision (12 hex digits, maybe `-dirty`), nil when unknown.
    public var revision: String?

    public init(package: String, revision: String?) {
        self.package = package
        self.revision = revision
    }

    /// The version of the package's sources.
    public static let packageVersion = "0.9.0"

    /// This build: ``packageVersion`` and the revision recorded by the BuildRevision plugin.
    public static let current = ToolVersion(package: packageVersion, revision: buildRevision)

    /// `0.9.0 (revision 0123456789ab)`, `0.9.0 (revision unknown)`.
    public var description: String { "\(package) (revision \(revision ?? "unknown"))" }

    /// Stored as its description.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: " ", maxSplits: 1)
        package = parts.first.map(String.init) ?? text
        let revision = parts.count == 2 ? parts[1].dropFirst("(revision ".count).dropLast() : ""
        self.revision = revision.isEmpty || revision == "unknown" ? nil : String(revision)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
