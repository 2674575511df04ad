import Foundation
import SignalPropagation
import Support
import Training

/// The command a sweep runs for every cell.
public enum SweepCommand: String, Codable, CaseIterable, Sendable {
    case simulate
    case train
}

/// A setting of a sweep command as the spec parser sees it, whatever the spec type: the
/// settings are those of `simulate` (``SimulateRequest/settings``) and `train`
/// (``TrainRequest/settings``) — the same declarations as the commands' flags.
public struct SweepSetting: Sendable {
    public let name: String
    public let axis: SettingAxis
    public let identity: Bool
    /// Values are paths, relative to the spec's folder (or, in `--set`, to the working directory).
    public let isPath: Bool
    /// A list given at once (simulate's depth, hurst, beta).
    public let isList: Bool
    /// The canonical texts of the values `text` gives (one per cell, or one for `.inside`/`.none`).
    let values: @Sendable (String) throws -> [String]

    init<Spec>(_ setting: Setting<Spec>) {
        name = setting.name
        axis = setting.axis
        identity = setting.identity
        isPath = setting.isPath
        isList = setting.isList
        values = { try setting.cellValues($0) }
    }
}

extension SweepCommand {
    /// The command's settings, in table order.
    public var settings: [SweepSetting] {
        switch self {
        case .simulate: return SimulateRequest.settings.settings.map(SweepSetting.init)
        case .train: return TrainRequest.settings.settings.map(SweepSetting.init)
        }
    }

    public func setting(_ name: String) -> SweepSetting? { settings.first { $0.name == name } }

    /// The default value's canonical text (nil: unset).
    func defaultText(_ name: String) -> String? {
        switch self {
        case .simulate: return SimulateRequest.settings[name]?.text(of: SimulateRequest.settings.defaults)
        case .train: return TrainRequest.settings[name]?.text(of: TrainRequest.settings.defaults)
        }
    }
}
