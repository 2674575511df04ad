import Foundation

/// An opaque sRGB colour with 8-bit channels, written in SVG as `#rrggbb`.
public struct RGBColor: Hashable, Sendable, CustomStringConvertible {
    /// Red channel, 0…255.
    public var red: UInt8
    /// Green channel, 0…255.
    public var green: UInt8
    /// Blue channel, 0…255.
    public var blue: UInt8

    /// Creates a colour from 8-bit channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Creates a colour from a hex string `#rrggbb`, `rrggbb` or `#rgb`; returns nil if malformed.
    public init?(hex: String) {
        var s = Substring(hex)
        if s.hasPrefix("#") { s = s.dropFirst() }
        if s.count == 3 { s = Substring(s.map { "\($0)\($0)" }.joined()) }
        guard s.count == 6, let v = UInt32(s, radix: 16) else { return nil }
        self.init(red: UInt8((v >> 16) & 0xFF), green: UInt8((v >> 8) & 0xFF), blue: UInt8(v & 0xFF))
    }

    /// Creates a colour from a 24-bit literal such as `0x1f77b4`.
    public init(_ rgb: UInt32) {
        self.init(red: UInt8((rgb >> 16) & 0xFF), green: UInt8((rgb >> 8) & 0xFF), blue: UInt8(rgb & 0xFF))
    }

    /// Lower-case `#rrggbb`.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for c in [red, green, blue] {
            s.append(digits[Int(c >> 4)])
            s.append(digits[Int(c & 0xF)])
        }
        return s
    }

    /// The hex form `#rrggbb`.
    public var description: String { hex }

    /// Linear interpolation in sRGB: `t = 0` gives `a`, `t = 1` gives `b` (t is clamped).
    public static func mix(_ a: RGBColor, _ b: RGBColor, _ t: Double) -> RGBColor {
        let u = t.isFinite ? min(1, max(0, t)) : 0
        func ch(_ x: UInt8, _ y: UInt8) -> UInt8 {
            UInt8((Double(x) + (Double(y) - Double(x)) * u).rounded())
        }
        return RGBColor(red: ch(a.red, b.red), green: ch(a.green, b.green), blue: ch(a.blue, b.blue))
    }

    /// Relative luminance (0 dark … 1 light), used to pick readable text colours.
    public var luminance: Double {
        (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255
    }

    /// Black `#000000`.
    public static let black = RGBColor(0x000000)
    /// White `#ffffff`.
    public static let white = RGBColor(0xffffff)
    /// Mid grey `#7f7f7f`.
    public static let gray = RGBColor(0x7f7f7f)
}

/// The default categorical palette for series (ten distinguishable hues).
public enum Palette {
    /// Ten categorical colours (the widely used "category10" hues).
    public static let category10: [RGBColor] = [
        RGBColor(0x1f77b4), RGBColor(0xff7f0e), RGBColor(0x2ca02c), RGBColor(0xd62728),
        RGBColor(0x9467bd), RGBColor(0x8c564b), RGBColor(0xe377c2), RGBColor(0x7f7f7f),
        RGBColor(0xbcbd22), RGBColor(0x17becf),
    ]

    /// The `index`-th palette colour, cycling.
    public static func color(_ index: Int) -> RGBColor {
        category10[((index % category10.count) + category10.count) % category10.count]
    }
}
