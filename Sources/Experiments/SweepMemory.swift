import Foundation
import Resources
import SignalPropagation
import Training

/// The memory a sweep needs: the largest of its cells times the cells run at once (plus the
/// data sets loaded for train cells), checked against the memory limit before cells run.
extension SweepPlan {
    /// The estimated peak memory of one cell run with `threads` threads: a simulate cell's
    /// models (`SimulationSpec.estimatedBytes`), a train cell's run
    /// (`TrainingConfiguration.estimatedBytes`) on the example counts `examples` gives for
    /// its data set (1 and 1 when unknown: the part that does not depend on the data).
    public static func estimatedBytes(_ cell: Cell, threads: Int,
                                      examples: (DatasetKind) -> (train: Int, test: Int)? = { _ in nil }) -> Int {
        switch cell.spec {
        case .simulate(let spec, let models):
            return spec.estimatedBytes(threads: threads, models: models.count)
        case .train(let config):
            return config.estimatedBytes(available: examples(config.dataset) ?? (1, 1), threads: threads)
        }
    }

    /// Throws ``ResourceError/memory(subject:purpose:needed:limit:)`` if running up to `workers`
    /// of `cells` at once, each with `threads` threads, beside `held` bytes already in use (the
    /// loaded data), may need more than `limit`: the largest cell's estimate counts for every worker.
    public func checkMemory(_ cells: [Cell], workers: Int, threads: Int, limit: MemoryLimit, held: Int = 0,
                            examples: (DatasetKind) -> (train: Int, test: Int)? = { _ in nil }) throws {
        var largest: (bytes: Int, cell: Cell)?
        for cell in cells {
            let bytes = Self.estimatedBytes(cell, threads: threads, examples: examples)
            if bytes > (largest?.bytes ?? -1) { largest = (bytes, cell) }
        }
        guard let largest else { return }
        let concurrent = max(1, min(workers, cells.count))
        let needed = Saturating.sum(Saturating.product(concurrent, largest.bytes), held)
        let label = largest.cell.label(axes: axisNames)
        let data = held > 0 ? " beside \(MemoryLimit.format(bytes: held)) of loaded data" : ""
        try limit.check(needed, subject: "sweep", purpose:
            "to run \(concurrent) cell(s) at once with \(threads) thread(s) each\(data) (the largest, cell \(largest.cell.index + 1)\(label.isEmpty ? "" : " " + label), needs about \(MemoryLimit.format(bytes: largest.bytes)))")
    }
}
