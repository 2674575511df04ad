import XCTest
@testable import Resources

final class SaturatingTests: XCTestCase {
    func testProductsAndSumsStopAtIntMax() {
        XCTAssertEqual(Saturating.product(3, 4, 5), 60)
        XCTAssertEqual(Saturating.product(), 1)
        XCTAssertEqual(Saturating.product(1 << 40, 1 << 30), Int.max)
        XCTAssertEqual(Saturating.product(Int.max, 2, 0), 0, "a zero factor allocates nothing, even after an overflow")
        XCTAssertEqual(Saturating.product(99_999_999_999_999, 99_999_999_999_999, 4), Int.max)
        XCTAssertEqual(Saturating.product(-3, 5), 0, "negative counts allocate nothing")
        XCTAssertEqual(Saturating.sum(1, 2, 3), 6)
        XCTAssertEqual(Saturating.sum(Int.max, 1), Int.max)
        XCTAssertEqual(Saturating.sum(Int.max - 1, Int.max - 1), Int.max)
        XCTAssertEqual(Saturating.sum(-5, 7), 7)
    }

    func testCeilingDivisionHasNoOverflow() {
        XCTAssertEqual(Saturating.ceilingDivision(10, 3), 4)
        XCTAssertEqual(Saturating.ceilingDivision(9, 3), 3)
        XCTAssertEqual(Saturating.ceilingDivision(0, 3), 0)
        // (a + b − 1) / b would overflow here.
        XCTAssertEqual(Saturating.ceilingDivision(Int.max, 2), Int.max / 2 + 1)
        XCTAssertEqual(Saturating.ceilingDivision(Int.max, Int.max), 1)
    }
}

final class MemoryLimitTests: XCTestCase {
    func testDefaultIsHalfThePhysicalMemory() {
        XCTAssertGreaterThan(MemoryLimit.physicalMemory, 1 << 26, "sysconf reports the installed memory")
        XCTAssertLessThan(MemoryLimit.physicalMemory, Int.max)
        XCTAssertEqual(MemoryLimit.default.bytes, MemoryLimit.physicalMemory / 2)
        XCTAssertEqual(MemoryLimit.default.origin, "half the physical memory")
        XCTAssertEqual(MemoryLimit.default.hint, "use --memory-limit <GB> to raise it")
    }

    func testGigabytesAreDecimalAndValidated() throws {
        XCTAssertEqual(try MemoryLimit(gigabytes: 2).bytes, 2_000_000_000)
        XCTAssertEqual(try MemoryLimit(gigabytes: 0.5).bytes, 500_000_000)
        XCTAssertEqual(try MemoryLimit(gigabytes: 2).origin, "--memory-limit 2")
        // Beyond what an Int counts: no limit, not a trap.
        XCTAssertEqual(try MemoryLimit(gigabytes: 1e308).bytes, Int.max)
        XCTAssertEqual(try MemoryLimit(gigabytes: 1e10).bytes, Int.max)
        XCTAssertEqual(try MemoryLimit(gigabytes: 9e9).bytes, 9_000_000_000_000_000_000)
        for bad in [0, -1, -1e308, .nan, .infinity, -.infinity] {
            XCTAssertThrowsError(try MemoryLimit(gigabytes: bad), "\(bad)") { error in
                XCTAssertTrue("\(error)".hasPrefix("--memory-limit must be a positive number of gigabytes"), "\(error)")
            }
        }
        XCTAssertEqual(try MemoryLimit(parsing: " 1.5 ").bytes, 1_500_000_000)
        XCTAssertThrowsError(try MemoryLimit(parsing: "12GB"))
    }

