import Foundation
import ResNets
#if RESNET_FMA && arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// √x lane by lane, correctly rounded (the bits of `Float.squareRoot()`). On Linux
/// `SIMD8<Float>.squareRoot()` becomes eight scalar square roots, each with a branch to
/// libm's `sqrtf` for errno; AVX builds use the one vector instruction instead.
@inline(__always)
func squareRoot8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    #if RESNET_FMA && arch(x86_64)
    return _mm256_sqrt_ps(x)
    #else
    return x.squareRoot()
    #endif
}

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
///   θ ← θ − s · (m / (√v · r + ε)) with the step size s = lr / (1 − β1ᵗ) and
///   r = 1 / √(1 − β2ᵗ), both computed once per step (s in Double then rounded to T; r as
///   T(1) / T(√(1 − β2ᵗ))). The code multiplies √v by the reciprocal r rather than dividing by
///   √(1 − β2ᵗ), so it can differ from a literal division in the last bit.
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
        update(parameters: &parameters, gradientTerms: [gradients], learningRate: learningRate)
    }

    /// One update with the gradient g = terms[0] + terms[1] + … (summed elementwise in that
    /// order, so the result depends only on the terms, not on how the work is split).
    ///
    /// With `parts` > 1 every array is cut into `parts` contiguous slices and `parallel(parts, body)`
    /// must call `body(i)` once for every i in 0..<parts, possibly concurrently (e.g. on a worker
    /// pool). The update is elementwise, so the numbers do not depend on `parts`.
    public mutating func update(parameters: inout ResNetParameters<T>, gradientTerms: [ResNetParameters<T>],
                                learningRate: Double, parts: Int = 1,
                                parallel: ((Int, @escaping (Int) -> Void) -> Void)? = nil) {
        precondition(!gradientTerms.isEmpty && gradientTerms.allSatisfy { $0.count == parameters.count },
                     "gradients must have the parameters' layout")
        step += 1
        let kernel: Kernel
        switch settings.kind {
        case .adam:
            let t = Double(step)
            let bc1 = 1 - pow(settings.beta1, t)
            let bc2 = 1 - pow(settings.beta2, t)
            kernel = .adam(AdamConstants(
                oneMinusBeta1: T(1 - settings.beta1), beta2: T(settings.beta2), oneMinusBeta2: T(1 - settings.beta2),
                stepSize: T(learningRate / bc1), bc2Sqrt: T(bc2.squareRoot()), epsilon: T(settings.epsilon)))
        case .sgd:
            kernel = .sgd(SGDConstants(lr: T(learningRate), momentum: T(settings.momentum),
                                       oneMinusDampening: T(1 - settings.dampening), nesterov: settings.nesterov,
                                       firstStep: step == 1))
        }
        let parts = parallel == nil ? 1 : max(1, parts)
        func run(_ p: inout [T], _ terms: [[T]], _ m: inout [T], _ v: inout [T]) {
            let n = p.count
            if n == 0 { return }
            p.withUnsafeMutableBufferPointer { pb in
                m.withUnsafeMutableBufferPointer { mb in
                    v.withUnsafeMutableBufferPointer { vb in
                        Self.withPointers(terms) { g in
                            let pp = pb.baseAddress!, mp = mb.baseAddress!, vp = vb.baseAddress
                            let body: (Int) -> Void = { part in
                                let range = (part * n / parts)..<((part + 1) * n / parts)
                                Self.apply(kernel, p: pp, g: g, m: mp, v: vp, range: range)
                            }
                            if parts > 1, let parallel { parallel(parts, body) } else { body(0) }
                        }
                    }
                }
            }
        }
        run(&parameters.inputLayer, gradientTerms.map(\.inputLayer), &first.inputLayer, &second.inputLayer)
        run(&parameters.outputLayer, gradientTerms.map(\.outputLayer), &first.outputLayer, &second.outputLayer)
        run(&parameters.v, gradientTerms.map(\.v), &first.v, &second.v)
        run(&parameters.w, gradientTerms.map(\.w), &first.w, &second.w)
        run(&parameters.bias, gradientTerms.map(\.bias), &first.bias, &second.bias)
    }

    enum Kernel {
        case adam(AdamConstants)
        case sgd(SGDConstants)
    }

    struct AdamConstants {
        var oneMinusBeta1, beta2, oneMinusBeta2, stepSize, bc2Sqrt, epsilon: T
    }

    struct SGDConstants {
        var lr, momentum, oneMinusDampening: T
        var nesterov: Bool
        var firstStep: Bool
    }

    /// Calls `body` with the base addresses of `arrays` (all non-empty).
    private static func withPointers<R>(_ arrays: [[T]], _ body: ([UnsafePointer<T>]) -> R) -> R {
        var pointers: [UnsafePointer<T>] = []
        func next(_ i: Int) -> R {
            if i == arrays.count { return body(pointers) }
            return arrays[i].withUnsafeBufferPointer { b in
                pointers.append(b.baseAddress!)
                return next(i + 1)
            }
        }
        return next(0)
    }

    /// The gradient at i: terms summed left to right.
    @inline(__always)
    static func gradient(_ g: [UnsafePointer<T>], _ i: Int) -> T {
        var x = g[0][i]
        for t in 1..<g.count { x += g[t][i] }
        return x
    }

    static func apply(_ kernel: Kernel, p: UnsafeMutablePointer<T>, g: [UnsafePointer<T>], m: UnsafeMutablePointer<T>,
                      v: UnsafeMutablePointer<T>?, range: Range<Int>) {
        switch kernel {
        case .adam(let c):
            let v = v!
            let inverseBC2Sqrt = 1 / c.bc2Sqrt
            var start = range.lowerBound
            if T.self == Float.self {
                // Eight lanes at a time: the same operations in the same order as the scalar
                // loop below, so both give identical bits.
                start = adamFloat8(p, g, m, v, range: range, c, inverseBC2Sqrt)
            }
            for i in start..<range.upperBound {
                let gi = gradient(g, i)
                let mi = m[i] + c.oneMinusBeta1 * (gi - m[i])
                let vi = c.beta2 * v[i] + c.oneMinusBeta2 * gi * gi
                m[i] = mi
                v[i] = vi
                let denom = vi.squareRoot() * inverseBC2Sqrt + c.epsilon
                p[i] -= c.stepSize * (mi / denom)
            }
        case .sgd(let c):
            for i in range {
                let gi = gradient(g, i)
                if c.momentum == 0 {
                    p[i] -= c.lr * gi
                    continue
                }
                let bi = c.firstStep ? gi : c.momentum * m[i] + c.oneMinusDampening * gi
                m[i] = bi
                let d = c.nesterov ? gi + c.momentum * bi : bi
                p[i] -= c.lr * d
            }
        }
    }

    /// The Float SIMD8 body of Adam over `range`; returns where it stopped.
    static func adamFloat8(_ p: UnsafeMutablePointer<T>, _ g: [UnsafePointer<T>], _ m: UnsafeMutablePointer<T>,
                           _ v: UnsafeMutablePointer<T>, range: Range<Int>, _ c: AdamConstants, _ inverseBC2Sqrt: T) -> Int {
        typealias V8 = SIMD8<Float>
        let a1 = V8(repeating: c.oneMinusBeta1 as! Float), b2 = V8(repeating: c.beta2 as! Float)
        let a2 = V8(repeating: c.oneMinusBeta2 as! Float), step = V8(repeating: c.stepSize as! Float)
        let eps = V8(repeating: c.epsilon as! Float), inv = V8(repeating: inverseBC2Sqrt as! Float)
        let pr = UnsafeMutableRawPointer(p), mr = UnsafeMutableRawPointer(m), vr = UnsafeMutableRawPointer(v)
        let g0 = UnsafeRawPointer(g[0])
        let extra = g.dropFirst().map { UnsafeRawPointer($0) }
        var i = range.lowerBound
        // The common case of one or two gradient terms (one per column block) without the
        // inner loop over the terms; the same sums, g0 + g1, in the same order.
        let g1 = extra.count == 1 ? extra[0] : nil
        let terms = extra.count
        while i + 8 <= range.upperBound {
            let o = i * 4
            var gi = g0.loadUnaligned(fromByteOffset: o, as: V8.self)
            if let g1 {
                gi += g1.loadUnaligned(fromByteOffset: o, as: V8.self)
            } else if terms > 1 {
                for e in extra { gi += e.loadUnaligned(fromByteOffset: o, as: V8.self) }
            }
            let m0 = mr.loadUnaligned(fromByteOffset: o, as: V8.self)
            let v0 = vr.loadUnaligned(fromByteOffset: o, as: V8.self)
            let mi = m0 + a1 * (gi - m0)
            let vi = b2 * v0 + a2 * gi * gi
            mr.storeBytes(of: mi, toByteOffset: o, as: V8.self)
            vr.storeBytes(of: vi, toByteOffset: o, as: V8.self)
            let denom = squareRoot8(vi) * inv + eps
            let p0 = pr.loadUnaligned(fromByteOffset: o, as: V8.self)
            pr.storeBytes(of: p0 - step * (mi / denom), toByteOffset: o, as: V8.self)
            i += 8
        }
        return i
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
