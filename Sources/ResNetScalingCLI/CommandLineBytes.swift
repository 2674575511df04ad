import Foundation
import ResNetScaling

/// The raw bytes of the command line, before Swift decodes them.
enum CommandLineBytes {
    /// The first argument (1-based, after the program name) that is not valid UTF-8, with
    /// its bytes shown printable (`\xNN` for bytes outside printable ASCII).
    static func firstNonUTF8Argument() -> (index: Int, shown: String)? {
        for i in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[i] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
                                            count: strlen(pointer))
            if !isUTF8(bytes) { return (i, shown(bytes)) }
        }
        return nil
    }

    static func isUTF8<Bytes: Sequence>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        InputFile.firstInvalidUTF8Offset(bytes) == nil
    }

    static func shown<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = ""
        for b in bytes {
            if (0x20..<0x7F).contains(b) && b != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                text += String(format: "\\x%02X", b)
            }
        }
        return text
    }
}
