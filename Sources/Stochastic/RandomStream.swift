// Counter-based, splittable random streams built on Philox4x32-10.

/// A deterministic stream of random numbers identified by a seed and a list of coordinates
/// (for example experiment tag, depth index, model index, layer index, matrix id).
///
/// ## Identity and splitting
/// A stream's identity is 128 bits: a 64-bit Philox key and a 64-bit nonce. The root identity
/// of `seed` is `Philox4x32-10(counter: (seed, "RNSc", "root"), key: 0x243F6A88_85A308D3)`
/// (key = first output words, nonce = last ones), and each coordinate `c` maps an identity
/// `(key, nonce)` to `Philox4x32-10(counter: (c, nonce), key: key)`. Hence
/// `RandomStream(seed: s, a, b) == RandomStream(seed: s, a).child(b)`, and `child` depends only
/// on the parent's identity, never on how many values the parent has drawn. Streams with
/// different coordinates use unrelated keys and nonces (Philox is a keyed pseudo-random
/// permutation), so their outputs are statistically independent.
///
/// ## The sequence
/// A stream is one sequence of 32-bit words, produced by 16 interleaved xoshiro128++
/// generators (two sets of eight SIMD lanes) whose 128-bit states are Philox4x32-10 outputs
/// under the stream key (see `XoshiroLanes`): word `16t + 8s + l` is the `t`-th output of
/// lane `l` of set `s`.
/// (Philox alone is about 3× too slow for the bulk fills on AVX2; it provides the identity,
/// the splitting and the seeding, xoshiro128++ the throughput.) Every draw consumes words from
/// the current ``position``:
/// - `nextUInt32`, `nextUniformFloat`, `fillUniform` (Float): one word per value;
/// - `nextUInt64`, `nextUniform`, `fillUniform` (Double): two words per value (low word first),
///   after first skipping one word if the position is odd;
/// - `nextNormalFloat`, `fillNormal` (Float): one word per value (Box–Muller, see below);
/// - `nextNormal`, `fillNormal` (Double): two words per value, after aligning to an even position.
///
/// Consequently consecutive calls continue the sequence: filling 10 values and then 20 gives
/// exactly the same 30 values as filling 30 at once, and a scalar draw returns the same value
/// as a fill of length 1 at the same position. The numbers depend only on the identity, the
/// position and the kind of draw, never on threads or timing. (Bit-identity also assumes the
/// same build configuration: builds with and without `RESNET_FMA` may differ in the last bit
/// of transformed values; raw words and integer draws never differ.)
///
/// ## Value transforms
/// - Uniform Float in `[low, high)`: `low + (w >> 8)·2⁻²⁴·(high − low)` (top 24 bits of a word),
///   clamped to `high.nextDown` against rounding up.
/// - Uniform Double in `[low, high)`: the top 53 bits of the 64-bit value, same formula.
/// - Normal (Box–Muller): the words of each aligned run of 16 words (8 + 8 lanes) pair up,
///   `u₁ ∈ (0, 1]` from the first half and the angle `2π·u₂` from the second; the run yields
///   `r·cos θ` for its first half of values and `r·sin θ` for its second, `r = √(−2 ln u₁)`.
///   Float uses 31-bit `u₁` (|z| ≤ 6.66) and 24-bit `u₂`; Double uses 53-bit ones (|z| ≤ 8.65).
public struct RandomStream: Sendable {
    /// The 64-bit Philox key of this stream (part of its identity).
    public private(set) var key: SIMD2<UInt32>
    /// The 64-bit nonce of this stream (counter words 2 and 3; part of its identity).
    public private(set) var nonce: SIMD2<UInt32>
    /// Index of the next 32-bit word of the sequence to be consumed.
    public internal(set) var position: UInt64
    /// Words of group `position >> 5`; valid whenever `position & 31 != 0`.
    var buffer: WordGroup
    /// Generator state: its next group is group `(position + 31) >> 5`.
    var lanes: XoshiroLanes

    /// Root-derivation constants ("RNSc", "root", and π digits as the root key).
    static let rootCounterTag = SIMD2<UInt32>(0x524E_5363, 0x726F_6F74)
    static let rootKey = SIMD2<UInt32>(0x243F_6A88, 0x85A3_08D3)

