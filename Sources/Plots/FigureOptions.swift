import Foundation
import Support

/// The size of a whole figure in SVG pixels (CSS px: 96 per inch).
public struct FigureSize: Hashable, Sendable, CustomStringConvertible {
    /// Pixels per inch of SVG's user unit.
    public static let pixelsPerInch = 96.0
    /// The width of a full-width figure on a letter or A4 page with 1-inch margins: 6.5 in.
    public static let fullWidth = 6.5 * pixelsPerInch
    /// Bounds accepted for either side, in px (0.5 in to 100 in).
    public static let accepted: ClosedRange<Double> = 48...9600

    public var width: Double
    public var height: Double

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A size in inches at 96 px per inch.
    public static func inches(_ width: Double, _ height: Double) -> FigureSize {
        FigureSize(width: width * pixelsPerInch, height: height * pixelsPerInch)
    }

    /// Reads `W×H` or `WxH` with an optional unit `in` (the default) or `px` after the height
    /// (`6.5x4`, `6.5x4in`, `624x384px`); each side must be a number giving 0.5 to 100 inches.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        var body = Substring(t), scale = FigureSize.pixelsPerInch
        if body.hasSuffix("px") { body = body.dropLast(2); scale = 1 } else if body.hasSuffix("in") { body = body.dropLast(2) }
        body = Substring(body.trimmingCharacters(in: .whitespaces))   // `6.5x4 in`
        let parts = body.split(separator: "x", omittingEmptySubsequences: false).flatMap {
            $0.split(separator: "×", omittingEmptySubsequences: false)
        }
        guard parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]), w.isFinite, h.isFinite else {
            throw FigureOptionError("'\(text)' is not a size: write W×H (or WxH) in inches, e.g. 6.5x4 or 6.5x4in, or in pixels, e.g. 624x384px")
        }
        let size = FigureSize(width: w * scale, height: h * scale)
        guard FigureSize.accepted.contains(size.width), FigureSize.accepted.contains(size.height) else {
            throw FigureOptionError("'\(text)' is \(NumberFormat.compact(size.width))×\(NumberFormat.compact(size.height)) px; each side must be from 0.5 in (48 px) to 100 in (9600 px)")
        }
        self = size
    }

    /// `W×H px`.
    public var description: String { "\(NumberFormat.text(width))×\(NumberFormat.text(height)) px" }
}

/// What a command line may change in a figure: its size and its base font size.
public struct FigureOptions: Hashable, Sendable {
    /// The whole document's size, or nil for the figure's own default.
    public var size: FigureSize?
    /// The font size of tick labels and legends in px (titles and axis labels scale with it),
    /// or nil for the style's.
    public var fontSize: Double?

    /// Font sizes accepted, in px.
    public static let acceptedFontSizes: ClosedRange<Double> = 4...72

    public init(size: FigureSize? = nil, fontSize: Double? = nil) {
        self.size = size
        self.fontSize = fontSize
    }

    /// Reads a font size in px (`10`, `10px`) or points (`8pt`, 1 pt = 4/3 px).
    public static func fontSize(parsing text: String) throws -> Double {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        var body = Substring(t), scale = 1.0
        if body.hasSuffix("px") { body = body.dropLast(2) } else if body.hasSuffix("pt") { body = body.dropLast(2); scale = 4.0 / 3 }
        guard let v = Double(body.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            throw FigureOptionError("'\(text)' is not a font size: write a number of pixels (10, 10px) or points (8pt)")
        }
        guard acceptedFontSizes.contains(v * scale) else {
            throw FigureOptionError("'\(text)' is \(NumberFormat.compact(v * scale)) px; a font size must be from 4 to 72 px")
        }
        return v * scale
    }
}

/// A size or font size that cannot be used; its description is the message.
public struct FigureOptionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}

extension FigureStyle {
    /// This style with tick labels and legends at `size` px and the other texts in the same
    /// proportions as the defaults (axis labels ×1.14, panel titles ×1.23, the figure title ×1.45).
    public func withBaseFontSize(_ size: Double) -> FigureStyle {
        var s = self
        s.tickSize = size
        s.labelSize = size * 12.5 / 11
        s.titleSize = size * 13.5 / 11
        s.figureTitleSize = size * 16 / 11
        return s
    }
}
