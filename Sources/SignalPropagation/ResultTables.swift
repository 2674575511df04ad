import Foundation
import ResNets
import Support

/// Text renderings of simulation results: the tidy CSV and the summary table.
public enum ResultTables {
    /// The CSV columns, one row per (depth, β, model, input).
    public static let csvHeader = "model,activation,init,hurst,bandwidth,width,depth,beta,model_index,input_index,h_ratio,h_diff,grad_ratio,grad_diff"

    /// The whole CSV document (header and one line per record, newline-terminated).
    /// `init` is the family (iid-uniform, fbm, smooth, …); `hurst` is H for fBm and
    /// `bandwidth` ℓ for smooth or ℓ² for smooth-increments, empty where they do not apply.
    public static func csv(_ result: SimulationResult) -> String {
        let s = result.spec
        var prefixes: [Initialization: String] = [:]
        for initialization in s.initializations {
            let hurst = initialization.hurst.map(NumberFormat.shortest) ?? ""
            let bandwidth = initialization.bandwidth.map(NumberFormat.shortest) ?? ""
            prefixes[initialization] = "\(s.variant.rawValue),\(s.activation),\(initialization.family),\(hurst),\(bandwidth),\(s.width),"
        }
        var out = csvHeader + "\n"
        out.reserveCapacity(result.records.count * 130)
        for r in result.records {
            let m = r.metrics
            out += prefixes[r.initialization]!
            out += "\(r.depth),\(NumberFormat.shortest(r.beta)),\(r.modelIndex),\(r.inputIndex),"
            out += "\(NumberFormat.shortest(m.hRatio)),\(NumberFormat.shortest(m.hDiff)),\(NumberFormat.shortest(m.gradRatio)),\(NumberFormat.shortest(m.gradDiff))\n"
        }
        return out
    }

    /// The per depth × β summary as an aligned text table.
    public static func summaryTable(_ rows: [SummaryRow]) -> String {
        let header = ["depth", "init", "beta", "n", "non-finite", "h_diff median", "h_diff mean", "grad_diff median", "grad_diff mean"]
        var lines: [[String]] = [header]
        for r in rows {
            lines.append([String(r.depth), r.initialization.description, NumberFormat.text(r.beta), String(r.count), String(r.nonFinite),
                          NumberFormat.compact(r.hDiffMedian), NumberFormat.compact(r.hDiffMean), NumberFormat.compact(r.gradDiffMedian), NumberFormat.compact(r.gradDiffMean)])
        }
        let widths = header.indices.map { c in lines.map { $0[c].count }.max()! }
        return lines.map { row in
            row.enumerated().map { c, cell in String(repeating: " ", count: widths[c] - cell.count) + cell }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
