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

    /// Writes every file atomically; if one fails, removes the ones written before it that
    /// did not exist before the call, and rethrows.
    static func writeAll(_ files: [(flag: String, path: String, text: String)]) throws {
        var created: [String] = []
        do {
            for file in files {
                let existed = FileManager.default.fileExists(atPath: file.path)
                try write(file.text, to: file.path, flag: file.flag)
                if !existed { created.append(file.path) }
            }
        } catch {
            for path in created { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
    }
}
