import ArgumentParser
import Foundation
import ResNetScaling

/// The `resnet-scaling` command-line tool.
struct ResNetScalingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resnet-scaling",
        abstract: "Deep ResNets in the large-depth regime: scalings α_L = L^-β, initializations, signal propagation.",
        discussion: """
        Implements "Scaling ResNets in the Large-depth Regime" (Marion, Fermanian, Biau, Vert, JMLR 2025).
        At initialization: `simulate` (figures 1-5 and the β × H phase diagram of figure 7) and `paths` \
        (figure 6). After training: `train` (one run; figures 8-9). Grids of runs that resume and scale \
        out to Slurm: `sweep`, then `collect` and `plot`. Speed on this machine: `bench`.
        """,
        version: ToolVersion.current.description,
        subcommands: [Reproduce.self, Simulate.self, Paths.self, DataCommand.self, Train.self, Sweep.self, Collect.self, Plot.self, Bench.self]
    )
}

// Swift strings hold only UTF-8: an argument that is not (a file name in another encoding)
// would reach the commands altered, invalid bytes replaced by U+FFFD, and name another file.
// It is refused before anything runs.
if let bad = CommandLineBytes.firstNonUTF8Argument() {
    FileHandle.standardError.write(Data(("error: argument \(bad.index) (\(bad.shown)) is not valid UTF-8; " +
                                         "file names and values must be UTF-8\n").utf8))
    Foundation.exit(ExitCode.validationFailure.rawValue)
}

// Errors print as one line naming the flag and what is accepted; help and version as usual.
do {
    var command = try ResNetScalingCommand.parseAsRoot()
    try command.run()
} catch {
    let code = ResNetScalingCommand.exitCode(for: error)
    if code == .success || error is CleanExit {
        ResNetScalingCommand.exit(withError: error)
    }
    if let exit = error as? ExitCode {
        Foundation.exit(exit.rawValue)
    }
    let message = ValueMessage.rewrite(ResNetScalingCommand.message(for: error))
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    Foundation.exit(code.rawValue)
}
