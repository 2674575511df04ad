import Foundation
import DenseKernels
import Stochastic

/// A floating-point type a ResNet computes in: `Float` for speed (the AVX2 kernels of
/// `DenseKernels`), `Double` for gradient checks and oracles (the naive reference kernels).
/// The model code is written once, generically, so the Double checks validate the very code
/// that runs in Float.
public protocol NetworkScalar: BinaryFloatingPoint, Sendable, Codable
where RawSignificand: FixedWidthInteger {
    /// tanh(x)
    static func hyperbolicTangent(_ x: Self) -> Self

    /// C (+)= op(A)·op(B) with row-major storage: op(A) is m×k (A stored k×m when
    /// `transposeA`), op(B) is k×n (B stored n×k when `transposeB`), C is m×n.
    /// `accumulate` adds to C instead of overwriting it.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool)

    /// C (+)= A·σ(B)ᵀ with σ(x) = x > 0 ? x : slope·x: A m×k, B stored n×k, C m×n (row-major).
    /// The same numbers as materializing σ(B) and calling `gemm(transposeB: true)` with the
    /// blocked GEMM (the weight gradient of a rectified layer without the σ(B) pass). `scratch`
    /// (n·k values) holds σ(B) on the shapes that do not rectify while packing (Float) or always
    /// (Double: σ(B), then the reference GEMM).
    static func gemmRectifiedTransposedB(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int,
                                         b: UnsafePointer<Self>, ldb: Int, slope: Self,
                                         c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool,
                                         scratch: UnsafeMutablePointer<Self>)

    /// Fills `buffer` with U[low, high) draws from `stream`.
    static func fillUniform(_ buffer: UnsafeMutableBufferPointer<Self>, low: Self, high: Self,
                            from stream: inout RandomStream)

    /// Fills `buffer` with N(0, standardDeviation²) draws from `stream`.
    static func fillNormal(_ buffer: UnsafeMutableBufferPointer<Self>, standardDeviation: Self,
                           from stream: inout RandomStream)

    /// Fills `buffer` with `count` sequences of `process`, layer-major, times `scale`.
    static func fillSequences(_ buffer: UnsafeMutableBufferPointer<Self>, count: Int, scale: Double,
                              process: LayerSequenceProcess, from stream: inout RandomStream)
}

extension Float: NetworkScalar {
    @inlinable public static func hyperbolicTangent(_ x: Float) -> Float { Foundation.tanh(x) }

    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        switch (transposeA, transposeB) {
        case (false, false):
            GEMM.multiply(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        case (true, false):
            GEMM.multiplyTransposedA(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        case (false, true):
            GEMM.multiplyTransposedB(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        case (true, true):
            referenceGEMM(transposeA: true, transposeB: true, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        }
    }

    @inlinable
    public static func gemmRectifiedTransposedB(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                                                b: UnsafePointer<Float>, ldb: Int, slope: Float,
                                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                                                scratch: UnsafeMutablePointer<Float>) {
        GEMM.multiplyTransposedBRectified(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, slope: slope,
                                          c: c, ldc: ldc, accumulate: accumulate, scratch: scratch)
    }

    public static func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float, high: Float,
                                   from stream: inout RandomStream) {
        stream.fillUniform(buffer, low: low, high: high)
    }

    public static func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, standardDeviation: Float,
                                  from stream: inout RandomStream) {
        stream.fillNormal(buffer, mean: 0, standardDeviation: standardDeviation)
    }

    public static func fillSequences(_ buffer: UnsafeMutableBufferPointer<Float>, count: Int, scale: Double,
                                     process: LayerSequenceProcess, from stream: inout RandomStream) {
        process.sample(sequences: count, scale: scale, from: &stream, into: buffer)
    }
}

extension Double: NetworkScalar {
    @inlinable public static func hyperbolicTangent(_ x: Double) -> Double { Foundation.tanh(x) }

    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        referenceGEMM(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                      a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }

    @inlinable
    public static func gemmRectifiedTransposedB(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int,
                                                b: UnsafePointer<Double>, ldb: Int, slope: Double,
                                                c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool,
                                                scratch: UnsafeMutablePointer<Double>) {
        // σ(B) materialized, then the reference GEMM: the protocol's contract by construction,
        // accumulation included (C + a₀σ(b₀) + a₁σ(b₁) + … term by term, not C + Σ).
        for j in 0..<n {
            for p in 0..<k {
                let x = b[j * ldb + p]
                scratch[j * k + p] = x > 0 ? x : slope * x
            }
        }
        referenceGEMM(transposeA: false, transposeB: true, m: m, n: n, k: k, a: a, lda: lda, b: scratch, ldb: k,
                      c: c, ldc: ldc, accumulate: accumulate)
    }

    public static func fillUniform(_ buffer: UnsafeMutableBufferPointer<Double>, low: Double, high: Double,
                                   from stream: inout RandomStream) {
        stream.fillUniform(buffer, low: low, high: high)
    }

    public static func fillNormal(_ buffer: UnsafeMutableBufferPointer<Double>, standardDeviation: Double,
                                  from stream: inout RandomStream) {
        stream.fillNormal(buffer, mean: 0, standardDeviation: standardDeviation)
    }

    public static func fillSequences(_ buffer: UnsafeMutableBufferPointer<Double>, count: Int, scale: Double,
                                     process: LayerSequenceProcess, from stream: inout RandomStream) {
        process.sample(sequences: count, scale: scale, from: &stream, into: buffer)
    }
}

/// C (+)= op(A)·op(B) by plain loops in the type's own precision (Double reference path).
@inlinable
func referenceGEMM<T: BinaryFloatingPoint>(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                          a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
                                          c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool) {
    for i in 0..<m {
        let row = c + i * ldc
        if !accumulate { row.update(repeating: 0, count: n) }
        for p in 0..<k {
            let aip = transposeA ? a[p * lda + i] : a[i * lda + p]
            if transposeB {
                for j in 0..<n { row[j] += aip * b[j * ldb + p] }
            } else {
                let bp = b + p * ldb
                for j in 0..<n { row[j] += aip * bp[j] }
            }
        }
    }
}
