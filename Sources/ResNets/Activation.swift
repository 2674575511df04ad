import Foundation
import Support

/// The nonlinearity σ of the residual branch.
public enum Activation: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// σ(x) = max(x, 0)
    case relu
    /// σ(x) = tanh(x)
    case tanh
    /// σ(x) = x (the linear model: the exact-moment oracle of PAPER.md §5)
    case identity
    /// σ(x) = x for x > 0, slope·x otherwise
    case leakyReLU(slope: Double)

    /// The names accepted by `init(parsing:)`.
    public static let accepted = "relu, tanh, identity, leaky-relu or leaky-relu:<slope> (default slope 0.01)"

    /// Parses `relu`, `tanh`, `identity`, `leaky-relu` or `leaky-relu:<slope>`.
    public init(parsing text: String) throws {
        let lower = text.lowercased()
        switch lower {
        case "relu": self = .relu
        case "tanh": self = .tanh
        case "identity", "linear": self = .identity
        case "leaky-relu", "leakyrelu", "leaky_relu": self = .leakyReLU(slope: 0.01)
        default:
            for prefix in ["leaky-relu:", "leakyrelu:", "leaky_relu:"] where lower.hasPrefix(prefix) {
                let value = String(lower.dropFirst(prefix.count))
                guard let slope = Double(value), slope.isFinite else {
                    throw ConfigurationError(setting: "activation", "leaky-relu slope '\(value)' is not a finite number")
                }
                self = .leakyReLU(slope: slope)
                return
            }
            throw ConfigurationError(setting: "activation", "unknown activation '\(text)'; accepted: \(Activation.accepted)")
        }
    }

    public var description: String {
        switch self {
        case .relu: return "relu"
        case .tanh: return "tanh"
        case .identity: return "identity"
        case .leakyReLU(let slope): return "leaky-relu:\(NumberFormat.text(slope))"
        }
    }

    /// out[i] = σ(x[i]) for i < count.
    @inlinable
    public func apply<T: NetworkScalar>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, count: Int) {
        if T.self == Float.self {
            switch self {
            case .relu, .leakyReLU:
                var slope: Float = 0
                if case .leakyReLU(let s) = self { slope = Float(s) }
                return FloatLoops.rectify(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                          UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self),
                                          slope: slope, count: count)
            default: break
            }
        }
        switch self {
        case .relu:
            for i in 0..<count { out[i] = x[i] > 0 ? x[i] : 0 }
        case .tanh:
            for i in 0..<count { out[i] = T.hyperbolicTangent(x[i]) }
        case .identity:
            if UnsafePointer(out) != x { out.update(from: x, count: count) }
        case .leakyReLU(let slope):
            let s = T(slope)
            for i in 0..<count { out[i] = x[i] > 0 ? x[i] : s * x[i] }
        }
    }

    /// g[i, j] *= σ'(x[i, j]) · a[j] for a row-major rows × columns matrix, with a[j] = 1
    /// when `columnScales` is nil: the chain rule through σ fused with a per-column scaling.
    @inlinable
    public func multiplyByDerivative<T: NetworkScalar>(at x: UnsafePointer<T>, _ g: UnsafeMutablePointer<T>,
                                                       columnScales a: UnsafePointer<T>?, rows: Int, columns: Int) {
        guard let a else { return multiplyByDerivative(at: x, g, count: rows * columns) }
        if T.self == Float.self {
            switch self {
            case .relu, .leakyReLU:
                var slope: Float = 0
                if case .leakyReLU(let s) = self { slope = Float(s) }
                return FloatLoops.rectifiedDerivative(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                                      UnsafeMutableRawPointer(g).assumingMemoryBound(to: Float.self),
                                                      UnsafeRawPointer(a).assumingMemoryBound(to: Float.self),
                                                      slope: slope, rows: rows, columns: columns)
            default: break
            }
        }
        switch self {
        case .relu:
            for i in 0..<rows {
                let o = i * columns
                for j in 0..<columns { g[o + j] = x[o + j] > 0 ? g[o + j] * a[j] : 0 }
            }
        case .tanh:
            for i in 0..<rows {
                let o = i * columns
                for j in 0..<columns {
                    let t = T.hyperbolicTangent(x[o + j])
                    g[o + j] *= (1 - t * t) * a[j]
                }
            }
        case .identity:
            for i in 0..<rows {
                let o = i * columns
                for j in 0..<columns { g[o + j] *= a[j] }
            }
        case .leakyReLU(let slope):
            let s = T(slope)
            for i in 0..<rows {
                let o = i * columns
                for j in 0..<columns { g[o + j] *= (x[o + j] > 0 ? a[j] : s * a[j]) }
            }
        }
    }

    /// g[i] *= σ'(x[i]) for i < count: the chain rule through σ, given the pre-activation x.
    @inlinable
    public func multiplyByDerivative<T: NetworkScalar>(at x: UnsafePointer<T>, _ g: UnsafeMutablePointer<T>, count: Int) {
        switch self {
        case .relu:
            for i in 0..<count { g[i] = x[i] > 0 ? g[i] : 0 }
        case .tanh:
            for i in 0..<count {
                let t = T.hyperbolicTangent(x[i])
                g[i] *= 1 - t * t
            }
        case .identity:
            break
        case .leakyReLU(let slope):
            let s = T(slope)
            for i in 0..<count { g[i] = x[i] > 0 ? g[i] : s * g[i] }
        }
    }
}
