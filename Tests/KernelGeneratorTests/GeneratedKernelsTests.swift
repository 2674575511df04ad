import Foundation
import XCTest
@testable import KernelGenerator

/// The committed kernel files are exactly what the generator writes, so they can be edited
/// only through it (`swift run generate-kernels Sources/DenseKernels`).
final class GeneratedKernelsTests: XCTestCase {
    /// `Sources/DenseKernels` of this checkout, found from this file's path.
    private let denseKernels = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // KernelGeneratorTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Sources/DenseKernels")

    func testGeneratorReproducesCommittedFilesByteForByte() throws {
        let files = generatedKernelFiles()
        XCTAssertEqual(files.map(\.name), ["MicroKernels.swift", "DotKernels.swift"])
        for file in files {
            let committed = try Data(contentsOf: denseKernels.appendingPathComponent(file.name))
            let generated = Data(file.contents.utf8)
            if committed != generated {
                let difference = firstDifference(expected: file.contents, actual: String(decoding: committed, as: UTF8.self))
                XCTFail("""
                    \(file.name) is not what the generator writes (\(difference.map(String.init(describing:)) ?? "bytes differ")). \
                    Edit Sources/KernelGenerator and run `swift run generate-kernels Sources/DenseKernels`.
                    """)
            }
        }
    }

    /// The files are large because they are unrolled: a generator that dropped kernels would
    /// still have to match these counts (and the byte comparison above).
    func testEveryTileShapeIsGenerated() {
        let micro = microKernelsSource()
        for suffix in ["", "s"] {
            for columns in [16, 8] {
                for rows in 1...6 {
                    XCTAssertTrue(micro.contains("static func kernel\(rows)x\(columns)\(suffix)("), "kernel\(rows)x\(columns)\(suffix)")
                }
            }
        }
        let dot = dotKernelsSource()
        for rows in 1...6 {
            for cols in 1...2 {
                XCTAssertTrue(dot.contains("static func dot\(rows)x\(cols)("), "dot\(rows)x\(cols)")
            }
        }
    }

    func testFirstDifferenceNamesTheLine() {
        let text = "a\nb\nc\n"
        XCTAssertNil(firstDifference(expected: text, actual: text))
        XCTAssertEqual(firstDifference(expected: text, actual: "a\nB\nc\n"),
                       LineDifference(line: 2, expected: "b", actual: "B"))
        // A missing final newline, a carriage return and a truncated file are differences too.
        XCTAssertEqual(firstDifference(expected: text, actual: "a\nb\nc"),
                       LineDifference(line: 4, expected: "", actual: nil))
        XCTAssertEqual(firstDifference(expected: text, actual: "a\r\nb\nc\n"),
                       LineDifference(line: 1, expected: "a", actual: "a\r"))
        XCTAssertEqual(firstDifference(expected: text, actual: "a\n"),
                       LineDifference(line: 2, expected: "b", actual: ""))
        XCTAssertEqual(String(describing: LineDifference(line: 3, expected: "x", actual: nil)),
                       "line 3: generated \"x\", file has (end of file)")
    }

    /// A one-character edit of a committed file is caught, at its line.
    func testAnEditedKernelIsDetected() throws {
        let name = "MicroKernels.swift"
        let committed = try String(contentsOf: denseKernels.appendingPathComponent(name), encoding: .utf8)
        var lines = committed.components(separatedBy: "\n")
        let index = try XCTUnwrap(lines.firstIndex(of: "                c41 = madd(c41, a4, b1)"))
        lines[index] = "                c41 = madd(c41, a4, b0)"
        let difference = firstDifference(expected: microKernelsSource(), actual: lines.joined(separator: "\n"))
        XCTAssertEqual(difference?.line, index + 1)
        XCTAssertEqual(difference?.actual, "                c41 = madd(c41, a4, b0)")
    }
}
