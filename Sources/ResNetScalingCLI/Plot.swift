import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling plot`: a paper figure from a sweep's table or results folder.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a figure from a sweep's table (collect's CSV) or results folder.",
        discussion: """
        Figures (--figure, default auto): accuracy — figure 9, the best-over-lr test accuracy over β × H \
        (viridis, 0 to 1); weights — figure 8, V_k[i, j] against k after training (needs the results folder \
        and train cells with weight-entry); phase — figure 7, the β × H heatmaps at initialization; curves — \
        figures 1/3/4/5, relative differences against depth per β; histograms — figure 2.

          resnet-scaling plot runs/fig9/table.csv --out fig9.svg
          resnet-scaling plot runs/fig7 --out fig7.svg
        """
    )

    @Argument(help: ArgumentHelp("A table written by collect, or a results folder.", valueName: "table.csv|dir"))
    var input: String

    @Option(help: ArgumentHelp("The SVG figure (written atomically; - for standard output).", valueName: "file.svg"))
    var out: String

    @Option(help: ArgumentHelp("Figure: \(SweepFigureKind.accepted).", valueName: "kind"), transform: Plot.kind)
    var figure: SweepFigureKind = .auto

    @Flag(inversion: .prefixedNo, help: "Draw the theory where a formula applies (curves, histograms, phase).")
    var theory = true

    @OptionGroup var figureArguments: FigureArguments

    static func kind(_ text: String) throws -> SweepFigureKind {
        guard let k = SweepFigureKind(rawValue: text.lowercased()) else { throw ValidationError("accepted: \(SweepFigureKind.accepted)") }
        return k
    }

    func run() throws {
        guard !input.isEmpty else { throw ValidationError("the table or results folder must not be empty") }
        let isFolder: Bool
        do {
            try InputFile.checkFolder(input)
            isFolder = true
        } catch InputFileError.notAFolder {
            isFolder = false
        } catch InputFileError.missing {
            throw ValidationError("'\(input)': no such table or results folder")
        } catch let e as InputFileError {
            throw ValidationError(e.description)
        }
        var outputs = Outputs()
        if isFolder { try outputs.input(resultsFolder: input) } else { try outputs.input("the table", file: input) }
        try outputs.file("--out", out)

        let header: [String], rows: [[String]]
        var weightPaths: [(settings: [String: String], path: WeightPath)] = []
        if isFolder {
            do {
                let table = try Collector.collect(try ResultStore(directory: input, create: false))
                header = table.header
                rows = table.rows
                weightPaths = table.weightPaths
            } catch let e as SpecError { throw ValidationError(e.description) }
        } else {
            // Parsed into rows of strings, a table takes ~16 bytes per byte; plot has no flag to raise the limit.
            var limit = MemoryLimit.default
            limit.hint = nil
            try InputSize.check(input, expansion: 16, limit: limit, what: "a table")
            let text: String
            do { text = try InputFile.readText(input) } catch let e as InputFileError { throw ValidationError(e.description) }
            (header, rows) = CSV.parse(text)
        }
        let drawn: (Figure, SweepFigureKind)
        do {
            drawn = try SweepFigures.figure(header: header, rows: rows, weightPaths: weightPaths, kind: figure, theory: theory)
        } catch let e as PlotError {
            throw ValidationError("\(input): \(e.description)")
        } catch let e as ConfigurationError {
            throw ValidationError("\(input): \(e.description)")
        }
        try outputs.writeAll([("--out", drawn.0.applying(figureArguments.options).svg())])
        outputs.say("figure '\(drawn.1.rawValue)' from \(rows.count) rows → \(out == "-" ? "standard output" : out)")
    }
}
