import Foundation
import Persistence
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The run's live log, `OUT/log.jsonl`: one JSON object per line every `every` training
/// steps, written with one `write(2)` each (nothing is buffered), so that `tail -f` and
/// `pandas.read_json(path, lines=True)` can read it while the run goes on:
///
///     {"step":50,"epoch":1,"loss":2.1034,"learning_rate":0.001,"gradient_norm":0.8123,"examples_per_second":9120.4,"seconds":0.71}
///
/// - `step`: training steps since the start of the run (1-based, across epochs); a line is
///   written when `step` is a multiple of `every`.
/// - `epoch`: the epoch the step belongs to (1-based).
/// - `loss`: the mean training loss over the examples of the steps since the previous line
///   (or the start of the epoch).
/// - `learning_rate`: of that epoch; `gradient_norm`: ‖∇θ‖₂ of the mean loss of the step's
///   minibatch (all parameters); `null` if not finite.
/// - `examples_per_second` over the same steps; `seconds`: time of the run so far (the
///   finished epochs' `seconds` as in `metrics.json`, plus the current epoch's so far).
///
/// A resumed run continues the file: lines past the checkpoint's step (written by the
/// interrupted run after its last checkpoint, perhaps a partial last line) are cut off when
/// the log is opened, so each step appears at most once and the steps increase.
public final class TrainingLog {
    public static let fileName = "log.jsonl"
    /// Steps between two lines unless told otherwise (`--log-every`).
    public static let defaultEvery = 50

    public let path: String
    public let every: Int
    private let descriptor: Int32
    private let trainer: Trainer
    /// Seconds into the epoch at the previous line (the trainer's clock: examples / rate).
    private var windowStart = 0.0
    private var windowLoss = 0.0
    private var windowExamples = 0
    /// The epoch's loss sum and examples at the previous step (the progress reports means).
    private var epochLoss = 0.0
    private var epochExamples = 0

    /// Opens (creating it if missing) `directory/log.jsonl` for the run of `trainer`, which
    /// may have been resumed: lines for steps after the trainer's completed epochs are cut.
    /// The file must be a regular file (a link or anything else there is refused).
    public init(directory: String, every: Int, trainer: Trainer) throws {
        precondition(every > 0)
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        self.every = every
        self.trainer = trainer
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link; only a regular file of the run is written" : String(cString: strerror(errno))
            throw TrainingRunError.outputDirectory(path: directory, reason: "cannot open '\(path)': \(reason)")
        }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw TrainingRunError.outputDirectory(path: directory, reason: "'\(path)' is not a regular file")
        }
        descriptor = fd
        let keep = Self.keptLength(of: FileManager.default.contents(atPath: path) ?? Data(),
                                   throughStep: trainer.completedEpochs * trainer.stepsPerEpoch)
        if keep < Int(status.st_size), ftruncate(fd, off_t(keep)) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TrainingRunError.outputDirectory(path: directory, reason: "cannot cut '\(path)' back to the checkpoint: \(reason)")
        }
    }

    deinit { close(descriptor) }

    /// The length of the leading whole lines of `data` whose `step` is at most `step` (the
    /// lines are in step order; the first line past it, or that cannot be read, ends them).
    static func keptLength(of data: Data, throughStep step: Int) -> Int {
        var kept = 0, start = 0
        let bytes = [UInt8](data)
        while let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes[start..<end])) as? [String: Any],
                  let lineStep = (object["step"] as? NSNumber)?.intValue, lineStep <= step else { break }
            kept = end + 1
            start = end + 1
        }
        return kept
    }

    /// Called after every step with the trainer's progress; writes a line every `every` steps.
    public func record(_ p: TrainingProgress) throws {
        let batch = trainer.configuration.batchSize, count = trainer.train.count
        if p.step == 1 { startEpoch() }
        let seen = min(p.step * batch, count)
        let lossSum = p.loss * Double(seen)
        windowLoss += lossSum - epochLoss
        windowExamples += seen - epochExamples
        epochLoss = lossSum
        epochExamples = seen
        let step = (p.epoch - 1) * p.stepsPerEpoch + p.step
        guard step % every == 0 else { return }
        // The trainer's own clock: its rate is the epoch's examples over its seconds so far.
        let elapsed = p.examplesPerSecond > 0 ? Double(seen) / p.examplesPerSecond : 0
        let examples = min(batch, count - (p.step - 1) * batch)
        let fields: [(String, Double)] = [
            ("loss", windowLoss / Double(max(windowExamples, 1))),
            ("learning_rate", trainer.configuration.schedule.learningRate(epoch: p.epoch - 1)),
            ("gradient_norm", trainer.lastGradientNorm(examples: examples)),
            ("examples_per_second", Double(windowExamples) / max(elapsed - windowStart, 1e-9)),
            ("seconds", trainer.history.map(\.seconds).reduce(0, +) + elapsed),
        ]
        let line = "{\"step\":\(step),\"epoch\":\(p.epoch)," +
            fields.map { "\"\($0.0)\":\($0.1.isFinite ? NumberFormat.shortest($0.1) : "null")" }.joined(separator: ",") + "}\n"
        try append(line)
        windowStart = elapsed
        windowLoss = 0
        windowExamples = 0
    }

    /// A new epoch: its loss sums and the window start again.
    private func startEpoch() {
        windowStart = 0
        windowLoss = 0
        windowExamples = 0
        epochLoss = 0
        epochExamples = 0
    }

    private func append(_ line: String) throws {
        if let failure = DescriptorWrite.all(descriptor, Data(line.utf8)).failure {
            throw TrainingRunError.outputDirectory(path: (path as NSString).deletingLastPathComponent,
                                                   reason: "cannot write '\(path)': \(failure)")
        }
    }
}
