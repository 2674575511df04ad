// Philox4x32-10: the counter-based block function of Salmon, Moraes, Dror and Shaw,
// "Parallel random numbers: as easy as 1, 2, 3" (SC 2011), with the constants and the
// round/key schedule of the Random123 reference implementation.

/// The Philox4x32-10 block function: a keyed bijection of 128-bit counters.
///
/// `block(counter:key:)` computes ten Philox rounds. Each round maps the counter
/// `(x0, x1, x2, x3)` with round key `(k0, k1)` to
/// `(hi(M1·x2) ⊕ x1 ⊕ k0, lo(M1·x2), hi(M0·x0) ⊕ x3 ⊕ k1, lo(M0·x0))`, where `hi`/`lo` are
/// the high and low 32 bits of the 64-bit product, `M0 = 0xD2511F53`, `M1 = 0xCD9E8D57`;
/// between rounds the key is bumped by the Weyl constants `W0 = 0x9E3779B9`,
/// `W1 = 0xBB67AE85` (mod 2³²). The output equals Random123's `philox4x32(ctr, key)` with
/// `R = 10`, e.g. counter 0 and key 0 give `(0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)`.
public enum Philox4x32 {
    /// Number of rounds (10, the Random123 default and the recommended safety margin).
    public static let rounds = 10
    /// Multiplier applied to counter word 0.
    public static let multiplier0: UInt32 = 0xD251_1F53
    /// Multiplier applied to counter word 2.
    public static let multiplier1: UInt32 = 0xCD9E_8D57
    /// Weyl increment of key word 0 between rounds.
    public static let weyl0: UInt32 = 0x9E37_79B9
    /// Weyl increment of key word 1 between rounds.
    public static let weyl1: UInt32 = 0xBB67_AE85

    /// Philox4x32-10 of `counter` under `key`: four 32-bit output words.
    @inlinable
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        var x0 = counter[0], x1 = counter[1], x2 = counter[2], x3 = counter[3]
        var k0 = key[0], k1 = key[1]
        for round in 0..<rounds {
            if round > 0 {
                k0 &+= weyl0
                k1 &+= weyl1
            }
            let p0 = UInt64(multiplier0) &* UInt64(x0)
            let p1 = UInt64(multiplier1) &* UInt64(x2)
            let y0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ x1 ^ k0
            let y1 = UInt32(truncatingIfNeeded: p1)
            let y2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ x3 ^ k1
            let y3 = UInt32(truncatingIfNeeded: p0)
            x0 = y0; x1 = y1; x2 = y2; x3 = y3
        }
        return SIMD4(x0, x1, x2, x3)
    }

    /// Philox4x32-10 of `counter` (as two 64-bit halves, low word first) under a 64-bit key;
    /// a convenience around `block(counter:key:)` with little-endian word order.
    @inlinable
    public static func block(counterLow: UInt64, counterHigh: UInt64, key: UInt64) -> SIMD4<UInt32> {
        block(
            counter: SIMD4(
                UInt32(truncatingIfNeeded: counterLow), UInt32(truncatingIfNeeded: counterLow >> 32),
                UInt32(truncatingIfNeeded: counterHigh), UInt32(truncatingIfNeeded: counterHigh >> 32)),
            key: SIMD2(UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)))
    }
}

// MARK: - Eight blocks at a time (AVX2-friendly)

/// The ten round keys of one Philox key, precomputed once per bulk call.
@usableFromInline
struct PhiloxRoundKeys {
    @usableFromInline var k0: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    @usableFromInline var k1: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    @inlinable
    init(_ key: SIMD2<UInt32>) {
        let a = key[0], b = key[1]
        let w0 = Philox4x32.weyl0, w1 = Philox4x32.weyl1
        k0 = (a, a &+ w0, a &+ 2 &* w0, a &+ 3 &* w0, a &+ 4 &* w0,
              a &+ 5 &* w0, a &+ 6 &* w0, a &+ 7 &* w0, a &+ 8 &* w0, a &+ 9 &* w0)
        k1 = (b, b &+ w1, b &+ 2 &* w1, b &+ 3 &* w1, b &+ 4 &* w1,
              b &+ 5 &* w1, b &+ 6 &* w1, b &+ 7 &* w1, b &+ 8 &* w1, b &+ 9 &* w1)
    }
}

