import Foundation
import ResNets

/// Which update rule trains the model.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    /// Adam (Kingma & Ba) with PyTorch's bias correction, no weight decay.
    case adam
    /// Stochastic gradient descent with (heavy-ball) momentum, PyTorch semantics.
    case sgd

    public static let accepted = "adam, sgd"
}

/// Hyper-parameters of the update rule (the learning rate comes from the schedule).
public struct OptimizerSettings: Codable, Equatable, Sendable {
    public var kind: OptimizerKind
    /// Adam β1, β2 and ε.
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// SGD momentum μ (0 for plain SGD) and dampening.
    public var momentum: Double
    public var dampening: Double
    public var nesterov: Bool

    public init(kind: OptimizerKind, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                momentum: Double = 0.9, dampening: Double = 0, nesterov: Bool = false) {
        self.kind = kind
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
    }

    public static let adam = OptimizerSettings(kind: .adam)
    public static func sgd(momentum: Double = 0.9) -> OptimizerSettings { OptimizerSettings(kind: .sgd, momentum: momentum) }
}

/// The state of an optimizer over a model's parameters, laid out like the parameters:
/// Adam keeps the first and second moment estimates m and v, SGD the momentum buffer
/// (in `first`). `step` counts the updates done so far.
///
/// The update formulas are PyTorch's (torch.optim.Adam / SGD, single-tensor path):
/// - Adam: m ← m + (1 − β1)(g − m); v ← β2 v + (1 − β2) g²;
///   θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
/// - SGD: b ← g at the first step, then b ← μ b + (1 − dampening) g;
///   θ ← θ − lr · (nesterov ? g + μ b : b)   (with μ = 0: θ ← θ − lr g)
public struct OptimizerState<T: NetworkScalar>: Equatable, Sendable {
    public var settings: OptimizerSettings
    public var step: Int
    public var first: ResNetParameters<T>
    public var second: ResNetParameters<T>

    public init(settings: OptimizerSettings, for parameters: ResNetParameters<T>) {
        self.settings = settings
        step = 0
        first = ResNetParameters<T>(zeros: parameters.configuration, hasBias: parameters.hasBias)
        second = ResNetParameters<T>(zeros: parameters.configuration, hasBias: parameters.hasBias)
        // SGD keeps no second moment: its arrays stay empty.
        if settings.kind == .sgd { second.forEachArray { _, a in a = [] } }
    }

    /// Applies one update with learning rate `learningRate` to every parameter array.
    public mutating func update(parameters: inout ResNetParameters<T>, gradients: ResNetParameters<T>,
                                learningRate: Double) {
        precondition(gradients.count == parameters.count, "gradients must have the parameters' layout")
        step += 1
        switch settings.kind {
        case .adam:
            let t = Double(step)
            let bc1 = 1 - pow(settings.beta1, t)
            let bc2 = 1 - pow(settings.beta2, t)
            let constants = AdamConstants(
                oneMinusBeta1: T(1 - settings.beta1), beta2: T(settings.beta2), oneMinusBeta2: T(1 - settings.beta2),
                stepSize: T(learningRate / bc1), bc2Sqrt: T(bc2.squareRoot()), epsilon: T(settings.epsilon))
            Self.adam(&parameters.inputLayer, gradients.inputLayer, &first.inputLayer, &second.inputLayer, constants)
            Self.adam(&parameters.outputLayer, gradients.outputLayer, &first.outputLayer, &second.outputLayer, constants)
            Self.adam(&parameters.v, gradients.v, &first.v, &second.v, constants)
            Self.adam(&parameters.w, gradients.w, &first.w, &second.w, constants)
            Self.adam(&parameters.bias, gradients.bias, &first.bias, &second.bias, constants)
        case .sgd:
            let c = SGDConstants(lr: T(learningRate), momentum: T(settings.momentum),
                                 oneMinusDampening: T(1 - settings.dampening), nesterov: settings.nesterov,
                                 firstStep: step == 1)
            Self.sgd(&parameters.inputLayer, gradients.inputLayer, &first.inputLayer, c)
            Self.sgd(&parameters.outputLayer, gradients.outputLayer, &first.outputLayer, c)
            Self.sgd(&parameters.v, gradients.v, &first.v, c)
            Self.sgd(&parameters.w, gradients.w, &first.w, c)
            Self.sgd(&parameters.bias, gradients.bias, &first.bias, c)
        }
    }

    struct AdamConstants {
        var oneMinusBeta1, beta2, oneMinusBeta2, stepSize, bc2Sqrt, epsilon: T
    }

    struct SGDConstants {
        var lr, momentum, oneMinusDampening: T
        var nesterov: Bool
        var firstStep: Bool
    }

