import Support
import Dispatch
import Foundation
import ResNets
import Stochastic

/// The neural ODE limit (PAPER.md §5): with weights smooth in the layer index and α = 1/L,
/// res-3 h_{k+1} = h_k + (1/L)·V_{k+1} σ(W_{k+1} h_k) is the explicit Euler scheme of
/// dH/dt = V(t) σ(W(t) H), t ∈ [0, 1], whose global error is O(1/L).
///
/// ## The sample path and the reference solution
/// Every entry of V(t) and W(t) (times √d) is an independent stationary Gaussian process with
/// the RBF kernel exp(−(s − t)²/(2ℓ²)) of the `smooth:<ℓ>` initialization. Per model it is
/// sampled once, exactly (circulant embedding, `StationaryGaussianSequence` with the
/// autocovariance of `SmoothGaussianProcess` values), on the fine grid t_j = j/N_f,
/// j = 0 … N_f, with N_f = `refinement`·max(depths) (16·L_max by default).
///
/// - The depth-L network uses the restriction of that path: layer k (0-based) takes
///   V((k + 1)/L) and W((k + 1)/L), i.e. fine index (k + 1)·N_f/L, exactly as the `smooth`
///   initialization of depth L puts f(t_{k+1}) in layer k. So its weights have the law of
///   that initialization, and all depths see the same functions V, W.
/// - The reference H(1) is the classical Runge–Kutta scheme (RK4) on the same path with
///   step 2/N_f: the step from t_{2n} to t_{2n+2} evaluates the field at t_{2n} (k₁), at the
///   midpoint t_{2n+1} (k₂, k₃) and at t_{2n+2} (k₄), all grid points of the fine sample, so
///   no interpolation enters. Its error is negligible next to Euler's at L_max: the tests
///   check that doubling the RK4 step changes H(1) by less than 10⁻³ of the smallest Euler
///   error (ReLU's kinks reduce RK4's order, so this is checked, not assumed from h⁴).
///
/// Both run in Double (the engine's `ResNet<Double>` for Euler), so the measured error is the
/// discretization error, not round-off. Measured per model: the mean over its inputs of
/// ‖h_L − H(1)‖/‖h_0‖. Random streams: model m draws from (seed; "ode", m): A from child 1,
/// x from child 2, V from child 3, W from child 4.
public struct ODELimitSpec: Equatable, Sendable {
    /// d.
    public var width = 16
    public var inputDimension = 64
    public var activation: Activation = .relu
    /// ℓ of the RBF kernel (the `smooth:<ℓ>` initialization; 0.1 is the paper's).
    public var lengthScale = 0.1
    /// The Euler depths; each must divide `refinement`·max(depths). They start at 25 so that
    /// the step 1/L is small against the length scale ℓ = 0.1 of the weights (ℓ·L ≥ 2.5),
    /// where Euler's error is C/L: at L = 10 (ℓ·L = 1) the scaled error L·e(L) is still 11 %
    /// above its limit (0.48 against 0.436; it is within 0.5 % from L = 25 on), which would
    /// bias the fitted rate by −0.017, several times its bootstrap error.
    public var depths = [25, 50, 100, 250, 500, 1000]
    /// The fine grid has `refinement`·max(depths) steps.
    public var refinement = 16
    /// Independent models (the bootstrap unit).
    public var models = 48
    public var inputsPerModel = 8
    public var seed: UInt64 = 0

    public init() {}

    /// The paper's size: d = 16, 48 models × 8 inputs.
    public static let paper = ODELimitSpec()

    /// A few seconds: 8 models × 8 inputs.
    public static var quick: ODELimitSpec {
        var s = ODELimitSpec()
        s.models = 8
        return s
    }

    /// N_f = refinement · max(depths).
    public var fineSteps: Int { refinement * (depths.max() ?? 1) }

    /// Throws a `ConfigurationError` naming the first setting out of range.
    public func validate() throws {
        _ = try ResNetConfiguration(variant: .res3, activation: activation, width: width, depth: 1,
                                    inputDimension: inputDimension, outputDimension: 1)
        guard depths.count >= 2 else { throw ConfigurationError(setting: "depth", "the ODE limit needs at least two depths") }
        if Set(depths).count != depths.count { throw ConfigurationError(setting: "depth", "values must be distinct") }
        guard refinement >= 2, refinement % 2 == 0 else {
            throw ConfigurationError(setting: "refinement", "must be an even integer ≥ 2 (RK4 steps span two fine steps), got \(refinement)")
        }
        for depth in depths where depth < 1 || fineSteps % depth != 0 {
            throw ConfigurationError(setting: "depth", "each depth must divide the fine grid \(fineSteps) = \(refinement)·max(depths), got \(depth)")
        }
        guard lengthScale.isFinite, lengthScale > 0 else {
            throw ConfigurationError(setting: "init", "the smooth length scale ℓ must be a positive number, got \(NumberFormat.text(lengthScale))")
        }
        if models < 2 { throw ConfigurationError(setting: "models", "must be at least 2, got \(models)") }
        if inputsPerModel < 1 { throw ConfigurationError(setting: "inputs", "must be a positive integer, got \(inputsPerModel)") }
        let (values, overflow) = (fineSteps + 1).multipliedReportingOverflow(by: 2 * width * width)
        if overflow || values > 1 << 28 {
            throw ConfigurationError(setting: "width", "the fine sample path (2·d²·(N_f + 1) Doubles) needs more than 2 GiB")
        }
    }
}

