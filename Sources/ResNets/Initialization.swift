import Foundation
import Stochastic

/// How the weights of a model are drawn at initialization (PAPER.md §3).
public enum Initialization: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Every entry i.i.d. U[−√(3/fan_in), √(3/fan_in)] (variance 1/fan_in): the reference code's.
    case iidUniform
    /// Every entry i.i.d. N(0, 1/fan_in).
    case iidGaussian

    public static let accepted = "iid-uniform, iid-gaussian"

    /// Parses `iid-uniform` or `iid-gaussian`.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "iid-uniform", "iid", "uniform": self = .iidUniform
        case "iid-gaussian", "gaussian", "iid-normal": self = .iidGaussian
        default:
            throw ConfigurationError(setting: "init", "unknown initialization '\(text)'; accepted: \(Initialization.accepted)")
        }
    }

    public var description: String {
        switch self {
        case .iidUniform: return "iid-uniform"
        case .iidGaussian: return "iid-gaussian"
        }
    }

    /// Whether residual layer k's weights can be drawn independently of the other layers
    /// (so that a generator can produce them one layer at a time).
    public var isLayerwiseIndependent: Bool { true }

    /// Fills `buffer` with i.i.d. entries of variance 1/fanIn.
    func fill<T: NetworkScalar>(_ buffer: UnsafeMutableBufferPointer<T>, fanIn: Int, from stream: inout RandomStream) {
        switch self {
        case .iidUniform:
            let bound = T((3.0 / Double(fanIn)).squareRoot())
            T.fillUniform(buffer, low: -bound, high: bound, from: &stream)
        case .iidGaussian:
            T.fillNormal(buffer, standardDeviation: T((1.0 / Double(fanIn)).squareRoot()), from: &stream)
        }
    }
}

/// Draws the weights of one model from its random stream.
///
/// Every weight array has its own child stream — A: (1), B: (2), V_{k+1}: (3, k),
/// W_{k+1}: (4, k) — so a layer can be drawn alone, in any order, on any thread, and the
/// model is the same whether it is materialized whole or generated layer by layer.
public struct WeightSampler: Sendable {
    public let configuration: ResNetConfiguration
    public let initialization: Initialization
    public let stream: RandomStream

    enum Tag: UInt64 { case inputLayer = 1, outputLayer = 2, residualV = 3, residualW = 4 }

    public init(configuration: ResNetConfiguration, initialization: Initialization, stream: RandomStream) {
        self.configuration = configuration
        self.initialization = initialization
        self.stream = stream
    }

    /// A (d × n_in), fan-in n_in.
    public func fillInputLayer<T: NetworkScalar>(_ buffer: UnsafeMutableBufferPointer<T>) {
        var s = stream.child(Tag.inputLayer.rawValue)
        initialization.fill(buffer, fanIn: configuration.inputDimension, from: &s)
    }

    /// B (n_out × d), fan-in d.
    public func fillOutputLayer<T: NetworkScalar>(_ buffer: UnsafeMutableBufferPointer<T>) {
        var s = stream.child(Tag.outputLayer.rawValue)
        initialization.fill(buffer, fanIn: configuration.width, from: &s)
    }

    /// V_{k+1} (d × d) for 0-based layer k, fan-in d.
    public func fillV<T: NetworkScalar>(layer k: Int, _ buffer: UnsafeMutableBufferPointer<T>) {
        var s = stream.child(Tag.residualV.rawValue, UInt64(k))
        initialization.fill(buffer, fanIn: configuration.width, from: &s)
    }

    /// W_{k+1} (d × d) for 0-based layer k, fan-in d (res-3).
    public func fillW<T: NetworkScalar>(layer k: Int, _ buffer: UnsafeMutableBufferPointer<T>) {
        var s = stream.child(Tag.residualW.rawValue, UInt64(k))
        initialization.fill(buffer, fanIn: configuration.width, from: &s)
    }

    /// The whole model in memory. The bias, if requested, starts at zero.
    public func parameters<T: NetworkScalar>(_: T.Type = T.self, hasBias: Bool = false) -> ResNetParameters<T> {
        var p = ResNetParameters<T>(zeros: configuration, hasBias: hasBias)
        p.inputLayer.withUnsafeMutableBufferPointer { fillInputLayer($0) }
        p.outputLayer.withUnsafeMutableBufferPointer { fillOutputLayer($0) }
        let d2 = configuration.residualMatrixCount
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
        return p
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
