/// All the weights of a ResNet, stored contiguously and row-major.
///
/// - `inputLayer`: A, d × n_in
/// - `outputLayer`: B, n_out × d
/// - `v`: V_1 … V_L, each d × d, layer k (0-based) at offset k·d²
/// - `w`: W_1 … W_L (res-3 only, empty otherwise), same layout
/// - `bias`: b_1 … b_L, each of length d, or empty when the model has no residual bias.
///   With a bias, the branch is res-1: V σ(h) + b; res-2: σ(V h + b); res-3: V σ(W h + b).
public struct ResNetParameters<T: NetworkScalar>: Equatable, Sendable {
    public var configuration: ResNetConfiguration
    public var inputLayer: [T]
    public var outputLayer: [T]
    public var v: [T]
    public var w: [T]
    public var bias: [T]

    /// Zero weights of the right shapes.
    @inlinable
    public init(zeros configuration: ResNetConfiguration, hasBias: Bool = false) {
        let c = configuration
        self.configuration = c
        inputLayer = [T](repeating: 0, count: c.width * c.inputDimension)
        outputLayer = [T](repeating: 0, count: c.outputDimension * c.width)
        v = [T](repeating: 0, count: c.depth * c.residualMatrixCount)
        w = c.variant.hasInnerMatrix ? [T](repeating: 0, count: c.depth * c.residualMatrixCount) : []
        bias = hasBias ? [T](repeating: 0, count: c.depth * c.width) : []
    }

    /// A container with no storage (placeholder where no gradient is wanted).
    @usableFromInline
    init(empty configuration: ResNetConfiguration) {
        self.configuration = configuration
        inputLayer = []; outputLayer = []; v = []; w = []; bias = []
    }

    public var hasBias: Bool { !bias.isEmpty }

    /// Total number of scalars.
    public var count: Int { inputLayer.count + outputLayer.count + v.count + w.count + bias.count }

    /// Converts every weight to another scalar type (e.g. Float → Double for gradient checks).
    public func converted<U: NetworkScalar>(to _: U.Type) -> ResNetParameters<U> {
        var result = ResNetParameters<U>(zeros: configuration, hasBias: hasBias)
        result.inputLayer = inputLayer.map { U($0) }
        result.outputLayer = outputLayer.map { U($0) }
        result.v = v.map { U($0) }
        result.w = w.map { U($0) }
        result.bias = bias.map { U($0) }
        return result
    }

    /// Visits every parameter array with a name, mutably (optimizers, gradient checks).
    public mutating func forEachArray(_ body: (String, inout [T]) throws -> Void) rethrows {
        try body("A", &inputLayer)
        try body("B", &outputLayer)
        try body("V", &v)
        if !w.isEmpty { try body("W", &w) }
        if !bias.isEmpty { try body("bias", &bias) }
    }
}
