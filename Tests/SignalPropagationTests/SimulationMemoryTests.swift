import Support
import XCTest
@testable import ResNets
@testable import SignalPropagation
import Stochastic

/// The memory estimate of a simulation: at least the buffers a run provably allocates, not
/// wildly more, and a saturated (never trapping) number for absurd sizes.
final class SimulationMemoryTests: XCTestCase {
    func spec(_ initialization: Initialization, variant: ResidualVariant = .res3) -> SimulationSpec {
        var s = SimulationSpec()
        s.variant = variant
        s.initializations = [initialization]
        s.width = 16
        s.inputDimension = 8
        s.depths = [20, 50]
        s.betas = [0.25, 0.5, 1]
        s.inputsPerModel = 2
        s.samples = 4
        return s
    }

    /// Bytes of what one run surely holds: its records (per unit, then flattened), one tape per
    /// running thread at the largest depth, and for correlated initializations one model per thread.
    func allocated(_ s: SimulationSpec, threads: Int) throws -> Int {
        let records = s.recordCount() * MemoryLayout<ProbeRecord>.stride * 2
        let config = try s.configuration(depth: s.depths.max()!)
        let batch = s.betas.count * s.inputsPerModel
        let tape = ForwardTape<Float>(configuration: config, batch: batch, keepsAllStates: false)
        var perThread = 4 * (tape.states.count + tape.preactivations.count + tape.scratchA.count + tape.scratchB.count)
        if !s.initializations[0].isLayerwiseIndependent {
            perThread += 4 * ResNetParameters<Float>(zeros: config, hasBias: false).count
        }
        return records + min(threads, s.unitCount()) * perThread
    }

    func testEstimateCoversTheBuffersWithinAFactor() throws {
        for initialization in [Initialization.iidUniform, .fbm(hurst: 0.3), .smooth(lengthscale: 0.1)] {
            for variant in [ResidualVariant.res1, .res3] {
                let s = spec(initialization, variant: variant)
                for threads in [1, 3] {
                    let estimate = s.estimatedBytes(threads: threads)
                    let floor = try allocated(s, threads: threads)
                    XCTAssertGreaterThanOrEqual(estimate, floor, "\(initialization) \(variant) \(threads)")
                    XCTAssertLessThan(estimate, 12 * floor, "\(initialization) \(variant) \(threads): estimate \(estimate), buffers \(floor)")
                }
            }
        }
    }

    /// A worker holds one model at a time, whatever the number of initializations on the axis.
    func testManyInitializationsCountOneModelPerWorker() throws {
        var s = spec(.fbm(hurst: 0.5))
        s.initializations = (1...20).map { .fbm(hurst: Double($0) / 21) }
        s.samples = 1
        s.betas = [0.5]
        s.inputsPerModel = 1
        let floor = try allocated(s, threads: 2)
        XCTAssertGreaterThanOrEqual(s.estimatedBytes(threads: 2), floor)
        XCTAssertLessThan(s.estimatedBytes(threads: 2), 6 * floor, "one model per worker, not one per initialization")
    }

    func testEstimateGrowsWithTheRequestAndSaturates() {
        var s = spec(.iidUniform)
        let base = s.estimatedBytes(threads: 1)
        s.samples *= 10
        XCTAssertGreaterThan(s.estimatedBytes(threads: 1), base)
        XCTAssertEqual(s.estimatedBytes(threads: 1, models: 4), base, "a cell of 4 models needs what a 4-model run needs")
        s.samples = 99_999_999_999_999
        XCTAssertEqual(s.recordCount(), 2 * 3 * 2 * 99_999_999_999_999)
        XCTAssertGreaterThanOrEqual(s.estimatedBytes(threads: 2), s.recordCount() * SimulationSpec.bytesPerRecord)
        s.samples = 1
        s.width = 1_000_000_000_000_000
        XCTAssertEqual(s.estimatedBytes(threads: 2), Int.max, "overflowing sizes saturate instead of trapping")
        s.width = 16
        s.initializations = [.smooth(lengthscale: 1e17)]
        XCTAssertEqual(s.initializations[0].embeddingLength(depth: 50), 1 << 21, "capped: building it fails with its own message")
        XCTAssertLessThan(s.estimatedBytes(threads: 1), 1 << 32)
    }

    func testEmbeddingLengthsAreThoseTheSamplersUse() throws {
        for (initialization, depth) in [(Initialization.fbm(hurst: 0.7), 1000), (.smooth(lengthscale: 0.1), 300),
                                        (.smoothIncrements(bandwidthSquared: 0.01), 77), (.smooth(lengthscale: 3), 40)] {
            let process = try initialization.sequenceProcess(length: depth)
            let m = (process as? FractionalGaussianNoise)?.embeddingLength ?? (process as? SmoothGaussianProcess)?.embeddingLength
            XCTAssertEqual(initialization.embeddingLength(depth: depth), m, "\(initialization) at \(depth)")
        }
        XCTAssertNil(Initialization.iidGaussian.embeddingLength(depth: 10))
    }

    /// Sizes beyond Int are invalid whatever the limit, and the error names the setting.
    func testUncountableSizesNameTheirSetting() {
        for (setting, change) in [("width", { (s: inout SimulationSpec) in s.width = 1 << 40 }),
                                  ("depth", { $0.depths = [1 << 61] }),
                                  ("inputs", { $0.inputsPerModel = 1 << 60 }),
                                  ("samples", { $0.samples = Int.max / 2 })] as [(String, (inout SimulationSpec) -> Void)] {
            var s = spec(.iidUniform)
            change(&s)
            XCTAssertEqual(s.estimatedBytes(threads: 1), Int.max, setting)
            XCTAssertThrowsError(try s.validate(), setting) { error in
                XCTAssertEqual((error as? ConfigurationError)?.setting, setting, "\(error)")
                XCTAssertTrue("\(error)".contains("too large to count"), "\(error)")
            }
        }
        XCTAssertNoThrow(try spec(.iidUniform).validate())
    }
}
