import Experiments
import Foundation
import Resources
import XCTest

/// Grids are counted before they are expanded, and no value a spec may hold crashes the
/// parser, the planner or the memory check.
final class GridLimitTests: XCTestCase {
    func parse(_ yaml: String) throws -> SweepSpec { try SweepSpec.parse(yaml: yaml, source: "x.yaml", baseDirectory: "/base") }

    func testCellCountIsTheExpandedCount() throws {
        let specs = [
            "command: simulate\nsettings:\n  samples: 10\naxes:\n  depth: 10:100:4\n  beta: [0.5, 1]\nmodels-per-cell: 3\n",
            "command: simulate\naxes:\n  samples: [5, 7]\n  width: [4, 8]\nmodels-per-cell: 2\n",
            "command: simulate\nsettings:\n  depth: 10,20,30\naxes:\n  samples: [5, 7]\n",
            "command: simulate\nsettings:\n  init: fbm\naxes:\n  hurst: 0.1:0.9:5\n  depth: [10, 20]\nseed: [0, 1, 2]\n",
            "command: train\nsettings:\n  depth: 10\naxes:\n  lr: [0.1, 0.01]\n  beta: 0:1:3\n  init: [iid-uniform, 'fbm:0.3']\nseed: [4, 5]\n",
        ]
        for yaml in specs {
            let spec = try parse(yaml)
            XCTAssertEqual(SweepPlan.cellCount(spec), try SweepPlan(spec: spec).cells.count, yaml)
        }
    }

    /// The 10⁷-cell spec: refused from its count in well under a second, not after
    /// gigabytes of cells.
    func testTenMillionCellsAreRefusedBeforeExpansion() throws {
        let spec = try parse("command: train\nsettings:\n  init: fbm\naxes:\n  lr: 0.0001:1:100\n  beta: 0:1:100\n  hurst: 0.05:0.95:1000\n")
        XCTAssertEqual(SweepPlan.cellCount(spec), 10_000_000)
        let started = Date()
        XCTAssertThrowsError(try SweepPlan(spec: spec)) { error in
            XCTAssertEqual(error as? ResourceError, .count(subject: "x.yaml: the grid's cells", count: 10_000_000,
                                                           maximum: SweepPlan.defaultMaximumCells, hint: "use --max-cells to allow more"))
            XCTAssertEqual("\(error)", "x.yaml: the grid's cells: 1.0 × 10^7 is more than the maximum of 1.0 × 10^6; use --max-cells to allow more")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1)
        // Models split into cells count too: 10^14 models one per cell.
        let split = try parse("command: simulate\nsettings:\n  samples: 99999999999999\n  depth: 1000\nmodels-per-cell: 1\n")
        XCTAssertEqual(SweepPlan.cellCount(split), 99_999_999_999_999)
        XCTAssertThrowsError(try SweepPlan(spec: split)) { XCTAssertTrue($0 is ResourceError, "\($0)") }
        // A larger bound lets a grid through.
        XCTAssertEqual(try SweepPlan(spec: try parse("command: simulate\naxes:\n  depth: 1:30:30\n"), maximumCells: 30).cells.count, 30)
        XCTAssertThrowsError(try SweepPlan(spec: try parse("command: simulate\naxes:\n  depth: 1:30:30\n"), maximumCells: 29))
    }

