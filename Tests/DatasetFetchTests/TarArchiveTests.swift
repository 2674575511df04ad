import Foundation
import XCTest
@testable import DatasetFetch

/// The tar reader against archives written by GNU tar (an independent writer), and against
/// hand-made hostile archives: traversal, links, devices, bad checksums, truncation.
final class TarArchiveTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tar-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `/usr/bin/env tar` with `arguments` in the test folder.
    func tar(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar"] + arguments
        process.currentDirectoryURL = folder
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "tar \(arguments)")
    }

    func testReadsWhatGNUTarWrites() throws {
        let sub = folder.appendingPathComponent("cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let contents: [String: Data] = [
            "data_batch_1.bin": Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }),
            "empty.txt": Data(),
            "exactly512.bin": Data(repeating: 0xAB, count: 512),
            String(repeating: "long-name-", count: 15) + ".txt": Data("long".utf8),  // > 100 bytes: GNU 'L' / pax
        ]
        for (name, data) in contents { try data.write(to: sub.appendingPathComponent(name)) }
        for format in ["gnu", "posix", "ustar"] where format != "ustar" {
            try tar(["--format=\(format)", "-cf", "a-\(format).tar", "cifar-10-batches-bin"])
            let archive = try TarArchive(Data(contentsOf: folder.appendingPathComponent("a-\(format).tar")), name: "a.tar")
            var found: [String: Data] = [:]
            for e in archive.entries { found[e.path] = Data(e.data) }
            XCTAssertEqual(found.count, contents.count, format)
            for (name, data) in contents { XCTAssertEqual(found["cifar-10-batches-bin/" + name], data, "\(format): \(name)") }
        }
        // ustar cannot hold the long name: a plain ustar archive of the short ones, with a prefix field.
        try FileManager.default.removeItem(at: sub.appendingPathComponent(String(repeating: "long-name-", count: 15) + ".txt"))
        try tar(["--format=ustar", "-cf", "u.tar", "cifar-10-batches-bin"])
        let ustar = try TarArchive(Data(contentsOf: folder.appendingPathComponent("u.tar")), name: "u.tar")
        XCTAssertEqual(Set(ustar.entries.map(\.path)), Set(["data_batch_1.bin", "empty.txt", "exactly512.bin"].map { "cifar-10-batches-bin/" + $0 }))
    }

    // MARK: Hand-made archives

    /// A ustar header for `name` of `type` with `size` bytes, with a valid checksum.
    func header(_ name: String, type: Character = "0", size: Int, linkTarget: String = "") -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (i, b) in text.utf8.enumerated() { h[offset + i] = b } }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(String(format: "%011o", size), at: 124)
        put("00000000000", at: 136)
        h[156] = UInt8(ascii: type.unicodeScalars.first!)
        put(linkTarget, at: 157)
        put("ustar", at: 257)
        put("00", at: 263)
        for i in 148..<156 { h[i] = 0x20 }
        let sum = h.reduce(0) { $0 + Int($1) }
        put(String(format: "%06o", sum), at: 148)
        h[154] = 0
        return h
    }

    func archive(_ entries: [(name: String, type: Character, data: [UInt8], link: String)]) -> Data {
        var bytes: [UInt8] = []
        for e in entries {
            bytes += header(e.name, type: e.type, size: e.type == "0" || e.type == "L" ? e.data.count : 0, linkTarget: e.link)
            if e.type == "0" || e.type == "L" {
                bytes += e.data
                bytes += [UInt8](repeating: 0, count: (512 - e.data.count % 512) % 512)
            }
        }
        return Data(bytes + [UInt8](repeating: 0, count: 1024))
    }

    func file(_ name: String, _ text: String = "x") -> (name: String, type: Character, data: [UInt8], link: String) {
        (name, "0", Array(text.utf8), "")
    }

    func testHandMadeArchiveRoundTrips() throws {
        let a = try TarArchive(archive([file("./dir/./a.bin", "hello"), ("dir/", "5", [], ""), file("b", "")]), name: "t.tar")
        XCTAssertEqual(a.entries.map(\.path), ["dir/a.bin", "b"])
        XCTAssertEqual(a.entries.map { String(decoding: $0.data, as: UTF8.self) }, ["hello", ""])
    }

    func testRefusesPathsOutsideTheDestination() {
        for bad in ["../evil", "a/../../evil", "/etc/passwd", "a/..", "./", "."] {
            XCTAssertThrowsError(try TarArchive(archive([file(bad)]), name: "t.tar"), bad) { error in
                XCTAssertEqual(error as? TarError, .unsafePath(archive: "t.tar", path: bad), bad)
                XCTAssertTrue("\(error)".contains("leaves the destination folder"))
            }
        }
        // A GNU long name climbing out is refused like a short one.
        XCTAssertThrowsError(try TarArchive(archive([("././@LongLink", "L", Array("../../x\0".utf8), ""), file("short")]), name: "t.tar")) { error in
            XCTAssertEqual(error as? TarError, .unsafePath(archive: "t.tar", path: "../../x"))
        }
    }

    func testRefusesLinksDevicesAndFIFOs() {
        let cases: [(Character, String)] = [("2", "a symbolic link"), ("1", "a hard link"), ("3", "a character device"),
                                            ("4", "a block device"), ("6", "a FIFO")]
        for (type, kind) in cases {
            XCTAssertThrowsError(try TarArchive(archive([file("ok"), ("cifar/data_batch_1.bin", type, [], "/etc/shadow")]), name: "t.tar")) { error in
                XCTAssertEqual(error as? TarError, .unsupportedEntry(archive: "t.tar", path: "cifar/data_batch_1.bin", kind: kind))
            }
        }
    }

    func testRefusesBadChecksumsTruncationAndOversizedEntries() {
        var corrupt = [UInt8](archive([file("a", "data")]))
        corrupt[0] = UInt8(ascii: "b")  // the name changes, the stored checksum does not
        XCTAssertThrowsError(try TarArchive(Data(corrupt), name: "t.tar")) { error in
            guard case .corruptHeader(_, 0, let reason)? = error as? TarError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("checksum"), reason)
        }
        // The content is cut: the header announces more than remains.
        let whole = [UInt8](archive([file("a", String(repeating: "z", count: 2000))]))
        XCTAssertThrowsError(try TarArchive(Data(whole[0..<(512 + 1000)]), name: "t.tar")) { error in
            XCTAssertEqual(error as? TarError, .truncated(archive: "t.tar", reason: "entry 'a' announces 2000 bytes, 1000 remain"))
        }
        // A header cut short.
        XCTAssertThrowsError(try TarArchive(Data(whole[0..<300]), name: "t.tar")) { error in
            guard case .truncated? = error as? TarError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try TarArchive(archive([file("a", String(repeating: "z", count: 2000))]), name: "t.tar", maximumEntrySize: 1999)) { error in
            XCTAssertEqual(error as? TarError, .entryTooLarge(archive: "t.tar", path: "a", size: 2000, limit: 1999))
        }
        XCTAssertThrowsError(try TarArchive(archive([file("a"), file("b"), file("c")]), name: "t.tar", maximumEntries: 2)) { error in
            XCTAssertEqual(error as? TarError, .tooManyEntries(archive: "t.tar", limit: 2))
        }
    }

    /// A size field in GNU base-256 form (used beyond 8 GiB) is read; a negative one is refused.
    func testBase256Sizes() throws {
        var field = [UInt8](repeating: 0, count: 12)
        field[0] = 0x80
        field[10] = 0x12
        field[11] = 0x34
        XCTAssertEqual(try TarArchive.number(field[0..<12], archive: "t", offset: 0, field: "size"), 0x1234)
        field[0] = 0xFF
        XCTAssertThrowsError(try TarArchive.number(field[0..<12], archive: "t", offset: 0, field: "size"))
    }
}
