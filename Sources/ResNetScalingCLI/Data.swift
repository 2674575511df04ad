import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling data`: get the datasets and check them.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Fetch and verify the datasets (MNIST, Fashion-MNIST, CIFAR-10).",
        discussion: """
        Checksums (SHA-256) are compiled into the tool, with their sources, in DatasetCatalog. A file \
        is verified when its bytes match the official download's checksum or, for a gzip file, when its \
        decompressed content matches the dataset's content checksum (a copy compressed differently).
        """,
        subcommands: [DataFetch.self, DataVerify.self]
    )
}

/// `resnet-scaling data fetch mnist --dir data/mnist`.
struct DataFetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a dataset into a folder and verify it.",
        discussion: """
        Downloads from the dataset's usual public locations (MNIST: storage.googleapis.com/cvdf-datasets, \
        then ossci-datasets.s3.amazonaws.com; Fashion-MNIST: fashion-mnist.s3-website.eu-central-1.amazonaws.com; \
        CIFAR-10: www.cs.toronto.edu/~kriz, the binary version), or from --mirror. Each file is written to \
        NAME.part, verified against its SHA-256, then renamed into place; an interrupted download is \
        resumed (HTTP Range) by the next attempt or the next run. Files already present are verified and \
        kept, a wrong one is reported and not replaced. CIFAR-10's archive is extracted into \
        DIR/cifar-10-batches-bin and deleted. Progress goes to standard error.

        Example:
          resnet-scaling data fetch mnist --dir data/mnist
        """
    )

    @Argument(help: ArgumentHelp("The dataset: \(DatasetKind.accepted).", valueName: "dataset"), transform: DataFetch.datasetKind)
    var dataset: DatasetKind

    @Option(help: ArgumentHelp("The folder to download into (created if missing).", valueName: "dir"))
    var dir: String

    @Option(help: ArgumentHelp("A base URL to download from instead (http:// or https://; a file's URL is the base followed by its name).",
                               valueName: "url"))
    var mirror: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds without data before an attempt is abandoned.", valueName: "seconds"),
            transform: DataFetch.seconds)
    var timeout: Double = 30

    @Option(parsing: .unconditional, help: ArgumentHelp("Attempts after the first when a transfer stops midway, each resuming it.", valueName: "n"),
            transform: DataFetch.count)
    var retries: Int = 3

    @OptionGroup var resources: MemoryOption

    @Flag(help: "No progress on standard error.")
    var quiet = false

    static func datasetKind(_ text: String) throws -> DatasetKind {
        do { return try DatasetKind(settingText: text) } catch { throw ValidationError("accepted: \(DatasetKind.accepted)") }
    }

    static func seconds(_ text: String) throws -> Double {
        guard let value = Double(text), value.isFinite, value > 0 else { throw ValidationError("must be a positive number of seconds") }
        return value
    }

    static func count(_ text: String) throws -> Int {
        guard let value = Int(text), value >= 0, value <= 100 else { throw ValidationError("must be an integer from 0 to 100") }
        return value
    }

    func run() throws {
        guard !dir.isEmpty else { throw ValidationError("--dir must not be empty") }
        if let mirror {
            do { _ = try HTTPDownloader.url(mirror) } catch { throw ValidationError("--mirror: \(error)") }
        }
        let display = DownloadDisplay(enabled: !quiet)
        let fetcher = DatasetFetcher(
            options: .init(mirror: mirror, timeout: timeout, retries: retries, memoryLimit: resources.limit),
            events: { display.show($0) })
        let entry = DatasetCatalog.entry(dataset)
        print("\(entry.displayName) → \(dir) (from \(try fetcher.mirrors(for: entry).joined(separator: " or ")))")
        let report: FolderVerification
        do { report = try fetcher.fetch(dataset, into: dir) } catch let e as ResourceError { throw e } catch {
            display.endLine()
            throw ValidationError("\(error)")
        }
        display.endLine()
        for line in report.lines { print(line) }
        if report.hasFailures { throw ExitCode(1) }
        if !report.allVerified { throw ExitCode(2) }
    }
}

/// `resnet-scaling data verify DIR [--dataset NAME]`.
struct DataVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a dataset folder against the checksums compiled into the tool.",
        discussion: """
        Checks each file the loader reads (train-images-idx3-ubyte[.gz] … for MNIST and Fashion-MNIST; \
        data_batch_1.bin … test_batch.bin for CIFAR-10, and its archive when present) and prints one \
        line per file: ok (saying which checksum matched: the official download's, or the decompressed \
        content's), MISSING, WRONG (including another dataset's file), UNVERIFIED (no checksum of it is \
        known to this tool version), or UNREADABLE. Without --dataset the folder's dataset is recognized \
        by its files.

        Exit status: 0 when every file is verified, 1 when a file is missing, wrong or unreadable, 2 when \
        the others are verified but some could not be.
        """
    )

    @Argument(help: ArgumentHelp("The dataset folder.", valueName: "dir"))
    var dir: String

    @Option(help: ArgumentHelp("The dataset the folder should hold: \(DatasetKind.accepted) (default: recognized from its files).",
                               valueName: "name"),
            transform: DataFetch.datasetKind)
    var dataset: DatasetKind?

    @OptionGroup var resources: MemoryOption

    func run() throws {
        guard !dir.isEmpty else { throw ValidationError("the dataset folder must not be empty") }
        let verifier = DatasetVerifier(memoryLimit: resources.limit)
        let report: FolderVerification
        do {
            report = try dataset.map { try verifier.verify(dir, as: $0) } ?? verifier.verify(dir)
        } catch let e as VerifyError { throw ValidationError(e.description) }
        for line in report.lines { print(line) }
        if report.hasFailures { throw ExitCode(1) }
        if !report.allVerified { throw ExitCode(2) }
    }
}

/// Shows a fetch's events: results on standard output, progress (bytes, rate, ETA) on standard
/// error through the one `ProgressReporter` (in place on a terminal, every 5 s in a log).
final class DownloadDisplay: Sendable {
    private let progress: ProgressReporter

    init(enabled: Bool) { progress = ProgressReporter(label: "data fetch", enabled: enabled, logInterval: 5, quietSeconds: 0) }

    func show(_ event: FetchEvent) {
        switch event {
        case .present(let v):
            say("\((v.path as NSString).lastPathComponent): already present, \(v.label): \(v.detail)")
        case let .downloading(file, url, from):
            progress.update(force: true) { from > 0 ? "\(file): resuming \(url) from byte \(from)" : "\(file): downloading \(url)" }
        case .progress(let p):
            progress.update { p.line }
        case let .retrying(file, error):
            progress.update(force: true) { "\(file): \(error); retrying" }
        case let .downloaded(v, bytes, seconds):
            let rate = seconds > 0 ? ", \(MemoryLimit.format(bytes: Int(Double(bytes) / seconds)))/s" : ""
            say("\((v.path as NSString).lastPathComponent): \(MemoryLimit.format(bytes: bytes)) in \(ProgressReporter.duration(seconds))\(rate); \(v.detail)")
        case let .extracted(archive, files):
            say("\(archive): extracted \(files.count) files")
        }
    }

    /// Closes a progress line left open on the terminal.
    func endLine() { progress.endLine() }

    private func say(_ line: String) {
        progress.endLine()
        print(line)
        fflush(stdout)
    }
}
