import Foundation

/// Labels with sub- and superscripts, written in a small TeX-like notation and drawn as SVG
/// `tspan`s: `h_L`, `p_0`, `L^{-β}`, `B^H_t`, `β*(H)`, `10^{3}`.
///
/// Rules (everything else is literal text):
/// - `_x` / `^x` after a non-space character: a subscript / superscript of the token `x` —
///   a run of letters and digits, Unicode super- and subscript digits excepted (for `^`,
///   optionally after a sign: `L^-β`); `_{…}` / `^{…}` take everything up to the closing brace.
///   An ASCII `-` leading a script becomes `−`.
/// - `*` after a letter and before `(` is a superscript star (`β*(H)`).
/// - `_` or `^` that starts no script (`a _ b`, `x_`) stays as it is.
/// - A backslash makes the next `_`, `^`, `*` or `\` literal (`my\_data` reads `my_data`);
///   `literal(_:)` escapes text that is not markup (file or dataset names) this way.
///
/// Scripts are drawn at 70 % of the text size with `baseline-shift="sub"` / `"super"`, which
/// every SVG renderer we target (browsers, rsvg-convert) supports; the shift is relative to
/// the text's baseline, so consecutive scripts (`B^H_t`) do not accumulate.
public enum MathText {
    /// The vertical position of a run.
    public enum Shift: String, Sendable { case none, sub, `super` }

    /// A piece of text at one vertical position.
    public struct Run: Equatable, Sendable {
        public var text: String
        public var shift: Shift
        public init(_ text: String, _ shift: Shift = .none) {
            self.text = text
            self.shift = shift
        }
    }

    /// Scripts are drawn at this fraction of the text size.
    public static let scriptScale = 0.7

    /// The runs of `text` (adjacent plain runs merged).
    public static func runs(_ text: String) -> [Run] {
        let chars = Array(text)
        var out: [Run] = []
        func append(_ s: String, _ shift: Shift) {
            guard !s.isEmpty else { return }
            if shift == .none, let last = out.last, last.shift == .none {
                out[out.count - 1].text += s
            } else {
                out.append(Run(s, shift))
            }
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, MathText.escapable.contains(chars[i + 1]) {
                append(String(chars[i + 1]), .none)
                i += 2
                continue
            }
            let afterNonSpace = i > 0 && !chars[i - 1].isWhitespace
            if (c == "_" || c == "^") && afterNonSpace && i + 1 < chars.count {
                let shift: Shift = c == "_" ? .sub : .super
                if chars[i + 1] == "{", let close = chars[(i + 2)...].firstIndex(of: "}") {
                    append(scriptText(String(chars[(i + 2)..<close])), shift)
                    i = close + 1
                    continue
                }
                var j = i + 1
                if c == "^" && j < chars.count && (chars[j] == "-" || chars[j] == "+" || chars[j] == "−") { j += 1 }
                let tokenStart = j
                while j < chars.count && MathText.isTokenCharacter(chars[j]) { j += 1 }
                if j > tokenStart {
                    append(scriptText(String(chars[(i + 1)..<j])), shift)
                    i = j
                    continue
                }
            }
            if c == "*" && i > 0 && chars[i - 1].isLetter && i + 1 < chars.count && chars[i + 1] == "(" {
                append("*", .super)
                i += 1
                continue
            }
            append(String(c), .none)
            i += 1
        }
        return out
    }

    /// Whether `c` continues a script's token: a letter or a digit, but not a Unicode super-
    /// or subscript digit (`h_diff²` squares h_diff, its `²` is not part of the subscript).
    static func isTokenCharacter(_ c: Character) -> Bool {
        guard c.isLetter || c.isNumber else { return false }
        return !c.unicodeScalars.contains { "⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉".unicodeScalars.contains($0) }
    }

    /// The characters a backslash makes literal.
    static let escapable: Set<Character> = ["_", "^", "*", "\\"]

    /// `text` escaped so that it reads as written (no scripts): for names that come from the
    /// user, such as file or dataset names, placed into a label.
    public static func literal(_ text: String) -> String {
        var out = ""
        for c in text {
            if escapable.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// A script's text: a leading ASCII hyphen becomes a minus sign.
    static func scriptText(_ s: String) -> String {
        s.hasPrefix("-") ? "−" + s.dropFirst() : s
    }

    /// The text without markup (scripts inline), e.g. for a `<title>` or a width estimate.
    public static func plain(_ text: String) -> String { runs(text).map(\.text).joined() }

    /// The content of a `<text>` element of font size `size`: escaped text, scripts as
    /// `<tspan baseline-shift="sub|super" font-size="…">`.
    public static func svg(_ text: String, size: Double) -> String {
        var s = ""
        let scriptSize = SVGBuilder.f(size * scriptScale)
        for run in runs(text) {
            switch run.shift {
            case .none: s += xmlEscape(run.text)
            case .sub, .super:
                s += "<tspan baseline-shift=\"\(run.shift.rawValue)\" font-size=\"\(scriptSize)\">" + xmlEscape(run.text) + "</tspan>"
            }
        }
        return s
    }

    /// Estimated rendered width of `text` at font size `size` (scripts at their own size).
    public static func estimatedWidth(_ text: String, size: Double) -> Double {
        runs(text).reduce(0) { w, run in
            w + plainTextWidth(run.text, size: run.shift == .none ? size : size * scriptScale)
        }
    }
}
