import Support
import XCTest
@testable import ResNets
import Stochastic

final class ForwardTests: XCTestCase {
    /// One res-1 layer with identity σ, written out by hand: h_1 = h_0 + α V h_0.
    func testOneLinearLayerByHand() throws {
        let config = try ResNetConfiguration(variant: .res1, activation: .identity, width: 2, depth: 1,
                                             inputDimension: 2, outputDimension: 1)
        var p = ResNetParameters<Double>(zeros: config)
        p.inputLayer = [1, 0, 0, 1]
        p.outputLayer = [1, 1]
        p.v = [1, 2, 3, 4]
        var tape = ForwardTape<Double>(configuration: config, batch: 1)
        ResNet<Double>(config).forward(parameters: p, inputs: [1, -1], batch: 1, alphas: [0.5], tape: &tape)
        // V h_0 = (1 − 2, 3 − 4) = (−1, −1); h_1 = (1, −1) + 0.5·(−1, −1) = (0.5, −1.5)
        XCTAssertEqual(Array(tape.state(1)), [0.5, -1.5])
        XCTAssertEqual(tape.outputs, [-1.0])
    }

    /// A model drawn whole and the same model drawn layer by layer are identical.
    func testGeneratedWeightsEqualMaterializedWeights() throws {
        for variant in ResidualVariant.allCases {
            let config = try ResNetConfiguration(variant: variant, activation: .relu, width: 9, depth: 17,
                                                 inputDimension: 5, outputDimension: 2)
            let sampler = try WeightSampler(configuration: config, initialization: .iidUniform,
                                        stream: RandomStream(seed: 3, coordinates: [17, 4]))
            let params = sampler.parameters(Float.self)
            let net = ResNet<Float>(config)
            var x = [Float](repeating: 0, count: 5 * 3)
            var s = RandomStream(seed: 1, coordinates: [])
            x.withUnsafeMutableBufferPointer { s.fillUniform($0, low: 0, high: 1) }
            let alphas: [Float] = [1, 0.5, 0.25]
            var t1 = ForwardTape<Float>(configuration: config, batch: 3)
            net.forward(parameters: params, inputs: x, batch: 3, alphas: alphas, tape: &t1)
            var generated = GeneratedResidualWeights<Float>(sampler: sampler)
            var t2 = ForwardTape<Float>(configuration: config, batch: 3)
            net.forward(inputLayer: params.inputLayer, outputLayer: params.outputLayer, residual: &generated,
                        inputs: x, batch: 3, alphas: alphas, tape: &t2)
            XCTAssertEqual(t1.states, t2.states)
            let g: [Float] = [1, -1, 2, 0.5, 0.25, -3]
            let b1 = net.backward(parameters: params, tape: &t1, outputGradient: g, parameterGradients: false)
            var r2 = BackwardResult<Float>()
            net.backward(inputLayer: params.inputLayer, outputLayer: params.outputLayer, residual: &generated,
                         tape: &t2, outputGradient: g, parameterGradients: false, into: &r2)
            XCTAssertEqual(b1.inputStateGradient, r2.inputStateGradient)
        }
    }

