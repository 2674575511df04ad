import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling paths`: sample paths of fractional Brownian motion (figure 6).
struct Paths: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw sample paths of fractional Brownian motion (figure 6).",
        discussion: """
        B^H_{k/L} = L^-H · (g_1 + … + g_k), k = 0…L, with (g_k) a unit-variance fractional Gaussian noise of
        Hurst index H drawn exactly (Davies–Harte), so that Var B^H_1 = 1. H < 1/2 gives rough paths,
        H = 1/2 Brownian motion, H > 1/2 smoother ones: the regularity of fBm-initialized weights.

        Example:  resnet-scaling paths --hurst 0.2,0.5,0.8 --length 1000 --seed 0 --out fig6.svg --csv fig6.csv
        """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp("Hurst indices in (0, 1): a list or start:stop:count.", valueName: "axis"),
            transform: OptionParsing.realAxis)
    var hurst: [Double] = [0.2, 0.5, 0.8]

    @Option(parsing: .unconditional, help: "Number of steps L of each path.", transform: OptionParsing.positiveInt)
    var length: Int = 1000

    @Option(parsing: .unconditional, help: "Paths per Hurst index.", transform: OptionParsing.positiveInt)
    var count: Int = 1

    @Option(parsing: .unconditional, help: "Random seed.", transform: OptionParsing.seed)
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Output SVG file (- for standard output).", valueName: "file.svg"))
    var out: String

    @Option(help: ArgumentHelp("Also write the paths as CSV: hurst,path,k,t,value.", valueName: "file.csv"))
    var csv: String?

    @OptionGroup var resources: MemoryOption

    /// Bytes per path value through the run: the sampled values (twice), the figure's points,
    /// the SVG and CSV text (each as a string and as bytes).
    static let bytesPerValue = 256

    /// The estimated peak memory of drawing `count` paths of `length` steps for `hursts` indices.
    static func estimatedBytes(hursts: Int, length: Int, count: Int) -> Int {
        let values = Saturating.product(hursts, count, Saturating.sum(length, 1))
        // One sampler at a time: its embedding (48 bytes a point) and batched buffers (160).
        let embedding = Initialization.fbm(hurst: 0.5).embeddingLength(depth: length) ?? 0
        return Saturating.sum(Saturating.product(values, bytesPerValue), Saturating.product(208, embedding),
                              Saturating.product(128, length))
    }

    func run() throws {
        for h in hurst where !(h > 0 && h < 1) {
            throw ValidationError("--hurst: the Hurst index must be in (0, 1), got \(NumberFormat.text(h))")
        }
        guard length <= StationaryGaussianSequence.maximumLength else {
            throw ValidationError("--length must be at most \(StationaryGaussianSequence.maximumLength) (got \(length)): longer paths need a larger circulant embedding than supported")
        }
        try resources.check(Self.estimatedBytes(hursts: hurst.count, length: length, count: count), subject: "paths",
                            purpose: "for \(MemoryLimit.format(count: Saturating.product(hurst.count, count, Saturating.sum(length, 1)))) path values (\(hurst.count) H × \(count) path(s) × \(length) steps) and their SVG and CSV text")
        var outputs = Outputs()
        try outputs.file("--out", out)
        try outputs.file("--csv", csv)
        // Every H has its own stream (seed; H), so a path does not depend on the other H drawn.
        let paths: [[[Double]]] = try hurst.map { h in
            var stream = RandomStream(seed: seed, coordinates: [h.bitPattern])
            let layerMajor = try FractionalGaussianNoise(length: length, hurst: h).fbmPaths(sequences: count, from: &stream)
            return (0..<count).map { s in [0] + (0..<length).map { k in layerMajor[k * count + s] } }
        }
        var files: [(flag: String, text: String)] = [("--out", PathFigures.fbmFigure(hursts: hurst, paths: paths, length: length).svg())]
        if csv != nil {
            var text = "hurst,path,k,t,value\n"
            for (h, group) in zip(hurst, paths) {
                for (p, path) in group.enumerated() {
                    for (k, value) in path.enumerated() {
                        text += "\(h),\(p),\(k),\(Double(k) / Double(length)),\(value)\n"
                    }
                }
            }
            files.append(("--csv", text))
        }
        try outputs.writeAll(files)
    }
}
