import ArgumentParser
import ResNetScaling

/// `--memory-limit <GB>` of the commands whose memory grows with their input: every estimate
/// of what a request needs is checked against it before anything is allocated.
struct MemoryOption: ParsableArguments {
    @Option(name: .customLong("memory-limit"), parsing: .unconditional,
            help: ArgumentHelp("Refuse requests estimated to need more memory than this many gigabytes (default: half the physical memory, \(MemoryLimit.format(bytes: MemoryLimit.default.bytes)) here).",
                               valueName: "GB"),
            transform: OptionParsing.memoryLimit)
    var memoryLimit: MemoryLimit?

    /// The limit in force.
    var limit: MemoryLimit { memoryLimit ?? .default }

    /// Throws `ResourceError.memory` if `bytes` exceed the limit.
    func check(_ bytes: Int, subject: String, purpose: String) throws {
        try limit.check(bytes, subject: subject, purpose: purpose)
    }
}
