import XCTest
@testable import ResNets
import Stochastic

/// Finite-difference checks, in Double, of the hand-written backward pass for every
/// residual variant and activation, with and without bias, with per-column α.
final class GradientCheckTests: XCTestCase {
    let activations: [Activation] = [.relu, .tanh, .identity, .leakyReLU(slope: 0.3)]

    func makeModel(_ variant: ResidualVariant, _ activation: Activation, hasBias: Bool, inputDim: Int = 3,
                   seed: UInt64 = 7) throws -> (ResNet<Double>, ResNetParameters<Double>) {
        let config = try ResNetConfiguration(variant: variant, activation: activation, width: 4, depth: 3,
                                             inputDimension: inputDim, outputDimension: 2)
        let sampler = try WeightSampler(configuration: config, initialization: .iidGaussian,
                                    stream: RandomStream(seed: seed, coordinates: [UInt64(ResidualVariant.allCases.firstIndex(of: variant)!)]))
        var params = sampler.parameters(Double.self, hasBias: hasBias)
        // Large weights and a non-zero bias make every term of the chain rule matter.
        params.v = params.v.map { $0 * 2 }
        params.w = params.w.map { $0 * 2 }
        if hasBias {
            var s = RandomStream(seed: 99, coordinates: [1])
            params.bias = (0..<params.bias.count).map { _ in s.nextNormal() * 0.5 }
        }
        return (ResNet<Double>(config), params)
    }

    /// loss = Σ_j ‖F(x_j) − y_j‖²
    func loss(_ net: ResNet<Double>, _ p: ResNetParameters<Double>, _ x: [Double], _ y: [Double],
              _ alphas: [Double]) -> Double {
        var tape = ForwardTape<Double>(configuration: net.configuration, batch: alphas.count)
        net.forward(parameters: p, inputs: x, batch: alphas.count, alphas: alphas, tape: &tape)
        var g = [Double]()
        return Losses.squaredError(outputs: tape.outputs, targets: y, rows: net.configuration.outputDimension,
                                   columns: alphas.count, gradient: &g).reduce(0, +)
    }

    func inputs(_ count: Int, seed: UInt64) -> [Double] {
        var s = RandomStream(seed: seed, coordinates: [])
        return (0..<count).map { _ in s.nextUniform() }
    }

    func testParameterGradientsMatchFiniteDifferences() throws {
        for variant in ResidualVariant.allCases {
            for activation in activations {
                for hasBias in [false, true] {
                    let (net, params) = try makeModel(variant, activation, hasBias: hasBias)
                    let batch = 3
                    let alphas = [0.9, 0.5, 0.2]
                    let x = inputs(3 * batch, seed: 1)
                    let y = inputs(2 * batch, seed: 2)
                    var tape = ForwardTape<Double>(configuration: net.configuration, batch: batch)
                    net.forward(parameters: params, inputs: x, batch: batch, alphas: alphas, tape: &tape)
                    var dF = [Double]()
                    _ = Losses.squaredError(outputs: tape.outputs, targets: y, rows: 2, columns: batch, gradient: &dF)
                    let result = net.backward(parameters: params, tape: &tape, outputGradient: dF, parameterGradients: true)
                    let grads = try XCTUnwrap(result.parameterGradients)
                    XCTAssertEqual(grads.hasBias, hasBias)

                    let arrays: [(String, WritableKeyPath<ResNetParameters<Double>, [Double]>)] =
                        [("A", \.inputLayer), ("B", \.outputLayer), ("V", \.v), ("W", \.w), ("bias", \.bias)]
                    let eps = 1e-6
                    for (name, path) in arrays {
                        XCTAssertEqual(grads[keyPath: path].count, params[keyPath: path].count, "\(name)")
                        for i in 0..<params[keyPath: path].count {
                            var up = params, down = params
                            up[keyPath: path][i] += eps
                            down[keyPath: path][i] -= eps
                            let numeric = (loss(net, up, x, y, alphas) - loss(net, down, x, y, alphas)) / (2 * eps)
                            XCTAssertEqual(grads[keyPath: path][i], numeric, accuracy: 1e-6 * max(1, abs(numeric)),
                                           "\(variant) \(activation) bias=\(hasBias) ∂\(name)[\(i)]")
                        }
                    }
                }
            }
        }
    }

