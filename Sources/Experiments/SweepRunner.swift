import Foundation
import Resources
import SignalPropagation
import Support
import Training

/// What a cell produced.
public struct CellOutput: Sendable {
    public var metrics: [String: Double]?
    public var rows: [[Double]]?
    public var weightPath: WeightPath?

    public init(metrics: [String: Double]? = nil, rows: [[Double]]? = nil, weightPath: WeightPath? = nil) {
        self.metrics = metrics
        self.rows = rows
        self.weightPath = weightPath
    }
}

/// How a process takes part in a sweep.
public struct SweepOptions: Sendable {
    /// Cells run at the same time in this process.
    public var workers = 1
    /// Threads per cell (nil: the spec's `threads`, else cores / workers).
    public var threads: Int?
    public var shard = Shard.all
    /// Run again the cells recorded as failed (by default a failure is a result).
    public var retryFailed = false
    /// What the cells run at once and their data may take together (checked before they run).
    public var memoryLimit = MemoryLimit.default

    public init(workers: Int = 1, threads: Int? = nil, shard: Shard = .all, retryFailed: Bool = false,
                memoryLimit: MemoryLimit = .default) {
        self.workers = workers
        self.threads = threads
        self.shard = shard
        self.retryFailed = retryFailed
        self.memoryLimit = memoryLimit
    }
}

/// What one process did.
public struct SweepReport: Equatable, Sendable {
    /// Cells of this shard.
    public var cells = 0
    /// Ran and recorded done / failed by this process.
    public var completed = 0
    public var failed = 0
    /// Found already recorded.
    public var alreadyDone = 0
    public var alreadyFailed = 0
    /// Held by another process (it will record them).
    public var busy = 0
    /// Found with a record file that cannot be read (so run again, like a missing one).
    public var unreadable = 0

    public var summary: String {
        "\(cells) cell(s) in this shard: \(completed) done and \(failed) failed now, \(alreadyDone) already done, " +
            "\(alreadyFailed) already failed, \(busy) running elsewhere" +
            (unreadable > 0 ? "; \(unreadable) had an unreadable record" : "")
    }
}

/// Where a shard stands, reported whenever a cell starts, ends or is skipped.
public struct SweepProgress: Equatable, Sendable {
    /// Cells of this shard.
    public var cells: Int
    /// Recorded done / failed by this process.
    public var done: Int
    public var failed: Int
    /// Running in this process now.
    public var running: Int
    /// Found recorded already, or running in another process.
    public var skipped: Int
    /// Seconds since the shard started.
    public var elapsed: Double

    public init(cells: Int, done: Int, failed: Int, running: Int, skipped: Int, elapsed: Double) {
        self.cells = cells
        self.done = done
        self.failed = failed
        self.running = running
        self.skipped = skipped
        self.elapsed = elapsed
    }

    /// Cells neither finished here nor skipped.
    public var remaining: Int { cells - done - failed - skipped }

    /// Seconds until the shard ends at the rate of the cells finished so far by this process
    /// (nil before the first one ends).
    public var secondsRemaining: Double? {
        done + failed > 0 ? elapsed / Double(done + failed) * Double(remaining) : nil
    }

    /// `12/500 cells: 10 done, 1 failed, 2 running, 3 skipped; ETA 4m10s`.
    public var line: String {
        "\(cells - remaining)/\(cells) cells: \(done) done, \(failed) failed, \(running) running" +
            (skipped > 0 ? ", \(skipped) skipped (recorded or running elsewhere)" : "") +
            "; ETA \(secondsRemaining.map(ProgressReporter.duration) ?? "?")"
    }
}

/// Runs the unfinished cells of a shard, each under its lock, recording each as it ends.
public final class SweepRunner: @unchecked Sendable {
    public typealias Execute = @Sendable (Cell, _ threads: Int) throws -> CellOutput

    public let plan: SweepPlan
    public let store: ResultStore
    public let options: SweepOptions
    private let execute: Execute
    /// Loads what the default executor needs before any cell runs (nil when `execute` is injected).
    private let prepare: (([Cell]) throws -> Void)?
    private let log: @Sendable (String) -> Void
    private let warn: @Sendable (String) -> Void
    private let lock = NSLock()
    private var report = SweepReport()
    private var running = 0
    private var started = Date()
    /// Gets the shard's progress whenever a cell starts, ends or is skipped (under the runner's lock).
    public var progress: (@Sendable (SweepProgress) -> Void)?

