/// A file of `Sources/DenseKernels` that the generator writes: its name and its whole text.
public struct GeneratedFile: Sendable {
    public var name: String
    public var contents: String
}

/// Every generated file of `Sources/DenseKernels`, in the order they are written.
public func generatedKernelFiles() -> [GeneratedFile] {
    [
        GeneratedFile(name: "MicroKernels.swift", contents: microKernelsSource()),
        GeneratedFile(name: "DotKernels.swift", contents: dotKernelsSource()),
    ]
}

/// Where two texts first differ: the 1-based line number and that line in each (`nil` past
/// the end of a text), or `nil` when they are equal byte for byte.
public struct LineDifference: Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var expected: String?
    public var actual: String?

    public var description: String {
        func show(_ text: String?) -> String { text.map { "\"\($0)\"" } ?? "(end of file)" }
        return "line \(line): generated \(show(expected)), file has \(show(actual))"
    }
}

/// The first line where `actual` differs from `expected`; `nil` when the texts are equal.
///
/// Lines are split on `\n` only, so a `\r` or a missing final newline counts as a difference
/// (the comparison is of bytes, the line number is for the reader).
public func firstDifference(expected: String, actual: String) -> LineDifference? {
    if expected.utf8.elementsEqual(actual.utf8) { return nil }
    let e = expected.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let a = actual.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    var i = 0
    while i < e.count, i < a.count, e[i].elementsEqual(a[i]) { i += 1 }
    func line(_ lines: [Substring.UTF8View], _ i: Int) -> String? {
        i < lines.count ? String(decoding: lines[i], as: UTF8.self) : nil
    }
    return LineDifference(line: i + 1, expected: line(e, i), actual: line(a, i))
}
