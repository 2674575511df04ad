import Foundation
import ResNets
import Stochastic
import XCTest
@testable import Training

final class CrossEntropyTests: XCTestCase {
    func testGradientMatchesFiniteDifferences() {
        var stream = RandomStream(seed: 3, coordinates: [1])
        let classes = 5, batch = 4
        let logits = stream.normalDoubles(count: classes * batch, standardDeviation: 2)
        let labels: [UInt8] = [0, 4, 2, 2]
        var gradient: [Double] = []
        let loss = CrossEntropy.meanLoss(logits: logits, labels: labels, classes: classes, gradient: &gradient)
        XCTAssertTrue(loss > 0)
        var scratch: [Double] = []
        let h = 1e-6
        for i in 0..<logits.count {
            var plus = logits, minus = logits
            plus[i] += h
            minus[i] -= h
            let numeric = (CrossEntropy.meanLoss(logits: plus, labels: labels, classes: classes, gradient: &scratch)
                - CrossEntropy.meanLoss(logits: minus, labels: labels, classes: classes, gradient: &scratch)) / (2 * h)
            XCTAssertEqual(gradient[i], numeric, accuracy: 1e-8)
        }
        // Column sums of (softmax − onehot) vanish.
        for j in 0..<batch {
            XCTAssertEqual((0..<classes).map { gradient[$0 * batch + j] }.reduce(0, +), 0, accuracy: 1e-12)
        }
    }

    func testValuesAndStability() {
        var g: [Float] = []
        // Two classes, logits (0, 0): loss log 2.
        XCTAssertEqual(CrossEntropy.meanLoss(logits: [0, 0], labels: [1], classes: 2, gradient: &g), log(2), accuracy: 1e-7)
        XCTAssertEqual(g, [0.5, -0.5])
        // Huge logits stay finite: loss 1000 for the wrong class, 0 for the right one.
        let big: [Float] = [1000, 2000, 0, 0]  // classes × batch = 2 × 2, columns (1000, 0) and (2000, 0)
        let loss = CrossEntropy.meanLoss(logits: big, labels: [1, 0], classes: 2, gradient: &g)
        XCTAssertEqual(loss, 500, accuracy: 1e-3)
        XCTAssertTrue(g.allSatisfy(\.isFinite))
        // NaN logits give a NaN loss (divergence is detected by the caller).
        XCTAssertTrue(CrossEntropy.meanLoss(logits: [.nan, 0], labels: [0], classes: 2, gradient: &g).isNaN)
    }

    func testBlockSplitGivesTheWholeBatchGradient() {
        let logits: [Double] = [1, 2, 3, 4, -1, 0.5, 2, 0]  // 2 classes × 4
        let labels: [UInt8] = [0, 1, 1, 0]
        var whole: [Double] = []
        _ = CrossEntropy.meanLoss(logits: logits, labels: labels, classes: 2, gradient: &whole)
        // The block of columns 2, 3 alone, with meanOver = 4.
        let block: [Double] = [3, 4, 2, 0]
        var g = [Double](repeating: 0, count: 4)
        let r = block.withUnsafeBufferPointer { z in
            [UInt8(1), 0].withUnsafeBufferPointer { y in
                g.withUnsafeMutableBufferPointer { CrossEntropy.evaluate(logits: z.baseAddress!, labels: y.baseAddress!, classes: 2, columns: 2, meanOver: 4, gradient: $0.baseAddress!) }
            }
        }
        XCTAssertEqual(g[0], whole[2], accuracy: 1e-15)
        XCTAssertEqual(g[1], whole[3], accuracy: 1e-15)
        XCTAssertEqual(g[2], whole[6], accuracy: 1e-15)
        XCTAssertEqual(g[3], whole[7], accuracy: 1e-15)
        XCTAssertEqual(r.correct, 1)  // column (3, 2) → class 0 ≠ 1; column (4, 0) → 0 = 0
    }
}

final class OptimizerTests: XCTestCase {
    func model() throws -> ResNetParameters<Double> {
        let c = try ResNetConfiguration(variant: .res1, activation: .relu, width: 1, depth: 1, inputDimension: 1, outputDimension: 1)
        var p = ResNetParameters<Double>(zeros: c)
        p.inputLayer = [1]; p.outputLayer = [-2]; p.v = [0.5]
        return p
    }

