import XCTest
@testable import ResNets
import Stochastic

/// The network turns β into α = L^{-β} per column from its own depth.
final class BranchScalingTests: XCTestCase {
    func testBetasGiveOneAlphaPerColumnGroup() {
        let alphas: [Double] = BranchScaling.betas([0.25, 0.5, 1], columnsEach: 2).alphas(depth: 16, batch: 6)
        XCTAssertEqual(alphas, [0.5, 0.5, 0.25, 0.25, 1.0 / 16, 1.0 / 16])
        let uniform: [Float] = BranchScaling.beta(0.5).alphas(depth: 100, batch: 3)
        XCTAssertEqual(uniform, [0.1, 0.1, 0.1])
        let given: [Double] = BranchScaling.alpha(0.3).alphas(depth: 7, batch: 2)
        XCTAssertEqual(given, [0.3, 0.3])
    }

    /// A forward pass given β equals the same pass given the α array it stands for.
    func testForwardWithBetaEqualsForwardWithAlphas() throws {
        let config = try ResNetConfiguration(variant: .res3, activation: .relu, width: 5, depth: 9,
                                             inputDimension: 4, outputDimension: 2)
        let sampler = try WeightSampler(configuration: config, initialization: .iidGaussian,
                                        stream: RandomStream(seed: 3, coordinates: [1]))
        let parameters = sampler.parameters(Double.self, hasBias: false)
        let inputs = (0..<(4 * 4)).map { Double($0 % 7) / 7 }
        let net = ResNet<Double>(config)
        var a = ForwardTape<Double>(configuration: config, batch: 4)
        var b = ForwardTape<Double>(configuration: config, batch: 4)
        net.forward(parameters: parameters, inputs: inputs, batch: 4, scaling: .betas([0.5, 1], columnsEach: 2), tape: &a)
        let third = 1 / 3.0  // 9^{-1/2}
        net.forward(parameters: parameters, inputs: inputs, batch: 4, alphas: [third, third, 1 / 9.0, 1 / 9.0], tape: &b)
        XCTAssertEqual(Array(a.outputs), Array(b.outputs))
    }
}
