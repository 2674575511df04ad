import Dispatch
import Foundation
import ResNets
import Stochastic
import Support

/// Runs the probes of an experiment at initialization (figures 1–7).
///
/// A unit of work is one (depth, initialization, model index): its weights are drawn from
/// the stream (seed; depth, model index, initialization coordinates) and serve every β at once — the batch has one column per
/// (β, input), column (b, i) scaled by α = L^{-β_b}. Inputs x ~ U[0,1]^{n_in} and targets
/// y ~ U[0,1]^{n_out} are drawn per model and shared by every β. The loss is ‖F(x) − y‖²
/// per input. Layer-wise independent initializations are generated layer by layer (in the
/// forward pass and again in the backward pass), so memory is one layer per thread;
/// correlated ones (fBm, smooth) are drawn whole, one model per thread.
public struct Simulator: Sendable {
    public let spec: SimulationSpec
    /// Samplers of the correlated initializations, built once per (initialization, depth)
    /// and shared read-only by the threads.
    private let processes: [ProcessKey: LayerSequenceProcess]

    private struct ProcessKey: Hashable { let initialization: Initialization; let depth: Int }

    public init(spec: SimulationSpec) throws {
        try spec.validate()
        self.spec = spec
        var processes: [ProcessKey: LayerSequenceProcess] = [:]
        for initialization in spec.initializations where !initialization.isLayerwiseIndependent {
            for depth in spec.depths {
                do {
                    processes[ProcessKey(initialization: initialization, depth: depth)] =
                        try initialization.sequenceProcess(length: depth)
                } catch {
                    throw ConfigurationError(setting: "init", "cannot sample \(initialization) at depth \(depth): \(error)")
                }
            }
        }
        self.processes = processes
    }

    /// Number of units: depths × initializations × samples.
    public var unitCount: Int { spec.depths.count * spec.initializations.count * spec.samples }

    /// Units in the order they are reported: depth-major, then initialization, then model.
    public func unit(_ index: Int) -> (depth: Int, initialization: Initialization, model: Int) {
        let perDepth = spec.initializations.count * spec.samples
        return (spec.depths[index / perDepth], spec.initializations[(index % perDepth) / spec.samples], index % spec.samples)
    }

    /// Relative cost of a unit (proportional to its depth), for progress and scheduling.
    public func cost(_ index: Int) -> Double { Double(unit(index).depth) }

    /// Buffers one thread reuses from unit to unit.
    public struct Workspace {
        var tape: ForwardTape<Float>?
        var backward = BackwardResult<Float>()
        var outputGradient: [Float] = []
        /// The last correlated model drawn (its buffers are reused for the next one).
        var parameters: ResNetParameters<Float>?
        /// Time spent in each phase by this thread.
        var timings = PhaseTimings()
        public init() {}
    }

    /// The random stream of one model: (seed; depth, model index, initialization coordinates).
    public func modelStream(depth: Int, model: Int, initialization: Initialization) -> RandomStream {
        RandomStream(seed: spec.seed, coordinates: [UInt64(depth), UInt64(model)] + initialization.streamCoordinates)
    }

