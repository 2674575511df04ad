import Foundation
import ResNets

/// Text renderings of simulation results: the tidy CSV and the summary table.
public enum ResultTables {
    /// The CSV columns, one row per (depth, β, model, input).
    public static let csvHeader = "model,activation,init,width,depth,beta,model_index,input_index,h_ratio,h_diff,grad_ratio,grad_diff"

    /// A number as CSV text: shortest round-trip decimal; `inf`, `-inf`, `nan` when non-finite.
    public static func csvNumber(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }

    /// The whole CSV document (header and one line per record, newline-terminated).
    public static func csv(_ result: SimulationResult) -> String {
        let s = result.spec
        let prefix = "\(s.variant.rawValue),\(s.activation),\(s.initialization),\(s.width),"
        var out = csvHeader + "\n"
        out.reserveCapacity(result.records.count * 120)
        for r in result.records {
            let m = r.metrics
            out += prefix
            out += "\(r.depth),\(csvNumber(r.beta)),\(r.modelIndex),\(r.inputIndex),"
            out += "\(csvNumber(m.hRatio)),\(csvNumber(m.hDiff)),\(csvNumber(m.gradRatio)),\(csvNumber(m.gradDiff))\n"
        }
        return out
    }

    /// The per depth × β summary as an aligned text table.
    public static func summaryTable(_ rows: [SummaryRow]) -> String {
        let header = ["depth", "beta", "n", "non-finite", "h_diff median", "h_diff mean", "grad_diff median", "grad_diff mean"]
        var lines: [[String]] = [header]
        for r in rows {
            lines.append([String(r.depth), formatCompact(r.beta), String(r.count), String(r.nonFinite),
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
