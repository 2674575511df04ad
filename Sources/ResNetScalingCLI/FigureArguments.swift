import ArgumentParser
import ResNetScaling

/// `--size` and `--font-size`, shared by every command that draws figures (simulate, paths,
/// plot, reproduce): read and checked once here, applied to each figure through
/// `Figure.applying(_:)`. Both take their value unconditionally, so that `--font-size -3`
/// is refused for what it is, not reported as a missing value.
struct FigureArguments: ParsableArguments {
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Size of each figure: W×H (or WxH) in inches at 96 dpi, e.g. 6.5x4 or 6.5x4in, or in pixels, " +
                               "e.g. 624x384px; default: the figure's paper size (6.5 in wide for full-width figures). A size too small " +
                               "for the figure's texts (40 px per plot at least) is enlarged to fit.",
                               valueName: "WxH"),
            transform: FigureArguments.size)
    var size: FigureSize?

    @Option(name: .customLong("font-size"), parsing: .unconditional,
            help: ArgumentHelp("Font size of tick labels and legends in px (10, 10px) or points (8pt); titles and axis labels " +
                               "scale with it (default 11 px).", valueName: "size"),
            transform: FigureArguments.fontSize)
    var fontSize: Double?

    static func size(_ text: String) throws -> FigureSize {
        do { return try FigureSize(parsing: text) } catch let e as FigureOptionError { throw ValidationError(e.description) }
    }

    static func fontSize(_ text: String) throws -> Double {
        do { return try FigureOptions.fontSize(parsing: text) } catch let e as FigureOptionError { throw ValidationError(e.description) }
    }

    /// The options to apply to each figure.
    var options: FigureOptions { FigureOptions(size: size, fontSize: fontSize) }
}