/// The measurements of the Euler networks against the reference solution.
public struct ODELimitResult: Sendable {
    public let spec: ODELimitSpec
    /// `errors[m][i]`: mean over model m's inputs of ‖h_L − H(1)‖/‖h_0‖ at `spec.depths[i]`.
    public let errors: [[Double]]
    /// Wall time of the run in seconds (not part of the results).
    public var seconds: Double

    /// A result as measured (or read back from where it was stored).
    public init(spec: ODELimitSpec, errors: [[Double]], seconds: Double) {
        self.spec = spec
        self.errors = errors
        self.seconds = seconds
    }
}

public enum NeuralODELimit {
    static let streamTag: UInt64 = 0x6F64_65   // "ode"

    /// The sampler of the fine path: N_f + 1 values of the RBF process at spacing 1/N_f.
    static func fineProcess(_ spec: ODELimitSpec) throws -> StationaryGaussianSequence {
        let n = spec.fineSteps, l = spec.lengthScale
        let span = Int((20 * l * Double(n)).rounded(.up))
        let process: StationaryGaussianSequence
        do {
            process = try StationaryGaussianSequence(length: n + 1, minimumEmbeddingLength: span) {
                SmoothGaussianProcess.autocovariance(lag: $0, length: n, lengthScale: l, variant: .values)
            }
        } catch {
            throw ConfigurationError(setting: "init", "cannot sample smooth:\(NumberFormat.text(l)) on \(n + 1) points: \(error)")
        }
        guard process.covarianceError <= SmoothGaussianProcess.covarianceTolerance else {
            throw ConfigurationError(setting: "init", "the fine sample of smooth:\(NumberFormat.text(l)) is inaccurate (covariance error \(process.covarianceError))")
        }
        return process
    }