    /// `execute` defaults to running the cell's command (`simulate` probes or a training
    /// run in `store.runDirectory(id)`); tests inject their own. `log` gets progress lines,
    /// `warn` (default: `log`) the problems found in the folder, such as unreadable records.
    public init(plan: SweepPlan, store: ResultStore, options: SweepOptions, execute: Execute? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in }, warn: (@Sendable (String) -> Void)? = nil) {
        self.plan = plan
        self.store = store
        self.options = options
        self.log = log
        self.warn = warn ?? log
        if let execute {
            self.execute = execute
            self.prepare = nil
        } else {
            let datasets = DatasetCache(memoryLimit: options.memoryLimit)
            let dataDirectory = plan.dataDirectory
            let logEvery = plan.logEvery ?? TrainRequest().logEvery
            let source = plan.spec.source
            let threads = SweepRunner.threadsPerCell(plan: plan, options: options)
            self.prepare = { cells in
                try TrainCell.loadDatasets(for: cells, dataDirectory: dataDirectory, datasets: datasets, source: source)
                // With the data loaded, the train cells' estimates are complete.
                try plan.checkMemory(cells, workers: options.workers, threads: threads, limit: options.memoryLimit,
                                     held: datasets.bytes, examples: datasets.counts)
            }
            self.execute = { cell, threads in
                switch cell.spec {
                case .simulate(let spec, let models):
                    let records = try SimulateCell.run(spec, models: models, threads: threads)
                    return CellOutput(rows: records.map { r in
                        [r.beta, Double(r.modelIndex), Double(r.inputIndex), r.metrics.hRatio, r.metrics.hDiff,
                         r.metrics.gradRatio, r.metrics.gradDiff]
                    })
                case .train(let config):
                    let outcome = try TrainCell.run(config, dataDirectory: dataDirectory, directory: store.runDirectory(cell.id),
                                                    threads: threads, logEvery: logEvery, datasets: datasets)
                    return CellOutput(metrics: outcome.metrics, weightPath: outcome.weightPath)
                }
            }
        }
    }

    /// Threads per cell.
    public var threadsPerCell: Int { Self.threadsPerCell(plan: plan, options: options) }

    /// Threads per cell: `options.threads`, else the spec's `threads`, else cores / workers.
    public static func threadsPerCell(plan: SweepPlan, options: SweepOptions) -> Int {
        if let t = options.threads { return t }
        if let t = plan.threads { return t }
        return max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, options.workers))
    }

    /// Runs the shard to the end and reports what happened.
    public func run() throws -> SweepReport {
        let cells = plan.cells(in: options.shard)
        // A record that cannot be read (truncated by a full disk, edited by hand) is said
        // up front, and its cell runs again like a missing one.
        // Each record is read once here: to warn about it, and to know the cells still to run.
        var unreadable = 0
        var pending: [Cell] = []
        for cell in cells {
            let record: CellRecord?
            switch store.lookup(cell.id) {
            case .unreadable(let reason):
                warn(store.unreadableWarning(cell.id, reason: reason))
                unreadable += 1
                record = nil
            case .none: record = nil
            case .record(let r): record = r
            }
            if finished(record) == nil { pending.append(cell) }
        }
        // A wrong or missing data folder stops the sweep before anything is recorded (it is not
        // a property of any cell, and recording it would leave permanent "failed" records).
        try prepare?(pending)
        try store.register(plan)
        report = SweepReport()
        report.cells = cells.count
        started = Date()
        report.unreadable = unreadable
        var firstError: Error?
        let threads = threadsPerCell
        let axisNames = plan.axisNames
        // Cells are handed out in order to `options.workers` threads of the one worker pool.
        _ = WorkerPool.map(count: cells.count, threads: options.workers, makeState: { () }, work: { i, _ in
            self.lock.lock()
            let stop = firstError != nil
            self.lock.unlock()
            guard !stop else { return }
            do {
                try self.process(cells[i], threads: threads, total: self.plan.cells.count, axisNames: axisNames)
            } catch {
                // Store errors (unwritable folder…) stop the sweep; cell errors never get here.
                self.lock.lock()
                if firstError == nil { firstError = error }
                self.lock.unlock()
            }
        })
        if let firstError { throw firstError }
        return report
    }

    private func finished(_ record: CellRecord?) -> CellRecord.Status? {
        guard let record else { return nil }
        if record.status == .failed && options.retryFailed { return nil }
        return record.status
    }

    private func count(running change: Int = 0, _ update: (inout SweepReport) -> Void = { _ in }) {
        lock.lock()
        defer { lock.unlock() }
        update(&report)
        running += change
        progress?(SweepProgress(cells: report.cells, done: report.completed, failed: report.failed, running: running,
                                skipped: report.alreadyDone + report.alreadyFailed + report.busy,
                                elapsed: Date().timeIntervalSince(started)))
    }

    private func process(_ cell: Cell, threads: Int, total: Int, axisNames: [String]) throws {
        func skip(_ status: CellRecord.Status) {
            count { status == .done ? ($0.alreadyDone += 1) : ($0.alreadyFailed += 1) }
        }
        if let status = finished(store.record(cell.id)) { return skip(status) }
        guard let cellLock = try store.tryLock(cell.id) else {
            count { $0.busy += 1 }
            log("cell \(cell.index + 1)/\(total) \(cell.id.prefix(12)) is running in another process")
            return
        }
        defer { cellLock.release() }
        // Another process may have finished it between the check and the lock.
        if let status = finished(store.record(cell.id)) { return skip(status) }

        let label = cell.label(axes: axisNames)
        log("cell \(cell.index + 1)/\(total) \(cell.id.prefix(12)) \(label): started")
        count(running: 1)
        let started = Date()
        var record = CellRecord(cell: cell, status: .done, host: ProcessInfo.processInfo.hostName,
                                pid: ProcessInfo.processInfo.processIdentifier, started: ISO8601DateFormatter().string(from: started),
                                seconds: 0)
        do {
            let output = try execute(cell, threads)
            record.metrics = output.metrics
            record.rows = output.rows
            record.weightPath = output.weightPath
        } catch {
            record.status = .failed
            record.error = "\(error)"
        }
        record.seconds = Date().timeIntervalSince(started)
        try store.write(record)
        count(running: -1) { record.status == .done ? ($0.completed += 1) : ($0.failed += 1) }
        let outcome = record.status == .done ? "done" : "FAILED: \(record.error ?? "")"
        log(String(format: "cell %d/%d %@ %@: %@ (%.1f s)", cell.index + 1, total, String(cell.id.prefix(12)), label, outcome,
                   record.seconds))
    }
}
