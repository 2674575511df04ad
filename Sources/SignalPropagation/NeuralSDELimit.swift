import Support
import Dispatch
import Foundation
import ResNets
import Stochastic

/// The neural SDE limit (PAPER.md §5): with i.i.d. Gaussian weights and α = L^{-1/2}, the
/// res-1 network h_{k+1} = h_k + α V_k σ(h_k) is the Euler–Maruyama scheme of
/// dH_t = d^{-1/2} dB_t σ(H_t), t ∈ [0, 1], B a d × d matrix of Brownian motions.
///
/// The networks of every depth L are coupled to one Brownian path per unit ("path"): B is
/// sampled on a fine grid of L_fine steps (i.i.d. N(0, 1/L_fine) increments per entry), and
/// the depth-L weights are V_k = √(L/d)·(B_{(k+1)/L} − B_{k/L}), so that α V_k is the
/// path's increment over a block of L_fine/L fine steps, over √d (and V_k has i.i.d.
/// N(0, 1/d) entries: the network at every depth is the i.i.d. Gaussian res-1 of the
/// paper). The depth-L_fine network is the reference solution. Per path, the inputs
/// x ~ U[0,1]^{n_in} and the input layer A (Gaussian, variance 1/n_in) are shared by all
/// depths, so h_0 is the same.
///
/// Measured per path and input: the strong error ‖h_L − h_{L_fine}‖/‖h_0‖ and the norm ratio
/// ‖h_L‖/‖h_0‖ (whose law at depth L is compared with its law at L_fine).
///
/// Random streams: path p draws from (seed; "sde", p): A from child 1, x from child 2, the
/// fine increments from child 3, so a path is the same whatever the thread count or the
/// number of paths. Cost per path: d²·L_fine normals, d²·L_fine additions per depth to form
/// the blocks, and Σ_L L + L_fine res-1 layers on a d × inputs batch.
public struct SDELimitSpec: Equatable, Sendable {
    /// d.
    public var width = 20
    public var inputDimension = 64
    public var activation: Activation = .relu
    /// The coupled depths; each must divide `fineDepth` (a layer is a whole block of fine
    /// steps). Half-decade spacing as in the issue's {10, 30, 100, 300, 1000}, with 25 and 250
    /// instead of 30 and 300, which do not divide L_fine = 10⁴.
    public var depths = [10, 25, 100, 250, 1000]
    /// L_fine, the depth of the reference network.
    public var fineDepth = 10_000
    /// Independent Brownian paths (the bootstrap unit).
    public var paths = 400
    /// Inputs per path.
    public var inputsPerPath = 8
    public var seed: UInt64 = 0

    public init() {}

    /// The paper's size: d = 20, 400 paths × 8 inputs, L_fine = 10⁴ (see `NeuralSDELimit`
    /// for the run time).
    public static let paper = SDELimitSpec()

    /// A few seconds: 60 paths × 8 inputs, the same depths and fine grid.
    public static var quick: SDELimitSpec {
        var s = SDELimitSpec()
        s.paths = 60
        return s
    }

    /// Throws a `ConfigurationError` naming the first setting out of range.
    public func validate() throws {
        _ = try ResNetConfiguration(variant: .res1, activation: activation, width: width, depth: fineDepth,
                                    inputDimension: inputDimension, outputDimension: 1)
        guard depths.count >= 2 else { throw ConfigurationError(setting: "depth", "the SDE limit needs at least two depths") }
        for depth in depths where depth < 1 || depth >= fineDepth || fineDepth % depth != 0 {
            throw ConfigurationError(setting: "depth", "each depth must divide the fine depth \(fineDepth) and be smaller, got \(depth)")
        }
        if Set(depths).count != depths.count { throw ConfigurationError(setting: "depth", "values must be distinct") }
        if paths < 2 { throw ConfigurationError(setting: "paths", "must be at least 2, got \(paths)") }
        if inputsPerPath < 1 { throw ConfigurationError(setting: "inputs", "must be a positive integer, got \(inputsPerPath)") }
        let (bytes, overflow) = (fineDepth * width).multipliedReportingOverflow(by: width * 4)
        if overflow || bytes > 1 << 32 {
            throw ConfigurationError(setting: "width", "the fine Brownian path (L_fine·d² Floats) needs more than 4 GiB")
        }
    }
}

/// The measurements of the coupled networks.
public struct SDELimitResult: Sendable {
    public let spec: SDELimitSpec
    /// `strongErrors[p][i]`: ‖h_L − h_{L_fine}‖/‖h_0‖ at depth `spec.depths[i]`, averaged over
    /// path p's inputs.
    public let strongErrors: [[Double]]
    /// `normRatios[p][i]`: ‖h_L‖/‖h_0‖ of path p's inputs at depth `spec.depths[i]`; the last
    /// entry (i = depths.count) is the fine depth.
    public let normRatios: [[[Double]]]
    /// Wall time of the run in seconds (not part of the results).
    public var seconds: Double

