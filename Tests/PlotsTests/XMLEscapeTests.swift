import XCTest
@testable import Plots

final class XMLEscapeTests: XCTestCase {
    func testXMLEscape() {
        XCTAssertEqual(xmlEscape("a<b & \"c\" > 'd'"), "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;")
        XCTAssertEqual(xmlEscape("bad\u{01}char\u{1F}"), "badchar")
        XCTAssertEqual(xmlEscape("β ≤ ‖h‖"), "β ≤ ‖h‖")
    }
}
