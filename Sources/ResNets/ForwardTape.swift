/// What a forward pass keeps for the backward pass, reused across calls so that the hot
/// path does not allocate once the shapes are set.
///
/// Matrices are row-major with one column per input: h_k is d × batch.
public struct ForwardTape<T: NetworkScalar>: Sendable {
    @usableFromInline internal var _configuration: ResNetConfiguration
    @usableFromInline internal var _batch: Int
    @usableFromInline internal var _keepsAllStates: Bool

    public var configuration: ResNetConfiguration { _configuration }
    /// Number of inputs processed at once (columns).
    public var batch: Int { _batch }
    /// Whether every h_k is kept. The backward pass of res-1, and parameter gradients of any
    /// variant, need them. Without, only h_0 and two rolling states are stored (enough for
    /// p_0 and p_L of res-2/res-3, whose backward reads the pre-activations): half the
    /// memory traffic of a long, wide pass.
    public var keepsAllStates: Bool { _keepsAllStates }
    /// Storage of the states h_k, each d × batch, at `stateOffset(k)`.
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

    /// A tape for `batch` columns. `keepsAllStates: false` is allowed only for res-2 and
    /// res-3 passes whose backward does not compute parameter gradients.
    @inlinable
    public init(configuration: ResNetConfiguration, batch: Int, keepsAllStates: Bool = true) {
        _configuration = configuration
        _batch = -1
        _keepsAllStates = keepsAllStates || configuration.variant == .res1
        states = []; preactivations = []; alphas = []; inputs = []; outputs = []
        scratchA = []; scratchB = []
        prepare(configuration: configuration, batch: batch)
    }

    /// Resizes the buffers for a configuration and batch size (no-op when unchanged).
    @inlinable
    public mutating func prepare(configuration c: ResNetConfiguration, batch: Int) {
        if c == _configuration, batch == _batch { return }
        _configuration = c
        _batch = batch
        if c.variant == .res1 { _keepsAllStates = true }
        let db = c.width * batch
        states = [T](repeating: 0, count: (_keepsAllStates ? c.depth + 1 : 3) * db)
        preactivations = c.variant == .res1 ? [] : [T](repeating: 0, count: c.depth * db)
        alphas = [T](repeating: 1, count: batch)
        inputs = [T](repeating: 0, count: c.inputDimension * batch)
        outputs = [T](repeating: 0, count: c.outputDimension * batch)
        scratchA = [T](repeating: 0, count: db)
        scratchB = [T](repeating: 0, count: db)
    }

    /// Where h_k starts in `states`: k·d·batch when all states are kept; otherwise h_0 at 0
    /// and h_k (k ≥ 1) in one of two rolling slots.
    @inlinable
    public func stateOffset(_ k: Int) -> Int {
        Self.stateOffset(k, stateSize: _configuration.width * _batch, keepsAllStates: _keepsAllStates)
    }

    /// The layout rule of `stateOffset(_:)`, for code that holds the storage open.
    @inlinable
    public static func stateOffset(_ k: Int, stateSize db: Int, keepsAllStates: Bool) -> Int {
        keepsAllStates ? k * db : (k == 0 ? 0 : (1 + (k & 1)) * db)
    }

    /// h_k (d × batch, row-major). Without `keepsAllStates`, only h_0 and the last state
    /// written (h_L after a forward pass) are meaningful.
    public func state(_ k: Int) -> ArraySlice<T> {
        let o = stateOffset(k), db = configuration.width * batch
        return states[o..<(o + db)]
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