    /// A result as measured (or read back from where it was stored).
    public init(spec: SDELimitSpec, strongErrors: [[Double]], normRatios: [[[Double]]], seconds: Double) {
        self.spec = spec
        self.strongErrors = strongErrors
        self.normRatios = normRatios
        self.seconds = seconds
    }
}

public enum NeuralSDELimit {
    static let streamTag: UInt64 = 0x7364_65   // "sde"

    /// Buffers one thread reuses from path to path.
    struct Workspace {
        var increments: [Float] = []
        var tapes: [Int: ForwardTape<Float>] = [:]
    }

    /// Runs every path on `threads` threads; the result does not depend on the thread count.
    public static func run(_ spec: SDELimitSpec, threads: Int) throws -> SDELimitResult {
        try spec.validate()
        let start = DispatchTime.now().uptimeNanoseconds
        let perPath = WorkerPool.map(count: spec.paths, threads: threads, makeState: { Workspace() }) { p, workspace in
            path(p, spec: spec, workspace: &workspace)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return SDELimitResult(spec: spec, strongErrors: perPath.map(\.errors), normRatios: perPath.map(\.ratios), seconds: seconds)
    }

    /// One path: the fine increments, then the network at every depth and at L_fine.
    static func path(_ p: Int, spec: SDELimitSpec, workspace: inout Workspace) -> (errors: [Double], ratios: [[Double]]) {
        let d = spec.width, n = spec.inputsPerPath, fine = spec.fineDepth
        let stream = RandomStream(seed: spec.seed, coordinates: [streamTag, UInt64(p)])
        // A and x, shared by every depth.
        let inputConfig = try! ResNetConfiguration(variant: .res1, activation: spec.activation, width: d, depth: 1,
                                                   inputDimension: spec.inputDimension, outputDimension: 1)
        var a = [Float](repeating: 0, count: d * spec.inputDimension)
        let sampler = try! WeightSampler(configuration: inputConfig, initialization: .iidGaussian, stream: stream.child(1))
        a.withUnsafeMutableBufferPointer { sampler.fillInputLayer($0) }
        var xs = stream.child(2)
        let x = xs.uniformFloats(count: spec.inputDimension * n)
        let b = [Float](repeating: 0, count: d)   // F = B h_L is not used
        // The fine Brownian increments, N(0, 1/L_fine) entries.
        if workspace.increments.count != fine * d * d { workspace.increments = [Float](repeating: 0, count: fine * d * d) }
        var bs = stream.child(3)
        workspace.increments.withUnsafeMutableBufferPointer {
            bs.fillNormal($0, mean: 0, standardDeviation: Float(1 / Double(fine).squareRoot()))
        }
        var finals: [[Float]] = []
        var h0: [Float] = []
        for depth in spec.depths + [fine] {
            let config = try! ResNetConfiguration(variant: .res1, activation: spec.activation, width: d, depth: depth,
                                                  inputDimension: spec.inputDimension, outputDimension: 1)
            var tape = workspace.tapes.removeValue(forKey: depth) ?? ForwardTape<Float>(configuration: config, batch: n)
            var weights = BrownianBlockWeights(increments: workspace.increments, width: d, fineDepth: fine, depth: depth)
            ResNet<Float>(config).forward(inputLayer: a, outputLayer: b, residual: &weights, inputs: x, batch: n,
                                          scaling: .beta(0.5), tape: &tape)
            finals.append(Array(tape.state(depth)))
            if h0.isEmpty { h0 = Array(tape.state(0)) }
            workspace.tapes[depth] = tape
        }
        let reference = finals.last!
        func norm(_ v: [Float], _ j: Int) -> Double {
            var s = 0.0
            for i in 0..<d { s += Double(v[i * n + j]) * Double(v[i * n + j]) }
            return s.squareRoot()
        }
        // ‖h_0‖ of each input, once for every depth.
        let initialNorms = (0..<n).map { norm(h0, $0) }
        var errors: [Double] = []
        for hL in finals.dropLast() {
            var total = 0.0
            for j in 0..<n {
                var s = 0.0
                for i in 0..<d { let e = Double(hL[i * n + j]) - Double(reference[i * n + j]); s += e * e }
                total += s.squareRoot() / initialNorms[j]
            }
            errors.append(total / Double(n))
        }
        let ratios = finals.map { hL in (0..<n).map { norm(hL, $0) / initialNorms[$0] } }
        return (errors, ratios)
    }
}