    /// The Float path (fast kernels) agrees with the Double path (reference kernels).
    func testFloatAgreesWithDouble() throws {
        for variant in ResidualVariant.allCases {
            let config = try ResNetConfiguration(variant: variant, activation: .tanh, width: 40, depth: 50,
                                                 inputDimension: 64, outputDimension: 3)
            let sampler = try WeightSampler(configuration: config, initialization: .iidGaussian,
                                        stream: RandomStream(seed: 11, coordinates: []))
            let pf = sampler.parameters(Float.self, hasBias: true)
            let pd = pf.converted(to: Double.self)
            let batch = 7
            var s = RandomStream(seed: 2, coordinates: [])
            let xd = (0..<(64 * batch)).map { _ in Double(Float(s.nextUniform())) }
            let alphas = (0..<batch).map { pow(50.0, -Double($0) / 6) }
            var tf = ForwardTape<Float>(configuration: config, batch: batch)
            var td = ForwardTape<Double>(configuration: config, batch: batch)
            ResNet<Float>(config).forward(parameters: pf, inputs: xd.map { Float($0) }, batch: batch,
                                          alphas: alphas.map { Float($0) }, tape: &tf)
            ResNet<Double>(config).forward(parameters: pd, inputs: xd, batch: batch, alphas: alphas, tape: &td)
            let scale = td.outputs.map { abs($0) }.max()!
            for (a, b) in zip(tf.outputs, td.outputs) {
                XCTAssertEqual(Double(a), b, accuracy: 1e-4 * scale, "\(variant)")
            }
            let gd = (0..<(3 * batch)).map { Double($0 % 5) - 2 }
            let rf = ResNet<Float>(config).backward(parameters: pf, tape: &tf, outputGradient: gd.map { Float($0) }, parameterGradients: true)
            let rd = ResNet<Double>(config).backward(parameters: pd, tape: &td, outputGradient: gd, parameterGradients: true)
            let pScale = rd.inputStateGradient.map { abs($0) }.max()!
            for (a, b) in zip(rf.inputStateGradient, rd.inputStateGradient) {
                XCTAssertEqual(Double(a), b, accuracy: 1e-4 * pScale)
            }
            let gv = rd.parameterGradients!.v, gScale = gv.map { abs($0) }.max()!
            for (a, b) in zip(rf.parameterGradients!.v, gv) {
                XCTAssertEqual(Double(a), b, accuracy: 1e-4 * gScale)
            }
        }
    }

    /// The probe path (rolling states, α folded into the derivative pass) gives the same
    /// p_0, p_L and h_L as the full path with parameter gradients.
    func testProbePathMatchesFullPath() throws {
        for variant in ResidualVariant.allCases {
            for activation in [Activation.relu, .tanh, .leakyReLU(slope: 0.2), .identity] {
                let config = try ResNetConfiguration(variant: variant, activation: activation, width: 7, depth: 9,
                                                     inputDimension: 3, outputDimension: 2)
                let params = try WeightSampler(configuration: config, initialization: .iidGaussian,
                                               stream: RandomStream(seed: 5, coordinates: [])).parameters(Double.self, hasBias: true)
                let net = ResNet<Double>(config)
                let batch = 4, alphas = [1.0, 0.6, 0.3, 0.05]
                let x = (0..<(3 * batch)).map { Double($0 % 7) / 7 }
                let g = (0..<(2 * batch)).map { Double($0 % 3) - 1 }
                var full = ForwardTape<Double>(configuration: config, batch: batch)
                var lean = ForwardTape<Double>(configuration: config, batch: batch, keepsAllStates: false)
                XCTAssertEqual(lean.keepsAllStates, variant == .res1)
                net.forward(parameters: params, inputs: x, batch: batch, alphas: alphas, tape: &full)
                net.forward(parameters: params, inputs: x, batch: batch, alphas: alphas, tape: &lean)
                XCTAssertEqual(Array(full.state(9)), Array(lean.state(9)))
                XCTAssertEqual(Array(full.state(0)), Array(lean.state(0)))
                let a = net.backward(parameters: params, tape: &full, outputGradient: g, parameterGradients: true)
                let b = net.backward(parameters: params, tape: &lean, outputGradient: g, parameterGradients: false)
                XCTAssertEqual(a.outputStateGradient, b.outputStateGradient)
                for (u, v) in zip(a.inputStateGradient, b.inputStateGradient) {
                    XCTAssertEqual(u, v, accuracy: 1e-12 * max(1, abs(u)), "\(variant) \(activation)")
                }
            }
        }
    }

