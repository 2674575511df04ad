import XCTest
@testable import Plots

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

    func testXMLEscape() {
        XCTAssertEqual(xmlEscape("a<b & \"c\" > 'd'"), "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;")
        XCTAssertEqual(xmlEscape("bad\u{01}char\u{1F}"), "badchar")
        XCTAssertEqual(xmlEscape("β ≤ ‖h‖"), "β ≤ ‖h‖")
    }
}
