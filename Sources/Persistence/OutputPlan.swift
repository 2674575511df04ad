import Foundation

/// Why the outputs of one command cannot be written together.
public enum OutputPlanError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An output path is unusable on its own (see ``OutputTarget``); `label` names it (a flag).
    case unusable(label: String, AtomicFileError)
    /// Two outputs resolve to the same file (or one lies inside the other's folder).
    case sameFile(label: String, path: String, otherLabel: String, otherPath: String)
    /// Two outputs both go to standard output.
    case bothStandardOutput(label: String, otherLabel: String)
    /// An output is one of the command's input files, or lies in an input folder (`inputIsFolder`).
    case overwritesInput(label: String, path: String, input: String, inputPath: String, inputIsFolder: Bool)
    /// An input lies in a folder the command writes.
    case inputInOutputFolder(input: String, inputPath: String, label: String, path: String)

    public var description: String {
        switch self {
        case let .unusable(label, error): return "\(label): \(error)"
        case let .sameFile(label, path, otherLabel, otherPath):
            return "\(label) '\(path)' and \(otherLabel) '\(otherPath)' are the same file; give each output its own file"
        case let .bothStandardOutput(label, otherLabel):
            return "\(otherLabel) and \(label) both write to standard output ('-'); at most one output may be '-'"
        case let .overwritesInput(label, path, input, inputPath, folder):
            let relation = folder ? "lies inside" : "would overwrite"
            return "\(label) '\(path)' \(relation) \(input) '\(inputPath)', which this command reads; choose another path"
        case let .inputInOutputFolder(input, inputPath, label, path):
            return "\(input) '\(inputPath)' lies inside '\(path)' (\(label)), which this command writes; move it elsewhere"
        }
    }
}

/// The files one command writes and reads, checked together before any work: each output
/// under the policy of ``OutputTarget``; no two outputs resolving to the same file (by
/// resolved path, or by device and inode when it exists); no output that is one of the
/// command's inputs or lies inside an input folder (e.g. a results folder's `cells/`).
/// Outputs and inputs may be added in any order; each addition is checked against the others.
///
/// ```swift
/// var plan = OutputPlan()
/// try plan.input("the table", file: "t.csv")
/// let svg = try plan.output("--out", "t.csv", standardOutput: true)   // throws: overwrites the input
/// ```
public struct OutputPlan: Sendable {
    struct Entry: Sendable {
        var label: String
        var given: String
        var resolved: ResolvedPath?   // nil: standard output
        var isFolder: Bool
    }

    private var outputs: [Entry] = []
    private var inputs: [Entry] = []
    /// The output targets in the order they were added.
    public private(set) var targets: [(label: String, target: OutputTarget)] = []

    public init() {}

    /// True when one output is standard output (the command should then print its own
    /// messages to standard error).
    public var usesStandardOutput: Bool { targets.contains { $0.target.isStandardOutput } }

    /// Adds an output file named `label` in messages; returns its target.
    @discardableResult
    public mutating func output(_ label: String, _ path: String, standardOutput: Bool = false) throws -> OutputTarget {
        let target: OutputTarget
        do { target = try OutputTarget(path, standardOutput: standardOutput) } catch let e as AtomicFileError {
            throw OutputPlanError.unusable(label: label, e)
        }
        try add(output: Entry(label: label, given: path, resolved: target.isStandardOutput ? nil : target.resolved, isFolder: false))
        targets.append((label, target))
        return target
    }

    /// Adds an output folder (everything in it is written by the command): no input may lie in it.
    public mutating func outputFolder(_ label: String, _ path: String) throws {
        try add(output: Entry(label: label, given: path, resolved: ResolvedPath(path), isFolder: true))
    }

    /// Adds an input file (it need not exist yet).
    public mutating func input(_ label: String, file path: String) throws {
        try add(input: Entry(label: label, given: path, resolved: ResolvedPath(path), isFolder: false))
    }

    /// Adds an input folder: the command reads files anywhere in it, so no output may lie in it.
    public mutating func input(_ label: String, folder path: String) throws {
        try add(input: Entry(label: label, given: path, resolved: ResolvedPath(path), isFolder: true))
    }

    private mutating func add(output new: Entry) throws {
        for old in outputs {
            guard let a = new.resolved, let b = old.resolved else {
                if new.resolved == nil && old.resolved == nil {
                    throw OutputPlanError.bothStandardOutput(label: new.label, otherLabel: old.label)
                }
                continue
            }
            if a.isSameFile(as: b) || (old.isFolder && b.contains(a)) || (new.isFolder && a.contains(b)) {
                throw OutputPlanError.sameFile(label: new.label, path: new.given, otherLabel: old.label, otherPath: old.given)
            }
        }
        for input in inputs where Self.overlaps(output: new, input: input) { throw Self.conflict(output: new, input: input) }
        outputs.append(new)
    }

    private mutating func add(input new: Entry) throws {
        for output in outputs where Self.overlaps(output: output, input: new) { throw Self.conflict(output: output, input: new) }
        inputs.append(new)
    }

    private static func conflict(output: Entry, input: Entry) -> OutputPlanError {
        if output.isFolder, let o = output.resolved, let i = input.resolved, !o.isSameFile(as: i), o.contains(i) {
            return .inputInOutputFolder(input: input.label, inputPath: input.given, label: output.label, path: output.given)
        }
        return .overwritesInput(label: output.label, path: output.given, input: input.label, inputPath: input.given,
                                inputIsFolder: input.isFolder)
    }

    private static func overlaps(output: Entry, input: Entry) -> Bool {
        guard let o = output.resolved, let i = input.resolved else { return false }
        return o.isSameFile(as: i) || (input.isFolder && i.contains(o)) || (output.isFolder && o.contains(i))
    }
}
