import Foundation
import Persistence
import Plots
import SignalPropagation
import Support

/// What the report says about the run besides the stages.
public struct ReportContext: Sendable {
    public var size: ReproductionSize
    public var seed: UInt64 = 0
    public var toolVersion = ToolVersion.current
    public var cores = ProcessInfo.processInfo.activeProcessorCount
    public var totalSeconds: Double
    /// The size and font size of the figures (`--size`, `--font-size`); empty for their defaults.
    public var figureOptions = FigureOptions()
    public init(size: ReproductionSize, totalSeconds: Double) {
        self.size = size
        self.totalSeconds = totalSeconds
    }
}

/// Writes `figures/*.svg`, `claims.csv`, `report.md` and `report.html` (one self-contained
/// page: inline SVG, no scripts, no network) from the stages' outcomes.
public enum ReportDocument {
    /// Every claim of every stage, in report order.
    public static func claims(_ outcomes: [StageOutcome]) -> [Claim] { outcomes.flatMap(\.claims) }

    /// Writes the files into `directory` (each atomically).
    public static func write(_ outcomes: [StageOutcome], context: ReportContext, directory: String) throws {
        let figures = directory + "/figures"
        try FileManager.default.createDirectory(atPath: figures, withIntermediateDirectories: true)
        var svgs: [String: String] = [:]
        for outcome in outcomes {
            for (name, figure) in outcome.figures {
                let svg = figure.applying(context.figureOptions).svg()
                svgs[name] = svg
                try AtomicFile.write(svg, to: figures + "/\(name).svg")
            }
        }
        try AtomicFile.write(claimsCSV(claims(outcomes)), to: directory + "/claims.csv")
        try AtomicFile.write(markdown(outcomes, context: context), to: directory + "/report.md")
        try AtomicFile.write(html(outcomes, context: context, svgs: svgs), to: directory + "/report.html")
    }

    static func number(_ x: Double) -> String {
        x.isNaN ? "" : NumberFormat.shortest(x)
    }

    static func header(_ context: ReportContext) -> [String] {
        ["Tool version \(context.toolVersion), size \(context.size.rawValue), seed \(context.seed), " +
         "\(context.cores) core(s), total wall time \(ProgressReporter.duration(context.totalSeconds))."]
    }

    static let claimColumns = ["claim", "figure", "statement", "measured", "CI", "expected", "tolerance", "verdict", "n"]

    static func claimRow(_ c: Claim) -> [String] {
        let ci = c.ciLow.isNaN ? "" : "[\(NumberFormat.fixed(c.ciLow, decimals: 4)), \(NumberFormat.fixed(c.ciHigh, decimals: 4))]"
        let measured = c.verdict == .notRun ? c.note : NumberFormat.fixed(c.measured, decimals: 4)
        return [c.id, c.figure, c.statement, measured, ci, c.verdict == .notRun ? "" : number(c.expected),
                c.verdict == .notRun ? "" : number(c.tolerance), c.verdict.rawValue, String(c.n)]
    }

    // MARK: Markdown