    /// Runs one unit: one model, every β and input. Records come β-major, then input.
    public func run(unit index: Int, workspace: inout Workspace) -> [ProbeRecord] {
        let (depth, initialization, model) = unit(index)
        let config = try! spec.configuration(depth: depth)  // validated in init
        let nBeta = spec.betas.count, nInput = spec.inputsPerModel
        let batch = nBeta * nInput
        let stream = modelStream(depth: depth, model: model, initialization: initialization)
        let process = processes[ProcessKey(initialization: initialization, depth: depth)]
        // Cannot throw: the process, when needed, was built in init.
        let sampler = try! WeightSampler(configuration: config, initialization: initialization, stream: stream.child(1),
                                         process: process)

        // Inputs and targets, one draw per input, repeated for every β.
        var x1 = [Float](repeating: 0, count: config.inputDimension * nInput)
        var y1 = [Float](repeating: 0, count: config.outputDimension * nInput)
        var xs = stream.child(2), ys = stream.child(3)
        x1.withUnsafeMutableBufferPointer { xs.fillUniform($0, low: 0, high: 1) }
        y1.withUnsafeMutableBufferPointer { ys.fillUniform($0, low: 0, high: 1) }
        let x = Self.repeatColumns(x1, rows: config.inputDimension, columns: nInput, times: nBeta)
        let y = Self.repeatColumns(y1, rows: config.outputDimension, columns: nInput, times: nBeta)
        // Columns are grouped by β (one group of inputs per β); the network turns β into α.
        let scaling = BranchScaling.betas(spec.betas, columnsEach: nInput)

        // The probes need no parameter gradient, so res-2/res-3 tapes keep only h_0 and h_L.
        if workspace.tape == nil { workspace.tape = ForwardTape<Float>(configuration: config, batch: batch, keepsAllStates: false) }
        var tape = workspace.tape!
        workspace.tape = nil  // keep the tape uniquely referenced while it is mutated
        if initialization.isLayerwiseIndependent {
            var inputLayer = [Float](repeating: 0, count: config.width * config.inputDimension)
            var outputLayer = [Float](repeating: 0, count: config.outputDimension * config.width)
            inputLayer.withUnsafeMutableBufferPointer { sampler.fillInputLayer($0) }
            outputLayer.withUnsafeMutableBufferPointer { sampler.fillOutputLayer($0) }
            var weights = GeneratedResidualWeights<Float>(sampler: sampler)
            probe(config, inputLayer, outputLayer, &weights, x, y, scaling, batch, &tape, &workspace)
        } else {
            let start = DispatchTime.now().uptimeNanoseconds
            // The previous model's buffers are overwritten (no allocation, no page faults).
            var parameters = workspace.parameters ?? ResNetParameters<Float>(zeros: config)
            workspace.parameters = nil  // keep the buffers uniquely referenced while they are filled
            sampler.fill(&parameters)
            workspace.timings.sampling += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            var weights = StoredResidualWeights(parameters)
            probe(config, parameters.inputLayer, parameters.outputLayer, &weights, x, y, scaling, batch, &tape, &workspace)
            workspace.parameters = parameters
        }
        workspace.timings.flops += Self.flops(config, batch: batch)

        var records: [ProbeRecord] = []
        records.reserveCapacity(batch)
        let d = config.width, db = d * batch
        tape.states.withUnsafeBufferPointer { states in
            workspace.backward.inputStateGradient.withUnsafeBufferPointer { p0 in
                workspace.backward.outputStateGradient.withUnsafeBufferPointer { pL in
                    for (b, beta) in spec.betas.enumerated() {
                        for i in 0..<nInput {
                            let metrics = ProbeMetrics.measure(h0: states.baseAddress! + tape.stateOffset(0),
                                                               hL: states.baseAddress! + tape.stateOffset(depth),
                                                               p0: p0.baseAddress!, pL: pL.baseAddress!,
                                                               rows: d, batch: batch, column: b * nInput + i)
                            records.append(ProbeRecord(depth: depth, initialization: initialization, beta: beta,
                                                       modelIndex: model, inputIndex: i, metrics: metrics))
                        }
                    }
                }
            }
        }
        workspace.tape = tape
        return records
    }

    /// Forward and backward passes of one model on the batch; the loss is ‖F(x) − y‖² per column.
    private func probe<Weights: ResidualWeights>(
        _ config: ResNetConfiguration, _ inputLayer: [Float], _ outputLayer: [Float], _ weights: inout Weights,
        _ x: [Float], _ y: [Float], _ scaling: BranchScaling, _ batch: Int, _ tape: inout ForwardTape<Float>,
        _ workspace: inout Workspace
    ) where Weights.Scalar == Float {
        let net = ResNet<Float>(config)
        let t0 = DispatchTime.now().uptimeNanoseconds
        net.forward(inputLayer: inputLayer, outputLayer: outputLayer, residual: &weights,
                    inputs: x, batch: batch, scaling: scaling, tape: &tape)
        _ = Losses.squaredError(outputs: tape.outputs, targets: y, rows: config.outputDimension, columns: batch,
                                gradient: &workspace.outputGradient)
        let t1 = DispatchTime.now().uptimeNanoseconds
        net.backward(inputLayer: inputLayer, outputLayer: outputLayer, residual: &weights, tape: &tape,
                     outputGradient: workspace.outputGradient, parameterGradients: false, into: &workspace.backward)
        let t2 = DispatchTime.now().uptimeNanoseconds
        workspace.timings.forward += Double(t1 - t0) * 1e-9
        workspace.timings.backward += Double(t2 - t1) * 1e-9
    }

