import Support
/// The form of the residual branch f(h_k; θ_{k+1}) of h_{k+1} = h_k + α_L f(h_k) (PAPER.md §2).
public enum ResidualVariant: String, CaseIterable, Sendable {
    /// h_{k+1} = h_k + α V_{k+1} σ(h_k)
    case res1
    /// h_{k+1} = h_k + α σ(V_{k+1} h_k)
    case res2
    /// h_{k+1} = h_k + α V_{k+1} σ(W_{k+1} h_k)
    case res3

    /// Parses `res1`, `res-1`, `res2`, `res-2`, `res3`, `res-3`.
    public init(parsing text: String) throws {
        let normalized = text.lowercased().replacingOccurrences(of: "-", with: "")
        guard let value = ResidualVariant(rawValue: normalized) else {
            throw ConfigurationError(setting: "model", "unknown model '\(text)'; accepted: res1, res2, res3")
        }
        self = value
    }

    /// Whether the branch has a second matrix W_k (res-3 only).
    public var hasInnerMatrix: Bool { self == .res3 }
}
