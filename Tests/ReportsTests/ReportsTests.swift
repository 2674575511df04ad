import Foundation
@testable import SignalPropagation
import Support
import XCTest
@testable import Reports

final class ReportsTests: XCTestCase {
    func testOnlyListAcceptsTheStagesAndNamesAnUnknownOne() throws {
        XCTAssertEqual(try ReproductionStage.parse(list: "fig1,fig4-5,limits,fig1"), [.fig1, .fig45, .limits])
        XCTAssertEqual(try ReproductionStage.parse(list: ReproductionStage.accepted), ReproductionStage.allCases)
        for bad in ["fig3", "", "fig1,,fig2", "FIG1"] {
            XCTAssertThrowsError(try ReproductionStage.parse(list: bad)) { error in
                XCTAssertTrue("\(error)".hasPrefix("--only: unknown name"), "\(error)")
            }
        }
    }

    func testIdentityNamesTheDifference() {
        let base = ReproductionIdentity(size: .quick, toolVersion: ToolVersion(package: "1.0", revision: "a"), dataDirectory: nil)
        XCTAssertNil(base.difference(from: base))
        var other = base
        other.size = .paper
        XCTAssertEqual(base.difference(from: other), "it was made at size paper, this run is quick")
        other = base
        other.seed = 3
        XCTAssertTrue(base.difference(from: other)!.contains("seed 3"))
        other = base
        other.toolVersion = ToolVersion(package: "1.0", revision: "b")
        XCTAssertTrue(base.difference(from: other)!.contains("version 1.0 (revision b)"))
        other = base
        other.dataDirectory = "/data"
        XCTAssertTrue(base.difference(from: other)!.contains("--data-dir /data"))
    }

