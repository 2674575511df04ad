import Foundation

/// The size of a reproduction: the paper's, the quick specs (`*-quick.yaml`), or tiny
/// (the quick specs reduced further, for CI: every stage in seconds, training left out).
public enum ReproductionSize: String, Codable, Sendable, CaseIterable {
    case paper, quick, tiny
}

/// One stage of `reproduce`: a figure of the paper (a bundled spec run as a sweep) or a
/// check of the theory (the exact moments, the SDE/ODE limits).
public enum ReproductionStage: String, CaseIterable, Sendable {
    case fig1, fig2
    case fig45 = "fig4-5"
    case fig7
    /// Figure 7's grid with the reference code's fBm sampler (`fbm-reference:<H>`), for β*(H)
    /// beside the exact sampler's.
    case fig7Reference = "fig7-reference"
    case fig8
    case fig9MNIST = "fig9-mnist"
    case fig9CIFAR10 = "fig9-cifar10"
    case limits, moments
    /// Selects no run: the claims and the report from what `DIR/runs` holds.
    case claims

    /// The names `--only` accepts.
    public static let accepted = allCases.map(\.rawValue).joined(separator: ",")

    /// Parses `--only`'s comma-separated list; an unknown name throws naming it.
    public static func parse(list: String) throws -> [ReproductionStage] {
        var stages: [ReproductionStage] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let name = item.trimmingCharacters(in: .whitespaces)
            guard let stage = ReproductionStage(rawValue: name) else {
                throw ReproductionError("--only: unknown name '\(name)'; accepted: \(accepted)")
            }
            if !stages.contains(stage) { stages.append(stage) }
        }
        return stages
    }

    /// The stages that run something (all but `claims`), in report order.
    public static let runStages: [ReproductionStage] = allCases.filter { $0 != .claims }

    /// The bundled spec's file name at `size` (nil: not a sweep).
    public func specFile(_ size: ReproductionSize) -> String? {
        switch self {
        case .limits, .moments, .claims: return nil
        default: return rawValue + (size == .paper ? "" : "-quick") + ".yaml"
        }
    }

    /// The training data set the stage needs (nil: none).
    public var dataset: String? {
        switch self {
        case .fig8, .fig9MNIST: return "mnist"
        case .fig9CIFAR10: return "cifar10"
        default: return nil
        }
    }

    public var title: String {
        switch self {
        case .fig1: return "Figures 1 and 3: i.i.d. weights, the three regimes"
        case .fig2: return "Figure 2: the law of ‖h_L‖/‖h_0‖ at L = 1000, β = 1/2"
        case .fig45: return "Figures 4 and 5: smooth weights"
        case .fig7: return "Figure 7: the β × H phase diagram"
        case .fig7Reference: return "Figure 7 with the reference code's fBm sampler"
        case .fig8: return "Figure 8: trained weights against the layer"
        case .fig9MNIST: return "Figure 9 (MNIST): test accuracy over β × H"
        case .fig9CIFAR10: return "Figure 9 (CIFAR-10): test accuracy over β × H"
        case .limits: return "The neural SDE and ODE limits"
        case .moments: return "Exact second moments (res-1, identity)"
        case .claims: return "Claims"
        }
    }

    /// What the figure shows and how to read the numbers.
    public var meaning: String {
        switch self {
        case .fig1:
            return "Median relative differences h_diff = ‖h_L − h_0‖/‖h_0‖ and grad_diff against the depth L, with α = L^-β. " +
                "At β = 1/2 they do not trend with L (the stable regime), at β = 1 they vanish like L^-1/2 (the identity " +
                "regime), at β = 1/4 they grow (explosion). The slopes are log-log slopes of the medians over L with " +
                "bootstrap intervals over models. Dashed: the exact RMS difference and the L^-1/2 guide; dotted: the SDE limit."
        case .fig2:
            return "Histograms of ‖h_L‖/‖h_0‖ over models with the log-normal density of PAPER.md §5: log(‖h_L‖²/‖h_0‖²) has " +
                "mean λ(1/2 − 1/d) and variance 2λ/d with λ = Lα². The claims compare the sample mean and variance " +
                "(within 4 standard errors) and a Kolmogorov–Smirnov test against that law."
        case .fig45:
            return "With smooth weights the critical scaling is β = 1: stable at β = 1 (slope 0), identity at β = 2 (slope −1), " +
                "explosion at β = 1/2."
        case .fig7:
            return "The cell value is the mean over models × inputs of log10(h_diff) at fixed depth over β × H (fBm weights). " +
                "The boundary β*(H) between explosion and identity is flat at 1/2 for H ≤ 1/2 and rises for H > 1/2; " +
                "lines: β = 1/2, β = H and the heuristic β = max(H, 1/2)."
        case .fig7Reference:
            return "The grid of figure 7 with the residual weights drawn by a reproduction of the reference code's fBm sampler " +
                "(`--init fbm-reference:<H>`), which is not fBm: it keeps the real part of a complex transform of a circulant " +
                "that drops γ(N), so for H > 1/2 its increments have a larger variance and a smaller lag-1 correlation than " +
                "fBm's (the same law at H = 1/2). Its boundary β*(H) is in the table of figure 7's section, beside the exact " +
                "sampler's; it checks no claim of the paper."
        case .fig8:
            return "A weight entry V_k[0, 0] against the layer k after training: smooth at the smooth initialization, rough at i.i.d."
        case .fig9MNIST, .fig9CIFAR10:
            return "Best test accuracy over the learning rates at each (β, H) with fBm initialization: the stable region " +
                "(β ≥ 1/2 for H ≤ 1/2, β ≥ H above) trains, the explosion region (small β, large H) stays at chance."
        case .limits:
            return "i.i.d. Gaussian res-1 with α = L^-1/2 is the Euler–Maruyama scheme of dH = d^-1/2 dB σ(H): ResNets of several " +
                "depths are coupled to one Brownian path at L_fine = 10⁴, and the strong error E‖h_L − h_fine‖/‖h_0‖ decreases " +
                "like L^-1/2; the Wasserstein-1 distance of the laws of ‖h_L‖/‖h_0‖ decreases too. Smooth weights with α = 1/L " +
                "are Euler steps of dH/dt = V(t)σ(W(t)H): the error against RK4 on a 16× finer grid decreases like 1/L."
        case .moments:
            return "For res-1 with the identity activation E‖h_L‖²/‖h_0‖² = (1 + α²)^L exactly; the mean over models is " +
                "compared with it within 4 standard errors at L = 10 and L = 1000."
        case .claims: return ""
        }
    }

    /// The stage's wall time measured on 2 cores (seconds), for the overall ETA: only the
    /// ratios matter, the ETA scales them by the time the finished stages took.
    public func expectedSeconds(_ size: ReproductionSize) -> Double {
        let quick: Double, paper: Double
        switch self {
        // Measured on 2 Zen 5 cores with the AVX-512 paths (reproduce --quick, and the paper-size
        // run without figure 9); figure 9's paper time is bench --section figure9's estimate.
        case .fig1: (quick, paper) = (0.5, 2.2)
        case .fig2: (quick, paper) = (3.2, 33)
        case .fig45: (quick, paper) = (0.8, 3.4)
        case .fig7: (quick, paper) = (0.5, 17)
        case .fig7Reference: (quick, paper) = (0.4, 23)
        case .fig8: (quick, paper) = (0.6, 76)
        case .fig9MNIST, .fig9CIFAR10: (quick, paper) = (3.2, 8_000)
        case .limits: (quick, paper) = (0.8, 4.4)
        case .moments: (quick, paper) = (0.8, 3.2)
        case .claims: (quick, paper) = (0.1, 0.1)
        }
        switch size {
        case .quick: return quick
        case .tiny: return quick / 10
        case .paper: return paper
        }
    }

    /// The tiny size's β, depth and models of figure 7, for both samplers.
    static let tinyPhaseGrid = ["beta=0:1.3:14", "depth=100", "samples=4", "inputs=2"]

    /// Overrides of the quick spec for the tiny size (few models, few depths).
    public var tinyOverrides: [String] {
        switch self {
        case .fig1, .fig45: return ["depth=10,100,1000", "samples=6"]
        case .fig2: return ["depth=200", "samples=120", "models-per-cell=60"]
        case .fig7: return ["hurst=0.2,0.5,0.8"] + Self.tinyPhaseGrid
        case .fig7Reference: return ["init=fbm-reference:0.2,fbm-reference:0.5,fbm-reference:0.8"] + Self.tinyPhaseGrid
        default: return []
        }
    }
}

/// A reproduction that cannot run or be continued: one line naming the flag, file or difference.
public struct ReproductionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}
