/// What a forward pass keeps for the backward pass, reused across calls so that the hot
/// path does not allocate once the shapes are set.
///
/// Matrices are row-major with one column per input: h_k is d × batch.
public struct ForwardTape<T: NetworkScalar>: Sendable {
    public private(set) var configuration: ResNetConfiguration
    /// Number of inputs processed at once (columns).
    public private(set) var batch: Int
    /// h_0 … h_L, each d × batch, h_k at offset k·d·batch.
    public var states: [T]
    /// res-2: V_{k+1} h_k + b_{k+1}; res-3: W_{k+1} h_k + b_{k+1}; each d × batch. Empty for res-1.
    @usableFromInline internal var preactivations: [T]
    /// Per-column scaling α (length batch): column j uses h_{k+1} = h_k + α_j f(h_k).
    public var alphas: [T]
    /// The inputs x, n_in × batch.
    public var inputs: [T]
    /// The outputs F(x) = B h_L, n_out × batch.
    public var outputs: [T]
    /// Two d × batch scratch matrices.
    @usableFromInline internal var scratchA: [T]
    @usableFromInline internal var scratchB: [T]

    public init(configuration: ResNetConfiguration, batch: Int) {
        self.configuration = configuration
        self.batch = 0
        states = []; preactivations = []; alphas = []; inputs = []; outputs = []
        scratchA = []; scratchB = []
        prepare(configuration: configuration, batch: batch)
    }

    /// Resizes the buffers for a configuration and batch size (no-op when unchanged).
    public mutating func prepare(configuration c: ResNetConfiguration, batch: Int) {
        if c == configuration, batch == self.batch, !states.isEmpty { return }
        configuration = c
        self.batch = batch
        let db = c.width * batch
        states = [T](repeating: 0, count: (c.depth + 1) * db)
        preactivations = c.variant == .res1 ? [] : [T](repeating: 0, count: c.depth * db)
        alphas = [T](repeating: 1, count: batch)
        inputs = [T](repeating: 0, count: c.inputDimension * batch)
        outputs = [T](repeating: 0, count: c.outputDimension * batch)
        scratchA = [T](repeating: 0, count: db)
        scratchB = [T](repeating: 0, count: db)
    }

    /// h_k (d × batch, row-major) for 0 ≤ k ≤ L.
    public func state(_ k: Int) -> ArraySlice<T> {
        let db = configuration.width * batch
        return states[(k * db)..<((k + 1) * db)]
    }
}

/// The result of a backward pass: ∂loss/∂h_0 and ∂loss/∂h_L (d × batch each) and, when
/// requested, the gradient of every parameter (same layout as `ResNetParameters`).
public struct BackwardResult<T: NetworkScalar>: Sendable {
    /// p_0 = ∂loss/∂h_0, d × batch.
    public var inputStateGradient: [T]
    /// p_L = ∂loss/∂h_L, d × batch.
    public var outputStateGradient: [T]
    /// ∂loss/∂θ for every parameter, or nil when not requested.
    public var parameterGradients: ResNetParameters<T>?

    public init() {
        inputStateGradient = []
        outputStateGradient = []
        parameterGradients = nil
    }
}
