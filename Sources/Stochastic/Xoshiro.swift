// The bulk word generator: 16 interleaved xoshiro128++ generators (Blackman & Vigna 2018)
// in two sets of eight SIMD lanes, seeded from Philox4x32-10 under the stream's key.
// (Two sets keep the whole state in 8 of the 16 AVX2 registers; four sets spilled.)

/// 16 independent xoshiro128++ states; one `next()` advances each by two steps and returns
/// 32 words: set 0 lanes 0–7, set 1 lanes 0–7 (step t), then the same for step t + 1.
///
/// Seeding: state word `j` of set `s`, lane `l` is output word `j` of the Philox4x32-10 block
/// with counter `(8s + l, 0, nonce0, nonce1)` under the stream key (an all-zero state, which
/// xoshiro forbids and which has probability 2⁻¹²⁸, is replaced by state word 0 = 1).
/// Each lane has period 2¹²⁸ − 1; lanes start at unrelated points of that cycle, so the chance
/// that two lanes (or two streams) overlap within 2⁴⁰ steps is below 2⁻⁷⁰.
struct XoshiroLanes: Sendable {
    var a0, a1, a2, a3: SIMD8<UInt32>
    var b0, b1, b2, b3: SIMD8<UInt32>

    init(key: SIMD2<UInt32>, nonce: SIMD2<UInt32>) {
        let keys = PhiloxRoundKeys(key)
        func seed(_ set: UInt64) -> (SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>) {
            let g = philoxGroup(blockIndex: 8 * set, nonce: nonce, keys: keys)
            var s0 = g.w0
            let zero = (g.w0 | g.w1 | g.w2 | g.w3) .== 0
            s0.replace(with: 1, where: zero)
            return (s0, g.w1, g.w2, g.w3)
        }
        (a0, a1, a2, a3) = seed(0)
        (b0, b1, b2, b3) = seed(1)
    }

    @inline(__always)
    static func rotl(_ x: SIMD8<UInt32>, _ k: UInt32) -> SIMD8<UInt32> {
        (x &<< k) | (x &>> (32 - k))
    }

    /// One xoshiro128++ step of eight lanes: returns rotl(s0 + s3, 7) + s0 and advances the state.
    @inline(__always)
    static func step(_ s0: inout SIMD8<UInt32>, _ s1: inout SIMD8<UInt32>, _ s2: inout SIMD8<UInt32>, _ s3: inout SIMD8<UInt32>) -> SIMD8<UInt32> {
        let result = rotl(s0 &+ s3, 7) &+ s0
        let t = s1 &<< 9
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 11)
        return result
    }

    /// The next 32 words of the stream.
    @inline(__always)
    mutating func next() -> WordGroup {
        let w0 = Self.step(&a0, &a1, &a2, &a3)
        let w1 = Self.step(&b0, &b1, &b2, &b3)
        let w2 = Self.step(&a0, &a1, &a2, &a3)
        let w3 = Self.step(&b0, &b1, &b2, &b3)
        return WordGroup(w0, w1, w2, w3)
    }
}