    /// The stream of `seed` at `coordinates` (an empty list gives the seed's root stream).
    public init(seed: UInt64, coordinates: [UInt64]) {
        let root = Philox4x32.block(
            counter: SIMD4(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32),
                           Self.rootCounterTag[0], Self.rootCounterTag[1]),
            key: Self.rootKey)
        var key = SIMD2(root[0], root[1])
        var nonce = SIMD2(root[2], root[3])
        for c in coordinates {
            (key, nonce) = Self.descend(key: key, nonce: nonce, c)
        }
        self.init(key: key, nonce: nonce)
    }

    private init(key: SIMD2<UInt32>, nonce: SIMD2<UInt32>) {
        self.key = key
        self.nonce = nonce
        position = 0
        buffer = WordGroup()
        lanes = XoshiroLanes(key: key, nonce: nonce)
    }

    /// The stream of `seed` at `coordinates`, e.g. `RandomStream(seed: 7, tag, depth, model)`.
    public init(seed: UInt64, _ coordinates: UInt64...) {
        self.init(seed: seed, coordinates: coordinates)
    }

    /// A new stream identified by this stream's identity extended with `coordinates`, starting
    /// at position 0. Independent of this stream's position; `child(a, b) == child(a).child(b)`.
    public func child(_ coordinates: UInt64...) -> RandomStream {
        child(coordinates: coordinates)
    }

    /// Array form of ``child(_:)``.
    public func child(coordinates: [UInt64]) -> RandomStream {
        var k = key, n = nonce
        for c in coordinates { (k, n) = Self.descend(key: k, nonce: n, c) }
        return RandomStream(key: k, nonce: n)
    }

    private static func descend(key: SIMD2<UInt32>, nonce: SIMD2<UInt32>, _ c: UInt64) -> (SIMD2<UInt32>, SIMD2<UInt32>) {
        let out = Philox4x32.block(
            counter: SIMD4(UInt32(truncatingIfNeeded: c), UInt32(truncatingIfNeeded: c >> 32), nonce[0], nonce[1]),
            key: key)
        return (SIMD2(out[0], out[1]), SIMD2(out[2], out[3]))
    }

    /// Skips `count` words (see the type documentation for how many words each draw uses);
    /// costs about as much as generating them (≈ 0.1 ns per word).
    public mutating func skip(words count: UInt64) {
        var left = count
        while left > 0 && position & 31 != 0 { _ = nextUInt32(); left -= 1 }
        while left >= 32 { _ = lanes.next(); position &+= 32; left -= 32 }
        while left > 0 { _ = nextUInt32(); left -= 1 }
    }

    /// True when two streams have the same identity and position (they will produce the same values).
    public func hasSameState(as other: RandomStream) -> Bool {
        key == other.key && nonce == other.nonce && position == other.position
    }

    @inline(__always)
    mutating func refillBuffer() {
        buffer = lanes.next()
    }

    // MARK: Scalar draws

    /// The next 32-bit word of the sequence.
    public mutating func nextUInt32() -> UInt32 {
        if position & 31 == 0 { refillBuffer() }
        let w = buffer[Int(position & 31)]
        position &+= 1
        return w
    }

    /// The next two words as `low | high << 32` (after skipping a word if the position is odd).
    public mutating func nextUInt64() -> UInt64 {
        if position & 1 != 0 { skip(words: 1) }
        let lo = nextUInt32()
        let hi = nextUInt32()
        return UInt64(lo) | (UInt64(hi) << 32)
    }

    /// A uniform Double in [0, 1): the top 53 bits of ``nextUInt64()`` times 2⁻⁵³.
    public mutating func nextUniform() -> Double {
        Double(nextUInt64() >> 11) * 0x1p-53
    }

    /// A uniform Float in [0, 1): the top 24 bits of ``nextUInt32()`` times 2⁻²⁴.
    public mutating func nextUniformFloat() -> Float {
        Float(nextUInt32() >> 8) * 0x1p-24
    }

    /// A standard normal Double (the value `fillNormal` would write at this position).
    public mutating func nextNormal() -> Double {
        var z = 0.0
        withUnsafeMutablePointer(to: &z) { fill(NormalDoubleTransform(mean: 0, standardDeviation: 1), $0, count: 1) }
        return z
    }

    /// A standard normal Float (the value `fillNormal` would write at this position).
    public mutating func nextNormalFloat() -> Float {
        var z: Float = 0
        withUnsafeMutablePointer(to: &z) { fill(NormalFloatTransform(mean: 0, standardDeviation: 1), $0, count: 1) }
        return z
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject on 64-bit draws; unbiased).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = nextUInt64().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = nextUInt64().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    // MARK: Bulk fills

    /// Fills `buffer` with uniform Floats in `[low, high)` (one word per value; see the type docs).
    /// Requires `low < high` and a finite `high − low`.
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float = 0, high: Float = 1) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        if let prescaled = PrescaledUniformFloatTransform(low: low, high: high) {
            #if RESNET_FMA && arch(x86_64)
            if WideFill.isAvailable {
                fillWide(prescaled, base, count: buffer.count)
                return
            }
            #endif
            fill(prescaled, base, count: buffer.count)
        } else {
            fill(UniformFloatTransform(low: low, high: high), base, count: buffer.count)
        }
    }

    /// Fills `buffer` with uniform Doubles in `[low, high)` (two words per value).
    /// Requires `low < high` and a finite `high − low`.
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Double>, low: Double = 0, high: Double = 1) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        fill(UniformDoubleTransform(low: low, high: high), base, count: buffer.count)
    }

    /// Fills `buffer` with normal Floats `mean + standardDeviation · z` (one word per value).
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, standardDeviation: Float = 1) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        fill(NormalFloatTransform(mean: mean, standardDeviation: standardDeviation), base, count: buffer.count)
    }

    /// Fills `buffer` with normal Doubles `mean + standardDeviation · z` (two words per value).
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Double>, mean: Double = 0, standardDeviation: Double = 1) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        fill(NormalDoubleTransform(mean: mean, standardDeviation: standardDeviation), base, count: buffer.count)
    }

    /// Overwrites every element of `array` with uniform Floats in `[low, high)`.
    public mutating func fillUniform(_ array: inout [Float], low: Float = 0, high: Float = 1) {
        array.withUnsafeMutableBufferPointer { fillUniform($0, low: low, high: high) }
    }

    /// Overwrites every element of `array` with uniform Doubles in `[low, high)`.
    public mutating func fillUniform(_ array: inout [Double], low: Double = 0, high: Double = 1) {
        array.withUnsafeMutableBufferPointer { fillUniform($0, low: low, high: high) }
    }

    /// Overwrites every element of `array` with normal Floats.
    public mutating func fillNormal(_ array: inout [Float], mean: Float = 0, standardDeviation: Float = 1) {
        array.withUnsafeMutableBufferPointer { fillNormal($0, mean: mean, standardDeviation: standardDeviation) }
    }

    /// Overwrites every element of `array` with normal Doubles.
    public mutating func fillNormal(_ array: inout [Double], mean: Double = 0, standardDeviation: Double = 1) {
        array.withUnsafeMutableBufferPointer { fillNormal($0, mean: mean, standardDeviation: standardDeviation) }
    }

    /// `count` uniform Floats in `[low, high)` (same values as `fillUniform` on a new array).
    public mutating func uniformFloats(count: Int, low: Float = 0, high: Float = 1) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buf, n in
            fillUniform(buf, low: low, high: high); n = count
        }
    }

    /// `count` uniform Doubles in `[low, high)`.
    public mutating func uniformDoubles(count: Int, low: Double = 0, high: Double = 1) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buf, n in
            fillUniform(buf, low: low, high: high); n = count
        }
    }

    /// `count` normal Floats with the given mean and standard deviation.
    public mutating func normalFloats(count: Int, mean: Float = 0, standardDeviation: Float = 1) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buf, n in
            fillNormal(buf, mean: mean, standardDeviation: standardDeviation); n = count
        }
    }

    /// `count` normal Doubles with the given mean and standard deviation.
    public mutating func normalDoubles(count: Int, mean: Double = 0, standardDeviation: Double = 1) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buf, n in
            fillNormal(buf, mean: mean, standardDeviation: standardDeviation); n = count
        }
    }

    /// The shared fill loop: whole groups of 32 words go straight from Philox registers through
    /// the transform to memory; partial 16-word units go through a small stack buffer.
    @inline(__always)
    mutating func fill<T: WordTransform>(_ transform: T, _ out: UnsafeMutablePointer<T.Value>, count: Int) {
        let wordsPerValue = T.wordsPerValue
        let valuesPerUnit = 16 / wordsPerValue
        if wordsPerValue == 2 && position & 1 != 0 { skip(words: 1) }
        var done = 0
        while done < count {
            if position & 31 == 0 && count - done >= 2 * valuesPerUnit {
                let groups = (count - done) / (2 * valuesPerUnit)
                var p = out + done
                var state = lanes
                for _ in 0..<groups {
                    let g = state.next()
                    transform.writeUnit(g.w0, g.w1, to: p)
                    transform.writeUnit(g.w2, g.w3, to: p + valuesPerUnit)
                    p += 2 * valuesPerUnit
                }
                lanes = state
                position &+= UInt64(groups) &* 32
                done += groups * 2 * valuesPerUnit
                continue
            }
            if position & 31 == 0 { refillBuffer() }
            let upper = position & 16 != 0
            let a = upper ? buffer.w2 : buffer.w0
            let b = upper ? buffer.w3 : buffer.w1
            let first = Int(position & 15) / wordsPerValue
            let n = min(valuesPerUnit - first, count - done)
            if n == valuesPerUnit {
                transform.writeUnit(a, b, to: out + done)
            } else {
                withUnsafeTemporaryAllocation(of: T.Value.self, capacity: 16) { tmp in
                    let t = tmp.baseAddress!
                    transform.writeUnit(a, b, to: t)
                    (out + done).update(from: t + first, count: n)
                }
            }
            done += n
            position &+= UInt64(n * wordsPerValue)
        }
    }
}

/// Maps one 16-word unit (two 8-lane word vectors, in stream order) to `16 / wordsPerValue` values.
protocol WordTransform {
    associatedtype Value
    static var wordsPerValue: Int { get }
    func writeUnit(_ a: SIMD8<UInt32>, _ b: SIMD8<UInt32>, to out: UnsafeMutablePointer<Value>)
}
