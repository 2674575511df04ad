import ArgumentParser
import Foundation
import ResNetScaling

/// Output files: checked before a run, written atomically after it (temporary file in the
/// same directory, then rename), so a failed or interrupted run leaves no partial file.
enum OutputFile {
    /// Throws a one-line error naming `flag` if `path`'s directory is missing or not writable.
    static func checkWritable(_ path: String, flag: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(flag): directory '\(directory)' does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("\(flag): '\(path)' is a directory, expected a file path")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw ValidationError("\(flag): directory '\(directory)' is not writable")
        }
    }

    /// Writes `text` to `path` atomically.
    static func write(_ text: String, to path: String, flag: String) throws {
        do {
            try AtomicFile.write(Data(text.utf8), to: path)
        } catch {
            throw ValidationError("\(flag): cannot write '\(path)': \(error)")
        }
    }
}