    /// A figure-9 table: best over lr per (β, H); a run without a number (nan, a table of an
    /// earlier version) counts as chance.
    func testTrainingClaimsOnAKnownGrid() {
        let header = ["beta", "hurst", "lr", "test_limit", "test_accuracy"]
        func grid(explosion: String) -> [[String]] {
            [["0.5", "0.5", "0.01", "1000", "0.90"], ["0.5", "0.5", "0.1", "1000", "0.80"],
             ["0.9", "0.1", "0.01", "1000", "0.95"],
             ["0.1", "0.9", "0.01", "1000", explosion], ["0.1", "0.9", "0.1", "1000", "nan"]]
        }
        var numbers: [String] = []
        let claims = StageClaims.trainingClaims(.fig9MNIST, header: header, rows: grid(explosion: "0.11"), size: .quick,
                                                numbers: &numbers)
        XCTAssertEqual(claims.map(\.id), ["fig9-mnist-stable-trains", "fig9-mnist-explosion-at-chance"])
        // Quick threshold: 90 % of the grid's best (0.95).
        XCTAssertEqual(claims[0].expected, 0.855, accuracy: 1e-12)
        XCTAssertEqual(claims[0].measured, 0.90)
        XCTAssertEqual(claims[0].verdict, .pass)
        XCTAssertEqual(claims[0].n, 1000)
        XCTAssertEqual(claims[1].measured, 0.11)
        XCTAssertEqual(claims[1].tolerance, 4 * (0.09 / 1000).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(claims[1].verdict, .pass)
        // At paper size the band is 0.96: 0.90 fails; an explosion corner that trains fails.
        let paper = StageClaims.trainingClaims(.fig9MNIST, header: header, rows: grid(explosion: "0.5"), size: .paper,
                                               numbers: &numbers)
        XCTAssertEqual(paper[0].expected, 0.96)
        XCTAssertEqual(paper[0].verdict, .fail)
        XCTAssertEqual(paper[1].verdict, .fail)
        // Every run of the corner diverged: chance, which passes.
        let diverged = StageClaims.trainingClaims(.fig9MNIST, header: header, rows: grid(explosion: "nan"), size: .quick,
                                                  numbers: &numbers)
        XCTAssertEqual(diverged[1].measured, 0.1)
        XCTAssertEqual(diverged[1].verdict, .pass)
        // A table of this version: a diverged run's test_accuracy is the reference's accuracy of
        // its NaN outputs (class 0 everywhere: 0.098 on MNIST), which counts as it is.
        let reference = StageClaims.trainingClaims(.fig9MNIST, header: header, rows: grid(explosion: "0.098").map { $0[4] == "nan" ? Array($0[..<4]) + ["0.098"] : $0 }, size: .quick,
                                                   numbers: &numbers)
        XCTAssertEqual(reference[1].measured, 0.098)
        XCTAssertEqual(reference[1].verdict, .pass)
    }

    func testHTMLIsSelfContainedAndEscaped() {
        var outcome = StageOutcome(stage: .fig1)
        outcome.claims = [.notRun(id: "x<y", figure: "1", statement: "a & b", reason: "no <data>")]
        outcome.command = "resnet-scaling reproduce --out 'a<b'"
        let svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"
        let html = ReportDocument.html([outcome], context: ReportContext(size: .tiny, totalSeconds: 1), svgs: [:])
        XCTAssertTrue(html.contains("x&lt;y") && html.contains("a &amp; b") && html.contains("no &lt;data&gt;"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertEqual(ReportDocument.inline(svg), "\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>")
        let markdown = ReportDocument.markdown([outcome], context: ReportContext(size: .tiny, totalSeconds: 1))
        XCTAssertTrue(markdown.hasPrefix("# "))
        XCTAssertTrue(markdown.contains("0 PASS, 0 FAIL, 1 NOT-RUN"))
    }

    /// β*(H) of both samplers side by side: rows by H, the intervals compared, a long grid thinned.
    func testBoundaryComparisonPutsTheSamplersSideBySide() throws {
        func point(_ h: Double, _ b: Double, _ halfWidth: Double = 0.01) -> PhaseBoundaryClaims.BoundaryPoint {
            PhaseBoundaryClaims.BoundaryPoint(hurst: h, boundary: BootstrapEstimate(
                estimate: b, interval: ConfidenceInterval(lower: b - halfWidth, upper: b + halfWidth, level: 0.95),
                standardError: halfWidth / 2, replicates: 100), models: 5)
        }
        let comparison = BoundaryComparison(exact: [point(0.2, 0.45), point(0.8, 0.70), point(0.9, 0.80)],
                                            reference: [point(0.2, 0.46), point(0.8, 0.75)])
        XCTAssertEqual(comparison.rows, [["0.2", "0.45 [0.44, 0.46]", "0.46 [0.45, 0.47]", "+0.01"],
                                         ["0.8", "0.7 [0.69, 0.71]", "0.75 [0.74, 0.76]", "+0.05"],
                                         ["0.9", "0.8 [0.79, 0.81]", "not run", ""]])
        XCTAssertTrue(comparison.summary.hasPrefix("Over the 2 H of both runs the reference sampler's β* differs from the exact one's by at most +0.05 (at H = 0.8), and the 95 % intervals are disjoint at 1 H (0.8); for H > 1/2 the difference is +0.05 on average."), comparison.summary)

        // The paper's 51 H: 11 rows, evenly spaced, with both ends.
        let hursts = (0..<51).map { 0.05 + 0.0184 * Double($0) }
        let shown = BoundaryComparison.shown(hursts)
        XCTAssertEqual(shown.count, 11)
        XCTAssertEqual(shown.first, hursts.first)
        XCTAssertEqual(shown.last, hursts.last)
        XCTAssertEqual(shown, stride(from: 0, through: 50, by: 5).map { hursts[$0] })
        XCTAssertEqual(BoundaryComparison.shown(Array(hursts.prefix(9))), Array(hursts.prefix(9)))

        // Both samplers ran, but no H has a crossing in both: the summary says so, not that a run is missing.
        let noCrossing = BoundaryComparison(exact: [point(0.2, .nan), point(0.8, 0.7)], reference: [point(0.2, 0.46), point(0.8, .nan)])
        XCTAssertEqual(noCrossing.rows[0][1], "no crossing in the β grid")
        XCTAssertFalse(noCrossing.summary.contains("Only the"), noCrossing.summary)
        XCTAssertTrue(noCrossing.summary.contains("no H has a crossing inside the β grid in both runs"), noCrossing.summary)
        let disjointH = BoundaryComparison(exact: [point(0.2, 0.45)], reference: [point(0.8, 0.75)])
        XCTAssertTrue(disjointH.summary.contains("no H has a crossing inside the β grid in both runs"), disjointH.summary)

        // In the report: the table sits in figure 7's section, in both formats; without any
        // figure-7 boundary there is none.
        var exact = StageOutcome(stage: .fig7)
        exact.boundary = [point(0.2, 0.45)]
        let context = ReportContext(size: .tiny, totalSeconds: 1)
        let markdown = ReportDocument.markdown([exact, StageOutcome(stage: .fig7Reference)], context: context)
        XCTAssertTrue(markdown.contains("| 0.2 | 0.45 [0.44, 0.46] | not run |  |"), markdown)
        XCTAssertTrue(markdown.contains("Only the exact sampler's run is here"), markdown)
        let html = ReportDocument.html([exact], context: context, svgs: [:])
        XCTAssertTrue(html.contains("<td>0.45 [0.44, 0.46]</td><td>not run</td>"), html)
        XCTAssertNil(BoundaryComparison([StageOutcome(stage: .fig7), StageOutcome(stage: .fig1)]))
        XCTAssertFalse(ReportDocument.markdown([StageOutcome(stage: .fig7)], context: context).contains("β*(H) under"))
    }
}
