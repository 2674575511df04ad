import Foundation
import Stochastic
import Support

/// How the weights of a model are drawn at initialization (PAPER.md §3).
///
/// The input and output layers A and B are always i.i.d. (uniform, or Gaussian for
/// `iidGaussian`); the residual weights V_k, W_k follow the initialization. For the
/// correlated ones, every entry (i, j) is a sequence in the layer index k.
public enum Initialization: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Every entry i.i.d. U[−√(3/fan_in), √(3/fan_in)] (variance 1/fan_in): the reference code's.
    case iidUniform
    /// Every entry i.i.d. N(0, 1/fan_in).
    case iidGaussian
    /// Every entry of V_k, W_k is step k of an independent unit-variance fractional
    /// Gaussian noise of Hurst index H ∈ (0, 1), divided by √d. H = 1/2 is i.i.d. Gaussian.
    case fbm(hurst: Double)
    /// The reference code's fBm sampler at Hurst index H (`ReferenceFractionalNoise`), divided
    /// by √d: a reproduction of that code to measure its effect, not fractional Gaussian noise
    /// (its variance and correlations differ from γ(k) for H > 1/2).
    case fbmReference(hurst: Double)
    /// Every entry is an independent Gaussian process with kernel exp(−(s−t)²/(2ℓ²)) at
    /// t_k = k/L, divided by √d (the paper's 2023 revision; default ℓ = 0.1).
    case smooth(lengthscale: Double)
    /// Every entry is an increment of a Gaussian process with kernel exp(−(s−t)²/(2ℓ²)),
    /// renormalized to variance 1/d (the 2022 reference code; `bandwidthSquared` is ℓ²,
    /// default 0.01).
    case smoothIncrements(bandwidthSquared: Double)

    public static let accepted = "iid-uniform, iid-gaussian, fbm:<H> with 0 < H < 1, fbm-reference:<H> (the reference code's fBm sampler, not exact fBm), smooth[:<ℓ>] (default ℓ = 0.1), smooth-increments[:<ℓ²>] (default ℓ² = 0.01)"

    /// Parses `iid-uniform`, `iid-gaussian`, `fbm:<H>`, `fbm-reference:<H>`, `smooth[:<ℓ>]`,
    /// `smooth-increments[:<ℓ²>]`.
    public init(parsing text: String) throws {
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        let parts = lower.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        func parameter(_ label: String) throws -> Double? {
            guard parts.count == 2 else { return nil }
            guard let value = Double(parts[1]) else {
                throw ConfigurationError(setting: "init", "\(label) '\(parts[1])' in '\(text)' is not a number")
            }
            return value
        }
        let iidNames = ["iid-uniform", "iid", "uniform", "iid-gaussian", "gaussian", "iid-normal"]
        if iidNames.contains(name) && parts.count == 2 {
            throw ConfigurationError(setting: "init", "'\(name)' takes no parameter, got '\(text)'")
        }
        switch name {
        case "iid-uniform", "iid", "uniform": self = .iidUniform
        case "iid-gaussian", "gaussian", "iid-normal": self = .iidGaussian
        case "fbm":
            guard let h = try parameter("Hurst index") else {
                throw ConfigurationError(setting: "init", "fbm needs a Hurst index: fbm:<H> with 0 < H < 1, or --init fbm with --hurst <axis>")
            }
            self = .fbm(hurst: h)
        case "fbm-reference":
            guard let h = try parameter("Hurst index") else {
                throw ConfigurationError(setting: "init", "fbm-reference needs a Hurst index: fbm-reference:<H> with 0 < H < 1")
            }
            self = .fbmReference(hurst: h)
        case "smooth": self = .smooth(lengthscale: try parameter("length scale") ?? 0.1)
        case "smooth-increments": self = .smoothIncrements(bandwidthSquared: try parameter("ℓ²") ?? 0.01)
        default:
            throw ConfigurationError(setting: "init", "unknown initialization '\(text)'; accepted: \(Initialization.accepted)")
        }
        try validate()
    }

    /// Throws a `ConfigurationError` if the parameter is out of range.
    public func validate() throws {
        switch self {
        case .iidUniform, .iidGaussian: break
        case .fbm(let h) where h.isNaN:
            throw ConfigurationError(setting: "init", "fbm needs a Hurst index: fbm:<H> with 0 < H < 1, or fbm with a hurst setting")
        case .fbm(let h), .fbmReference(let h):
            // The range of the `hurst` setting, declared once.
            if let problem = SettingRule<Double>.openUnitInterval.check(h) {
                throw ConfigurationError(setting: "hurst", "the Hurst index \(problem.text), got \(NumberFormat.text(h))")
            }
        case .smooth(let l):
            guard l.isFinite, l > 0 else {
                throw ConfigurationError(setting: "init", "the smooth length scale ℓ must be a positive number, got \(NumberFormat.text(l))")
            }
        case .smoothIncrements(let l2):
            guard l2.isFinite, l2 > 0 else {
                throw ConfigurationError(setting: "init", "the smooth-increments bandwidth ℓ² must be a positive number, got \(NumberFormat.text(l2))")
            }
        }
    }

    /// The family name, without parameters: iid-uniform, iid-gaussian, fbm, fbm-reference,
    /// smooth, smooth-increments.
    public var family: String {
        switch self {
        case .iidUniform: return "iid-uniform"
        case .iidGaussian: return "iid-gaussian"
        case .fbm: return "fbm"
        case .fbmReference: return "fbm-reference"
        case .smooth: return "smooth"
        case .smoothIncrements: return "smooth-increments"
        }
    }

    /// H for fBm and the reference code's sampler, else nil.
    public var hurst: Double? {
        switch self {
        case .fbm(let h), .fbmReference(let h): return h
        default: return nil
        }
    }

    /// The kernel parameter as written on the command line: ℓ for smooth, ℓ² for
    /// smooth-increments, else nil.
    public var bandwidth: Double? {
        switch self {
        case .smooth(let l): return l
        case .smoothIncrements(let l2): return l2
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .iidUniform, .iidGaussian: return family
        case .fbm(let h): return "fbm:\(NumberFormat.text(h))"
        case .fbmReference(let h): return "fbm-reference:\(NumberFormat.text(h))"
        case .smooth(let l): return "smooth:\(NumberFormat.text(l))"
        case .smoothIncrements(let l2): return "smooth-increments:\(NumberFormat.text(l2))"
        }
    }

    /// Whether residual layer k's weights can be drawn independently of the other layers
    /// (so that a generator can produce them one layer at a time).
    public var isLayerwiseIndependent: Bool {
        switch self {
        case .iidUniform, .iidGaussian: return true
        default: return false
        }
    }

    /// Coordinates that identify the initialization in a random stream's path. Empty for the
    /// i.i.d. ones (so their streams are those of earlier versions), else (family tag, bits
    /// of the parameter): models depend only on (seed, initialization, depth, model index).
    public var streamCoordinates: [UInt64] {
        switch self {
        case .iidUniform, .iidGaussian: return []
        case .fbm(let h): return [11, h.bitPattern]
        case .fbmReference(let h): return [14, h.bitPattern]
        case .smooth(let l): return [12, l.bitPattern]
        case .smoothIncrements(let l2): return [13, l2.bitPattern]
        }
    }

    /// Fills `buffer` with i.i.d. entries of variance 1/fanIn: Gaussian for `iidGaussian`,
    /// uniform otherwise (the reference draws A and B uniformly for every initialization).
    func fillIID<T: NetworkScalar>(_ buffer: UnsafeMutableBufferPointer<T>, fanIn: Int, from stream: inout RandomStream) {
        if self == .iidGaussian {
            T.fillNormal(buffer, standardDeviation: T((1.0 / Double(fanIn)).squareRoot()), from: &stream)
        } else {
            let bound = T((3.0 / Double(fanIn)).squareRoot())
            T.fillUniform(buffer, low: -bound, high: bound, from: &stream)
        }
    }
}

