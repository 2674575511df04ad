import XCTest
@testable import Support

final class NumberFormatTests: XCTestCase {
    func testCompactFormatting() {
        XCTAssertEqual(NumberFormat.compact(0.25), "0.25")
        XCTAssertEqual(NumberFormat.compact(1e-3), "1e-3")
        XCTAssertEqual(NumberFormat.compact(0.01), "0.01")
        XCTAssertEqual(NumberFormat.compact(1000), "1000")
        XCTAssertEqual(NumberFormat.compact(10000), "10000")
        XCTAssertEqual(NumberFormat.compact(1e5), "1e5")
        XCTAssertEqual(NumberFormat.compact(2.5e6), "2.5e6")
        XCTAssertEqual(NumberFormat.compact(-0.5), "-0.5")
        XCTAssertEqual(NumberFormat.compact(0), "0")
        XCTAssertEqual(NumberFormat.compact(-0.0), "0")
        XCTAssertEqual(NumberFormat.compact(0.1 + 0.2), "0.3")
        XCTAssertEqual(NumberFormat.compact(3.14159265, significantDigits: 3), "3.14")
        XCTAssertEqual(NumberFormat.compact(9.9999, significantDigits: 3), "10")
        XCTAssertEqual(NumberFormat.compact(0.00025), "2.5e-4")
        XCTAssertEqual(NumberFormat.compact(1), "1")
        XCTAssertEqual(NumberFormat.compact(.nan), "nan")
        XCTAssertEqual(NumberFormat.compact(.infinity), "inf")
        XCTAssertEqual(NumberFormat.compact(-.infinity), "-inf")
    }

    func testFixedFormatting() {
        XCTAssertEqual(NumberFormat.fixed(12.3456), "12.35")
        XCTAssertEqual(NumberFormat.fixed(-0.004), "0")
        XCTAssertEqual(NumberFormat.fixed(-3.1), "-3.1")
        XCTAssertEqual(NumberFormat.fixed(100), "100")
        XCTAssertEqual(NumberFormat.fixed(0.05), "0.05")
        XCTAssertEqual(NumberFormat.fixed(.nan), "0")
        XCTAssertEqual(NumberFormat.fixed(1234567.891, decimals: 1), "1234567.9")
    }

    func testFormattingIgnoresLocale() {
        // Outputs never contain a comma or grouping separator whatever the locale.
        for v in [1234.5, 0.125, 1e-7, 98765.4321] {
            XCTAssertFalse(NumberFormat.compact(v).contains(","))
            XCTAssertFalse(NumberFormat.fixed(v).contains(","))
        }
    }
}

/// The exact styles: `shortest` is the data text (Swift's round trip), `text` the same digits
/// with integers written as integers; both read back as the value.
final class ExactNumberFormatTests: XCTestCase {
    func testShortestAndTextRoundTrip() {
        XCTAssertEqual(NumberFormat.shortest(1), "1.0")
        XCTAssertEqual(NumberFormat.text(1), "1")
        XCTAssertEqual(NumberFormat.shortest(1e-5), "1e-05")
        XCTAssertEqual(NumberFormat.text(1e-5), "1e-05")
        XCTAssertEqual(NumberFormat.text(-0.0), "0")
        XCTAssertEqual(NumberFormat.text(1e17), "1e+17")
        XCTAssertEqual(NumberFormat.text(0.1 + 0.2), "0.30000000000000004")
        for x in [.infinity, -.infinity, Double.nan] {
            XCTAssertEqual(NumberFormat.shortest(x), NumberFormat.text(x))
        }
        XCTAssertEqual([Double.infinity, -.infinity, .nan].map(NumberFormat.shortest), ["inf", "-inf", "nan"])
        // Exact: any value reads back bit for bit.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let x = Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random() ? 1 : -1)
            XCTAssertEqual(Double(NumberFormat.shortest(x))?.bitPattern, x.bitPattern)
            XCTAssertEqual(Double(NumberFormat.text(x)) ?? .nan, x == 0 ? 0 : x)
        }
    }

    /// Axis values are rounded to 15 significant digits: linspace noise goes, data stays.
    func testRoundingForAxes() {
        XCTAssertEqual(NumberFormat.roundedForAxis(0.1 * 3), 0.3)
        XCTAssertEqual(NumberFormat.roundedForAxis(0.15000000000000002), 0.15)
        XCTAssertEqual(NumberFormat.roundedForAxis(0.25), 0.25)
        XCTAssertEqual(NumberFormat.roundedForAxis(1e-300), 1e-300)
        XCTAssertEqual(NumberFormat.roundedForAxis(0.123456789012345678), 0.123456789012346)
        XCTAssertEqual(NumberFormat.roundedForAxis(-0.7000000000000001), -0.7)
    }
}

final class ToolVersionTests: XCTestCase {
    func testDescriptionRoundTrips() throws {
        for version in [ToolVersion(package: "1.2.3", revision: "0123456789ab-dirty"), ToolVersion(package: "1.2.3", revision: nil), .current] {
            let data = try JSONEncoder().encode([version])
            XCTAssertEqual(try JSONDecoder().decode([ToolVersion].self, from: data), [version])
        }
        XCTAssertEqual(ToolVersion(package: "1.2.3", revision: nil).description, "1.2.3 (revision unknown)")
        XCTAssertEqual(ToolVersion.current.package, ToolVersion.packageVersion)
    }
}
