import Foundation
import XCTest

/// Runs the built `resnet-scaling` under `/usr/bin/timeout`, so that a command that blocks
/// (on a FIFO, say) fails the test instead of hanging it.
enum ToolProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// The lines of standard error.
        var errorLines: [Substring] { stderr.split(separator: "\n") }
    }

    static let timeoutSeconds = 120

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["--kill-after=5", String(timeoutSeconds), CommandLineTests.executable.path] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently: a large standard output must not block the tool.
        final class Box: @unchecked Sendable { var data = Data() }
        let stdout = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stdout.data = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout.data, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}
