import Support
/// The architecture of a ResNet F(x) = B h_L, h_0 = A x, h_{k+1} = h_k + α_L f(h_k; θ_{k+1}).
public struct ResNetConfiguration: Equatable, Sendable {
    /// Residual branch form.
    public var variant: ResidualVariant
    /// The nonlinearity σ.
    public var activation: Activation
    /// d: the size of the hidden state h_k.
    public var width: Int
    /// L: the number of residual layers.
    public var depth: Int
    /// n_in: the size of the input x.
    public var inputDimension: Int
    /// n_out: the size of the output F(x).
    public var outputDimension: Int

    public init(variant: ResidualVariant, activation: Activation, width: Int, depth: Int,
                inputDimension: Int, outputDimension: Int) throws {
        self.variant = variant
        self.activation = activation
        self.width = width
        self.depth = depth
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        try validate()
    }

    /// Throws a `ConfigurationError` naming the first setting out of range.
    public func validate() throws {
        if width < 1 { throw ConfigurationError(setting: "width", "must be a positive integer, got \(width)") }
        if depth < 1 { throw ConfigurationError(setting: "depth", "must be a positive integer, got \(depth)") }
        if inputDimension < 1 { throw ConfigurationError(setting: "input-dim", "must be a positive integer, got \(inputDimension)") }
        if outputDimension < 1 { throw ConfigurationError(setting: "output-dim", "must be a positive integer, got \(outputDimension)") }
        if case .leakyReLU(let slope) = activation, !slope.isFinite {
            throw ConfigurationError(setting: "activation", "leaky-relu slope must be finite")
        }
    }

    /// Number of scalars in one residual matrix (d²).
    public var residualMatrixCount: Int { width * width }
}
