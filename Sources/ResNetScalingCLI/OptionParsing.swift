import ArgumentParser
import ResNetScaling

/// Parsers for option values, each throwing an error that says what is accepted. Numeric
/// options parse with `.unconditional`, so that a negative number is a value (and is refused
/// for what it is) rather than taken for a flag; `main` turns the argument parser's message
/// into "--width must be a positive integer (got -3)".
enum OptionParsing {
    static func positiveInt(_ text: String) throws -> Int {
        guard let value = Int(text), value >= 1 else {
            let tooLong = Int(text) == nil && !text.isEmpty && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
            throw ValidationError(tooLong ? "must be a positive integer below 2^63" : "must be a positive integer")
        }
        return value
    }

    /// A thread or worker count: a positive integer up to `ResourceLimits.maximumThreads`.
    static func threads(_ text: String) throws -> Int {
        let value = try positiveInt(text)
        guard value <= ResourceLimits.maximumThreads else {
            // More never runs faster, and each thread holds its own buffers.
            throw ValidationError("must be at most \(ResourceLimits.maximumThreads)")
        }
        return value
    }

    /// `--memory-limit`: gigabytes (10⁹ bytes), a positive number.
    static func memoryLimit(_ text: String) throws -> MemoryLimit {
        guard let value = Double(text), value.isFinite, value > 0 else {
            throw ValidationError("must be a positive number of gigabytes")
        }
        return try MemoryLimit(gigabytes: value)
    }
}

/// The argument parser reports a refused value as "The value 'V' is invalid for '--flag <name>':
/// REASON"; when REASON is one of our "must …" sentences this reads better as
/// "--flag must … (got V)". Any other message is left as it is.
enum ValueMessage {
    static func rewrite(_ message: String) -> String {
        let prefix = "The value '"
        guard message.hasPrefix(prefix),
              let valueEnd = message.range(of: "' is invalid for '", range: message.index(message.startIndex, offsetBy: prefix.count)..<message.endIndex),
              let flagEnd = message.range(of: "': ", range: valueEnd.upperBound..<message.endIndex) else { return message }
        let value = message[message.index(message.startIndex, offsetBy: prefix.count)..<valueEnd.lowerBound]
        let synopsis = message[valueEnd.upperBound..<flagEnd.lowerBound]
        let reason = message[flagEnd.upperBound...]
        guard reason.hasPrefix("must "), let flag = synopsis.split(separator: " ").first else { return message }
        let shown = value.replacingOccurrences(of: "\n", with: "\\n")  // one line, whatever was typed
        // Messages that already quote the value ("…, got -5") keep it once.
        return reason.contains("got ") ? "\(flag) \(reason)" : "\(flag) \(reason) (got \(shown))"
    }
}
