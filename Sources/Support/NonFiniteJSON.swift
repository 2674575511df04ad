import Foundation

/// The JSON coders of the tool's files (sweep records, training metrics and checkpoints, the
/// limits' stored values). Non-finite numbers are results here (an exploded run's values), so
/// they are written as the strings `"inf"`, `"-inf"` and `"nan"` instead of making encoding
/// fail, and read back from them.
public enum NonFiniteJSON {
    /// The strings standing for +∞, −∞ and NaN.
    public static let positiveInfinity = "inf", negativeInfinity = "-inf", nan = "nan"

    /// An encoder with `formatting` (sorted keys by default, so equal values give equal bytes).
    public static func encoder(_ formatting: JSONEncoder.OutputFormatting = [.sortedKeys]) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = formatting
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: positiveInfinity,
                                                                negativeInfinity: negativeInfinity, nan: nan)
        return e
    }

    /// A decoder that reads the three strings back as numbers.
    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: positiveInfinity,
                                                                  negativeInfinity: negativeInfinity, nan: nan)
        return d
    }
}
