import Stochastic

/// A sampler of independent random sequences in the layer index k = 1…L, for the
/// correlated initializations (fBm, smooth Gaussian processes).
///
/// Output is layer-major, so that the residual matrices come out contiguous: with
/// `count = d²` sequences, `out[k·d² + i·d + j]` is entry (i, j) of V_{k+1}.
public protocol LayerSequenceProcess: Sendable {
    /// L, the number of steps of every sequence.
    var length: Int { get }
    /// Draws `count` independent sequences of unit-variance steps, multiplied by `scale`,
    /// into `out` (count · L values, layer-major).
    func sample(sequences count: Int, scale: Double, from stream: inout RandomStream,
                into out: UnsafeMutableBufferPointer<Float>)
    /// The same in Double.
    func sample(sequences count: Int, scale: Double, from stream: inout RandomStream,
                into out: UnsafeMutableBufferPointer<Double>)
}

extension FractionalGaussianNoise: LayerSequenceProcess {}
extension SmoothGaussianProcess: LayerSequenceProcess {}
extension ReferenceFractionalNoise: LayerSequenceProcess {}

extension Initialization {
    /// The precomputed sampler of the residual weight sequences for depth L, or nil for the
    /// i.i.d. initializations. Building it costs a circulant embedding (an FFT of size ≈ 2L):
    /// reuse it across models of the same depth.
    public func sequenceProcess(length: Int) throws -> LayerSequenceProcess? {
        switch self {
        case .iidUniform, .iidGaussian: return nil
        case .fbm(let h): return try FractionalGaussianNoise(length: length, hurst: h)
        case .fbmReference(let h): return try ReferenceFractionalNoise(length: length, hurst: h)
        case .smooth(let l): return try SmoothGaussianProcess.values(length: length, lengthScale: l)
        case .smoothIncrements(let l2): return try SmoothGaussianProcess.increments(length: length, bandwidth: l2)
        }
    }
}

extension Initialization {
    /// The circulant embedding size M the sampler of depth L uses (nil for the i.i.d.
    /// initializations), capped at the supported maximum: beyond it, building the sampler
    /// fails with its own message. For memory estimates made before anything is built.
    public func embeddingLength(depth: Int) -> Int? {
        let maximum = StationaryGaussianSequence.maximumEmbeddingLength
        if case .iidUniform = self { return nil }
        if case .iidGaussian = self { return nil }
        // The reference code's sampler always embeds in 2L points.
        if case .fbmReference = self { return depth <= maximum / 2 ? 2 * max(depth, 1) : maximum }
        guard depth <= StationaryGaussianSequence.maximumLength else { return maximum }
        let m: Int?
        switch self {
        case .smooth(let l): m = SmoothGaussianProcess.embeddingLength(length: depth, lengthScale: l)
        case .smoothIncrements(let l2): m = SmoothGaussianProcess.embeddingLength(length: depth, lengthScale: l2.squareRoot())
        default: m = FractionalGaussianNoise.embeddingLength(length: depth)
        }
        return min(maximum, m ?? maximum)
    }
}