    func testAdamMatchesTheFormula() throws {
        var p = try model()
        var state = OptimizerState(settings: .adam, for: p)
        var g = p
        let grads: [[Double]] = [[0.1, -0.3, 2], [0.2, 0.0, -1]]
        var expected = p.inputLayer[0], m = 0.0, v = 0.0
        for (t, gs) in grads.enumerated() {
            g.inputLayer = [gs[0]]; g.outputLayer = [gs[1]]; g.v = [gs[2]]
            state.update(parameters: &p, gradients: g, learningRate: 0.01)
            // Reference for the input layer, written out (PyTorch's Adam).
            m = 0.9 * m + 0.1 * gs[0]
            v = 0.999 * v + 0.001 * gs[0] * gs[0]
            let mHat = m / (1 - pow(0.9, Double(t + 1))), vHat = v / (1 - pow(0.999, Double(t + 1)))
            expected -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
            XCTAssertEqual(p.inputLayer[0], expected, accuracy: 1e-12)
        }
        XCTAssertEqual(state.step, 2)
        // First Adam step moves every weight by lr·sign(g) (up to ε).
        var q = try model()
        var s2 = OptimizerState(settings: .adam, for: q)
        g.inputLayer = [0.1]; g.outputLayer = [-0.3]; g.v = [2]
        s2.update(parameters: &q, gradients: g, learningRate: 0.01)
        XCTAssertEqual(q.outputLayer[0], -2 + 0.01, accuracy: 1e-9)
        XCTAssertEqual(q.v[0], 0.5 - 0.01, accuracy: 1e-9)
    }

    func testAdamFloatSIMDPathMatchesScalarPath() throws {
        // Float (8-lane path + tail) against Double (scalar path) on 21 values.
        let c = try ResNetConfiguration(variant: .res1, activation: .relu, width: 3, depth: 2, inputDimension: 1, outputDimension: 1)
        var stream = RandomStream(seed: 9, coordinates: [])
        var pf = ResNetParameters<Float>(zeros: c)
        pf.v = stream.normalFloats(count: 18)
        var gf = pf
        var sf = OptimizerState(settings: .adam, for: pf)
        var pd = pf.converted(to: Double.self)
        var sd = OptimizerState(settings: .adam, for: pd)
        for _ in 0..<3 {
            gf.v = stream.normalFloats(count: 18)
            sf.update(parameters: &pf, gradients: gf, learningRate: 0.05)
            sd.update(parameters: &pd, gradients: gf.converted(to: Double.self), learningRate: 0.05)
        }
        for i in 0..<18 { XCTAssertEqual(Double(pf.v[i]), pd.v[i], accuracy: 1e-5) }
    }

    func testAdamFloatResultsDoNotDependOnSlicing() throws {
        // 1001 values: one slice runs 125 SIMD8 blocks + a 1-value scalar tail; three slices
        // (333, 334, 334 values) move other elements (e.g. 328..<333) from the SIMD path to the
        // scalar tail. The results must be bit-identical.
        let c = try ResNetConfiguration(variant: .res1, activation: .relu, width: 1, depth: 1, inputDimension: 1001, outputDimension: 1)
        var stream = RandomStream(seed: 11, coordinates: [])
        var p1 = ResNetParameters<Float>(zeros: c)
        p1.inputLayer = stream.normalFloats(count: 1001)
        var p3 = p1
        var s1 = OptimizerState(settings: .adam, for: p1)
        var s3 = s1
        let sequential: (Int, @escaping (Int) -> Void) -> Void = { n, body in for i in 0..<n { body(i) } }
        for _ in 0..<4 {
            var g1 = p1, g2 = p1
            g1.inputLayer = stream.normalFloats(count: 1001)
            g2.inputLayer = stream.normalFloats(count: 1001)
            s1.update(parameters: &p1, gradientTerms: [g1, g2], learningRate: 0.01, parts: 1, parallel: sequential)
            s3.update(parameters: &p3, gradientTerms: [g1, g2], learningRate: 0.01, parts: 3, parallel: sequential)
        }
        XCTAssertEqual(p1.inputLayer.map(\.bitPattern), p3.inputLayer.map(\.bitPattern))
        XCTAssertEqual(s1.first.inputLayer.map(\.bitPattern), s3.first.inputLayer.map(\.bitPattern))
        XCTAssertEqual(s1.second.inputLayer.map(\.bitPattern), s3.second.inputLayer.map(\.bitPattern))
        XCTAssertTrue(p1 == p3 && s1 == s3)
        XCTAssertNotEqual(p1.inputLayer, ResNetParameters<Float>(zeros: c).inputLayer)
    }