    /// With A = identity (n_in = d), x is h_0, so ∂loss/∂x is p_0 itself.
    func testStateGradientsMatchFiniteDifferences() throws {
        for variant in ResidualVariant.allCases {
            for activation in activations {
                var (net, params) = try makeModel(variant, activation, hasBias: true, inputDim: 4)
                params.inputLayer = (0..<16).map { $0 % 5 == 0 ? 1 : 0 }
                let batch = 2, alphas = [0.7, 0.3]
                let x = inputs(4 * batch, seed: 3), y = inputs(2 * batch, seed: 4)
                var tape = ForwardTape<Double>(configuration: net.configuration, batch: batch)
                net.forward(parameters: params, inputs: x, batch: batch, alphas: alphas, tape: &tape)
                var dF = [Double]()
                _ = Losses.squaredError(outputs: tape.outputs, targets: y, rows: 2, columns: batch, gradient: &dF)
                let result = net.backward(parameters: params, tape: &tape, outputGradient: dF, parameterGradients: false)
                XCTAssertNil(result.parameterGradients)
                for i in 0..<x.count {
                    var up = x, down = x
                    up[i] += 1e-6; down[i] -= 1e-6
                    let numeric = (loss(net, params, up, y, alphas) - loss(net, params, down, y, alphas)) / 2e-6
                    XCTAssertEqual(result.inputStateGradient[i], numeric, accuracy: 1e-6 * max(1, abs(numeric)),
                                   "\(variant) \(activation) p_0[\(i)]")
                }
                // p_L = Bᵀ ∂loss/∂F, computed directly.
                for i in 0..<4 {
                    for j in 0..<batch {
                        let expected = (0..<2).reduce(0.0) { $0 + params.outputLayer[$1 * 4 + i] * dF[$1 * batch + j] }
                        XCTAssertEqual(result.outputStateGradient[i * batch + j], expected, accuracy: 1e-12)
                    }
                }
            }
        }
    }

    /// Columns do not interact: each column of a batch gives the same numbers as alone.
    func testColumnsOfABatchAreIndependent() throws {
        let (net, params) = try makeModel(.res3, .tanh, hasBias: true)
        let batch = 3, alphas = [0.9, 0.5, 0.2]
        let x = inputs(3 * batch, seed: 5), y = inputs(2 * batch, seed: 6)
        var tape = ForwardTape<Double>(configuration: net.configuration, batch: batch)
        net.forward(parameters: params, inputs: x, batch: batch, alphas: alphas, tape: &tape)
        var dF = [Double]()
        _ = Losses.squaredError(outputs: tape.outputs, targets: y, rows: 2, columns: batch, gradient: &dF)
        let batched = net.backward(parameters: params, tape: &tape, outputGradient: dF, parameterGradients: false)
        for j in 0..<batch {
            let xj = (0..<3).map { x[$0 * batch + j] }, yj = (0..<2).map { y[$0 * batch + j] }
            var single = ForwardTape<Double>(configuration: net.configuration, batch: 1)
            net.forward(parameters: params, inputs: xj, batch: 1, alphas: [alphas[j]], tape: &single)
            var g = [Double]()
            _ = Losses.squaredError(outputs: single.outputs, targets: yj, rows: 2, columns: 1, gradient: &g)
            let alone = net.backward(parameters: params, tape: &single, outputGradient: g, parameterGradients: false)
            for i in 0..<4 {
                XCTAssertEqual(batched.inputStateGradient[i * batch + j], alone.inputStateGradient[i], accuracy: 1e-12)
                XCTAssertEqual(tape.state(3)[tape.state(3).startIndex + i * batch + j], single.state(3)[single.state(3).startIndex + i], accuracy: 1e-12)
            }
        }
    }
}