    func testCheckRefusesAboveTheLimitWithBothNumbers() throws {
        let limit = MemoryLimit(bytes: 12_000_000_000, origin: "half the physical memory", hint: "use --memory-limit <GB> to raise it")
        XCTAssertNoThrow(try limit.check(12_000_000_000, subject: "simulate", purpose: "for 1 record"))
        XCTAssertThrowsError(try limit.check(5_300_000_000_000, subject: "simulate", purpose: "for 1.0 × 10^10 records")) { error in
            XCTAssertEqual("\(error)", "simulate needs about 5.3 TB for 1.0 × 10^10 records; the limit is 12 GB (half the physical memory); use --memory-limit <GB> to raise it")
            XCTAssertEqual(error as? ResourceError,
                           .memory(subject: "simulate", purpose: "for 1.0 × 10^10 records", needed: 5_300_000_000_000, limit: limit))
        }
        XCTAssertThrowsError(try limit.check(Int.max, subject: "train", purpose: "for the model")) { error in
            XCTAssertTrue("\(error)".hasPrefix("train needs more memory than can be counted (over 9.2 EB) for the model; the limit is 12 GB"),
                          "\(error)")
        }
        let noHint = MemoryLimit(bytes: 1000, origin: "test")
        XCTAssertThrowsError(try noHint.check(1001, subject: "x", purpose: "for y")) { error in
            XCTAssertEqual("\(error)", "x needs about 1.0 kB for y; the limit is 1.0 kB (test)")
        }
    }

    func testRemainingSubtractsWhatIsHeld() {
        let limit = MemoryLimit(bytes: 10_000, origin: "o", hint: "h")
        let rest = limit.remaining(after: 2_500, for: "the model")
        XCTAssertEqual(rest.bytes, 7_500)
        XCTAssertEqual(rest.origin, "o, less 2.5 kB for the model")
        XCTAssertEqual(rest.hint, "h")
        XCTAssertEqual(limit.remaining(after: 50_000, for: "x").bytes, 0)
        XCTAssertEqual(limit.remaining(after: 0, for: "x"), limit)
    }

    func testFormats() {
        XCTAssertEqual(MemoryLimit.format(bytes: 0), "0 B")
        XCTAssertEqual(MemoryLimit.format(bytes: 999), "999 B")
        XCTAssertEqual(MemoryLimit.format(bytes: 1_000), "1.0 kB")
        XCTAssertEqual(MemoryLimit.format(bytes: 5_300_000_000), "5.3 GB")
        XCTAssertEqual(MemoryLimit.format(bytes: 12_600_000_000), "13 GB")
        XCTAssertEqual(MemoryLimit.format(bytes: 999_600_000), "1.0 GB", "rounding up to the next unit")
        XCTAssertEqual(MemoryLimit.format(bytes: 8_000_000_000_000_000_000), "8.0 EB")
        XCTAssertEqual(MemoryLimit.format(bytes: Int.max), "more than 9.2 EB")
        XCTAssertEqual(MemoryLimit.format(count: 999_999), "999999")
        XCTAssertEqual(MemoryLimit.format(count: 30_000_000_000), "3.0 × 10^10")
        XCTAssertEqual(MemoryLimit.format(count: 999_999_999_999_990), "1.0 × 10^15", "9.99… rounds to the next power")
        XCTAssertEqual(MemoryLimit.format(count: Int.max), "more than 9.2 × 10^18")
    }
}

final class ResourceLimitsTests: XCTestCase {
    func testThreadBound() {
        XCTAssertNoThrow(try ResourceLimits.checkThreads(1, subject: "--threads"))
        XCTAssertNoThrow(try ResourceLimits.checkThreads(ResourceLimits.maximumThreads, subject: "--threads"))
        XCTAssertThrowsError(try ResourceLimits.checkThreads(ResourceLimits.maximumThreads + 1, subject: "spec.yaml: threads")) { error in
            XCTAssertEqual("\(error)", "spec.yaml: threads: 1025 is more than the maximum of 1024")
        }
    }

    func testCountMessage() {
        let e = ResourceError.count(subject: "s.yaml: the grid's cells", count: 10_000_000, maximum: 1_000_000, hint: "use --max-cells to allow more")
        XCTAssertEqual(e.description, "s.yaml: the grid's cells: 1.0 × 10^7 is more than the maximum of 1.0 × 10^6; use --max-cells to allow more")
    }
}
