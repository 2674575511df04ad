import XCTest
import ResNets
@testable import Training

final class TrainingMemoryTests: XCTestCase {
    func tiny(count: Int) -> Dataset {
        Dataset(name: "t", images: (0..<(count * 6)).map { Float($0 % 7) / 7 }, labels: (0..<count).map { UInt8($0 % 3) },
                features: 6, classes: 3)
    }

    func testParameterCountIsTheModels() throws {
        for (model, initialization, bias) in [(ResidualVariant.res1, Initialization.iidUniform, false), (.res3, .iidUniform, true),
                                              (.res2, .fbm(hurst: 0.5), nil as Bool?)] {
            let config = TrainingConfiguration(model: model, width: 5, depth: 7, initialization: initialization, residualBias: bias,
                                               epochs: 1, batchSize: 4)
            let trainer = try Trainer(configuration: config, train: tiny(count: 8), test: tiny(count: 4))
            XCTAssertEqual(config.parameterCount(features: 6, classes: 3), trainer.parameters.count, "\(model)")
            // The parameters, the initial model, the snapshot and Adam's two moments (and their
            // snapshot) are surely held: the estimate is at least that.
            let estimate = config.estimatedBytes(features: 6, classes: 3, trainExamples: 8, testExamples: 4, threads: 2)
            XCTAssertGreaterThanOrEqual(estimate, 4 * 7 * trainer.parameters.count)
        }
    }

    func testEstimateSaturatesAndGrows() {
        var config = TrainingConfiguration(width: 30, depth: 1000)
        let base = config.estimatedBytes(features: 784, classes: 10, trainExamples: 60000, testExamples: 10000, threads: 2)
        XCTAssertGreaterThan(base, 100 << 20, "d = 30, L = 1000 on MNIST: hundreds of MB")
        XCTAssertLessThan(base, 4 << 30)
        XCTAssertGreaterThan(config.estimatedBytes(features: 784, classes: 10, trainExamples: 60000, testExamples: 10000, threads: 8),
                             base, "more evaluation threads, more tapes")
        config.epochs = 99_999_999_999_999
        XCTAssertGreaterThan(config.estimatedBytes(features: 784, classes: 10, trainExamples: 1, testExamples: 1, threads: 1), 1 << 56,
                             "every epoch's metrics are kept")
        config.epochs = 1
        config.width = 99_999_999_999_999
        XCTAssertEqual(config.estimatedBytes(features: 784, classes: 10, trainExamples: 1, testExamples: 1, threads: 1), Int.max)
        config.width = 100_000
        XCTAssertGreaterThan(config.estimatedBytes(features: 784, classes: 10, trainExamples: 1, testExamples: 1, threads: 1), 10_000_000_000_000)
        XCTAssertEqual(DatasetKind.cifar10.shape.features, 3072)
        XCTAssertEqual(DatasetKind.fashionMNIST.shape.features, 784)
    }
}
