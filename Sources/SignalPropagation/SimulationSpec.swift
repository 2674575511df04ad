import ResNets
import Support

/// Everything that defines an experiment at initialization (figures 1–7): the model, the
/// grid of depths × initializations × β, how many independent models per (depth,
/// initialization) and inputs per model.
public struct SimulationSpec: Equatable, Sendable {
    public var variant: ResidualVariant = .res3
    public var activation: Activation = .relu
    /// The initializations compared (an axis: e.g. fBm at several H); models are drawn
    /// independently for each.
    public var initializations: [Initialization] = [.iidUniform]
    public var width: Int = 40
    public var inputDimension: Int = 64
    public var outputDimension: Int = 1
    public var depths: [Int] = [10, 120, 230, 340, 450, 560, 670, 780, 890, 1000]
    public var betas: [Double] = [0.25, 0.5, 1]
    /// Independent models per (depth, initialization); a model's weights serve every β.
    public var samples: Int = 50
    /// Inputs x ~ U[0,1]^{n_in} per model, the same inputs for every β.
    public var inputsPerModel: Int = 1
    public var seed: UInt64 = 0

    public init() {}

    /// Throws a ``ConfigurationError`` naming the first setting out of range: each setting's
    /// rule as declared in ``SimulateRequest/settings``, then the rules between settings.
    public func validate() throws {
        do { try SimulateRequest.settings.validate(SimulateRequest(spec: self)) } catch let e as SettingError {
            throw ConfigurationError(setting: e.setting, e.detail)
        }
    }

    /// The rules that involve the grid as a whole (the table checks each value).
    func validateGrid() throws {
        if depths.isEmpty { throw ConfigurationError(setting: "depth", "needs at least one value") }
        if betas.isEmpty { throw ConfigurationError(setting: "beta", "needs at least one value") }
        if initializations.isEmpty { throw ConfigurationError(setting: "init", "needs at least one initialization") }
        for initialization in initializations { try initialization.validate() }
        if case .leakyReLU(let slope) = activation, !slope.isFinite {
            throw ConfigurationError(setting: "activation", "leaky-relu slope must be finite")
        }
        // Repeated values would merge in summaries and figures and count the same model twice.
        if Set(betas).count != betas.count { throw ConfigurationError(setting: "beta", "values must be distinct") }
        if Set(depths).count != depths.count { throw ConfigurationError(setting: "depth", "values must be distinct") }
        if Set(initializations).count != initializations.count {
            throw ConfigurationError(setting: initializations.first?.hurst != nil ? "hurst" : "init", "values must be distinct")
        }
        if let setting = uncountableSetting() {
            throw ConfigurationError(setting: setting, "width \(width) × depth \(depths.max() ?? 0) × \(betas.count) β × \(inputsPerModel) input(s) × \(samples) model(s): the run's buffers are too large to count (more than 2^63 bytes)")
        }
    }

    /// The architecture at one depth.
    public func configuration(depth: Int) throws -> ResNetConfiguration {
        try ResNetConfiguration(variant: variant, activation: activation, width: width, depth: depth,
                                inputDimension: inputDimension, outputDimension: outputDimension)
    }
}
