import Foundation

/// The depth scaling of the residual branch: α_L = L^{-β}.
public enum Scaling {
    /// α_L = L^{-β}. For β = 0 this is 1 whatever L.
    public static func alpha(depth: Int, beta: Double) -> Double {
        pow(Double(depth), -beta)
    }
}

/// How the residual branch of each column of a batch is scaled, given the way callers think
/// of it (β, or α itself); the network turns it into one α per column, α = L^{-β} with
/// L its own depth. One pass can serve several β on the same weights (`betas`).
public enum BranchScaling: Equatable, Sendable {
    /// Every column at α_L = L^{-β}.
    case beta(Double)
    /// Consecutive groups of `columnsEach` columns, the g-th at α_L = L^{-betas[g]}
    /// (the batch is `betas.count × columnsEach` columns).
    case betas([Double], columnsEach: Int)
    /// Every column at this α, whatever the depth (e.g. α = 1/L computed by the caller).
    case alpha(Double)

    /// The α of each of the `batch` columns of a network of depth `depth`.
    @inlinable
    public func alphas<T: BinaryFloatingPoint>(depth: Int, batch: Int) -> [T] {
        switch self {
        case .beta(let beta):
            return [T](repeating: T(Scaling.alpha(depth: depth, beta: beta)), count: batch)
        case .alpha(let alpha):
            return [T](repeating: T(alpha), count: batch)
        case .betas(let betas, let each):
            precondition(betas.count * each == batch, "one group of columns per β")
            var result = [T](repeating: 0, count: batch)
            for (g, beta) in betas.enumerated() {
                let alpha = T(Scaling.alpha(depth: depth, beta: beta))
                for j in 0..<each { result[g * each + j] = alpha }
            }
            return result
        }
    }
}
