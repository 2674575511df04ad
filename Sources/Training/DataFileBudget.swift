import Foundation
import Resources

/// The memory the files of one dataset may take, checked before each file is read and before
/// it is inflated: a file of S bytes (decompressed) costs about 5·S in memory (its bytes and the
/// Float pixels made from them), and the files of a dataset add up.
///
/// A gzip file is never inflated beyond what its IDX header announces (a 12 MB file can
/// inflate to gigabytes), nor beyond what the limit leaves.
public final class DataFileBudget: @unchecked Sendable {
    public let limit: MemoryLimit
    /// Bytes held by the files read so far (their estimated cost).
    public private(set) var used = 0
    private let lock = NSLock()

    /// Memory per decompressed byte: the bytes themselves and one Float per byte.
    public static let bytesPerByte = 5

    public init(limit: MemoryLimit = .default) { self.limit = limit }

    /// The decompressed size a file may still have.
    var allowedSize: Int {
        lock.lock(); defer { lock.unlock() }
        return max(0, limit.bytes - used) / Self.bytesPerByte
    }

    /// Checks that `size` decompressed bytes of `path` fit beside what is already held, and
    /// counts them. `what` says where the size comes from, for the message.
    func reserve(_ size: Int, path: String, what: String) throws {
        lock.lock(); defer { lock.unlock() }
        let cost = Saturating.product(size, Self.bytesPerByte)
        let total = Saturating.sum(used, cost)
        if total > limit.bytes {
            let before = used > 0 ? ", with \(MemoryLimit.format(bytes: used)) for the files read before it" : ""
            throw ResourceError.memory(subject: path, purpose: "for \(what) (as bytes and as Float pixels\(before))",
                                       needed: total, limit: limit)
        }
        used = total
    }

    /// Checks, before a file is read whole, that its bytes fit in what the limit leaves.
    func checkFileSize(_ path: String) throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return }
        lock.lock(); defer { lock.unlock() }
        if Saturating.sum(used, size) > limit.bytes {
            throw ResourceError.memory(subject: path, purpose: "to read its \(MemoryLimit.format(bytes: size))",
                                       needed: Saturating.sum(used, size), limit: limit)
        }
    }

    /// Inflates a gzip file, at most to the size its IDX header announces (and to what the limit
    /// allows), counting the result.
    func inflate(_ raw: Data, path: String) throws -> Data {
        let announced = try IDX.announcedSize(Gzip.decompressPrefix(raw, count: 16))
        // The announced size is reserved first, so it is all the memory the file may take.
        if let announced { try reserve(announced, path: path, what: "the \(MemoryLimit.format(bytes: announced)) its IDX header announces") }
        let data: Data
        do {
            data = try Gzip.decompress(raw, expectedSize: announced, memory: announced == nil ? allowedSize : Int.max)
        } catch Gzip.BoundExceeded.expectedSize(let announced) {
            throw DatasetError.corruptCompression(
                path: path, reason: "the gzip data inflates to more than the \(announced) bytes its IDX header announces")
        } catch Gzip.BoundExceeded.memory(let maximum) {
            throw ResourceError.memory(subject: path, purpose: "to inflate it (it holds more than \(MemoryLimit.format(bytes: maximum)) of data)",
                                       needed: Saturating.sum(used, Saturating.product(Saturating.sum(maximum, 1), Self.bytesPerByte)),
                                       limit: limit)
        }
        if announced == nil { try reserve(data.count, path: path, what: "its \(MemoryLimit.format(bytes: data.count)) of data") }
        return data
    }
}

extension IDX {
    /// The file size an IDX header announces (16 + count·rows·columns for images, 8 + count
    /// for labels), or nil if `header` does not start with either magic number.
    static func announcedSize(_ header: Data) -> Int? {
        let bytes = [UInt8](header)
        func word(_ offset: Int) -> Int {
            Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        }
        guard bytes.count >= 8 else { return nil }
        switch UInt32(word(0)) {
        case imagesMagic:
            guard bytes.count >= 16 else { return nil }
            return Saturating.sum(16, Saturating.product(word(4), word(8), word(12)))
        case labelsMagic:
            return 8 + word(4)
        default:
            return nil
        }
    }
}
