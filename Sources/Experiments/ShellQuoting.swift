import Foundation

/// Words for generated shell scripts: every value written into a job script goes through
/// ``quote(_:)``, so that the script runs exactly the intended command whatever the value
/// holds.
///
/// A value is written in single quotes, in which a POSIX shell takes every byte literally —
/// newlines, `$(…)`, backquotes, `\`, `;`, `"`, bytes that are not UTF-8 — and each `'` of
/// the value becomes `'\''` (close the quotes, an escaped quote, reopen them). Only NUL
/// cannot be passed: no program argument can hold it, so it is refused.
///
/// ```swift
/// try ShellQuoting.quote("it's $(here)\n")   // 'it'\''s $(here)
///                                            // '
/// ```
public enum ShellQuoting {
    /// The bytes as one shell word (see the type's description); throws for a NUL byte.
    public static func quote<Bytes: Sequence>(bytes: Bytes) throws -> [UInt8] where Bytes.Element == UInt8 {
        let quote = UInt8(ascii: "'")
        var word: [UInt8] = [quote]
        for byte in bytes {
            switch byte {
            case 0:
                throw SpecError(source: "job script", key: "", "a value holds a NUL byte, which no command argument can carry")
            case quote:
                word += Array("'\\''".utf8)
            default:
                word.append(byte)
            }
        }
        word.append(quote)
        return word
    }

    /// `value` (as UTF-8) as one shell word.
    public static func quote(_ value: String) throws -> String {
        String(decoding: try quote(bytes: value.utf8), as: UTF8.self)
    }
}
