import Foundation
import Support

/// Escapes text for use in XML character data and attribute values.
///
/// Replaces `&`, `<`, `>`, `"` and `'` by entities and drops control characters that XML 1.0
/// forbids (everything below U+0020 except tab, line feed and carriage return), so any Swift
/// string yields a well-formed document.
public func xmlEscape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
        default:
            if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// A rectangle in SVG pixel coordinates (y grows downward).
struct Rect {
    var x: Double
    var y: Double
    var width: Double
    var height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
}

/// Horizontal anchoring of a text element.
enum TextAnchor: String {
    case start, middle, end
}

/// Accumulates SVG elements as text. Internal: the public API is the figure value types.
struct SVGBuilder {
    private(set) var body: String = ""
    let fontFamily: String

    init(fontFamily: String) {
        self.fontFamily = fontFamily
        body.reserveCapacity(1 << 14)
    }

    static func f(_ v: Double) -> String { NumberFormat.fixed(v, decimals: 2) }

    mutating func raw(_ s: String) { body += s; body += "\n" }

    mutating func open(_ tag: String, _ attrs: [(String, String)] = []) {
        body += "<" + tag + Self.attributes(attrs) + ">\n"
    }

    mutating func close(_ tag: String) { body += "</" + tag + ">\n" }

    mutating func element(_ tag: String, _ attrs: [(String, String)], text: String? = nil) {
        if let text {
            body += "<" + tag + Self.attributes(attrs) + ">" + xmlEscape(text) + "</" + tag + ">\n"
        } else {
            body += "<" + tag + Self.attributes(attrs) + "/>\n"
        }
    }

    static func attributes(_ attrs: [(String, String)]) -> String {
        var s = ""
        for (k, v) in attrs { s += " " + k + "=\"" + xmlEscape(v) + "\"" }
        return s
    }

    mutating func rect(_ r: Rect, fill: String, stroke: String? = nil, strokeWidth: Double = 1,
                       opacity: Double? = nil, cls: String? = nil, extra: [(String, String)] = []) {
        var a: [(String, String)] = []
        if let cls { a.append(("class", cls)) }
        a += [("x", Self.f(r.x)), ("y", Self.f(r.y)), ("width", Self.f(max(0, r.width))),
              ("height", Self.f(max(0, r.height))), ("fill", fill)]
        if let stroke { a += [("stroke", stroke), ("stroke-width", Self.f(strokeWidth))] }
        if let opacity { a.append(("fill-opacity", Self.f(opacity))) }
        element("rect", a + extra)
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil, cls: String? = nil) {
        var a: [(String, String)] = []
        if let cls { a.append(("class", cls)) }
        a += [("x1", Self.f(x1)), ("y1", Self.f(y1)), ("x2", Self.f(x2)), ("y2", Self.f(y2)),
              ("stroke", stroke), ("stroke-width", Self.f(width))]
        if let dash { a.append(("stroke-dasharray", dash)) }
        element("line", a)
    }

    mutating func text(_ s: String, x: Double, y: Double, size: Double, anchor: TextAnchor = .start,
                       weight: String? = nil, fill: String = "#222222", rotate: Double? = nil,
                       italic: Bool = false, cls: String? = nil) {
        var a: [(String, String)] = []
        if let cls { a.append(("class", cls)) }
        a += [("x", Self.f(x)), ("y", Self.f(y)), ("font-size", Self.f(size)),
              ("text-anchor", anchor.rawValue), ("fill", fill)]
        if let weight { a.append(("font-weight", weight)) }
        if italic { a.append(("font-style", "italic")) }
        if let rotate { a.append(("transform", "rotate(\(Self.f(rotate)) \(Self.f(x)) \(Self.f(y)))")) }
        // Labels are math text: `h_L`, `L^{-β}` become tspans (see `MathText`).
        body += "<text" + Self.attributes(a) + ">" + MathText.svg(s, size: size) + "</text>\n"
    }

    /// A path through polyline segments (each becomes one `M … L …` subpath).
    static func pathData(_ segments: [[(Double, Double)]]) -> String {
        var d = ""
        for seg in segments where !seg.isEmpty {
            for (i, p) in seg.enumerated() {
                d += (i == 0 ? (d.isEmpty ? "M" : " M") : " L") + f(p.0) + " " + f(p.1)
            }
        }
        return d
    }

    static func points(_ pts: [(Double, Double)]) -> String {
        pts.map { f($0.0) + "," + f($0.1) }.joined(separator: " ")
    }

    /// Wraps the body into a complete standalone SVG document.
    func document(width: Double, height: Double, background: String?, title: String?) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(Self.f(width))\" "
        s += "height=\"\(Self.f(height))\" viewBox=\"0 0 \(Self.f(width)) \(Self.f(height))\" "
        s += "font-family=\"\(xmlEscape(fontFamily))\">\n"
        if let title { s += "<title>" + xmlEscape(MathText.plain(title)) + "</title>\n" }
        if let background {
            s += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(Self.f(width))\" height=\"\(Self.f(height))\" fill=\"\(background)\"/>\n"
        }
        s += body
        s += "</svg>\n"
        return s
    }
}

/// Estimated rendered width of a label (math text: scripts smaller) in a generic sans-serif font.
func estimatedTextWidth(_ text: String, size: Double) -> Double {
    MathText.estimatedWidth(text, size: size)
}

/// Estimated rendered width of plain `text` in a generic sans-serif font (no font metrics are
/// available when writing plain SVG, so layout uses an average advance per character).
func plainTextWidth(_ text: String, size: Double) -> Double {
    var w = 0.0
    for ch in text {
        switch ch {
        case "i", "l", "j", "!", "|", ".", ",", ":", ";", "'", "I", "t", "f", "r", "(", ")", "[", "]", " ":
            w += 0.34
        case "m", "w", "M", "W", "@", "%":
            w += 0.86
        case "A"..."Z", "≥", "≤", "±":
            w += 0.66
        case "0"..."9", "−", "+", "=", "×", "<", ">":
            // DejaVu Sans, the first font named, sets digits and operators at ≈ 0.64 em.
            w += 0.62
        default:
            w += 0.56
        }
    }
    return w * size
}
