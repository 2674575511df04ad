import Foundation
import ResNets

/// Text renderings of simulation results: the tidy CSV and the summary table.
public enum ResultTables {
    /// The CSV columns, one row per (depth, β, model, input).
    public static let csvHeader = "model,activation,init,hurst,bandwidth,width,depth,beta,model_index,input_index,h_ratio,h_diff,grad_ratio,grad_diff"

    /// A number as CSV text: shortest round-trip decimal; `inf`, `-inf`, `nan` when non-finite.
    public static func csvNumber(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }

    /// The whole CSV document (header and one line per record, newline-terminated).
    /// `init` is the family (iid-uniform, fbm, smooth, …); `hurst` is H for fBm and
    /// `bandwidth` ℓ for smooth or ℓ² for smooth-increments, empty where they do not apply.
    public static func csv(_ result: SimulationResult) -> String {
        let s = result.spec
        var prefixes: [Initialization: String] = [:]
        for initialization in s.initializations {
            let hurst = initialization.hurst.map(csvNumber) ?? ""
            let bandwidth = initialization.bandwidth.map(csvNumber) ?? ""
            prefixes[initialization] = "\(s.variant.rawValue),\(s.activation),\(initialization.family),\(hurst),\(bandwidth),\(s.width),"
        }
        var out = csvHeader + "\n"
        out.reserveCapacity(result.records.count * 130)
        for r in result.records {
            let m = r.metrics
            out += prefixes[r.initialization]!
            out += "\(r.depth),\(csvNumber(r.beta)),\(r.modelIndex),\(r.inputIndex),"
            out += "\(csvNumber(m.hRatio)),\(csvNumber(m.hDiff)),\(csvNumber(m.gradRatio)),\(csvNumber(m.gradDiff))\n"
        }
        return out
    }

    /// The per depth × β summary as an aligned text table.
    public static func summaryTable(_ rows: [SummaryRow]) -> String {
        let header = ["depth", "init", "beta", "n", "non-finite", "h_diff median", "h_diff mean", "grad_diff median", "grad_diff mean"]
        var lines: [[String]] = [header]
        for r in rows {
            lines.append([String(r.depth), r.initialization.description, formatCompact(r.beta), String(r.count), String(r.nonFinite),
                          short(r.hDiffMedian), short(r.hDiffMean), short(r.gradDiffMedian), short(r.gradDiffMean)])
        }
        let widths = header.indices.map { c in lines.map { $0[c].count }.max()! }
        return lines.map { row in
            row.enumerated().map { c, cell in String(repeating: " ", count: widths[c] - cell.count) + cell }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// Four significant digits (`%.4g` without a locale: always a decimal point).
    public static func short(_ x: Double) -> String {
        if !x.isFinite { return csvNumber(x) }
        return String(format: "%.4g", x)
    }
}
