import ResNets
import Support

/// An entry (i, j), 0-based, of the residual matrices V_k: the `weight-entry` setting, written `i,j`.
public struct WeightEntry: SettingValue, Codable, Equatable, Hashable, CustomStringConvertible {
    public var i: Int
    public var j: Int

    public init(i: Int, j: Int) {
        self.i = i
        self.j = j
    }

    public init(settingText text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let i = Int(parts[0]), let j = Int(parts[1]), i >= 0, j >= 0 else {
            throw SettingMessage.must("be a weight entry i,j (0-based), e.g. 0,0")
        }
        self.init(i: i, j: j)
    }

    public var settingText: String { "\(i),\(j)" }
    public var settingJSON: JSONValue { .array([.integer(Int64(i)), .integer(Int64(j))]) }
    public static var settingValueName: String { "<i,j>" }
    public var description: String { settingText }

    /// One entry per value: `0,0` is one entry (list several in a YAML list).
    public static func axisValues(_ text: String) throws -> [WeightEntry] { [try WeightEntry(settingText: text)] }

    /// Stored as `[i, j]`.
    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        self.init(i: try c.decode(Int.self), j: try c.decode(Int.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(i)
        try c.encode(j)
    }
}

/// One residual weight V_k[i, j] against the layer k = 1…L, after training and at
/// initialization: what figure 8 draws. Recorded by a run with a `weight-entry`.
public struct WeightPath: Codable, Equatable, Sendable {
    public var i: Int
    public var j: Int
    /// After the last finished epoch.
    public var trained: [Double]
    /// At initialization (the model drawn again from the seed).
    public var initial: [Double]?

    public init(i: Int, j: Int, trained: [Double], initial: [Double]?) {
        self.i = i
        self.j = j
        self.trained = trained
        self.initial = initial
    }

    /// The path of `entry` in `trained` and `initial` parameters.
    public init(_ entry: WeightEntry, trained: ResNetParameters<Float>, initial: ResNetParameters<Float>?) {
        func path(_ p: ResNetParameters<Float>) -> [Double] {
            let d = p.configuration.width
            return (0..<p.configuration.depth).map { k in Double(p.v[k * d * d + entry.i * d + entry.j]) }
        }
        self.init(i: entry.i, j: entry.j, trained: path(trained), initial: initial.map(path))
    }
}
