import XCTest
@testable import Stochastic

final class PhiloxTests: XCTestCase {
    /// Known-answer vectors of Random123 (kat_vectors, philox4x32 R=10).
    func testKnownAnswerVectors() {
        XCTAssertEqual(Philox4x32.block(counter: .zero, key: .zero),
                       SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
        XCTAssertEqual(Philox4x32.block(counter: SIMD4(repeating: 0xffff_ffff), key: SIMD2(repeating: 0xffff_ffff)),
                       SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
        XCTAssertEqual(Philox4x32.block(counter: SIMD4(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344),
                                        key: SIMD2(0xa409_3822, 0x299f_31d0)),
                       SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
    }

    func testSixtyFourBitConvenienceUsesLittleEndianWords() {
        let a = Philox4x32.block(counterLow: 0x85a3_08d3_243f_6a88, counterHigh: 0x0370_7344_1319_8a2e, key: 0x299f_31d0_a409_3822)
        XCTAssertEqual(a, SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
    }

    /// The eight-lane kernel used for seeding equals the scalar block function lane by lane.
    func testVectorKernelMatchesScalarBlock() {
        let keys: [SIMD2<UInt32>] = [.zero, SIMD2(0xa409_3822, 0x299f_31d0), SIMD2(repeating: 0xffff_ffff)]
        let blocks: [UInt64] = [0, 8, 0xffff_fff8, 0x1234_5678_9abc_def0, UInt64.max - 7]
        let nonces: [SIMD2<UInt32>] = [.zero, SIMD2(0x1319_8a2e, 0x0370_7344), SIMD2(repeating: 0xffff_ffff)]
        for key in keys {
            for block in blocks {
                for nonce in nonces {
                    let g = philoxGroup(blockIndex: block, nonce: nonce, keys: PhiloxRoundKeys(key))
                    for lane in 0..<8 {
                        let b = block &+ UInt64(lane)
                        let expected = Philox4x32.block(
                            counter: SIMD4(UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: b >> 32), nonce[0], nonce[1]),
                            key: key)
                        XCTAssertEqual(SIMD4(g.w0[lane], g.w1[lane], g.w2[lane], g.w3[lane]), expected)
                    }
                }
            }
        }
    }
}
