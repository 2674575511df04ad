import Foundation

/// The depth scaling of the residual branch: α_L = L^{-β}.
public enum Scaling {
    /// α_L = L^{-β}. For β = 0 this is 1 whatever L.
    public static func alpha(depth: Int, beta: Double) -> Double {
        pow(Double(depth), -beta)
    }
}