    static func adam(_ p: inout [T], _ g: [T], _ m: inout [T], _ v: inout [T], _ c: AdamConstants) {
        let n = p.count
        if n == 0 { return }
        precondition(g.count == n && m.count == n && v.count == n)
        p.withUnsafeMutableBufferPointer { pb in
            g.withUnsafeBufferPointer { gb in
                m.withUnsafeMutableBufferPointer { mb in
                    v.withUnsafeMutableBufferPointer { vb in
                        let p = pb.baseAddress!, g = gb.baseAddress!, m = mb.baseAddress!, v = vb.baseAddress!
                        let inverseBC2Sqrt = 1 / c.bc2Sqrt
                        var start = 0
                        if T.self == Float.self {
                            // Eight lanes at a time; the same operations in the same order as the
                            // scalar loop below, so both give identical bits.
                            start = adamFloat8(p, g, m, v, count: n, c, inverseBC2Sqrt)
                        }
                        for i in start..<n {
                            let gi = g[i]
                            let mi = m[i] + c.oneMinusBeta1 * (gi - m[i])
                            let vi = c.beta2 * v[i] + c.oneMinusBeta2 * gi * gi
                            m[i] = mi
                            v[i] = vi
                            let denom = vi.squareRoot() * inverseBC2Sqrt + c.epsilon
                            p[i] -= c.stepSize * (mi / denom)
                        }
                    }
                }
            }
        }
    }

    /// The Float SIMD8 body of `adam`; returns how many leading elements it updated.
    static func adamFloat8(_ p: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, _ m: UnsafeMutablePointer<T>,
                           _ v: UnsafeMutablePointer<T>, count n: Int, _ c: AdamConstants, _ inverseBC2Sqrt: T) -> Int {
        typealias V8 = SIMD8<Float>
        let a1 = V8(repeating: c.oneMinusBeta1 as! Float), b2 = V8(repeating: c.beta2 as! Float)
        let a2 = V8(repeating: c.oneMinusBeta2 as! Float), step = V8(repeating: c.stepSize as! Float)
        let eps = V8(repeating: c.epsilon as! Float), inv = V8(repeating: inverseBC2Sqrt as! Float)
        let pr = UnsafeMutableRawPointer(p), gr = UnsafeRawPointer(g)
        let mr = UnsafeMutableRawPointer(m), vr = UnsafeMutableRawPointer(v)
        var i = 0
        while i + 8 <= n {
            let o = i * 4
            let gi = gr.loadUnaligned(fromByteOffset: o, as: V8.self)
            let m0 = mr.loadUnaligned(fromByteOffset: o, as: V8.self)
            let v0 = vr.loadUnaligned(fromByteOffset: o, as: V8.self)
            let mi = m0 + a1 * (gi - m0)
            let vi = b2 * v0 + a2 * gi * gi
            mr.storeBytes(of: mi, toByteOffset: o, as: V8.self)
            vr.storeBytes(of: vi, toByteOffset: o, as: V8.self)
            let denom = vi.squareRoot() * inv + eps
            let p0 = pr.loadUnaligned(fromByteOffset: o, as: V8.self)
            pr.storeBytes(of: p0 - step * (mi / denom), toByteOffset: o, as: V8.self)
            i += 8
        }
        return i
    }

    static func sgd(_ p: inout [T], _ g: [T], _ b: inout [T], _ c: SGDConstants) {
        let n = p.count
        if n == 0 { return }
        precondition(g.count == n && b.count == n)
        p.withUnsafeMutableBufferPointer { pb in
            g.withUnsafeBufferPointer { gb in
                b.withUnsafeMutableBufferPointer { bb in
                    let p = pb.baseAddress!, g = gb.baseAddress!, b = bb.baseAddress!
                    if c.momentum == 0 {
                        for i in 0..<n { p[i] -= c.lr * g[i] }
                        return
                    }
                    for i in 0..<n {
                        let bi = c.firstStep ? g[i] : c.momentum * b[i] + c.oneMinusDampening * g[i]
                        b[i] = bi
                        let d = c.nesterov ? g[i] + c.momentum * bi : bi
                        p[i] -= c.lr * d
                    }
                }
            }
        }
    }
}

/// StepLR: the learning rate of 0-based epoch e is lr · γ^⌊e / step⌋ (PyTorch's StepLR with
/// `scheduler.step()` once per epoch, computed by repeated multiplication as PyTorch does).
public struct StepLR: Codable, Equatable, Sendable {
    public var initial: Double
    public var step: Int
    public var gamma: Double

    public init(initial: Double, step: Int, gamma: Double) {
        precondition(step >= 1)
        self.initial = initial
        self.step = step
        self.gamma = gamma
    }

    public func learningRate(epoch: Int) -> Double {
        var lr = initial
        for _ in 0..<(max(epoch, 0) / step) { lr *= gamma }
        return lr
    }
}