    /// Every numeric setting of both commands, with extreme values under settings and as a
    /// --set override: an error that names the place (SpecError), a refusal with the numbers
    /// (ResourceError), or a plan whose memory check passes. Nothing else, and never a trap.
    func testExtremeValuesOfEverySetting() throws {
        let values = ["0", "-1", "1e15", "1000000000000000", "1e308", "-1e308", ".nan", ".inf", "99999999999999", "1e-308"]
        var outcomes: [String: Int] = ["parse": 0, "plan": 0, "memory": 0, "ok": 0]
        for command in SweepCommand.allCases {
            for d in command.settings where d.name != "data-dir" {
                for value in values + (d.name == "init" ? ["smooth:1e17", "smooth:1e308", "fbm:1e308", "smooth-increments:1e308"] : []) {
                    let extra = d.name == "hurst" ? "  init: fbm\n" : ""
                    let yaml = "command: \(command.rawValue)\nsettings:\n\(extra)  \(d.name): \(value)\n" +
                        (command == .train ? "  data-dir: data\n" : "")
                    let label = "\(command.rawValue) \(d.name)=\(value)"
                    // Returns the outcome's name; anything but a SpecError or ResourceError fails.
                    func outcome(_ make: () throws -> SweepSpec) -> String {
                        let spec: SweepSpec
                        do { spec = try make() } catch is SpecError { return "parse" } catch {
                            XCTFail("\(label): \(error)"); return "?"
                        }
                        let plan: SweepPlan
                        do { plan = try SweepPlan(spec: spec) } catch is SpecError { return "plan" } catch is ResourceError {
                            return "plan"
                        } catch { XCTFail("\(label): \(error)"); return "?" }
                        do { try plan.checkMemory(plan.cells, workers: 1, threads: 1, limit: .default) } catch is ResourceError {
                            return "memory"
                        } catch { XCTFail("\(label): \(error)"); return "?" }
                        return "ok"
                    }
                    let written = outcome { try parse(yaml) }
                    outcomes[written, default: 0] += 1
                    // The same value given with --set, through the same checks.
                    let overridden = outcome {
                        var spec = try parse("command: \(command.rawValue)\n" + (command == .train ? "settings:\n  data-dir: d\n" : ""))
                        try spec.apply(overrides: (d.name == "hurst" ? ["init=fbm"] : []) + ["\(d.name)=\(value)"])
                        return spec
                    }
                    XCTAssertEqual(overridden == "parse", written == "parse", "\(label): spec \(written), --set \(overridden)")
                }
            }
        }
        // Each kind of outcome happens (the loop exercises every path; no single setting makes
        // a grid the planner refuses).
        for name in ["parse", "memory", "ok"] { XCTAssertGreaterThan(outcomes[name]!, 0, name) }
    }

    func testSpecificExtremes() throws {
        // Accepted by the parser, refused by the memory check with the numbers.
        let deep = try SweepPlan(spec: try parse("command: simulate\nsettings:\n  depth: 99999999999999\n"))
        XCTAssertThrowsError(try deep.checkMemory(deep.cells, workers: 1, threads: 1, limit: .default)) { error in
            XCTAssertTrue("\(error)".hasPrefix("sweep needs about "), "\(error)")
            XCTAssertTrue("\(error)".contains("(the largest, cell 1, needs about "), "\(error)")
            XCTAssertTrue("\(error)".contains("the limit is "), "\(error)")
        }
        let wide = try SweepPlan(spec: try parse("command: train\nsettings:\n  width: 100000\n  depth: 1000\n"))
        XCTAssertThrowsError(try wide.checkMemory(wide.cells, workers: 1, threads: 1, limit: .default))
        // Workers multiply the largest cell.
        let small = try SweepPlan(spec: try parse("command: simulate\nsettings:\n  width: 4\n  depth: 5\n  samples: 2\n"))
        let one = SweepPlan.estimatedBytes(small.cells[0], threads: 1)
        XCTAssertNoThrow(try small.checkMemory(small.cells, workers: 1, threads: 1, limit: MemoryLimit(bytes: one, origin: "t")))
        let twoCells = try SweepPlan(spec: try parse("command: simulate\nsettings:\n  width: 4\n  samples: 2\naxes:\n  depth: [5, 6]\n"))
        let largest = twoCells.cells.map { SweepPlan.estimatedBytes($0, threads: 1) }.max()!
        XCTAssertNoThrow(try twoCells.checkMemory(twoCells.cells, workers: 1, threads: 1, limit: MemoryLimit(bytes: largest, origin: "t")))
        XCTAssertThrowsError(try twoCells.checkMemory(twoCells.cells, workers: 2, threads: 1, limit: MemoryLimit(bytes: 2 * largest - 1, origin: "t")))
        // Values rejected with the key named.
        for (yaml, key) in [("command: simulate\nsettings:\n  width: 1e308\n", "settings.width"),
                            ("command: simulate\nsettings:\n  init: fbm:1e308\n", "settings.init"),
                            ("command: train\nsettings:\n  lr: .nan\n", "settings.lr"),
                            ("command: simulate\naxes:\n  depth: 1:1e308:3\n", "axes.depth")] {
            XCTAssertThrowsError(try SweepPlan(spec: try parse(yaml)), yaml) { error in
                XCTAssertEqual((error as? SpecError)?.key, key, "\(error)")
            }
        }
    }
}