/// 32 words in stream order: vector `j` holds words `8j … 8j+7`.
@usableFromInline
struct WordGroup: Sendable {
    @usableFromInline var w0: SIMD8<UInt32>
    @usableFromInline var w1: SIMD8<UInt32>
    @usableFromInline var w2: SIMD8<UInt32>
    @usableFromInline var w3: SIMD8<UInt32>

    @inlinable
    init() {
        w0 = .zero; w1 = .zero; w2 = .zero; w3 = .zero
    }

    @inlinable
    init(_ w0: SIMD8<UInt32>, _ w1: SIMD8<UInt32>, _ w2: SIMD8<UInt32>, _ w3: SIMD8<UInt32>) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Word `index` (0..<32) in stream order: vector `index / 8`, lane `index % 8`.
    @inlinable
    subscript(index: Int) -> UInt32 {
        let lane = index & 7
        switch index >> 3 {
        case 0: return w0[lane]
        case 1: return w1[lane]
        case 2: return w2[lane]
        default: return w3[lane]
        }
    }
}

/// One Philox round on four counters held in the low halves of 64-bit lanes (upper halves may
/// hold garbage: `vpmuludq` reads only the low 32 bits, and the garbage never reaches a low half).
@inline(__always)
func philoxHalfRound(
    _ x0: inout SIMD4<UInt64>, _ x1: inout SIMD4<UInt64>, _ x2: inout SIMD4<UInt64>, _ x3: inout SIMD4<UInt64>,
    _ k0: SIMD4<UInt64>, _ k1: SIMD4<UInt64>
) {
    let low32 = SIMD4<UInt64>(repeating: 0xFFFF_FFFF)
    let p0 = (x0 & low32) &* SIMD4(repeating: UInt64(Philox4x32.multiplier0))
    let p1 = (x2 & low32) &* SIMD4(repeating: UInt64(Philox4x32.multiplier1))
    x0 = (p1 &>> 32) ^ x1 ^ k0
    x1 = p1
    x2 = (p0 &>> 32) ^ x3 ^ k1
    x3 = p0
}

/// Interleaves the low halves of even-lane and odd-lane vectors into eight 32-bit lanes.
@inline(__always)
func philoxJoin(_ even: SIMD4<UInt64>, _ odd: SIMD4<UInt64>) -> SIMD8<UInt32> {
    unsafeBitCast((even & 0xFFFF_FFFF) | (odd &<< 32), to: SIMD8<UInt32>.self)
}

/// Philox4x32-10 of the eight counters `(blockIndex + lane, nonce0, nonce1)` for lane 0..<8,
/// where the 64-bit `blockIndex` (a multiple of 8) fills counter words 0 and 1. Output word
/// `j` of block `blockIndex + lane` is lane `lane` of `w_j`.
@inline(__always)
func philoxGroup(blockIndex: UInt64, nonce: SIMD2<UInt32>, keys: PhiloxRoundKeys) -> WordGroup {
    let c0 = UInt64(UInt32(truncatingIfNeeded: blockIndex))
    var e0 = SIMD4<UInt64>(repeating: c0) &+ SIMD4(0, 2, 4, 6)
    var o0 = SIMD4<UInt64>(repeating: c0) &+ SIMD4(1, 3, 5, 7)
    var e1 = SIMD4<UInt64>(repeating: blockIndex >> 32), o1 = e1
    var e2 = SIMD4<UInt64>(repeating: UInt64(nonce[0])), o2 = e2
    var e3 = SIMD4<UInt64>(repeating: UInt64(nonce[1])), o3 = e3
    withUnsafeBytes(of: keys.k0) { k0p in
        withUnsafeBytes(of: keys.k1) { k1p in
            for r in 0..<Philox4x32.rounds {
                let k0 = SIMD4<UInt64>(repeating: UInt64(k0p.load(fromByteOffset: 4 * r, as: UInt32.self)))
                let k1 = SIMD4<UInt64>(repeating: UInt64(k1p.load(fromByteOffset: 4 * r, as: UInt32.self)))
                philoxHalfRound(&e0, &e1, &e2, &e3, k0, k1)
                philoxHalfRound(&o0, &o1, &o2, &o3, k0, k1)
            }
        }
    }
    return WordGroup(philoxJoin(e0, o0), philoxJoin(e1, o1), philoxJoin(e2, o2), philoxJoin(e3, o3))
}
