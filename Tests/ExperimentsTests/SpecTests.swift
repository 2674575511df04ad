import Experiments
import Foundation
import XCTest

/// Spec files: parsing, every kind of error naming the file and the key, the bundled specs.
final class SpecTests: XCTestCase {
    func parse(_ yaml: String, source: String = "test.yaml") throws -> SweepSpec {
        try SweepSpec.parse(yaml: yaml, source: source, baseDirectory: "/base")
    }

    func assertError(_ yaml: String, key: String, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SweepPlan(spec: try parse(yaml, source: "bad.yaml")), file: file, line: line) { error in
            guard let e = error as? SpecError else { return XCTFail("not a SpecError: \(error)", file: file, line: line) }
            XCTAssertEqual(e.source, "bad.yaml", file: file, line: line)
            XCTAssertEqual(e.key, key, "\(e)", file: file, line: line)
            XCTAssertTrue(e.description.contains(text), "\(e)", file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix("bad.yaml"), "\(e)", file: file, line: line)
        }
    }

    let fig9 = """
    command: train
    settings:
      dataset: mnist
      data-dir: data/mnist
      depth: 1000
      init: fbm
    axes:
      lr: [1e-4, 1e-3, 1e-2, 1e-1, 1]
      hurst: 0.1:0.9:10
      beta: 0.1:0.9:10
    seed: 0
    """

    func testParsesSettingsAxesAndSeed() throws {
        let spec = try parse(fig9)
        XCTAssertEqual(spec.command, .train)
        XCTAssertEqual(spec.settings["depth"], "1000")
        XCTAssertEqual(spec.settings["data-dir"], "/base/data/mnist", "relative paths resolve against the spec's folder")
        XCTAssertEqual(spec.axes.map(\.name), ["lr", "hurst", "beta"])
        XCTAssertEqual(spec.axes[0].values, ["0.0001", "0.001", "0.01", "0.1", "1"])
        XCTAssertEqual(spec.axes[1].values.count, 10)
        XCTAssertEqual(spec.axes[1].values.first, "0.1")
        XCTAssertEqual(spec.axes[1].values.last, "0.9")
        XCTAssertEqual(spec.axes[2].values[1], "0.188888888888889", "linspace values are rounded to 15 digits")
        let plan = try SweepPlan(spec: spec)
        XCTAssertEqual(plan.cells.count, 500)
        XCTAssertEqual(plan.cells[0].texts["lr"], "0.0001")
        XCTAssertEqual(plan.cells[0].texts["epochs"], "10", "defaults are part of the configuration")
        XCTAssertNil(plan.cells[0].texts["data-dir"], "where the data lives is not part of a cell's identity")
    }

    func testAxisFormsAreEquivalent() throws {
        let a = try parse("command: simulate\naxes:\n  depth: [10, 20, 30]\n")
        let b = try parse("command: simulate\naxes:\n  depth: 10,20,30\n")
        let c = try parse("command: simulate\naxes:\n  depth: 10:30:3\n")
        XCTAssertEqual(a.axes, b.axes)
        XCTAssertEqual(a.axes, c.axes)
        XCTAssertEqual(try SweepPlan(spec: a).cells.map(\.id), try SweepPlan(spec: c).cells.map(\.id))
    }

    func testErrorsNameFileAndKey() {
        assertError("command: train\nsettings:\n  widht: 3\n", key: "settings.widht", contains: "unknown setting")
        assertError("command: train\nfoo: 1\n", key: "foo", contains: "unknown key")
        assertError("command: train\naxes:\n  lr: [1e-3, x]\n", key: "axes.lr[1]", contains: "positive number")
        assertError("command: train\nsettings:\n  width: [1, 2]\n", key: "settings.width", contains: "under axes")
        assertError("command: train\nsettings:\n  width: 0\n", key: "settings.width", contains: "positive integer")
        assertError("command: train\nsettings:\n  width: abc\n", key: "settings.width", contains: "positive integer")
        assertError("command: train\nsettings:\n  lr: -1\n", key: "settings.lr", contains: "positive number")
        assertError("command: train\nsettings:\n  init: fbm\naxes:\n  hurst: [0.5, 1.5]\n", key: "axes.hurst[1]", contains: "(0, 1)")
        assertError("command: train\nsettings:\n  init: fbm\n", key: "settings.init", contains: "Hurst")
        assertError("command: train\naxes:\n  hurst: [0.5]\n", key: "axes.hurst", contains: "applies to init fbm")
        assertError("command: simulate\naxes:\n  depth: 10:1000:0\n", key: "axes.depth", contains: "count")
        assertError("command: simulate\nsettings:\n  activation: sigmoid\n", key: "settings.activation", contains: "relu")
        assertError("command: simulate\nsettings:\n  dataset: mnist\n", key: "settings.dataset", contains: "unknown setting for simulate")
        assertError("command: simulate\nsettings:\n  depth: 5\naxes:\n  depth: [1, 2]\n", key: "axes.depth", contains: "under settings")
        assertError("command: fly\n", key: "command", contains: "simulate or train")
        assertError("settings:\n  width: 3\n", key: "command", contains: "missing")
        assertError("command: train\nsettings: 3\n", key: "settings", contains: "mapping")
        assertError("command: train\nsettings:\n  width: 3\n  width: 4\n", key: "width", contains: "twice")
        assertError("command: train\nseed: -1\n", key: "seed", contains: "integer")
        assertError("command: train\nsettings:\n  data-dir: x\naxes:\n  data-dir: [a, b]\n", key: "axes.data-dir", contains: "cannot be an axis")
        assertError("command: train\nsettings:\n  weight-entry: 40,0\n  width: 30\n", key: "settings.weight-entry", contains: "outside")
    }

    func testErrorsCarryTheLine() throws {
        XCTAssertThrowsError(try parse("command: train\nsettings:\n  depth: 3\n  widht: 3\n")) { error in
            XCTAssertEqual((error as? SpecError)?.line, 4)
            XCTAssertTrue("\(error)".hasPrefix("test.yaml:4: settings.widht:"), "\(error)")
        }
    }

    /// A rule between settings is checked per cell, and the message names where the key is.
    func testCellErrorsCarryTheLine() throws {
        XCTAssertThrowsError(try SweepPlan(spec: try parse("command: train\nsettings:\n  width: 3\n  init: fbm\n"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("test.yaml:4: settings.init: fbm needs a Hurst index"), "\(error)")
        }
        XCTAssertThrowsError(try SweepPlan(spec: try parse("command: train\naxes:\n  hurst: [0.3, 0.7]\n"))) { error in
            XCTAssertEqual("\(error)", "test.yaml:3: axes.hurst: applies to init fbm (without :<H>), but init is iid-uniform (cell hurst=0.3)")
        }
    }

    func testOverrides() throws {
        var spec = try parse(fig9)
        try spec.apply(overrides: ["depth=20", "lr=0.01", "beta=0.5,1", "epochs=1"])
        XCTAssertEqual(spec.settings["depth"], "20")
        XCTAssertEqual(spec.settings["lr"], "0.01", "a single value replaces an axis")
        XCTAssertFalse(spec.axes.contains { $0.name == "lr" })
        XCTAssertEqual(spec.axes.first { $0.name == "beta" }?.values, ["0.5", "1"])
        XCTAssertEqual(try SweepPlan(spec: spec).cells.count, 10 * 2)
        try spec.apply(overrides: ["data-dir=rel/dir"])
        XCTAssertEqual(spec.settings["data-dir"], FileManager.default.currentDirectoryPath + "/rel/dir")
        XCTAssertThrowsError(try spec.apply(overrides: ["depht=3"])) { XCTAssertEqual(($0 as? SpecError)?.source, "--set") }
        XCTAssertThrowsError(try spec.apply(overrides: ["depth=-3"])) { XCTAssertEqual(($0 as? SpecError)?.key, "depth") }
        XCTAssertThrowsError(try spec.apply(overrides: ["depth"])) { XCTAssertTrue("\($0)".contains("key=value")) }
        // A setting that cannot be an axis says so for a list, rather than calling it a bad number.
        XCTAssertThrowsError(try spec.apply(overrides: ["log-every=1,2"])) { XCTAssertTrue("\($0)".contains("cannot be an axis"), "\($0)") }
        XCTAssertThrowsError(try spec.apply(overrides: ["threads=1,2"])) { XCTAssertTrue("\($0)".contains("cannot be an axis"), "\($0)") }
    }

    /// Every bundled spec parses and expands; the paper-size grids have the paper's sizes.
    func testBundledSpecs() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("experiments")
        let expected = ["fig1": 10, "fig2": 20, "fig4-5": 10, "fig7": 51, "fig8": 4, "fig9-mnist": 500, "fig9-cifar10": 500]
        for (name, cells) in expected {
            for variant in [name, name + "-quick"] {
                let spec = try SweepSpec.load(path: folder.appendingPathComponent(variant + ".yaml").path)
                let plan = try SweepPlan(spec: spec)
                if variant == name { XCTAssertEqual(plan.cells.count, cells, variant) }
                XCTAssertFalse(plan.cells.isEmpty, variant)
            }
        }
        let fig7 = try SweepPlan(spec: try SweepSpec.load(path: folder.appendingPathComponent("fig7.yaml").path))
        XCTAssertEqual(fig7.cells[0].texts["beta"]?.split(separator: ",").count, 70, "β stays inside the cells")
        XCTAssertEqual(Set(fig7.cells.compactMap { $0.texts["hurst"] }).count, 51, "one cell per H")
        let fig9 = try SweepSpec.load(path: folder.appendingPathComponent("fig9-mnist.yaml").path)
        XCTAssertTrue(fig9.settings["data-dir"]!.hasSuffix("/shared/data/mnist"), fig9.settings["data-dir"]!)
    }
}
