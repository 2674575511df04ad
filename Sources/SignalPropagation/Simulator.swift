import ResNets
import Stochastic

/// Runs the probes of an experiment at initialization (figures 1–3).
///
/// A unit of work is one (depth, model index): its weights are drawn from the stream
/// (seed; depth, model index) and serve every β at once — the batch has one column per
/// (β, input), column (b, i) scaled by α = L^{-β_b}. Inputs x ~ U[0,1]^{n_in} and targets
/// y ~ U[0,1]^{n_out} are drawn per model and shared by every β. The loss is ‖F(x) − y‖²
/// per input. Layer-wise independent initializations are generated layer by layer (in the
/// forward pass and again in the backward pass), so memory is one layer per thread.
public struct Simulator: Sendable {
    public let spec: SimulationSpec

    public init(spec: SimulationSpec) throws {
        try spec.validate()
        self.spec = spec
    }

    /// Number of units: depths × samples.
    public var unitCount: Int { spec.depths.count * spec.samples }

    /// Units in the order they are reported: depth-major, then model index.
    public func unit(_ index: Int) -> (depth: Int, model: Int) {
        (spec.depths[index / spec.samples], index % spec.samples)
    }

    /// Relative cost of a unit (proportional to its depth), for progress and scheduling.
    public func cost(_ index: Int) -> Double { Double(unit(index).depth) }

    /// Buffers one thread reuses from unit to unit.
    public struct Workspace {
        var tape: ForwardTape<Float>?
        var backward = BackwardResult<Float>()
        var outputGradient: [Float] = []
        public init() {}
    }

    /// The random stream of one model: (seed; depth, model index).
    public func modelStream(depth: Int, model: Int) -> RandomStream {
        RandomStream(seed: spec.seed, coordinates: [UInt64(depth), UInt64(model)])
    }

    /// Runs one unit: one model, every β and input. Records come β-major, then input.
    public func run(unit index: Int, workspace: inout Workspace) -> [ProbeRecord] {
        let (depth, model) = unit(index)
        let config = try! spec.configuration(depth: depth)  // validated in init
        let nBeta = spec.betas.count, nInput = spec.inputsPerModel
        let batch = nBeta * nInput
        let stream = modelStream(depth: depth, model: model)
        let sampler = WeightSampler(configuration: config, initialization: spec.initialization, stream: stream.child(1))

        // Inputs and targets, one draw per input, repeated for every β.
        var x1 = [Float](repeating: 0, count: config.inputDimension * nInput)
        var y1 = [Float](repeating: 0, count: config.outputDimension * nInput)
        var xs = stream.child(2), ys = stream.child(3)
        x1.withUnsafeMutableBufferPointer { xs.fillUniform($0, low: 0, high: 1) }
        y1.withUnsafeMutableBufferPointer { ys.fillUniform($0, low: 0, high: 1) }
        let x = Self.repeatColumns(x1, rows: config.inputDimension, columns: nInput, times: nBeta)
        let y = Self.repeatColumns(y1, rows: config.outputDimension, columns: nInput, times: nBeta)
        var alphas = [Float](repeating: 0, count: batch)
        for (b, beta) in spec.betas.enumerated() {
            for i in 0..<nInput { alphas[b * nInput + i] = Float(Scaling.alpha(depth: depth, beta: beta)) }
        }

        var inputLayer = [Float](repeating: 0, count: config.width * config.inputDimension)
        var outputLayer = [Float](repeating: 0, count: config.outputDimension * config.width)
        inputLayer.withUnsafeMutableBufferPointer { sampler.fillInputLayer($0) }
        outputLayer.withUnsafeMutableBufferPointer { sampler.fillOutputLayer($0) }

        let net = ResNet<Float>(config)
        if workspace.tape == nil { workspace.tape = ForwardTape<Float>(configuration: config, batch: batch) }
        var tape = workspace.tape!
        workspace.tape = nil  // keep the tape uniquely referenced while it is mutated
        var weights = GeneratedResidualWeights<Float>(sampler: sampler)
        net.forward(inputLayer: inputLayer, outputLayer: outputLayer, residual: &weights,
                    inputs: x, batch: batch, alphas: alphas, tape: &tape)
        _ = Losses.squaredError(outputs: tape.outputs, targets: y, rows: config.outputDimension, columns: batch,
                                gradient: &workspace.outputGradient)
        net.backward(inputLayer: inputLayer, outputLayer: outputLayer, residual: &weights, tape: &tape,
                     outputGradient: workspace.outputGradient, parameterGradients: false, into: &workspace.backward)

        var records: [ProbeRecord] = []
        records.reserveCapacity(batch)
        let d = config.width, db = d * batch
        tape.states.withUnsafeBufferPointer { states in
            workspace.backward.inputStateGradient.withUnsafeBufferPointer { p0 in
                workspace.backward.outputStateGradient.withUnsafeBufferPointer { pL in
                    for (b, beta) in spec.betas.enumerated() {
                        for i in 0..<nInput {
                            let metrics = ProbeMetrics.measure(h0: states.baseAddress!, hL: states.baseAddress! + depth * db,
                                                               p0: p0.baseAddress!, pL: pL.baseAddress!,
                                                               rows: d, batch: batch, column: b * nInput + i)
                            records.append(ProbeRecord(depth: depth, beta: beta, modelIndex: model, inputIndex: i, metrics: metrics))
                        }
                    }
                }
            }
        }
        workspace.tape = tape
        return records
    }

    /// Runs every unit on `threads` threads. The result is the same for any thread count.
    /// `progress(fractionDone)` is called as units finish.
    public func run(threads: Int, progress: ((Double) -> Void)? = nil) -> SimulationResult {
        let costs = (0..<unitCount).map(cost)
        let total = costs.reduce(0, +)
        var doneCost = 0.0
        // Deepest first: the long units start early and the tail is short.
        let order = (0..<unitCount).sorted { costs[$0] > costs[$1] || (costs[$0] == costs[$1] && $0 < $1) }
        let perUnit = ParallelRunner.run(
            count: unitCount, threads: threads, order: order,
            makeState: { Workspace() },
            work: { unit, workspace in self.run(unit: unit, workspace: &workspace) },
            progress: { unit in
                // Called under the runner's lock, once per finished unit.
                doneCost += costs[unit]
                progress?(min(1, doneCost / total))
            })
        return SimulationResult(spec: spec, records: perUnit.flatMap { $0 })
    }

    /// Repeats the columns of a rows × columns matrix `times` times side by side.
    static func repeatColumns(_ m: [Float], rows: Int, columns: Int, times: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * columns * times)
        for r in 0..<rows {
            for t in 0..<times {
                for c in 0..<columns { out[r * columns * times + t * columns + c] = m[r * columns + c] }
            }
        }
        return out
    }
}

/// All records of a simulation, in a deterministic order: depth, model, β, input.
public struct SimulationResult: Sendable {
    public let spec: SimulationSpec
    public let records: [ProbeRecord]
}
