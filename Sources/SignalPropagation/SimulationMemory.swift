import ResNets
import Resources

/// What a simulation holds in memory at its peak, estimated before anything is allocated so
/// that a request beyond the memory limit is refused with the numbers (see `MemoryLimit`).
/// All arithmetic saturates: an absurd request gives `Int.max`, never an overflow trap.
extension SimulationSpec {
    /// Bytes per record through a run and its outputs: the record itself twice (per-unit
    /// results, then the flattened list), its CSV row as text and as bytes, and its share of
    /// the summary and figures. Measured rows are ~100 characters; this is a generous average.
    public static let bytesPerRecord = 512

    /// Bytes per unit of work (its cost, its place in the start order, its result slot).
    static let bytesPerUnit = 64

    /// Units of work (depths × initializations × `models`), saturating.
    public func unitCount(models: Int? = nil) -> Int {
        Saturating.product(depths.count, initializations.count, models ?? samples)
    }

    /// Records of a run: units × β × inputs, saturating.
    public func recordCount(models: Int? = nil) -> Int {
        Saturating.product(unitCount(models: models), betas.count, inputsPerModel)
    }

    /// The estimated peak memory in bytes of running `models` models per (depth,
    /// initialization) (default: `samples`) on `threads` threads: the records and their text,
    /// one workspace per running thread at the largest depth (tape, gradients, inputs, and for
    /// correlated initializations the whole model and the sampler's buffers), and the
    /// precomputed samplers of the correlated initializations.
    public func estimatedBytes(threads: Int, models: Int? = nil) -> Int {
        let units = unitCount(models: models)
        let records = recordCount(models: models)
        let workers = max(1, min(threads, units))
        let depth = depths.max() ?? 1
        let batch = Saturating.product(betas.count, inputsPerModel)
        let d = width
        let db = Saturating.product(d, batch)
        // Tape (states: all for res-1, three otherwise; pre-activations for res-2/res-3),
        // two scratch matrices, p_0 and p_L, inputs and targets (drawn and repeated per β).
        let states = Saturating.product(variant == .res1 ? Saturating.sum(depth, 1) : 3, db)
        let preactivations = variant == .res1 ? 0 : Saturating.product(depth, db)
        let io = Saturating.product(3, Saturating.sum(inputDimension, outputDimension), batch)
        let floats = Saturating.sum(states, preactivations, Saturating.product(4, db), io)
        let matrices = variant.hasInnerMatrix ? 2 : 1
        let outer = Saturating.sum(Saturating.product(d, inputDimension), Saturating.product(outputDimension, d))
        // A worker holds one model at a time: the largest over the initializations.
        var modelFloats = 0
        var samplerBytes = 0
        var processBytes = 0
        for initialization in initializations {
            guard let m = initialization.embeddingLength(depth: depth) else {
                // Layer-wise independent: one generated layer at a time, plus A and B.
                modelFloats = max(modelFloats, Saturating.sum(Saturating.product(matrices, d, d), outer))
                continue
            }
            // Correlated: the whole model, and the batched sampler's buffers (160·M bytes + 16·L values).
            modelFloats = max(modelFloats, Saturating.sum(Saturating.product(matrices, depth, d, d), outer))
            samplerBytes = max(samplerBytes, Saturating.sum(Saturating.product(160, m), Saturating.product(128, depth)))
            // Each (initialization, depth) keeps a sampler: ~48 bytes per embedding point while it is built.
            for L in depths {
                processBytes = Saturating.sum(processBytes, Saturating.product(48, initialization.embeddingLength(depth: L) ?? 0))
            }
        }
        let perWorker = Saturating.sum(Saturating.product(4, Saturating.sum(floats, modelFloats)), samplerBytes)
        return Saturating.sum(Saturating.product(records, Self.bytesPerRecord), Saturating.product(units, Self.bytesPerUnit),
                              Saturating.product(workers, perWorker), processBytes)
    }

    /// The setting whose value makes the sizes of a run too large to count in an `Int` (the
    /// estimate saturates), or nil: a spec so large is invalid whatever the memory limit, and
    /// refusing it keeps every buffer size and index below `Int.max`.
    func uncountableSetting() -> String? {
        guard estimatedBytes(threads: 1) == Int.max else { return nil }
        let reductions: [(String, (inout SimulationSpec) -> Void)] = [
            ("width", { $0.width = 1 }), ("depth", { $0.depths = [1] }), ("input-dim", { $0.inputDimension = 1 }),
            ("output-dim", { $0.outputDimension = 1 }), ("inputs", { $0.inputsPerModel = 1 }), ("samples", { $0.samples = 1 }),
        ]
        for (setting, reduce) in reductions {
            var smaller = self
            reduce(&smaller)
            if smaller.estimatedBytes(threads: 1) < Int.max { return setting }
        }
        return "width"
    }
}
