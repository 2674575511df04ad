import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling train`: one training run on MNIST, Fashion-MNIST or CIFAR-10 (figures 8–9).
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a deep ResNet classifier on MNIST, Fashion-MNIST or CIFAR-10 (figures 8-9).",
        usage: "resnet-scaling train --data-dir <dir> --out <dir> [--<setting> <value> ...] [--resume] [--quiet] [--memory-limit <GB>]",
        discussion: """
        The model is h_0 = A x, h_{k+1} = h_k + α_L f(h_k), F(x) = B h_L with α_L = L^-β, trained with \
        softmax cross-entropy on minibatches from a seeded permutation per epoch, a StepLR schedule, and \
        Adam (β1 0.9, β2 0.999, ε 1e-8) or SGD with momentum. Pixels are scaled to [0, 1] and flattened. \
        fBm-initialized models get a zero-initialized trainable residual bias, as in the reference.

        Every --log-every steps (default 50) a JSON line goes to OUT/log.jsonl (step, epoch, loss, \
        learning_rate, gradient_norm, examples_per_second, seconds), written as it happens: tail -f it, or read it \
        with pandas.read_json(path, lines=True); a resumed run cuts the lines past its checkpoint and appends. \
        OUT/weights.safetensors (A, V [L,d,d], W, bias, B; NumPy/PyTorch read it) is written at initialization \
        and after every epoch, OUT/weights-initial.safetensors once. \
        After every epoch OUT/metrics.json and OUT/checkpoint.bin are written atomically; --resume \
        continues from the checkpoint to exactly the numbers of an uninterrupted run (with any --threads). \
        A run whose loss becomes non-finite stops and is recorded as diverged (exit status 0).

        Example (one cell of figure 9):
          resnet-scaling train --dataset mnist --data-dir ../shared/data/mnist
            --model res1 --width 30 --depth 1000 --beta 0.5 --init fbm:0.5
            --optimizer adam --lr 1e-3 --lr-step 5 --lr-gamma 0.1 --epochs 10
            --batch-size 128 --seed 0 --out runs/b0.5-H0.5

        """ + RunSettings.help(TrainRequest.settings)
    )

    @Argument(parsing: .allUnrecognized, help: .hidden, completion: .list(RunSettings.flags(TrainRequest.settings)))
    var settings: [String] = []

    @Option(help: ArgumentHelp("Output folder (created if missing): metrics.json and checkpoint.bin.", valueName: "dir"))
    var out: String

    @Flag(help: "Continue the run in --out from its checkpoint (starts afresh if there is none).")
    var resume = false

    @Flag(help: "Do not print progress or per-epoch lines.")
    var quiet = false

    @OptionGroup var resources: MemoryOption

    // MARK: Run

    func run() throws {
        let request = try RunSettings.parse(TrainRequest.settings, settings)
        let config = request.configuration
        guard let dataDir = request.dataDirectory else { throw ValidationError("--data-dir: the folder of the dataset files is required") }
        let threads = request.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let dataset = config.dataset
        // Everything that needs no folder is checked first, so that a refused run leaves nothing
        // behind: the model's memory (without the data) and the sampler of a correlated initialization.
        let shape = dataset.shape
        let model = config.estimatedBytes(threads: threads)
        try resources.check(model, subject: "train", purpose: memoryPurpose(config, shape))
        do { _ = try config.initialization.sequenceProcess(length: config.depth) } catch {
            throw ValidationError("--init: cannot sample \(config.initialization) at depth \(config.depth): \(error)")
        }
        // The folder is created and locked (and an existing run detected) before the data is
        // loaded; a run refused before it writes anything leaves nothing behind.
        let printer = ProgressReporter(label: "train", enabled: !quiet)
        let metrics: MetricsDocument
        do {
            metrics = try TrainingRun.run(config, in: out, resume: resume, threads: threads, logEvery: request.logEvery, loadData: {
                let sets: (train: Dataset, test: Dataset)
                do {
                    sets = try dataset.load(directory: dataDir, memoryLimit: resources.limit.remaining(after: model, for: "the model"))
                } catch let e as ResourceError {
                    throw e
                } catch { throw ValidationError("--data-dir: \(error)") }
                let available = (train: sets.train.count, test: sets.test.count)
                let used = config.examplesUsed(of: available)
                try resources.check(Saturating.sum(Dataset.bytes(sets), config.estimatedBytes(available: available, features: sets.train.features,
                                                                                              classes: sets.train.classes, threads: threads)),
                                    subject: "train", purpose: memoryPurpose(config, shape) + " on \(used.train) + \(used.test) examples")
                return sets
            }, started: { session in
                guard !quiet else { return }
                let trainer = session.trainer
                let state = session.resumed ? "resuming after epoch \(trainer.completedEpochs)" : "new run"
                log("train: \(config.model.rawValue) d=\(config.width) L=\(config.depth) β=\(NumberFormat.text(config.beta)) " +
                    "init=\(config.initialization) \(config.optimizer.kind.rawValue) lr=\(NumberFormat.text(config.learningRate)) " +
                    "on \(trainer.train.count)/\(trainer.test.count) examples, \(trainer.parameters.count) parameters, " +
                    "\(threads) thread(s): \(state)")
            }, progress: { p in printer.update { Self.progressLine(p) } }, epochFinished: { outcome in
                printer.clear()
                guard !quiet else { return }
                switch outcome {
                case .completed(let m):
                    log(String(format: "epoch %d/%d: lr %@  train loss %.4f  acc %.4f  |  test loss %.4f  acc %.4f  (%.1f s)",
                               m.epoch, config.epochs, NumberFormat.text(m.learningRate), m.trainLoss, m.trainAccuracy,
                               m.testLoss, m.testAccuracy, m.seconds))
                case .diverged(let d):
                    log("epoch \(d.epoch), step \(d.step): \(d.reason); the run is recorded as diverged")
                }
            })
        } catch let e as ConfigurationError {
            throw ValidationError("--\(e.setting): \(e.message)")
        } catch let e as TrainingRunError {
            if case .fewerEpochs = e { throw ValidationError("--epochs: \(e)") }
            throw ValidationError("--out: \(e)")
        } catch let e as CheckpointError {
            throw ValidationError("--out: \(e)")
        }
        printer.clear()
        if !quiet {
            let metricsPath = (out as NSString).appendingPathComponent(TrainingSession.metricsFileName)
            if let last = metrics.final {
                print(String(format: "%@ after %d epoch(s): test accuracy %.4f, test loss %.4f → %@",
                             metrics.diverged ? "diverged" : "finished", metrics.completedEpochs, last.testAccuracy,
                             last.testLoss, metricsPath))
            } else {
                print("\(metrics.diverged ? "diverged" : "finished") before the first epoch ended → \(metricsPath)")
            }
        }
    }

    /// What the model's memory is for, in messages.
    private func memoryPurpose(_ config: TrainingConfiguration, _ shape: (features: Int, classes: Int)) -> String {
        let parameters = config.parameterCount(features: shape.features, classes: shape.classes)
        return "for a model of \(MemoryLimit.format(count: parameters)) parameters (d = \(config.width), L = \(config.depth)) with its " +
            "optimizer state, the activations of \(min(config.batchSize, config.trainLimit ?? config.batchSize)) examples and " +
            "\(MemoryLimit.format(count: config.epochs)) epoch(s) of metrics"
    }

    /// The step line shown while an epoch runs.
    static func progressLine(_ p: TrainingProgress) -> String {
        String(format: "epoch %d/%d  step %d/%d  loss %.4f  %.0f examples/s  ETA %@", p.epoch, p.epochs, p.step, p.stepsPerEpoch,
               p.loss, p.examplesPerSecond, p.secondsRemaining.isFinite ? ProgressReporter.duration(p.secondsRemaining) : "?")
    }

    private func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