/// Draws the weights of one model from its random stream.
///
/// Every weight array has its own child stream — A: (1), B: (2), V_{k+1}: (3, k),
/// W_{k+1}: (4, k) — so a layer can be drawn alone, in any order, on any thread, and the
/// model is the same whether it is materialized whole or generated layer by layer.
/// Correlated initializations draw all sequences of V from (3) and of W from (4).
public struct WeightSampler: Sendable {
    public let configuration: ResNetConfiguration
    public let initialization: Initialization
    public let stream: RandomStream
    /// The sampler of the residual weight sequences (correlated initializations only).
    public let process: LayerSequenceProcess?

    enum Tag: UInt64 { case inputLayer = 1, outputLayer = 2, residualV = 3, residualW = 4 }

    /// `process` is the precomputed sampler of a correlated initialization (reuse it across
    /// models of the same depth); when nil it is built here.
    public init(configuration: ResNetConfiguration, initialization: Initialization, stream: RandomStream,
                process: LayerSequenceProcess? = nil) throws {
        self.configuration = configuration
        self.initialization = initialization
        self.stream = stream
        if initialization.isLayerwiseIndependent {
            self.process = nil
        } else if let process, process.length == configuration.depth {
            self.process = process
        } else {
            self.process = try initialization.sequenceProcess(length: configuration.depth)
        }
    }

    /// A (d × n_in), fan-in n_in.
    public func fillInputLayer<T: NetworkScalar>(_ buffer: UnsafeMutableBufferPointer<T>) {
        var s = stream.child(Tag.inputLayer.rawValue)
        initialization.fillIID(buffer, fanIn: configuration.inputDimension, from: &s)
    }

