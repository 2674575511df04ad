import Foundation

/// A tiny MNIST-format data set for command tests: 32 training and 16 test images of 28 × 28
/// bytes (a fixed pattern) with labels 0…9 in turn, as uncompressed IDX files.
enum TinyMNIST {
    /// Writes the four IDX files into `folder` (which must exist).
    static func write(to folder: URL) throws {
        func idx(_ magic: UInt32, _ sizes: [UInt32], _ body: [UInt8]) -> Data {
            var d = Data()
            for v in [magic] + sizes { d.append(contentsOf: [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]) }
            return d + body
        }
        for (name, count) in [("train", 32), ("t10k", 16)] {
            try idx(0x803, [UInt32(count), 28, 28], (0..<(count * 784)).map { UInt8(($0 * 7) % 256) })
                .write(to: folder.appendingPathComponent("\(name)-images-idx3-ubyte"))
            try idx(0x801, [UInt32(count)], (0..<count).map { UInt8($0 % 10) }).write(to: folder.appendingPathComponent("\(name)-labels-idx1-ubyte"))
        }
    }
}