    func testSGDMomentum() throws {
        var p = try model()
        var state = OptimizerState(settings: .sgd(momentum: 0.9), for: p)
        var g = p
        g.inputLayer = [1]; g.outputLayer = [0]; g.v = [0]
        state.update(parameters: &p, gradients: g, learningRate: 0.1)
        XCTAssertEqual(p.inputLayer[0], 1 - 0.1, accuracy: 1e-15)          // buffer = g
        state.update(parameters: &p, gradients: g, learningRate: 0.1)
        XCTAssertEqual(p.inputLayer[0], 0.9 - 0.1 * 1.9, accuracy: 1e-15)  // buffer = 0.9·1 + 1
        var plain = try model()
        var s0 = OptimizerState(settings: .sgd(momentum: 0), for: plain)
        s0.update(parameters: &plain, gradients: g, learningRate: 0.5)
        XCTAssertEqual(plain.inputLayer[0], 0.5)
    }

    func testStepLR() {
        let s = StepLR(initial: 1e-3, step: 5, gamma: 0.1)
        XCTAssertEqual(s.learningRate(epoch: 0), 1e-3)
        XCTAssertEqual(s.learningRate(epoch: 4), 1e-3)
        XCTAssertEqual(s.learningRate(epoch: 5), 1e-3 * 0.1)
        XCTAssertEqual(s.learningRate(epoch: 10), 1e-3 * 0.1 * 0.1)
    }
}

final class RegularityTests: XCTestCase {
    let depth = 1000, entries = 40

    func sequences(_ make: (inout RandomStream, Int) -> [Double]) -> [[Double]] {
        (0..<entries).map { e in
            var s = RandomStream(seed: 5, coordinates: [UInt64(e)])
            return make(&s, e)
        }
    }

    func testIIDSequences() {
        let stats = Regularity.statistics(sequences: sequences { s, _ in s.normalDoubles(count: self.depth) })
        XCTAssertEqual(stats.holderExponent!, 0, accuracy: 0.03)
        XCTAssertEqual(stats.hurstIncrements!, 0.5, accuracy: 0.05)
        // E‖V_{k+1} − V_k‖² = 2 per entry.
        XCTAssertEqual(stats.quadraticVariation / Double((depth - 1) * entries), 2, accuracy: 0.05)
        XCTAssertEqual(stats.lags, [1, 2, 4, 8])
    }

    func testBrownianSequences() {
        let stats = Regularity.statistics(sequences: sequences { s, _ in
            var x = 0.0
            return s.normalDoubles(count: self.depth).map { x += $0; return x }
        })
        XCTAssertEqual(stats.holderExponent!, 0.5, accuracy: 0.05)
    }

    func testSmoothSequences() {
        let stats = Regularity.statistics(sequences: sequences { _, e in
            (0..<self.depth).map { sin(2 * Double.pi * Double($0) / Double(self.depth) + Double(e)) }
        })
        XCTAssertEqual(stats.holderExponent!, 1, accuracy: 0.02)
        XCTAssertEqual(stats.hurstIncrements!, 1, accuracy: 0.05)
        XCTAssertEqual(stats.maxIncrement, 2 * Double.pi / Double(depth) * sqrt(Double(entries) / 2), accuracy: 0.01)
    }

    func testDegenerateCases() {
        let constant = Regularity.statistics(sequences: [[Double]](repeating: [Double](repeating: 1, count: 20), count: 3))
        XCTAssertNil(constant.holderExponent)
        XCTAssertEqual(constant.quadraticVariation, 0)
        let short = Regularity.statistics(layers: [Float](repeating: 0, count: 2), depth: 1, entries: 2)
        XCTAssertNil(short.holderExponent)
        XCTAssertEqual(short.lags, [])
    }
}
