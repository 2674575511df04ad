import Support
import XCTest

/// The settings machinery on a toy run kind: parsing arguments, rules and messages, help,
/// axes, the canonical text and typed values, and the cross rule in one place.
final class SettingsTableTests: XCTestCase {
    struct Toy: Equatable {
        var width = 40
        var rate = 1e-3
        var depths = [10, 20]
        var betas = [0.5]
        var name: String?
        var seed: UInt64 = 0
        var flag = false
    }

    static let table = SettingsTable<Toy>("toy", [
        Setting("width", \.width, .positive, help: "Width."),
        Setting("rate", \.rate, .positive, help: "Rate."),
        Setting("depth", list: \.depths, each: .positive, help: "Depths."),
        Setting("beta", list: \.betas, each: .finite, axis: .inside, help: "Scalings."),
        Setting("name", \.name, axis: .none, identity: false, help: "A name."),
        Setting("seed", \.seed, help: "Seed."),
        Setting("flag", \.flag, help: "A flag."),
    ], defaults: { Toy() }, validate: { toy in
        if toy.flag && toy.width > 100 { throw ConfigurationError(setting: "flag", "needs a width of at most 100") }
    })

    func parse(_ arguments: [String]) throws -> Toy { try Self.table.parse(arguments: arguments) }

    func message(_ arguments: [String]) -> String {
        do { _ = try parse(arguments); return "no error" } catch { return "\(error)" }
    }

    func testParsesEveryFormAndKeepsDefaults() throws {
        XCTAssertEqual(try parse([]), Toy())
        let toy = try parse(["--width", "30", "--rate=0.5", "--depth", "5:25:3", "--beta", "-0.5,1", "--name", "a,b", "--seed",
                             "18446744073709551615", "--flag", "yes"])
        XCTAssertEqual(toy.width, 30)
        XCTAssertEqual(toy.rate, 0.5)
        XCTAssertEqual(toy.depths, [5, 15, 25])
        XCTAssertEqual(toy.betas, [-0.5, 1])
        XCTAssertEqual(toy.name, "a,b")
        XCTAssertEqual(toy.seed, .max)
        XCTAssertTrue(toy.flag)
        XCTAssertEqual(try parse(["--width", "1e3"]).width, 1000, "a whole number written as a real (YAML)")
    }

    func testMessagesNameTheSettingAndTheValue() {
        XCTAssertEqual(message(["--width", "-3"]), "--width must be a positive integer (got -3)")
        XCTAssertEqual(message(["--width", "abc"]), "--width must be a positive integer (got abc)")
        XCTAssertEqual(message(["--width", "99999999999999999999"]), "--width must be a positive integer below 2^63 (got 99999999999999999999)")
        XCTAssertEqual(message(["--rate", "nan"]), "--rate must be a positive number (got nan)")
        XCTAssertEqual(message(["--depth", "0,10"]), "--depth must be a positive integer (got 0,10)")
        XCTAssertEqual(message(["--seed", "-1"]), "--seed must be an integer from 0 to 18446744073709551615 (got -1)")
        XCTAssertEqual(message(["--widht", "3"]), "unknown option '--widht' for toy; did you mean '--width'?")
        XCTAssertEqual(message(["--width", "3", "--width", "4"]), "--width: is given twice")
        XCTAssertEqual(message(["--width"]), "--width: needs a value")
        XCTAssertEqual(message(["3"]), "unexpected argument '3'")
        XCTAssertEqual(message(["--flag", "true", "--width", "200"]), "--flag: needs a width of at most 100")
        XCTAssertEqual(message(["--name", ""]), "--name must not be empty (got )")
    }

    /// Settings are applied in table order, whatever the order of the arguments.
    func testAppliedInTableOrder() throws {
        XCTAssertEqual(try parse(["--flag", "on", "--width", "20"]), try parse(["--width", "20", "--flag", "on"]))
    }

    func testHelpShowsDefaultsAndRules() {
        let help = Self.table.helpText()
        XCTAssertTrue(help.contains("  --width <n>             Width. (default: 40; ≥ 1)\n"), help)
        XCTAssertTrue(help.contains("  --rate <x>              Rate. (default: 0.001; > 0)\n"), help)
        XCTAssertTrue(help.contains("  --depth <axis>          Depths. (default: 10,20; ≥ 1)\n"), help)
        XCTAssertTrue(help.contains("  --name <value>          A name.\n"), help)
        XCTAssertTrue(help.split(separator: "\n").allSatisfy { $0.utf8.count <= 79 }, help)
    }

    /// Axes: numbers take lists and ranges, each value checked; lists split into cells or stay inside.
    func testCellValues() throws {
        XCTAssertEqual(try Self.table["width"]!.cellValues("10:30:3"), ["10", "20", "30"])
        XCTAssertEqual(try Self.table["rate"]!.cellValues("0.1:0.3:3"), ["0.1", "0.2", "0.3"], "rounded to 15 digits")
        XCTAssertEqual(try Self.table["depth"]!.cellValues("10,20"), ["10", "20"])
        XCTAssertEqual(try Self.table["beta"]!.cellValues("0:1:3"), ["0,0.5,1"])
        XCTAssertEqual(try Self.table["name"]!.cellValues("a,b"), ["a,b"])
        XCTAssertThrowsError(try Self.table["width"]!.cellValues("1,0")) { XCTAssertEqual("\($0)", "must be a positive integer") }
    }

    /// The canonical text and the typed values of the identity settings, and back.
    func testCanonicalFormsRoundTrip() throws {
        var toy = try parse(["--rate", "0.30000000000000004", "--seed", "18446744073709551615", "--name", "x"])
        let texts = Self.table.identityTexts(toy)
        XCTAssertEqual(texts.map(\.name), ["width", "rate", "depth", "beta", "seed", "flag"], "not name: it is not identity")
        XCTAssertEqual(texts[1].text, "0.30000000000000004")
        let json = Self.table.json(toy)
        XCTAssertEqual(json["seed"], .unsigned(.max))
        XCTAssertEqual(json["depth"], .array([.integer(10), .integer(20)]))
        XCTAssertEqual(json["flag"], .bool(false))
        let encoded = try JSONEncoder().encode(json)
        let decoded = try JSONDecoder().decode([String: JSONValue].self, from: encoded)
        toy.name = nil
        XCTAssertEqual(try Self.table.spec(json: decoded), toy)
        // A spec made in code is checked against the same rules.
        var bad = Toy()
        bad.depths = [3, -1]
        XCTAssertThrowsError(try Self.table.validate(bad)) { XCTAssertEqual("\($0)", "--depth must be a positive integer (got 3,-1)") }
    }
}
