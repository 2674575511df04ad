import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling paths`: sample paths of fractional Brownian motion (figure 6).
struct Paths: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw sample paths of fractional Brownian motion (figure 6).",
        usage: "resnet-scaling paths --out <file.svg> [--<setting> <value> ...] [--csv <file.csv>] [--memory-limit <GB>]",
        discussion: """
        B^H_{k/L} = L^-H · (g_1 + … + g_k), k = 0…L, with (g_k) a unit-variance fractional Gaussian noise of
        Hurst index H drawn exactly (Davies–Harte), so that Var B^H_1 = 1. H < 1/2 gives rough paths,
        H = 1/2 Brownian motion, H > 1/2 smoother ones: the regularity of fBm-initialized weights.

        Example:  resnet-scaling paths --hurst 0.2,0.5,0.8 --length 1000 --seed 0 --out fig6.svg --csv fig6.csv

        """ + RunSettings.help(FBMPaths.settings)
    )

    @Argument(parsing: .allUnrecognized, help: .hidden, completion: .list(RunSettings.flags(FBMPaths.settings)))
    var settings: [String] = []

    @Option(help: ArgumentHelp("Output SVG file (- for standard output).", valueName: "file.svg"))
    var out: String

    @Option(help: ArgumentHelp("Also write the paths as CSV: hurst,path,k,t,value.", valueName: "file.csv"))
    var csv: String?

    @OptionGroup var resources: MemoryOption

    @OptionGroup var figureArguments: FigureArguments

    func run() throws {
        let spec = try RunSettings.parse(FBMPaths.settings, settings)
        try resources.check(spec.estimatedBytes, subject: "paths",
                            purpose: "for \(MemoryLimit.format(count: spec.valueCount)) path values (\(spec.hursts.count) H × \(spec.count) path(s) × \(spec.length) steps) and their SVG and CSV text")
        var outputs = Outputs()
        try outputs.file("--out", out)
        try outputs.file("--csv", csv)
        let paths = try spec.sample()
        var files: [(flag: String, text: String)] = [("--out", PathFigures.fbmFigure(hursts: spec.hursts, paths: paths, length: spec.length).applying(figureArguments.options).svg())]
        if csv != nil { files.append(("--csv", spec.csv(paths))) }
        try outputs.writeAll(files)
    }
}