    /// B (n_out × d), fan-in d.
    public func fillOutputLayer<T: NetworkScalar>(_ buffer: UnsafeMutableBufferPointer<T>) {
        var s = stream.child(Tag.outputLayer.rawValue)
        initialization.fillIID(buffer, fanIn: configuration.width, from: &s)
    }

    /// V_{k+1} (d × d) for 0-based layer k, fan-in d (layer-wise independent initializations).
    public func fillV<T: NetworkScalar>(layer k: Int, _ buffer: UnsafeMutableBufferPointer<T>) {
        precondition(process == nil, "correlated weights are drawn whole: use parameters()")
        var s = stream.child(Tag.residualV.rawValue, UInt64(k))
        initialization.fillIID(buffer, fanIn: configuration.width, from: &s)
    }

    /// W_{k+1} (d × d) for 0-based layer k, fan-in d (res-3, layer-wise independent initializations).
    public func fillW<T: NetworkScalar>(layer k: Int, _ buffer: UnsafeMutableBufferPointer<T>) {
        precondition(process == nil, "correlated weights are drawn whole: use parameters()")
        var s = stream.child(Tag.residualW.rawValue, UInt64(k))
        initialization.fillIID(buffer, fanIn: configuration.width, from: &s)
    }

    /// The whole model in memory. The bias, if requested, starts at zero.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func parameters<T: NetworkScalar>(_: T.Type = T.self, hasBias: Bool = false) -> ResNetParameters<T> {
        var p = ResNetParameters<T>(zeros: configuration, hasBias: hasBias)
        fill(&p)
        return p
    }

    /// Overwrites `p` with this model (the bias with zeros): the numbers of `parameters(_:hasBias:)`
    /// without allocating when `p` already has this configuration (a worker reusing one buffer
    /// for model after model). Otherwise `p` is replaced by a new zeroed model first.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func fill<T: NetworkScalar>(_ p: inout ResNetParameters<T>) {
        if p.configuration != configuration {
            p = ResNetParameters<T>(zeros: configuration, hasBias: p.hasBias)
        } else if p.hasBias {
            p.bias.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        p.inputLayer.withUnsafeMutableBufferPointer { fillInputLayer($0) }
        p.outputLayer.withUnsafeMutableBufferPointer { fillOutputLayer($0) }
        let d2 = configuration.residualMatrixCount
        if let process {
            // All d² sequences of V in one pass (stream (3)), then those of W (stream (4)).
            let scale = 1 / Double(configuration.width).squareRoot()
            var sv = stream.child(Tag.residualV.rawValue)
            p.v.withUnsafeMutableBufferPointer { T.fillSequences($0, count: d2, scale: scale, process: process, from: &sv) }
            if !p.w.isEmpty {
                var sw = stream.child(Tag.residualW.rawValue)
                p.w.withUnsafeMutableBufferPointer { T.fillSequences($0, count: d2, scale: scale, process: process, from: &sw) }
            }
            return
        }
        p.v.withUnsafeMutableBufferPointer { v in
            for k in 0..<configuration.depth {
                fillV(layer: k, UnsafeMutableBufferPointer(rebasing: v[(k * d2)..<((k + 1) * d2)]))
            }
        }
        p.w.withUnsafeMutableBufferPointer { w in
            guard !w.isEmpty else { return }
            for k in 0..<configuration.depth {
                fillW(layer: k, UnsafeMutableBufferPointer(rebasing: w[(k * d2)..<((k + 1) * d2)]))
            }
        }
    }
}

/// Residual weights drawn one layer at a time into a scratch buffer, each time they are
/// asked for (forward and again in backward): memory is one layer, whatever the depth.
public struct GeneratedResidualWeights<T: NetworkScalar>: ResidualWeights {
    public let sampler: WeightSampler
    private var v: [T]
    private var w: [T]

    public init(sampler: WeightSampler) {
        precondition(sampler.initialization.isLayerwiseIndependent, "layer-by-layer generation needs independent layers")
        self.sampler = sampler
        let d2 = sampler.configuration.residualMatrixCount
        v = [T](repeating: 0, count: d2)
        w = sampler.configuration.variant.hasInnerMatrix ? [T](repeating: 0, count: d2) : []
    }

    public var hasBias: Bool { false }

    public mutating func withLayer<R>(_ k: Int,
                                      _ body: (UnsafePointer<T>, UnsafePointer<T>?, UnsafePointer<T>?) throws -> R) rethrows -> R {
        let sampler = self.sampler
        return try v.withUnsafeMutableBufferPointer { vb in
            sampler.fillV(layer: k, vb)
            return try w.withUnsafeMutableBufferPointer { wb in
                if !wb.isEmpty { sampler.fillW(layer: k, wb) }
                return try body(vb.baseAddress!, wb.isEmpty ? nil : wb.baseAddress!, nil)
            }
        }
    }
}