    public static func markdown(_ outcomes: [StageOutcome], context: ReportContext) -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var out = "# Scaling ResNets in the large-depth regime: reproduction\n\n"
        out += header(context).joined(separator: "\n") + "\n\n## Claims\n\n"
        let all = claims(outcomes)
        let counts = Verdict.allCases.map { v in "\(all.filter { $0.verdict == v }.count) \(v.rawValue)" }
        out += counts.joined(separator: ", ") + "\n\n"
        out += "| " + claimColumns.joined(separator: " | ") + " |\n|" + String(repeating: " --- |", count: claimColumns.count) + "\n"
        for c in all { out += "| " + claimRow(c).map(cell).joined(separator: " | ") + " |\n" }
        out += "\n## Stages\n\n| stage | status | wall time |\n| --- | --- | --- |\n"
        for o in outcomes {
            out += "| \(o.stage.rawValue) | \(cell(o.notRun.map { "not run: \($0)" } ?? "ran")) | \(ProgressReporter.duration(o.seconds)) |\n"
        }
        for o in outcomes {
            out += "\n## \(o.stage.title)\n\n"
            if let reason = o.notRun, o.figures.isEmpty { out += "**Not run:** \(reason).\n\n" }
            for (name, _) in o.figures { out += "![\(name)](figures/\(name).svg)\n\n" }
            out += "Reproduce alone: `\(o.command)`\n\n"
            if !o.stage.meaning.isEmpty { out += o.stage.meaning + "\n\n" }
            for line in o.numbers { out += "- \(line)\n" }
            for c in o.claims where c.verdict != .notRun {
                out += "- \(c.verdict.rawValue) `\(c.id)`: \(c.statistic) = \(NumberFormat.fixed(c.measured, decimals: 4))" +
                    (c.ciLow.isNaN ? "" : " (CI [\(NumberFormat.fixed(c.ciLow, decimals: 4)), \(NumberFormat.fixed(c.ciHigh, decimals: 4))])") +
                    ", expected \(number(c.expected))" + (c.note.isEmpty ? "" : "; \(c.note)") + "\n"
            }
            if o.stage == .fig7, let comparison = BoundaryComparison(outcomes) {
                out += "\n### \(comparisonTitle)\n\n"
                out += "| " + BoundaryComparison.columns.joined(separator: " | ") + " |\n|" +
                    String(repeating: " --- |", count: BoundaryComparison.columns.count) + "\n"
                for row in comparison.rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
                out += "\n" + comparison.summary + "\n"
            }
        }
        return out
    }

    static let comparisonTitle = "β*(H) under the exact fBm sampler and the reference code's"

    // MARK: HTML

    /// HTML text and attribute values use the figures' XML escaping (same entities, and
    /// control characters an HTML parser would reject dropped).
    static func escape(_ s: String) -> String { xmlEscape(s) }

    /// The SVG document without its XML declaration, to sit inside HTML.
    static func inline(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg }
        return String(svg[end.upperBound...])
    }

    public static func html(_ outcomes: [StageOutcome], context: ReportContext, svgs: [String: String]) -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>ResNetScaling reproduction</title>
        <style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.4}
        table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
        .PASS{background:#d8f5d8}.FAIL{background:#f8d0d0}.NOT-RUN{background:#eee}code{background:#f4f4f4}
        svg{max-width:100%;height:auto}</style></head><body>
        <h1>Scaling ResNets in the large-depth regime: reproduction</h1>

        """
        out += "<p>" + escape(header(context).joined(separator: " ")) + "</p>\n<h2>Claims</h2>\n"
        let all = claims(outcomes)
        out += "<p>" + Verdict.allCases.map { v in "\(all.filter { $0.verdict == v }.count) \(v.rawValue)" }.joined(separator: ", ") + "</p>\n"
        out += "<table><tr>" + claimColumns.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for c in all {
            out += "<tr class=\"\(c.verdict.rawValue)\">" + claimRow(c).map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        out += "</table>\n<h2>Stages</h2>\n<table><tr><th>stage</th><th>status</th><th>wall time</th></tr>\n"
        for o in outcomes {
            out += "<tr><td>\(o.stage.rawValue)</td><td>\(escape(o.notRun.map { "not run: \($0)" } ?? "ran"))</td>" +
                "<td>\(ProgressReporter.duration(o.seconds))</td></tr>\n"
        }
        out += "</table>\n"
        for o in outcomes {
            out += "<h2>\(escape(o.stage.title))</h2>\n"
            if let reason = o.notRun, o.figures.isEmpty { out += "<p><strong>Not run:</strong> \(escape(reason)).</p>\n" }
            for (name, _) in o.figures { if let svg = svgs[name] { out += "<figure>\(inline(svg))</figure>\n" } }
            out += "<p>Reproduce alone: <code>\(escape(o.command))</code></p>\n"
            if !o.stage.meaning.isEmpty { out += "<p>\(escape(o.stage.meaning))</p>\n" }
            out += "<ul>\n"
            for line in o.numbers { out += "<li>\(escape(line))</li>\n" }
            for c in o.claims where c.verdict != .notRun {
                out += "<li class=\"\(c.verdict.rawValue)\">\(c.verdict.rawValue) <code>\(escape(c.id))</code>: \(escape(c.statistic)) = " +
                    "\(NumberFormat.fixed(c.measured, decimals: 4))" +
                    (c.ciLow.isNaN ? "" : " (CI [\(NumberFormat.fixed(c.ciLow, decimals: 4)), \(NumberFormat.fixed(c.ciHigh, decimals: 4))])") +
                    ", expected \(number(c.expected))" + (c.note.isEmpty ? "" : "; \(escape(c.note))") + "</li>\n"
            }
            out += "</ul>\n"
            if o.stage == .fig7, let comparison = BoundaryComparison(outcomes) {
                out += "<h3>\(escape(comparisonTitle))</h3>\n<table><tr>" +
                    BoundaryComparison.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
                for row in comparison.rows { out += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
                out += "</table>\n<p>\(escape(comparison.summary))</p>\n"
            }
        }
        return out + "</body></html>\n"
    }
}
