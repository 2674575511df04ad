import XCTest
@testable import Resources

final class MemoryLimitTests: XCTestCase {
    func testPlaceholder() {}
}
