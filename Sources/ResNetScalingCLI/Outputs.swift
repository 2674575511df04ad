import ArgumentParser
import Foundation
import ResNetScaling

/// The files one command writes, under Persistence's output policy (``OutputPlan``): every
/// output is resolved and checked before any work (a new or regular file, a link followed
/// to one, `-` for standard output; nothing else), against the other outputs and against the
/// command's inputs; after the work they are written together. Errors name the flag.
struct Outputs {
    private var plan = OutputPlan()

    /// Adds a stream output (CSV, SVG): `-` is standard output. A nil path is skipped.
    mutating func file(_ flag: String, _ path: String?) throws {
        guard let path else { return }
        try checked { _ = try plan.output(flag, path, standardOutput: true) }
    }

    /// Adds a file the command reads.
    mutating func input(_ label: String, file path: String) throws {
        try checked { try plan.input(label, file: path) }
    }

    /// Adds the own files of a results folder the command reads (manifest, cells, runs, …).
    mutating func input(resultsFolder directory: String) throws {
        for entry in ResultStore.ownEntries(of: directory) {
            try checked {
                if entry.isFolder { try plan.input(entry.description, folder: entry.path) } else {
                    try plan.input(entry.description, file: entry.path)
                }
            }
        }
    }

    /// Adds a file or folder the command writes without a flag of its own (e.g. a results
    /// folder's manifest and cells), so that no input may lie in it.
    mutating func folder(_ label: String, _ path: String) throws {
        try checked { try plan.outputFolder(label, path) }
    }

    /// True when an output goes to standard output.
    var usesStandardOutput: Bool { plan.usesStandardOutput }

    /// Prints one of the command's own messages: on standard output, or on standard error
    /// when an output is written to standard output (so that it stays clean).
    func say(_ line: String) {
        if usesStandardOutput {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            print(line)
        }
    }

    /// Writes the outputs (`files` by flag, each added before): files atomically, then
    /// standard output. If a file fails, the files this call created are removed again.
    func writeAll(_ files: [(flag: String, text: String)]) throws {
        let targets = Dictionary(plan.targets.map { ($0.label, $0.target) }, uniquingKeysWith: { a, _ in a })
        let ordered = files.compactMap { file in targets[file.flag].map { (file.flag, $0, file.text) } }
            .sorted { !$0.1.isStandardOutput && $1.1.isStandardOutput }
        var created: [String] = []
        do {
            for (flag, target, text) in ordered {
                do { try target.write(text) } catch { throw ValidationError("\(flag): \(error)") }
                if !target.isStandardOutput && !target.existed { created.append(target.path) }
            }
        } catch {
            for path in created { unlink(path) }
            throw error
        }
    }

    private func checked(_ body: () throws -> Void) throws {
        do { try body() } catch let e as OutputPlanError { throw ValidationError(e.description) }
    }
}