    /// Floating-point operations of the matrix products of one unit (forward and backward
    /// without parameter gradients): 2·d²·batch per residual matrix and layer, each way,
    /// plus `A·x` (forward) and `B·h_L`, `Bᵀ·g` (forward and backward).
    static func flops(_ config: ResNetConfiguration, batch: Int) -> Double {
        let matrices = config.variant.hasInnerMatrix ? 2.0 : 1.0
        let d = Double(config.width), n = Double(batch)
        return 2 * 2 * matrices * d * d * n * Double(config.depth)
            + 2 * d * n * (Double(config.inputDimension) + 2 * Double(config.outputDimension))
    }

    /// Floating-point operations of the matrix products of every unit (see `PhaseTimings.flops`).
    public var matrixProductFlops: Double {
        let batch = spec.betas.count * spec.inputsPerModel
        return (0..<unitCount).reduce(0) { total, index in
            total + Self.flops(try! spec.configuration(depth: unit(index).depth), batch: batch)  // validated in init
        }
    }

    /// Runs every unit on `threads` threads. The result is the same for any thread count.
    /// `progress(fractionDone)` is called as units finish.
    public func run(threads: Int, progress: ((Double) -> Void)? = nil) -> SimulationResult {
        let costs = (0..<unitCount).map(cost)
        let total = costs.reduce(0, +)
        var doneCost = 0.0
        // Deepest first: the long units start early and the tail is short.
        let order = (0..<unitCount).sorted { costs[$0] > costs[$1] || (costs[$0] == costs[$1] && $0 < $1) }
        let timings = TimingsBox()
        let perUnit = WorkerPool.map(
            count: unitCount, threads: threads, order: order,
            makeState: { Workspace() },
            work: { unit, workspace in
                let before = workspace.timings
                let records = self.run(unit: unit, workspace: &workspace)
                timings.add(workspace.timings - before)
                return records
            },
            progress: { unit in
                // Called under the runner's lock, once per finished unit.
                doneCost += costs[unit]
                progress?(min(1, doneCost / total))
            })
        return SimulationResult(spec: spec, records: perUnit.flatMap { $0 }, timings: timings.total)
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

/// All records of a simulation, in a deterministic order: depth, initialization, model, β, input.
public struct SimulationResult: Sendable {
    public let spec: SimulationSpec
    public let records: [ProbeRecord]
    /// CPU time per phase summed over threads (not part of the results: timing varies).
    public var timings: PhaseTimings

    public init(spec: SimulationSpec, records: [ProbeRecord], timings: PhaseTimings = PhaseTimings()) {
        self.spec = spec
        self.records = records
        self.timings = timings
    }
}

/// Where the time of a simulation goes, summed over threads. For layer-wise independent
/// initializations the weights are drawn inside the forward and backward passes, so
/// `sampling` counts only the correlated initializations drawn whole.
public struct PhaseTimings: Sendable, Equatable {
    public var sampling = 0.0
    public var forward = 0.0
    public var backward = 0.0
    /// Floating-point operations of the matrix products.
    public var flops = 0.0

    public init() {}

    static func - (a: PhaseTimings, b: PhaseTimings) -> PhaseTimings {
        var r = PhaseTimings()
        r.sampling = a.sampling - b.sampling
        r.forward = a.forward - b.forward
        r.backward = a.backward - b.backward
        r.flops = a.flops - b.flops
        return r
    }
}

private final class TimingsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = PhaseTimings()

    func add(_ t: PhaseTimings) {
        lock.lock()
        value.sampling += t.sampling
        value.forward += t.forward
        value.backward += t.backward
        value.flops += t.flops
        lock.unlock()
    }

    var total: PhaseTimings {
        lock.lock(); defer { lock.unlock() }
        return value
    }
}
