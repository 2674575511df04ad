// Word → uniform value transforms used by `RandomStream.fillUniform`.

/// A transform that makes one Float of each word, lane by lane: a unit of 16 words is
/// `convert` of each half, stored in order.
protocol LanewiseFloatTransform: WordTransform where Value == Float {
    func convert(_ w: SIMD8<UInt32>) -> SIMD8<Float>
}

extension LanewiseFloatTransform {
    static var wordsPerValue: Int { 1 }

    @inline(__always)
    func writeUnit(_ a: SIMD8<UInt32>, _ b: SIMD8<UInt32>, to out: UnsafeMutablePointer<Float>) {
        let raw = UnsafeMutableRawPointer(out)
        raw.storeBytes(of: convert(a), as: SIMD8<Float>.self)
        raw.storeBytes(of: convert(b), toByteOffset: 32, as: SIMD8<Float>.self)
    }
}

/// Uniform Float in [low, high) from the top 24 bits of each word.
struct UniformFloatTransform: LanewiseFloatTransform {
    let low: SIMD8<Float>
    let width: SIMD8<Float>
    let cap: SIMD8<Float>

    init(low: Float, high: Float) {
        precondition(low < high && (high - low).isFinite, "uniform range must satisfy low < high with finite width")
        self.low = SIMD8(repeating: low)
        width = SIMD8(repeating: high - low)
        cap = SIMD8(repeating: high.nextDown)
    }

    @inline(__always)
    func convert(_ w: SIMD8<UInt32>) -> SIMD8<Float> {
        let u = toFloat(unsafeBitCast(w &>> 8, to: SIMD8<Int32>.self)) * 0x1p-24
        let v = mulAdd(u, width, low)
        return v.replacing(with: cap, where: v .> cap)
    }
}

/// The same values as `UniformFloatTransform` with one multiply fewer per value, for ranges
/// whose width·2⁻²⁴ is a normal Float: (w >> 8)·(width·2⁻²⁴) is then exactly
/// ((w >> 8)·2⁻²⁴)·width, so the multiply-add rounds the same real number.
struct PrescaledUniformFloatTransform: LanewiseFloatTransform {
    let low: SIMD8<Float>
    let scaledWidth: SIMD8<Float>
    let cap: SIMD8<Float>

    /// Nil when width·2⁻²⁴ would be subnormal (then use `UniformFloatTransform`).
    init?(low: Float, high: Float) {
        precondition(low < high && (high - low).isFinite, "uniform range must satisfy low < high with finite width")
        let scaled = (high - low) * 0x1p-24
        guard scaled.isNormal else { return nil }
        self.low = SIMD8(repeating: low)
        scaledWidth = SIMD8(repeating: scaled)
        cap = SIMD8(repeating: high.nextDown)
    }

    @inline(__always)
    func convert(_ w: SIMD8<UInt32>) -> SIMD8<Float> {
        let v = mulAdd(toFloat(unsafeBitCast(w &>> 8, to: SIMD8<Int32>.self)), scaledWidth, low)
        return v.replacing(with: cap, where: v .> cap)
    }
}

/// Uniform Double in [low, high) from the top 53 bits of each pair of words (low word first).
struct UniformDoubleTransform: WordTransform {
    static var wordsPerValue: Int { 2 }
    let low: SIMD4<Double>
    let width: SIMD4<Double>
    let cap: SIMD4<Double>

    init(low: Double, high: Double) {
        precondition(low < high && (high - low).isFinite, "uniform range must satisfy low < high with finite width")
        self.low = SIMD4(repeating: low)
        width = SIMD4(repeating: high - low)
        cap = SIMD4(repeating: high.nextDown)
    }

    @inline(__always)
    func convert(_ w: SIMD8<UInt32>) -> SIMD4<Double> {
        let n = unsafeBitCast(w, to: SIMD4<UInt64>.self) &>> 11
        let u = exactDouble53(n) * 0x1p-53
        let v = mulAdd(u, width, low)
        return v.replacing(with: cap, where: v .> cap)
    }

    @inline(__always)
    func writeUnit(_ a: SIMD8<UInt32>, _ b: SIMD8<UInt32>, to out: UnsafeMutablePointer<Double>) {
        let raw = UnsafeMutableRawPointer(out)
        raw.storeBytes(of: convert(a), as: SIMD4<Double>.self)
        raw.storeBytes(of: convert(b), toByteOffset: 32, as: SIMD4<Double>.self)
    }
}
