/// Lines of Swift source built one at a time, each at a given indentation (4 spaces a level).
///
/// The kernel files are plain text: the generator appends lines and joins them with `\n`,
/// ending with a newline, exactly as the committed files are laid out.
struct SourceText {
    private(set) var lines: [String] = []

    /// Appends `text` indented by `level` levels (an empty `text` gives an empty line, no spaces).
    mutating func line(_ text: String = "", _ level: Int = 0) {
        lines.append(text.isEmpty ? "" : String(repeating: "    ", count: level) + text)
    }

    /// Appends the lines of `other` unchanged.
    mutating func append(_ other: SourceText) {
        lines += other.lines
    }

    /// The text: every line followed by a newline.
    var text: String {
        lines.map { $0 + "\n" }.joined()
    }
}
