import Foundation

/// A measured convergence in depth: an error at each depth L with intervals, the fitted
/// log-log rate with its bootstrap interval, and the rate the theory predicts.
public struct ConvergenceRate: Equatable, Sendable {
    /// What is measured, e.g. "E‖h_L − h_{L_fine}‖/‖h_0‖".
    public var label: String
    public var depths: [Int]
    /// The error at each depth (all units).
    public var values: [Double]
    /// 95 % bootstrap interval of each depth's value (for figures): the basic interval on the
    /// log scale, which holds the estimate even for a biased statistic such as W1.
    public var lower: [Double]
    public var upper: [Double]
    /// The OLS slope of log value against log L, with its bootstrap interval at the claims'
    /// level: the units (paths or models) are resampled, each keeping its values at every
    /// depth, so the intervals account for the coupling of the depths through shared units.
    public var slope: BootstrapEstimate
    /// The intercept of that fit (log scale), for drawing the fitted line.
    public var intercept: Double
    /// The theory's rate over the same depths, or NaN where there is none.
    public var theorySlope: Double
    /// How the theory's rate reads, e.g. "L^-1/2 (strong order 1/2)".
    public var theoryLabel: String
    /// Number of independent units.
    public var units: Int

    /// Measures a rate from independent units (paths or models). `perDepth(units)` returns
    /// the error at every depth from a set of units (e.g. a mean over them, or a distance
    /// between laws).
    public init<Unit>(label: String, depths: [Int], units: [Unit], theorySlope: Double, theoryLabel: String,
                      options: ClaimOptions, id: String, perDepth: ([Unit]) -> [Double]) {
        self.label = label
        self.depths = depths
        self.theorySlope = theorySlope
        self.theoryLabel = theoryLabel
        self.units = units.count
        values = perDepth(units)
        let fit = LinearFit.logLog(x: depths.map(Double.init), y: values)
        intercept = fit.intercept
        let replicates = Bootstrap.replicates(strata: [units], count: options.replicates, seed: options.seed(for: id)) {
            perDepth($0[0])
        }
        // One set of replicates serves the slope and every depth's interval.
        let slopes = replicates.map { LinearFit.logLog(x: depths.map(Double.init), y: $0).slope }
        slope = Bootstrap.percentile(estimate: fit.slope, replicates: slopes, level: options.level)
        // The basic bootstrap interval on the log scale, θ̂²/q_{97.5%} … θ̂²/q_{2.5%}: a
        // distance between laws measured on a resample is larger on average than on the
        // sample (duplicated units look like a coarser law), so the plain percentile band of
        // W1 lies above its estimate; reflecting the quantiles about θ̂ corrects that bias, and
        // on the log scale the band stays positive. For a mean it is close to the percentile band.
        var lo: [Double] = [], hi: [Double] = []
        for i in depths.indices {
            let estimate = values[i]
            let q = replicates.map { $0[i] }
            let qLo = Statistics.quantile(q, 0.025), qHi = Statistics.quantile(q, 0.975)
            if estimate > 0 && estimate.isFinite && qLo > 0 && qHi.isFinite {
                lo.append(estimate * estimate / qHi)
                hi.append(estimate * estimate / qLo)
            } else {
                lo.append(qLo)
                hi.append(qHi)
            }
        }
        lower = lo
        upper = hi
    }

    /// The fitted power law at L: exp(intercept)·L^slope.
    public func fitted(_ depth: Double) -> Double { exp(intercept) * pow(depth, slope.estimate) }
}

/// The fitted rate of a function of L over a set of depths: the OLS slope of log f(L)
/// against log L (e.g. the theory's rate with a finite-L correction).
public func logLogSlope(depths: [Int], _ f: (Double) -> Double) -> Double {
    LinearFit.logLog(x: depths.map(Double.init), y: depths.map { f(Double($0)) }).slope
}
