import Resources
import ResNets
import Stochastic
import Support

/// Sample paths of fractional Brownian motion (figure 6): B^H_{k/L} = L^-H · (g_1 + … + g_k),
/// k = 0…L, with (g_k) a unit-variance fractional Gaussian noise of Hurst index H drawn
/// exactly (Davies–Harte), so that Var B^H_1 = 1.
public struct FBMPaths: Sendable, Equatable {
    public var hursts: [Double] = [0.2, 0.5, 0.8]
    /// Steps L of each path.
    public var length = 1000
    /// Paths per Hurst index.
    public var count = 1
    public var seed: UInt64 = 0

    public init() {}

    /// The settings of `paths`, declared once.
    public static let settings = SettingsTable<FBMPaths>("paths", [
        Setting("hurst", list: \.hursts, each: .openUnitInterval, help: "Hurst indices: a list or start:stop:count."),
        Setting("length", \.length, .positive(atMost: StationaryGaussianSequence.maximumLength,
                                              why: "longer paths need a larger circulant embedding than supported"),
                valueName: "<n>", help: "Number of steps L of each path."),
        Setting("count", \.count, .positive, valueName: "<n>", help: "Paths per Hurst index."),
        Setting("seed", \.seed, valueName: "<n>", help: "Random seed."),
    ], defaults: { FBMPaths() })

    /// Bytes per path value through the run: the sampled values (twice), the figure's points,
    /// the SVG and CSV text (each as a string and as bytes).
    static let bytesPerValue = 256

    /// Path values drawn: H × paths × (L + 1), saturating.
    public var valueCount: Int { Saturating.product(hursts.count, count, Saturating.sum(length, 1)) }

    /// The estimated peak memory of drawing the paths and writing their figure and CSV.
    public var estimatedBytes: Int {
        // One sampler at a time: its embedding (48 bytes a point) and batched buffers (160).
        let embedding = Initialization.fbm(hurst: 0.5).embeddingLength(depth: length) ?? 0
        return Saturating.sum(Saturating.product(valueCount, Self.bytesPerValue), Saturating.product(208, embedding),
                              Saturating.product(128, length))
    }

    /// `paths[h][p][k]`: path p of Hurst index `hursts[h]` at step k = 0…L. Every H has its own
    /// stream (seed; H), so a path does not depend on the other H drawn.
    public func sample() throws -> [[[Double]]] {
        try hursts.map { h in
            var stream = RandomStream(seed: seed, coordinates: [h.bitPattern])
            let layerMajor = try FractionalGaussianNoise(length: length, hurst: h).fbmPaths(sequences: count, from: &stream)
            return (0..<count).map { s in [0] + (0..<length).map { k in layerMajor[k * count + s] } }
        }
    }

    /// The paths as CSV: `hurst,path,k,t,value`.
    public func csv(_ paths: [[[Double]]]) -> String {
        var text = "hurst,path,k,t,value\n"
        for (h, group) in zip(hursts, paths) {
            for (p, path) in group.enumerated() {
                for (k, value) in path.enumerated() {
                    text += "\(NumberFormat.shortest(h)),\(p),\(k),\(NumberFormat.shortest(Double(k) / Double(length))),\(NumberFormat.shortest(value))\n"
                }
            }
        }
        return text
    }
}
