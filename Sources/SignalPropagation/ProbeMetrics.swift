import ResNets

/// The four norm ratios measured on one input (PAPER.md §4), with p_k = ∂loss/∂h_k:
///
///     h_ratio    = ‖h_L‖ / ‖h_0‖        h_diff    = ‖h_L − h_0‖ / ‖h_0‖
///     grad_ratio = ‖p_0‖ / ‖p_L‖        grad_diff = ‖p_L − p_0‖ / ‖p_L‖
///
/// Non-finite values (explosion) are kept as they are: they are data.
public struct ProbeMetrics: Equatable, Sendable {
    public var hRatio: Double
    public var hDiff: Double
    public var gradRatio: Double
    public var gradDiff: Double

    public init(hRatio: Double, hDiff: Double, gradRatio: Double, gradDiff: Double) {
        self.hRatio = hRatio
        self.hDiff = hDiff
        self.gradRatio = gradRatio
        self.gradDiff = gradDiff
    }

    /// Computes the metrics of column `column` of row-major d × batch matrices, in Double.
    public static func measure<T: BinaryFloatingPoint>(h0: UnsafePointer<T>, hL: UnsafePointer<T>,
                                                       p0: UnsafePointer<T>, pL: UnsafePointer<T>,
                                                       rows: Int, batch: Int, column: Int) -> ProbeMetrics {
        var h0Sq = 0.0, hLSq = 0.0, hDiffSq = 0.0, p0Sq = 0.0, pLSq = 0.0, pDiffSq = 0.0
        for i in 0..<rows {
            let o = i * batch + column
            let a = Double(h0[o]), b = Double(hL[o]), p = Double(p0[o]), q = Double(pL[o])
            h0Sq += a * a
            hLSq += b * b
            hDiffSq += (b - a) * (b - a)
            p0Sq += p * p
            pLSq += q * q
            pDiffSq += (q - p) * (q - p)
        }
        return ProbeMetrics(hRatio: (hLSq / h0Sq).squareRoot(), hDiff: (hDiffSq / h0Sq).squareRoot(),
                            gradRatio: (p0Sq / pLSq).squareRoot(), gradDiff: (pDiffSq / pLSq).squareRoot())
    }
}

/// One row of a simulation's results: one (depth, initialization, β, model, input).
public struct ProbeRecord: Equatable, Sendable {
    public var depth: Int
    public var initialization: Initialization
    public var beta: Double
    public var modelIndex: Int
    public var inputIndex: Int
    public var metrics: ProbeMetrics

    public init(depth: Int, initialization: Initialization, beta: Double, modelIndex: Int, inputIndex: Int, metrics: ProbeMetrics) {
        self.depth = depth
        self.initialization = initialization
        self.beta = beta
        self.modelIndex = modelIndex
        self.inputIndex = inputIndex
        self.metrics = metrics
    }
}
