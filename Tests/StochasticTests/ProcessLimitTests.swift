import Foundation
import XCTest
@testable import Stochastic

/// Sizes beyond the supported embedding are errors before anything of their size is computed
/// (an fBm of 10¹¹ steps used to allocate its autocovariance, ℓ = 10¹⁷ to trap in an Int conversion).
final class ProcessLimitTests: XCTestCase {
    func testLengthsBeyondTheEmbeddingAreErrors() {
        let maximum = StationaryGaussianSequence.maximumLength
        XCTAssertEqual(maximum, StationaryGaussianSequence.maximumEmbeddingLength / 2 + 1)
        XCTAssertLessThanOrEqual(StationaryGaussianSequence.evenSmoothLength(atLeast: 2 * (maximum - 1)),
                                 StationaryGaussianSequence.maximumEmbeddingLength, "the largest length fits")
        for length in [maximum + 1, 99_999_999_999, Int.max] {
            XCTAssertThrowsError(try FractionalGaussianNoise(length: length, hurst: 0.5), "\(length)") { error in
                XCTAssertTrue("\(error)".contains("L ≤ \(maximum)"), "\(error)")
            }
            XCTAssertThrowsError(try SmoothGaussianProcess.values(length: length), "\(length)")
            XCTAssertThrowsError(try StationaryGaussianSequence(length: length) { _ in 1 }, "\(length)")
        }
        XCTAssertThrowsError(try StationaryGaussianSequence(length: 4, minimumEmbeddingLength: Int.max) { _ in 1 })
    }

    func testHugeLengthScalesAreErrorsNotTraps() {
        for (scale, points) in [(1e17, "2e+19"), (1e308, "inf"), (.greatestFiniteMagnitude, "inf")] {
            XCTAssertThrowsError(try SmoothGaussianProcess.values(length: 10, lengthScale: scale)) { error in
                XCTAssertEqual("\(error)", "circulant embedding failed: length scale \(scale) is too large for L = 10: the embedding would need \(points) points (maximum 2097152)")
            }
        }
        XCTAssertThrowsError(try SmoothGaussianProcess.increments(length: 10, bandwidth: 1e308))
        XCTAssertNoThrow(try SmoothGaussianProcess.values(length: 10, lengthScale: 1e4), "20ℓL = 2·10⁶ points still fits")
    }
}
