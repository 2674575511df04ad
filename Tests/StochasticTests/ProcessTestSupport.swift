import Foundation
import XCTest
@testable import Stochastic

/// An estimate with its standard error, from independent per-sequence (or per-block) values.
struct Estimate {
    var mean: Double
    var standardError: Double

    init(_ values: [Double]) {
        let n = Double(values.count)
        let mu = values.reduce(0, +) / n
        let v = values.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / (n - 1)
        mean = mu
        standardError = (v / n).squareRoot()
    }
}

/// Layer-major samples `x[k·count + s]`.
struct LayerMajor {
    let data: [Double]
    let length: Int
    let count: Int

    subscript(step k: Int, sequence s: Int) -> Double { data[k * count + s] }

    /// Per-sequence averages of x_k x_{k+lag} over k (independent across sequences).
    func lagProducts(lag: Int) -> [Double] {
        (0..<count).map { s in
            var acc = 0.0
            for k in 0..<(length - lag) { acc += self[step: k, sequence: s] * self[step: k + lag, sequence: s] }
            return acc / Double(length - lag)
        }
    }

    /// Per-sequence products x_i x_j.
    func products(_ i: Int, _ j: Int) -> [Double] {
        (0..<count).map { s in self[step: i, sequence: s] * self[step: j, sequence: s] }
    }
}

/// Asserts |estimate − target| ≤ 5 standard errors (plus a round-off floor).
func assertWithinStandardErrors(_ e: Estimate, _ target: Double, _ what: String,
                                file: StaticString = #filePath, line: UInt = #line) {
    let tol = 5 * e.standardError + 1e-12
    XCTAssertLessThanOrEqual(abs(e.mean - target), tol,
                             "\(what): estimate \(e.mean) ± \(e.standardError) vs \(target)", file: file, line: line)
}
