import ArgumentParser
import Foundation

/// The `resnet-scaling` command-line tool.
struct ResNetScalingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resnet-scaling",
        abstract: "Deep ResNets in the large-depth regime: scalings α_L = L^-β, initializations, signal propagation.",
        discussion: """
        Implements "Scaling ResNets in the Large-depth Regime" (Marion, Fermanian, Biau, Vert, JMLR 2025).
        Start with `resnet-scaling simulate --help` (figures 1-3: norms and gradients at initialization)
        and `resnet-scaling bench` (speed of the kernels on this machine).
        """,
        subcommands: [Simulate.self, Paths.self, Train.self, Sweep.self, Collect.self, Plot.self, Bench.self]
    )
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
    let message = ResNetScalingCommand.message(for: error)
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    Foundation.exit(code == .success ? 1 : code.rawValue)
}
