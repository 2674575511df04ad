import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling collect`: the tidy table of a sweep's results folder.
struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Collect a sweep's finished cells into one tidy CSV table.",
        discussion: """
        Columns: cell_id, the configuration, the metrics. simulate sweeps: one row per (cell, model, β, input) \
        with the columns of `resnet-scaling simulate`; train sweeps: one row per cell (final and best test \
        accuracy, losses, divergence, regularity of V before and after training). A run that diverged has as \
        test_accuracy the reference code's accuracy for it (its outputs are NaN; argmax predicts class 0 for every \
        image: the share of the test set labelled 0), and its last finite accuracy in last_finite_test_accuracy. Failed cells are listed on \
        standard error. The last line on standard output is `N done, M failed, K missing`, counted against \
        the cells the sweep stored in DIR/sweep.json, followed by `, U unreadable` when some cells/<id>.json \
        cannot be read (each is named on standard error; the next sweep runs those cells again). \
        With --require-complete the table is still written, and the command then exits 1 with an error naming \
        how many cells are missing, failed or unreadable, so that a pipeline stops there.
        """
    )

    @Argument(help: ArgumentHelp("The sweep's results folder.", valueName: "dir"))
    var results: String

    @Option(help: ArgumentHelp("The CSV table (written atomically; - for standard output).", valueName: "table.csv"))
    var out: String

    @Flag(name: .customLong("require-complete"),
          help: "Exit with status 1 (after writing the table) when any cell is missing, failed or unreadable.")
    var requireComplete = false

    func run() throws {
        guard !results.isEmpty else { throw ValidationError("the results folder must not be empty") }
        var outputs = Outputs()
        try outputs.input(resultsFolder: results)
        try outputs.file("--out", out)
        let table: CollectedTable
        do {
            table = try Collector.collect(try ResultStore(directory: results, create: false))
        } catch let e as SpecError { throw ValidationError(e.description) }
        try outputs.writeAll([("--out", table.csv)])
        for record in table.unreadable {
            FileHandle.standardError.write(Data("warning: \(record.warning)\n".utf8))
        }
        for failure in table.failures.prefix(20) {
            FileHandle.standardError.write(Data("failed cell \(failure.id): \(failure.error)\n".utf8))
        }
        if table.failures.count > 20 {
            FileHandle.standardError.write(Data("… and \(table.failures.count - 20) more failed cells\n".utf8))
        }
        outputs.say("\(table.rows.count) rows → \(out == "-" ? "standard output" : out)")
        outputs.say(table.summary.line)
        let summary = table.summary
        if requireComplete && summary.missing + summary.failed + summary.unreadable > 0 {
            let parts = [(summary.missing, "missing"), (summary.failed, "failed"), (summary.unreadable, "unreadable")]
                .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
            FileHandle.standardError.write(Data(("error: --require-complete: the sweep is not complete: " +
                "\(parts.joined(separator: ", ")) of \(summary.done + summary.missing + summary.failed + summary.unreadable) cells " +
                "(run the sweep again\(summary.failed > 0 ? " with --retry-failed" : "") to finish them)\n").utf8))
            throw ExitCode(1)
        }
    }
}
