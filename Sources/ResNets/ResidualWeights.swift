/// A source of the residual weights, layer by layer.
///
/// Stored parameters give pointers into their arrays; a generator (for very large
/// experiments at initialization) can instead draw layer k's weights into a scratch buffer
/// each time it is asked, so that no more than one layer is ever held in memory.
public protocol ResidualWeights {
    associatedtype Scalar: NetworkScalar
    /// Whether the layers have a bias b_k.
    var hasBias: Bool { get }
    /// Calls `body` with V_{k+1} (d×d), W_{k+1} (d×d, res-3 only, else nil) and the bias
    /// b_{k+1} (length d, nil when the model has none), for the 0-based layer index `k`.
    mutating func withLayer<R>(_ k: Int,
                               _ body: (UnsafePointer<Scalar>, UnsafePointer<Scalar>?, UnsafePointer<Scalar>?) throws -> R) rethrows -> R
}

/// Stored residual weights: a view on `ResNetParameters`.
public struct StoredResidualWeights<T: NetworkScalar>: ResidualWeights {
    public let parameters: ResNetParameters<T>

    public init(_ parameters: ResNetParameters<T>) { self.parameters = parameters }

    public var hasBias: Bool { parameters.hasBias }

    public mutating func withLayer<R>(_ k: Int,
                                      _ body: (UnsafePointer<T>, UnsafePointer<T>?, UnsafePointer<T>?) throws -> R) rethrows -> R {
        let d2 = parameters.configuration.residualMatrixCount
        let d = parameters.configuration.width
        return try parameters.v.withUnsafeBufferPointer { v in
            try parameters.w.withUnsafeBufferPointer { w in
                try parameters.bias.withUnsafeBufferPointer { b in
                    try body(v.baseAddress! + k * d2,
                             w.isEmpty ? nil : w.baseAddress! + k * d2,
                             b.isEmpty ? nil : b.baseAddress! + k * d)
                }
            }
        }
    }
}