    /// The SIMD8 Float loops (ReLU, leaky ReLU, column scalings, sums) run only on batches of
    /// 8 or more columns: check them, vector bodies and tails, against the Double reference,
    /// on the full path (parameter gradients) and on the lean probe path.
    func testFloatLoopsAgreeWithDoubleOnWideBatches() throws {
        for variant in ResidualVariant.allCases {
            for activation in [Activation.relu, .leakyReLU(slope: 0.2), .tanh] {
                let config = try ResNetConfiguration(variant: variant, activation: activation, width: 12, depth: 20,
                                                     inputDimension: 5, outputDimension: 3)
                let pf = try WeightSampler(configuration: config, initialization: .iidGaussian,
                                           stream: RandomStream(seed: 21, coordinates: [])).parameters(Float.self, hasBias: true)
                var pfBiased = pf
                var bs = RandomStream(seed: 22, coordinates: [])
                pfBiased.bias = (0..<pf.bias.count).map { _ in Float(bs.nextNormal() * 0.3) }
                let pd = pfBiased.converted(to: Double.self)
                let batch = 19
                var s = RandomStream(seed: 23, coordinates: [])
                let xd = (0..<(5 * batch)).map { _ in Double(Float(s.nextUniform() - 0.3)) }
                let alphas = (0..<batch).map { Double(Float(pow(20.0, -Double($0) / 12))) }
                let gd = (0..<(3 * batch)).map { Double($0 % 7) - 3 }
                let netF = ResNet<Float>(config), netD = ResNet<Double>(config)
                var td = ForwardTape<Double>(configuration: config, batch: batch)
                netD.forward(parameters: pd, inputs: xd, batch: batch, alphas: alphas, tape: &td)
                let rd = netD.backward(parameters: pd, tape: &td, outputGradient: gd, parameterGradients: true)
                for keepsAll in [true, false] {
                    var tf = ForwardTape<Float>(configuration: config, batch: batch, keepsAllStates: keepsAll)
                    netF.forward(parameters: pfBiased, inputs: xd.map { Float($0) }, batch: batch,
                                 alphas: alphas.map { Float($0) }, tape: &tf)
                    let scale = td.outputs.map { abs($0) }.max()!
                    for (a, b) in zip(tf.outputs, td.outputs) {
                        XCTAssertEqual(Double(a), b, accuracy: 1e-4 * scale, "\(variant) \(activation)")
                    }
                    let rf = netF.backward(parameters: pfBiased, tape: &tf, outputGradient: gd.map { Float($0) },
                                           parameterGradients: keepsAll)
                    let pScale = rd.inputStateGradient.map { abs($0) }.max()!
                    for (a, b) in zip(rf.inputStateGradient, rd.inputStateGradient) {
                        XCTAssertEqual(Double(a), b, accuracy: 1e-4 * pScale, "\(variant) \(activation) keepsAll=\(keepsAll)")
                    }
                    if keepsAll {
                        let gf = try XCTUnwrap(rf.parameterGradients), gdd = try XCTUnwrap(rd.parameterGradients)
                        for (name, a, b) in [("V", gf.v, gdd.v), ("W", gf.w, gdd.w), ("bias", gf.bias, gdd.bias),
                                             ("A", gf.inputLayer, gdd.inputLayer), ("B", gf.outputLayer, gdd.outputLayer)]
                            where !b.isEmpty {
                            XCTAssertEqual(a.count, b.count, "\(variant) \(activation) ∂\(name)")
                            let gScale = b.map { abs($0) }.max()!
                            for (u, v) in zip(a, b) {
                                XCTAssertEqual(Double(u), v, accuracy: 1e-4 * gScale, "\(variant) \(activation) ∂\(name)")
                            }
                        }
                    }
                }
            }
        }
    }

    func testConfigurationValidation() {
        XCTAssertThrowsError(try ResNetConfiguration(variant: .res1, activation: .relu, width: 0, depth: 1,
                                                     inputDimension: 1, outputDimension: 1)) { error in
            XCTAssertEqual((error as? ConfigurationError)?.setting, "width")
        }
        XCTAssertThrowsError(try ResNetConfiguration(variant: .res1, activation: .relu, width: 3, depth: -2,
                                                     inputDimension: 1, outputDimension: 1)) { error in
            XCTAssertEqual((error as? ConfigurationError)?.setting, "depth")
        }
        XCTAssertThrowsError(try Activation(parsing: "softplus"))
        XCTAssertThrowsError(try Activation(parsing: "leaky-relu:abc"))
        XCTAssertEqual(try Activation(parsing: "leaky-relu:0.8"), .leakyReLU(slope: 0.8))
        XCTAssertThrowsError(try ResidualVariant(parsing: "res4"))
        XCTAssertEqual(try ResidualVariant(parsing: "res-3"), .res3)
        XCTAssertThrowsError(try Initialization(parsing: "xavier"))
    }
}
