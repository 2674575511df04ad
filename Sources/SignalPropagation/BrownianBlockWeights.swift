import ResNets

/// The residual weights of a depth-L ResNet coupled to one Brownian path sampled on a fine
/// grid: V_k = √(L/d)·(B_{(k+1)/L} − B_{k/L}), the sum of a block of L_fine/L fine
/// increments times √(L/d), formed one layer at a time in a scratch buffer (memory: the fine
/// increments, shared, and one layer).
///
/// `increments` holds the L_fine fine increments ΔB_j = B_{(j+1)/L_fine} − B_{j/L_fine}
/// (each a d × d matrix of i.i.d. N(0, 1/L_fine) entries), layer-major: increment j at
/// offset j·d².
struct BrownianBlockWeights: ResidualWeights {
    let increments: [Float]
    let width: Int
    /// L_fine/L fine steps per layer.
    let blockSize: Int
    /// √(L/d).
    let scale: Float
    private var v: [Float]

    init(increments: [Float], width: Int, fineDepth: Int, depth: Int) {
        precondition(fineDepth % depth == 0 && increments.count == fineDepth * width * width)
        self.increments = increments
        self.width = width
        blockSize = fineDepth / depth
        scale = Float((Double(depth) / Double(width)).squareRoot())
        v = [Float](repeating: 0, count: width * width)
    }

    var hasBias: Bool { false }

    mutating func withLayer<R>(_ k: Int, _ body: (UnsafePointer<Float>, UnsafePointer<Float>?, UnsafePointer<Float>?) throws -> R) rethrows -> R {
        let d2 = width * width, block = blockSize, scale = scale
        return try increments.withUnsafeBufferPointer { dB in
            try v.withUnsafeMutableBufferPointer { out in
                let o = out.baseAddress!
                let first = dB.baseAddress! + k * block * d2
                o.update(from: first, count: d2)
                for j in 1..<max(1, block) {
                    let src = first + j * d2
                    for e in 0..<d2 { o[e] += src[e] }
                }
                for e in 0..<d2 { o[e] *= scale }
                return try body(UnsafePointer(o), nil, nil)
            }
        }
    }
}
