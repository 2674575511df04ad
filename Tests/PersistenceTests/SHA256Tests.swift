import Foundation
import Persistence
import XCTest

/// SHA-256 against the FIPS 180-4 / NIST known answers, and incremental hashing against one-shot.
final class SHA256Tests: XCTestCase {
    func testKnownAnswers() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        // NIST: one million 'a'.
        XCTAssertEqual(SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Any split of the message into updates gives the digest of the whole (block boundaries,
    /// the 55/56/63/64-byte padding edges, empty updates).
    func testIncrementalEqualsOneShot() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 4099] {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let whole = SHA256.digest(message)
            for _ in 0..<5 {
                var hasher = SHA256()
                var i = 0
                while i < length {
                    let n = Int.random(in: 0...min(130, length - i), using: &generator)
                    hasher.update(Array(message[i..<(i + n)]))
                    i += n
                }
                XCTAssertEqual(hasher.finalize(), whole, "length \(length)")
            }
        }
    }

    func testFileDigestStreamsAndNamesBadPaths() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)").path
        defer { unlink(path) }
        // More than one 1 MiB chunk, not a whole number of blocks.
        let data = Data((0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try data.write(to: URL(fileURLWithPath: path))
        var seen = 0
        XCTAssertEqual(try SHA256.hexDigest(ofFile: path, progress: { seen = $0 }), SHA256.hex(data))
        XCTAssertEqual(seen, data.count)
        XCTAssertThrowsError(try SHA256.hexDigest(ofFile: path + ".missing")) { error in
            XCTAssertEqual(error as? InputFileError, .missing(path: path + ".missing"))
        }
        XCTAssertThrowsError(try SHA256.hexDigest(ofFile: "/tmp")) { error in
            XCTAssertEqual(error as? InputFileError, .notARegularFile(path: "/tmp", kind: .directory))
        }
    }
}
