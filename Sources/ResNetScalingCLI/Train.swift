import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling train`: one training run on MNIST, Fashion-MNIST or CIFAR-10 (figures 8–9).
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a deep ResNet classifier on MNIST, Fashion-MNIST or CIFAR-10 (figures 8-9).",
        discussion: """
        The model is h_0 = A x, h_{k+1} = h_k + α_L f(h_k), F(x) = B h_L with α_L = L^-β, trained with \
        softmax cross-entropy on minibatches from a seeded permutation per epoch, a StepLR schedule, and \
        Adam (β1 0.9, β2 0.999, ε 1e-8) or SGD with momentum. Pixels are scaled to [0, 1] and flattened. \
        fBm-initialized models get a zero-initialized trainable residual bias, as in the reference.

        After every epoch OUT/metrics.json and OUT/checkpoint.bin are written atomically; --resume \
        continues from the checkpoint to exactly the numbers of an uninterrupted run (with any --threads). \
        A run whose loss becomes non-finite stops and is recorded as diverged (exit status 0).

        Example (one cell of figure 9):
          resnet-scaling train --dataset mnist --data-dir ../shared/data/mnist
            --model res1 --width 30 --depth 1000 --beta 0.5 --init fbm:0.5
            --optimizer adam --lr 1e-3 --lr-step 5 --lr-gamma 0.1 --epochs 10
            --batch-size 128 --seed 0 --out runs/b0.5-H0.5
        """
    )

    @Option(help: ArgumentHelp("Dataset: \(DatasetKind.accepted).", valueName: "name"), transform: Train.dataset)
    var dataset: DatasetKind = .mnist

    @Option(name: .customLong("data-dir"),
            help: ArgumentHelp("Folder of the dataset files (MNIST: train-images-idx3-ubyte[.gz] …; CIFAR-10: data_batch_1.bin … test_batch.bin).",
                               valueName: "dir"))
    var dataDir: String

    @Option(help: OptionHelp.model, transform: OptionParsing.model)
    var model: ResidualVariant = .res1

    @Option(help: OptionHelp.activation, transform: OptionParsing.activation)
    var activation: Activation = .relu

    @Option(parsing: .unconditional, help: OptionHelp.width, transform: OptionParsing.positiveInt)
    var width: Int = 30

    @Option(parsing: .unconditional, help: "Depth L (number of residual layers).", transform: OptionParsing.positiveInt)
    var depth: Int = 1000

    @Option(parsing: .unconditional, help: "Scaling exponent β: α_L = L^-β.", transform: Train.finite)
    var beta: Double = 0.5

    @Option(name: .customLong("init"), help: ArgumentHelp("Initialization: \(Initialization.accepted).", valueName: "name"),
            transform: OptionParsing.initialization)
    var initialization: Initialization = .iidUniform

    @Option(name: .customLong("residual-bias"),
            help: ArgumentHelp("Trainable residual bias: on, off, or auto (on for fbm initializations only).", valueName: "auto|on|off"),
            transform: Train.onOffAuto)
    var residualBias: Bool? = nil

    @Option(help: ArgumentHelp("Optimizer: \(OptimizerKind.accepted).", valueName: "name"), transform: Train.optimizerKind)
    var optimizer: OptimizerKind = .adam

    @Option(parsing: .unconditional, help: "SGD momentum (PyTorch semantics; 0 for plain SGD).", transform: Train.nonNegative)
    var momentum: Double = 0.9

    @Option(parsing: .unconditional, help: "Initial learning rate.", transform: Train.positive)
    var lr: Double = 1e-3

    @Option(name: .customLong("lr-step"), parsing: .unconditional, help: "StepLR: multiply the learning rate by --lr-gamma every this many epochs.",
            transform: OptionParsing.positiveInt)
    var lrStep: Int = 5

    @Option(name: .customLong("lr-gamma"), parsing: .unconditional, help: "StepLR factor.", transform: Train.positive)
    var lrGamma: Double = 0.1

    @Option(parsing: .unconditional, help: "Number of epochs (a resumed run may be extended with a larger value).", transform: OptionParsing.positiveInt)
    var epochs: Int = 10

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Minibatch size.", transform: OptionParsing.positiveInt)
    var batchSize: Int = 128

    @Option(parsing: .unconditional, help: "Random seed (model and minibatch order).", transform: OptionParsing.seed)
    var seed: UInt64 = 0

    @Option(name: .customLong("train-limit"), parsing: .unconditional, help: "Use only the first N training examples.", transform: OptionParsing.positiveInt)
    var trainLimit: Int?

    @Option(name: .customLong("test-limit"), parsing: .unconditional, help: "Use only the first N test examples.", transform: OptionParsing.positiveInt)
    var testLimit: Int?

    @Option(parsing: .unconditional, help: "Worker threads (the numbers do not depend on it).", transform: OptionParsing.threads)
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Output folder (created if missing): metrics.json and checkpoint.bin.", valueName: "dir"))
    var out: String

    @Flag(help: "Continue the run in --out from its checkpoint (starts afresh if there is none).")
    var resume = false

    @Flag(help: "Do not print progress or per-epoch lines.")
    var quiet = false

    @OptionGroup var resources: MemoryOption

    // MARK: Value parsers

    static func dataset(_ text: String) throws -> DatasetKind {
        do { return try DatasetKind(parsing: text) } catch { throw ValidationError("accepted: \(DatasetKind.accepted)") }
    }

    static func optimizerKind(_ text: String) throws -> OptimizerKind {
        guard let kind = OptimizerKind(rawValue: text.lowercased()) else { throw ValidationError("accepted: \(OptimizerKind.accepted)") }
        return kind
    }

    static func finite(_ text: String) throws -> Double {
        guard let v = Double(text), v.isFinite else { throw ValidationError("must be a finite number") }
        return v
    }

    static func positive(_ text: String) throws -> Double {
        guard let v = Double(text), v.isFinite, v > 0 else { throw ValidationError("must be a positive number") }
        return v
    }

    static func nonNegative(_ text: String) throws -> Double {
        guard let v = Double(text), v.isFinite, v >= 0 else { throw ValidationError("must be a non-negative number") }
        return v
    }

    static func onOffAuto(_ text: String) throws -> Bool? {
        switch text.lowercased() {
        case "auto": return nil
        case "on", "true", "yes": return true
        case "off", "false", "no": return false
        default: throw ValidationError("accepted: auto, on, off")
        }
    }

    // MARK: Run

    func run() throws {
        var optimizerSettings = OptimizerSettings(kind: optimizer)
        if optimizer == .sgd { optimizerSettings.momentum = momentum }
        let config = TrainingConfiguration(
            dataset: dataset.rawValue, model: model, activation: activation, width: width, depth: depth, beta: beta,
            initialization: initialization, residualBias: residualBias, optimizer: optimizerSettings, learningRate: lr,
            lrStep: lrStep, lrGamma: lrGamma, epochs: epochs, batchSize: batchSize, seed: seed,
            trainLimit: trainLimit, testLimit: testLimit)
        do { try config.validate() } catch let e as ConfigurationError { throw ValidationError("--\(e.setting): \(e.message)") }
        // Everything that needs no folder is checked first, so that a refused run leaves nothing
        // behind: the model's memory (without the data) and the sampler of a correlated initialization.
        let shape = dataset.shape
        let model = config.estimatedBytes(features: shape.features, classes: shape.classes, trainExamples: 1,
                                          testExamples: 1, threads: threads)
        try resources.check(model, subject: "train", purpose: memoryPurpose(config, shape))
        do { _ = try config.initialization.sequenceProcess(length: depth) } catch {
            throw ValidationError("--init: cannot sample \(config.initialization) at depth \(depth): \(error)")
        }
        // The output folder is checked and locked (and an existing run detected) before the data is loaded.
        let folder = try checkOutputFolder()

        let session: TrainingSession
        do {
            let sets: (train: Dataset, test: Dataset)
            do {
                sets = try dataset.load(directory: dataDir, memoryLimit: resources.limit.remaining(after: model, for: "the model"))
            } catch let e as ResourceError {
                throw e
            } catch { throw ValidationError("--data-dir: \(error)") }
            let trainCount = min(sets.train.count, trainLimit ?? Int.max), testCount = min(sets.test.count, testLimit ?? Int.max)
            let data = Saturating.product(4, sets.train.features, Saturating.sum(sets.train.count, sets.test.count))
            try resources.check(Saturating.sum(data, config.estimatedBytes(features: sets.train.features, classes: sets.train.classes,
                                                                           trainExamples: trainCount, testExamples: testCount,
                                                                           threads: threads)),
                                subject: "train", purpose: memoryPurpose(config, shape) + " on \(trainCount) + \(testCount) examples")
            do {
                session = try TrainingSession(configuration: config, train: sets.train, test: sets.test, directory: out,
                                              resume: resume, threads: threads, lock: folder.lock)
            } catch let e as ConfigurationError {
                throw ValidationError("--\(e.setting): \(e.message)")
            } catch let e as TrainingRunError {
                if case .fewerEpochs = e { throw ValidationError("--epochs: \(e)") }
                throw ValidationError("--out: \(e)")
            } catch {
                throw ValidationError("--out: \(error)")
            }
        } catch {
            folder.abandon()
            throw error
        }
        defer { session.close() }
        let trainer = session.trainer
        if !quiet {
            let state = session.resumed ? "resuming after epoch \(trainer.completedEpochs)" : "new run"
            log("train: \(config.model.rawValue) d=\(width) L=\(depth) β=\(NumberFormat.text(beta)) init=\(initialization) " +
                "\(optimizer.rawValue) lr=\(NumberFormat.text(lr)) on \(trainer.train.count)/\(trainer.test.count) examples, " +
                "\(trainer.parameters.count) parameters, \(threads) thread(s): \(state)")
        }
        let printer = ProgressReporter(label: "train", enabled: !quiet)
        let metrics = try session.run(progress: { p in printer.update { Self.progressLine(p) } }, epochFinished: { outcome in
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
        printer.clear()
        if !quiet {
            if let last = metrics.final {
                print(String(format: "%@ after %d epoch(s): test accuracy %.4f, test loss %.4f → %@",
                             metrics.diverged ? "diverged" : "finished", metrics.completedEpochs, last.testAccuracy,
                             last.testLoss, session.metricsPath))
            } else {
                print("\(metrics.diverged ? "diverged" : "finished") before the first epoch ended → \(session.metricsPath)")
            }
        }
    }

    /// What the model's memory is for, in messages.
    private func memoryPurpose(_ config: TrainingConfiguration, _ shape: (features: Int, classes: Int)) -> String {
        let parameters = config.parameterCount(features: shape.features, classes: shape.classes)
        return "for a model of \(MemoryLimit.format(count: parameters)) parameters (d = \(width), L = \(depth)) with its " +
            "optimizer state, the activations of \(min(batchSize, trainLimit ?? batchSize)) examples and \(MemoryLimit.format(count: epochs)) epoch(s) of metrics"
    }

    /// Fails early if --out cannot be used (a file in the way, an unwritable parent, another
    /// run using it); creates and locks it.
    private func checkOutputFolder() throws -> LockedFolder {
        let fm = FileManager.default
        // The folders this process makes (it may remove them again), outermost first; mkdir
        // tells atomically whether it made each one.
        var created: [String] = []
        var missing: [String] = []
        var path = URL(fileURLWithPath: out).standardizedFileURL
        while !fm.fileExists(atPath: path.path) && path.path != "/" {
            missing.insert(path.path, at: 0)
            path.deleteLastPathComponent()
        }
        for folder in missing {
            if mkdir(folder, 0o777) == 0 {
                created.append(folder)
            } else if errno != EEXIST {
                let reason = String(cString: strerror(errno))
                for made in created.reversed() { rmdir(made) }
                throw ValidationError("--out: cannot create folder '\(folder)': \(reason)")
            }
        }
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: out, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("--out: '\(out)' exists and is not a folder")
        }
        guard fm.isWritableFile(atPath: out) else { throw ValidationError("--out: folder '\(out)' is not writable") }
        let folder: LockedFolder
        do { folder = LockedFolder(path: out, lock: try TrainingSession.lock(out), created: created) } catch {
            throw ValidationError("--out: \(error)")
        }
        do {
            if !resume, fm.fileExists(atPath: (out as NSString).appendingPathComponent(Checkpoint.fileName)) {
                throw ValidationError("--out: '\(out)' already holds a run; pass --resume to continue it or choose another folder")
            }
            try OutputFile.checkWritable((out as NSString).appendingPathComponent(TrainingSession.metricsFileName), flag: "--out")
        } catch {
            folder.abandon()
            throw error
        }
        return folder
    }

    /// The step line shown while an epoch runs.
    static func progressLine(_ p: TrainingProgress) -> String {
        String(format: "epoch %d/%d  step %d/%d  loss %.4f  %.0f examples/s  ETA %@", p.epoch, p.epochs, p.step, p.stepsPerEpoch,
               p.loss, p.examplesPerSecond, p.secondsRemaining.isFinite ? ProgressReporter.duration(p.secondsRemaining) : "?")
    }

    private func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}

/// train's --out folder, locked; `abandon()` undoes the start of a run that failed before
/// writing anything: the lock is released and the folders this process created are removed.
struct LockedFolder {
    let path: String
    let lock: FileLock
    /// Folders made by this process, outermost first.
    let created: [String]

    func abandon() {
        defer { lock.release() }
        guard !created.isEmpty else { return }
        // Still holding the lock, so no other run can be using the file. rmdir fails (and
        // keeps the folder) if anything else has appeared in it.
        unlink((path as NSString).appendingPathComponent(TrainingSession.lockFileName))
        for folder in created.reversed() { rmdir(folder) }
    }
}
