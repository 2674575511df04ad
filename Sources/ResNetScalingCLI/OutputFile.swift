import ArgumentParser
import Foundation
import ResNetScaling

/// Output files: checked before a run, written atomically after it, so a failed or
/// interrupted run leaves no partial file. Errors name the flag.
enum OutputFile {
    static func checkWritable(_ path: String, flag: String) throws {
        do { try AtomicFile.checkWritable(path) } catch { throw ValidationError("\(flag): \(error)") }
    }

    static func write(_ text: String, to path: String, flag: String) throws {
        do { try AtomicFile.write(text, to: path) } catch { throw ValidationError("\(flag): \(error)") }
    }
}