    /// Runs every model on `threads` threads; the result does not depend on the thread count.
    public static func run(_ spec: ODELimitSpec, threads: Int) throws -> ODELimitResult {
        try spec.validate()
        let process = try fineProcess(spec)
        let start = DispatchTime.now().uptimeNanoseconds
        let errors = WorkerPool.map(count: spec.models, threads: threads, makeState: { [Double]() }) { m, buffer in
            model(m, spec: spec, process: process, buffer: &buffer)
        }
        return ODELimitResult(spec: spec, errors: errors, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }

    /// The fine path of model m: V then W, each (N_f + 1)·d² values, time-major (the d × d
    /// matrix at t_j is contiguous at offset j·d²).
    static func samplePath(_ m: Int, spec: ODELimitSpec, process: StationaryGaussianSequence, into buffer: inout [Double]) {
        let d2 = spec.width * spec.width, n = spec.fineSteps + 1
        if buffer.count != 2 * n * d2 { buffer = [Double](repeating: 0, count: 2 * n * d2) }
        let stream = RandomStream(seed: spec.seed, coordinates: [streamTag, UInt64(m)])
        let scale = 1 / Double(spec.width).squareRoot()
        buffer.withUnsafeMutableBufferPointer { all in
            var sv = stream.child(3), sw = stream.child(4)
            process.sample(sequences: d2, scale: scale, from: &sv, into: UnsafeMutableBufferPointer(rebasing: all[0..<(n * d2)]))
            process.sample(sequences: d2, scale: scale, from: &sw, into: UnsafeMutableBufferPointer(rebasing: all[(n * d2)...]))
        }
    }

    /// One model: the Euler networks at every depth and the RK4 reference on one sample path.
    static func model(_ m: Int, spec: ODELimitSpec, process: StationaryGaussianSequence, buffer: inout [Double]) -> [Double] {
        let d = spec.width, batch = spec.inputsPerModel, fine = spec.fineSteps
        samplePath(m, spec: spec, process: process, into: &buffer)
        let stream = RandomStream(seed: spec.seed, coordinates: [streamTag, UInt64(m)])
        let inputConfig = try! ResNetConfiguration(variant: .res3, activation: spec.activation, width: d, depth: 1,
                                                   inputDimension: spec.inputDimension, outputDimension: 1)
        var a = [Double](repeating: 0, count: d * spec.inputDimension)
        let sampler = try! WeightSampler(configuration: inputConfig, initialization: .iidUniform, stream: stream.child(1))
        a.withUnsafeMutableBufferPointer { sampler.fillInputLayer($0) }
        var xs = stream.child(2)
        let x = xs.uniformDoubles(count: spec.inputDimension * batch)
        var h0 = [Double](repeating: 0, count: d * batch)
        a.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                h0.withUnsafeMutableBufferPointer { hp in
                    Double.gemm(transposeA: false, transposeB: false, m: d, n: batch, k: spec.inputDimension,
                                a: ap.baseAddress!, lda: spec.inputDimension, b: xp.baseAddress!, ldb: batch,
                                c: hp.baseAddress!, ldc: batch, accumulate: false)
                }
            }
        }
        let reference = rk4(h0, path: buffer, spec: spec, stepsPerStage: 1)
        // ‖h_0‖² of each input, once for every depth.
        let initialSquaredNorms = (0..<batch).map { j in
            var n0 = 0.0
            for i in 0..<d { n0 += h0[i * batch + j] * h0[i * batch + j] }
            return n0
        }
        return spec.depths.map { depth in
            let config = try! ResNetConfiguration(variant: .res3, activation: spec.activation, width: d, depth: depth,
                                                  inputDimension: spec.inputDimension, outputDimension: 1)
            var tape = ForwardTape<Double>(configuration: config, batch: batch, keepsAllStates: false)
            var weights = RestrictedPathWeights(path: buffer, width: d, fineSteps: fine, depth: depth)
            ResNet<Double>(config).forward(inputLayer: a, outputLayer: [Double](repeating: 0, count: d), residual: &weights,
                                           inputs: x, batch: batch, scaling: .alpha(1 / Double(depth)),
                                           tape: &tape)
            let hL = Array(tape.state(depth))
            var total = 0.0
            for j in 0..<batch {
                var e = 0.0
                for i in 0..<d {
                    let o = i * batch + j
                    e += (hL[o] - reference[o]) * (hL[o] - reference[o])
                }
                total += (e / initialSquaredNorms[j]).squareRoot()
            }
            return total / Double(batch)
        }
    }

    /// H(1) by RK4 from `h0` (d × batch) on the fine path, with steps of 2·`stepsPerStage`
    /// fine steps (1: the reference; 2: a check of its accuracy with half as many steps).
    static func rk4(_ h0: [Double], path: [Double], spec: ODELimitSpec, stepsPerStage s: Int) -> [Double] {
        let d = spec.width, batch = spec.inputsPerModel, fine = spec.fineSteps
        let d2 = d * d, db = d * batch
        let wOffset = (fine + 1) * d2
        let h = 2 * Double(s) / Double(fine)
        var state = h0
        var k1 = [Double](repeating: 0, count: db), k2 = k1, k3 = k1, k4 = k1, probe = k1, inner = k1, activated = k1
        let activation = spec.activation
        path.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            // The field V(t_j) σ(W(t_j) y) at fine index j, into `out`.
            func field(_ j: Int, _ y: [Double], _ out: inout [Double]) {
                y.withUnsafeBufferPointer { yp in
                    inner.withUnsafeMutableBufferPointer { g in
                        Double.gemm(transposeA: false, transposeB: false, m: d, n: batch, k: d, a: base + wOffset + j * d2, lda: d,
                                    b: yp.baseAddress!, ldb: batch, c: g.baseAddress!, ldc: batch, accumulate: false)
                        activated.withUnsafeMutableBufferPointer { u in
                            activation.apply(UnsafePointer(g.baseAddress!), u.baseAddress!, count: db)
                            out.withUnsafeMutableBufferPointer { o in
                                Double.gemm(transposeA: false, transposeB: false, m: d, n: batch, k: d, a: base + j * d2, lda: d,
                                            b: UnsafePointer(u.baseAddress!), ldb: batch, c: o.baseAddress!, ldc: batch, accumulate: false)
                            }
                        }
                    }
                }
            }
            for n in stride(from: 0, to: fine, by: 2 * s) {
                field(n, state, &k1)
                for e in 0..<db { probe[e] = state[e] + 0.5 * h * k1[e] }
                field(n + s, probe, &k2)
                for e in 0..<db { probe[e] = state[e] + 0.5 * h * k2[e] }
                field(n + s, probe, &k3)
                for e in 0..<db { probe[e] = state[e] + h * k3[e] }
                field(n + 2 * s, probe, &k4)
                for e in 0..<db { state[e] += h / 6 * (k1[e] + 2 * k2[e] + 2 * k3[e] + k4[e]) }
            }
        }
        return state
    }
}

/// The depth-L weights restricted from a fine sample path: layer k is the fine grid point
/// (k + 1)·N_f/L, read in place (no copy).
struct RestrictedPathWeights: ResidualWeights {
    let path: [Double]
    let width: Int
    let fineSteps: Int
    let stride: Int

    init(path: [Double], width: Int, fineSteps: Int, depth: Int) {
        precondition(fineSteps % depth == 0)
        self.path = path
        self.width = width
        self.fineSteps = fineSteps
        stride = fineSteps / depth
    }

    var hasBias: Bool { false }

    mutating func withLayer<R>(_ k: Int, _ body: (UnsafePointer<Double>, UnsafePointer<Double>?, UnsafePointer<Double>?) throws -> R) rethrows -> R {
        let d2 = width * width
        let j = (k + 1) * stride
        return try path.withUnsafeBufferPointer { p in
            try body(p.baseAddress! + j * d2, p.baseAddress! + (fineSteps + 1) * d2 + j * d2, nil)
        }
    }
}
