// `swift run generate-kernels [--check] DIRECTORY`: writes (or, with --check, compares) the
// generated kernel files of Sources/DenseKernels. See Sources/KernelGenerator/README.md.
import Foundation
import KernelGenerator

/// A one-line reason the tool stops, printed to standard error.
struct Failure: Error, CustomStringConvertible {
    var description: String
}

let usage = "usage: swift run generate-kernels [--check] DIRECTORY (normally Sources/DenseKernels)"

/// The kind of the file system entry at `path`, not following a symbolic link (`lstat`), or
/// `nil` when there is none.
func entryType(_ path: String) -> FileAttributeType? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
}

func run(_ arguments: [String]) throws {
    var check = false
    var directories: [String] = []
    for argument in arguments {
        switch argument {
        case "--check": check = true
        case "-h", "--help":
            print(usage)
            return
        default:
            if argument.hasPrefix("-") { throw Failure(description: "generate-kernels: unknown option '\(argument)'; \(usage)") }
            directories.append(argument)
        }
    }
    guard directories.count == 1 else { throw Failure(description: "generate-kernels: expected one DIRECTORY; \(usage)") }
    let directory = directories[0]
    guard entryType(directory) == .typeDirectory else {
        throw Failure(description: "generate-kernels: '\(directory)' is not a directory (give Sources/DenseKernels)")
    }
    // Every target is checked (and read) before anything is written, so a refusal leaves
    // the folder as it was.
    let targets = try generatedKernelFiles().map { file -> (path: String, file: GeneratedFile, current: String?) in
        let path = (directory as NSString).appendingPathComponent(file.name)
        let type = entryType(path)
        // Only ever replace a regular file (or create a new one): never a link, folder or device.
        if let type, type != .typeRegular {
            throw Failure(description: "generate-kernels: '\(path)' is not a regular file; refusing to replace it")
        }
        return (path, file, type == nil ? nil : try String(contentsOfFile: path, encoding: .utf8))
    }
    var stale: [String] = []
    for (path, file, current) in targets {
        guard let difference = firstDifference(expected: file.contents, actual: current ?? "") else {
            print("\(path) is up to date")
            continue
        }
        if check {
            stale.append("\(path): \(current == nil ? "missing" : difference.description)")
        } else {
            try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            print("wrote \(path)")
        }
    }
    if !stale.isEmpty {
        throw Failure(description: (stale + ["generate-kernels: run `swift run generate-kernels \(directory)` to regenerate"]).joined(separator: "\n"))
    }
}

do {
    try run(Array(CommandLine.arguments.dropFirst()))
} catch let failure as Failure {
    FileHandle.standardError.write(Data((failure.description + "\n").utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("generate-kernels: \(error.localizedDescription)\n".utf8))
    exit(1)
}
