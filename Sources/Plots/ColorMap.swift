import Foundation

/// A continuous colour map: colour stops at positions in [0, 1], interpolated linearly in sRGB.
///
/// ```swift
/// let cmap = ColorMap.blueWhiteRed
/// cmap.color(for: -1, vmin: -1, vmax: 1).hex   // "#053061" (saturated blue)
/// cmap.color(for: 0,  vmin: -1, vmax: 1).hex   // "#f7f7f7" (white midpoint)
/// cmap.color(for: 5,  vmin: -1, vmax: 1).hex   // "#67001f" (clipped to vmax)
/// ```
public struct ColorMap: Hashable, Sendable {
    /// A colour at a position in [0, 1].
    public struct Stop: Hashable, Sendable {
        /// Position in [0, 1].
        public var position: Double
        /// Colour at that position.
        public var color: RGBColor
        /// Creates a stop.
        public init(_ position: Double, _ color: RGBColor) {
            self.position = position
            self.color = color
        }
    }

    /// Name shown nowhere in the figure; useful for debugging and equality.
    public var name: String
    /// Stops sorted by position; the first should be at 0 and the last at 1.
    public var stops: [Stop]

    /// Creates a colour map from stops (sorted by position on creation). An empty list gives
    /// a grey ramp.
    public init(name: String, stops: [Stop]) {
        self.name = name
        let sorted = stops.filter { $0.position.isFinite }.sorted { $0.position < $1.position }
        self.stops = sorted.isEmpty ? [Stop(0, .black), Stop(1, .white)] : sorted
    }

    /// Creates a colour map from evenly spaced colours.
    public init(name: String, colors: [RGBColor]) {
        let n = colors.count
        self.init(name: name, stops: colors.enumerated().map {
            Stop(n > 1 ? Double($0.offset) / Double(n - 1) : 0, $0.element)
        })
    }

    /// Colour at normalized position `t` (clamped to [0, 1]; NaN maps to 1, the top colour).
    public func color(at t: Double) -> RGBColor {
        let u: Double = t.isNaN ? 1 : min(1, max(0, t))
        guard let first = stops.first, let last = stops.last else { return .gray }
        if u <= first.position { return first.color }
        if u >= last.position { return last.color }
        for i in 1..<stops.count where u <= stops[i].position {
            let a = stops[i - 1], b = stops[i]
            let span = b.position - a.position
            return span > 0 ? RGBColor.mix(a.color, b.color, (u - a.position) / span) : b.color
        }
        return last.color
    }

    /// Colour of `value` on the scale [vmin, vmax]: values are clipped to the range, so
    /// `value ≤ vmin` gives the bottom colour and `value ≥ vmax` (including +∞) the top one;
    /// −∞ gives the bottom colour and NaN the top colour. A degenerate range maps to the midpoint.
    public func color(for value: Double, vmin: Double, vmax: Double) -> RGBColor {
        if value.isNaN { return color(at: 1) }
        if value == .infinity { return color(at: 1) }
        if value == -.infinity { return color(at: 0) }
        guard vmax > vmin, vmin.isFinite, vmax.isFinite else { return color(at: 0.5) }
        return color(at: (value - vmin) / (vmax - vmin))
    }

    /// The same map traversed in the opposite direction.
    public var reversed: ColorMap {
        ColorMap(name: name + "_r", stops: stops.map { Stop(1 - $0.position, $0.color) })
    }

    /// Diverging blue–white–red map (saturated blue at 0, near-white `#f7f7f7` at 0.5,
    /// saturated dark red at 1). Use for signed quantities such as log10 relative differences.
    public static let blueWhiteRed = ColorMap(name: "blueWhiteRed", colors: [
        RGBColor(0x053061), RGBColor(0x2166ac), RGBColor(0x4393c3), RGBColor(0x92c5de),
        RGBColor(0xd1e5f0), RGBColor(0xf7f7f7), RGBColor(0xfddbc7), RGBColor(0xf4a582),
        RGBColor(0xd6604d), RGBColor(0xb2182b), RGBColor(0x67001f),
    ])

    /// Perceptually ordered sequential map from dark purple (0) through blue and green to
    /// yellow (1), similar to viridis. Use for accuracies in [0, 1].
    public static let viridis = ColorMap(name: "viridis", colors: [
        RGBColor(0x440154), RGBColor(0x482878), RGBColor(0x3e4989), RGBColor(0x31688e),
        RGBColor(0x26828e), RGBColor(0x1f9e89), RGBColor(0x35b779), RGBColor(0x6ece58),
        RGBColor(0xb5de2b), RGBColor(0xfde725),
    ])

    /// Sequential white-to-dark-grey map.
    public static let grays = ColorMap(name: "grays", colors: [RGBColor(0xffffff), RGBColor(0x252525)])
}
