import Resources
import ResNets
import Support

/// A `simulate` run as requested (on the command line, or as a cell of a simulate sweep):
/// the simulation, and the threads it runs on (which do not change the numbers).
public struct SimulateRequest: Sendable {
    public var spec: SimulationSpec
    /// nil: every core (in a sweep: cores / workers).
    public var threads: Int?

    public init(spec: SimulationSpec = SimulationSpec(), threads: Int? = nil) {
        self.spec = spec
        self.threads = threads
    }

    /// Every setting of `simulate`, declared once: the command's options, the keys of a
    /// simulate sweep, the canonical text of its cells and the columns of its table. The
    /// defaults are ``SimulationSpec``'s (figure 1 at paper size).
    public static let settings = SettingsTable<SimulateRequest>("simulate", declarations, defaults: { SimulateRequest() }, validate: { try $0.spec.validateGrid() })

    private static let declarations: [Setting<SimulateRequest>] = [
        Setting("model", \.spec.variant, help: "Residual branch: res1 = V σ(h), res2 = σ(V h), res3 = V σ(W h)."),
        Setting("activation", \.spec.activation, help: "Nonlinearity σ: \(Activation.accepted)."),
        Setting("init", InitializationSetting.self,
                get: { $0.spec.initializations.count == 1 || $0.spec.initializations.allSatisfy { $0.family == "fbm" }
                    ? InitializationSetting($0.spec.initializations[0]) : nil },
                set: { $0.spec.initializations = [$1.stored] },
                help: """
                Residual weight initialization: iid-uniform (U[±√(3/fan_in)], the reference's), iid-gaussian \
                (N(0, 1/fan_in)), fbm:<H> (fractional Gaussian noise of Hurst index H in (0, 1), /√d), fbm with \
                --hurst <axis>, smooth[:<ℓ>] (RBF Gaussian process values, ℓ = 0.1), smooth-increments[:<ℓ²>] \
                (increments of an RBF process renormalized to variance 1/d, ℓ² = 0.01).
                """),
        Setting("hurst", list: { $0.spec.initializations.allSatisfy { $0.family == "fbm" && !$0.hurst!.isNaN }
                    ? $0.spec.initializations.compactMap(\.hurst) : nil },
                set: { request, hursts in
                    guard request.spec.initializations.count == 1 else { throw SettingMessage("applies to one init fbm") }
                    let current = request.spec.initializations[0]
                    request.spec.initializations = try hursts.map { try InitializationSetting.applyingHurst($0, to: current) }
                },
                each: .openUnitInterval, help: "Hurst indices H for --init fbm, as an axis: e.g. 0.05:0.97:51."),
        Setting("width", \.spec.width, .positive, valueName: "<n>", help: "Width d of the hidden state."),
        Setting("input-dim", \.spec.inputDimension, .positive, valueName: "<n>", help: "Input dimension n_in."),
        Setting("output-dim", \.spec.outputDimension, .positive, valueName: "<n>", help: "Output dimension n_out."),
        Setting("depth", list: \.spec.depths, each: .positive, help: "Depths L: a list or start:stop:count (rounded to integers)."),
        Setting("beta", list: \.spec.betas, each: .finite, axis: .inside,
                help: "Scalings β (α_L = L^-β): a list or start:stop:count; one model serves every β."),
        Setting("samples", \.spec.samples, .positive, valueName: "<n>",
                help: "Independent models per depth (a model's weights serve every β)."),
        Setting("inputs", \.spec.inputsPerModel, .positive, valueName: "<n>",
                help: "Inputs per (model, β); the same inputs are used for every β."),
        Setting("seed", \.spec.seed, valueName: "<n>",
                help: "Random seed: the same seed and settings give the same numbers, whatever --threads."),
        .threads(\.threads),
    ]
}
