import Support

// The model's choices as setting values (the `model`, `activation` and `init` settings of
// `simulate` and `train`): parsed as the commands always have, written in canonical form.

extension ResidualVariant: SettingValue {
    public init(settingText text: String) throws { try self.init(parsing: text) }
    public var settingText: String { rawValue }
    public static var settingValueName: String { "res1|res2|res3" }
}

extension Activation: SettingValue {
    public init(settingText text: String) throws { try self.init(parsing: text) }
    public var settingText: String { description }
    public static var settingValueName: String { "<name>" }
}

extension Initialization {
    /// fBm whose Hurst index is still to come from the `hurst` setting (`init fbm` alone).
    /// ``validate()`` refuses it, naming `init`: a spec cannot be run with it.
    public static let fbmAwaitingHurst = Initialization.fbm(hurst: .nan)
}

/// The value of the `init` setting: an initialization as written (`iid-uniform`,
/// `smooth:0.2`, `fbm:0.7`), or `fbm` alone, whose Hurst index the `hurst` setting gives.
/// The canonical form of an fBm initialization is `fbm` with its H in `hurst`, so
/// `--init fbm:0.7` and `--init fbm --hurst 0.7` are the same run.
public struct InitializationSetting: SettingValue, Equatable {
    /// nil: fBm with the Hurst index of the `hurst` setting.
    public var initialization: Initialization?

    public init(_ initialization: Initialization) {
        self.initialization = initialization.family == "fbm" ? nil : initialization
    }

    public init(settingText text: String) throws {
        let name = text.trimmingCharacters(in: .whitespaces).lowercased()
        initialization = name == "fbm" ? nil : try Initialization(parsing: text)
    }

    public var settingText: String { initialization?.description ?? "fbm" }
    public static var settingValueName: String { "<name>" }

    /// What the setting stores: the initialization, or fBm awaiting its Hurst index.
    public var stored: Initialization { initialization ?? .fbmAwaitingHurst }

    /// The rule of `init` and `hurst` together, for a spec whose initialization is `current`
    /// (as set by `init`): `hurst` applies to `init fbm` given without its H. Returns fBm at `h`.
    public static func applyingHurst(_ h: Double, to current: Initialization) throws -> Initialization {
        guard current.family == "fbm" else {
            throw SettingMessage("applies to init fbm (without :<H>), but init is \(current)")
        }
        guard let given = current.hurst, given.isNaN else {
            throw SettingMessage("applies to init fbm without :<H>, but init is already \(current)")
        }
        return .fbm(hurst: h)
    }
}
