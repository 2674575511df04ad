import Foundation
import SignalPropagation
import Support
import Training

/// How complete a results folder is, relative to the cells of its manifest.
public struct CollectSummary: Equatable, Sendable {
    public var done = 0
    public var failed = 0
    public var missing = 0
    /// Cells whose record file cannot be read (the next sweep runs them again).
    public var unreadable = 0

    public init(done: Int = 0, failed: Int = 0, missing: Int = 0, unreadable: Int = 0) {
        self.done = done
        self.failed = failed
        self.missing = missing
        self.unreadable = unreadable
    }

    /// `N done, M failed, K missing`, then `, U unreadable` when there are such records.
    public var line: String {
        "\(done) done, \(failed) failed, \(missing) missing" + (unreadable > 0 ? ", \(unreadable) unreadable" : "")
    }
}

/// One tidy table of a results folder: a `cell_id` column, the configuration columns and the
/// metrics; for `simulate` one row per (cell, model, β, input) with the columns of
/// `resnet-scaling simulate`, for `train` one row per cell.
public struct CollectedTable: Sendable {
    public var command: SweepCommand
    public var header: [String]
    public var rows: [[String]]
    public var summary: CollectSummary
    /// Failed cells: (id, label, error).
    public var failures: [(id: String, error: String)]
    /// Cells whose record cannot be read: the warning to show for each (see
    /// `ResultStore.unreadableWarning`), in cell order.
    public var unreadable: [(id: String, warning: String)]
    /// Train cells with `weight-entry`: their settings (canonical text by name) and path, in
    /// cell order (figure 8).
    public var weightPaths: [(settings: [String: String], path: WeightPath)]

    public var csv: String { CSV.document(header: header, rows: rows) }
}

/// The columns of a results folder's table come from the command's settings table: `cell_id`,
/// every identity setting in table order (dashes as underscores; for simulate, β moves to
/// the per-row part), then the per-row values and the metrics.
public enum Collector {
    /// The per-row columns of a simulate table (after the configuration).
    public static let simulateRowColumns = ["beta", "model_index", "input_index", "h_ratio", "h_diff", "grad_ratio", "grad_diff"]

    /// The configuration columns of `command`'s table, as setting names.
    public static func configurationSettings(_ command: SweepCommand) -> [String] {
        command.settings.filter { $0.identity && $0.axis != .inside }.map(\.name)
    }

    /// The table's header for `command`.
    public static func header(_ command: SweepCommand) -> [String] {
        let configuration = ["cell_id"] + configurationSettings(command).map { $0.replacingOccurrences(of: "-", with: "_") }
        switch command {
        case .simulate: return configuration + simulateRowColumns
        case .train: return configuration + TrainCell.metricNames
        }
    }

    public static func collect(_ store: ResultStore) throws -> CollectedTable {
        guard let manifest = try store.manifest() else {
            throw SpecError(source: store.directory, key: "", "not a sweep results folder (no sweep.json)")
        }
        let (records, unreadableRecords) = store.scan()
        var summary = CollectSummary()
        var failures: [(id: String, error: String)] = []
        var unreadable: [(id: String, warning: String)] = []
        var weightPaths: [(settings: [String: String], path: WeightPath)] = []
        var rows: [[String]] = []
        let names = configurationSettings(manifest.command)
        for cell in manifest.cells {
            if let reason = unreadableRecords[cell.id] {
                summary.unreadable += 1
                unreadable.append((cell.id, store.unreadableWarning(cell.id, reason: reason)))
                continue
            }
            guard let record = records[cell.id] else { summary.missing += 1; continue }
            if record.status == .failed {
                summary.failed += 1
                failures.append((cell.id, record.error ?? "unknown error"))
                continue
            }
            summary.done += 1
            let texts = cell.texts
            let prefix = [cell.id] + names.map { texts[$0] ?? "" }
            switch manifest.command {
            case .simulate:
                rows += (record.rows ?? []).map { row in
                    // A record edited or damaged by hand must not crash the table: missing values read as nan.
                    let r = row + [Double](repeating: .nan, count: max(0, CellRecord.rowColumns.count - row.count))
                    return prefix + [NumberFormat.shortest(r[0]), integerText(r[1]), integerText(r[2])] + r[3..<7].map(NumberFormat.shortest)
                }
            case .train:
                rows.append(prefix + TrainCell.metricNames.map { name in
                    guard let v = record.metrics?[name] else { return "" }
                    return TrainCell.integerMetrics.contains(name) ? integerText(v) : NumberFormat.shortest(v)
                })
                if let path = record.weightPath { weightPaths.append((texts, path)) }
            }
        }
        return CollectedTable(command: manifest.command, header: header(manifest.command), rows: rows, summary: summary,
                              failures: failures, unreadable: unreadable, weightPaths: weightPaths)
    }

    /// An integer value as an integer, anything else (1e308, nan, 0.5) as a number.
    static func integerText(_ v: Double) -> String { Int(exactly: v).map(String.init) ?? NumberFormat.shortest(v) }
}

/// Minimal RFC 4180 CSV: fields with a comma, quote or newline are quoted.
public enum CSV {
    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func document(header: [String], rows: [[String]]) -> String {
        var out = header.map(field).joined(separator: ",") + "\n"
        for row in rows { out += row.map(field).joined(separator: ",") + "\n" }
        return out
    }

    /// Parses a CSV document into its header and rows.
    public static func parse(_ text: String) -> (header: [String], rows: [[String]]) {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func nextChar() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let ch = nextChar() {
            if quoted {
                if ch == "\"" {
                    if let n = nextChar() {
                        if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                record.append(field); field = ""
            } else if ch == "\n" || ch == "\r\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else if ch != "\r" {
                field.append(ch)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        guard let header = records.first else { return ([], []) }
        return (header, Array(records.dropFirst()))
    }
}
