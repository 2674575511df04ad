import CZlib
import Foundation
import Resources

/// Why a gzip stream could not be decompressed.
public enum GzipError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The stream ended before the compressed data did (a cut file).
    case truncated
    /// The data is not valid gzip/deflate data (bad header, bad block, CRC or length mismatch).
    case corrupt(String)
    /// zlib could not be initialized (out of memory, version mismatch).
    case zlib(String)
    /// The data inflates to more than the given number of bytes (the most the caller allows).
    case exceedsLimit(Int)

    public var description: String {
        switch self {
        case .truncated: return "truncated gzip stream (the compressed data ends early)"
        case .corrupt(let reason): return "corrupt gzip data: \(reason)"
        case .zlib(let reason): return "zlib error: \(reason)"
        case .exceedsLimit(let n): return "the data inflates to more than \(n) bytes"
        }
    }
}

/// gzip compression and decompression through the system zlib.
public enum Gzip {
    /// Whether `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Decompresses a gzip file (one or several concatenated members, as `gzip` allows).
    /// The CRC-32 and length of every member are checked by zlib. Output beyond `maximumSize`
    /// bytes is never allocated: inflating stops there with ``GzipError/exceedsLimit(_:)``
    /// (a small file can inflate to gigabytes; callers pass the size a header promises).
    public static func decompress(_ data: Data, maximumSize: Int = Int.max) throws -> Data {
        try inflate(data, limit: max(maximumSize, 0), prefixOnly: false)
    }

    /// Which bound a bounded decompression passed (see ``decompress(_:expectedSize:memory:)``).
    public enum BoundExceeded: Error, Equatable, Sendable {
        /// The content is larger than the `expectedSize` bytes a header or a catalog promises
        /// (a wrong or corrupt file), which the memory allowed.
        case expectedSize(Int)
        /// The content is larger than the bytes the memory limit leaves (`maximum`: the bound applied).
        case memory(maximum: Int)
    }

    /// Decompresses a gzip file whose content should be `expectedSize` bytes (nil: unknown)
    /// in at most `memory` bytes (what the memory limit leaves): output beyond the smaller of
    /// the two is never allocated, and which one was passed is thrown as ``BoundExceeded``
    /// (the expected size when it fits in the memory). The one bounded inflation of data
    /// files, of their verification and of archives; corrupt data throws ``GzipError``.
    public static func decompress(_ data: Data, expectedSize: Int?, memory: Int) throws -> Data {
        let memory = max(memory, 0)
        let maximum = min(expectedSize ?? memory, memory)
        do { return try decompress(data, maximumSize: maximum) } catch GzipError.exceedsLimit {
            if let expectedSize, expectedSize <= memory { throw BoundExceeded.expectedSize(expectedSize) }
            throw BoundExceeded.memory(maximum: maximum)
        }
    }

    /// The first `count` decompressed bytes (fewer if the data holds fewer), without reading
    /// further: enough to read a header before deciding how much to inflate. Corrupt data
    /// before that point throws; checksums are not verified (the stream is not read to its end).
    public static func decompressPrefix(_ data: Data, count: Int) throws -> Data {
        try inflate(data, limit: max(count, 0), prefixOnly: true)
    }

    /// Inflates at most `limit` bytes. With `prefixOnly`, returns once `limit` bytes are out;
    /// (or fewer, if the data ends early); otherwise more than `limit` bytes throws `exceedsLimit`.
    private static func inflate(_ data: Data, limit: Int, prefixOnly: Bool) throws -> Data {
        if data.isEmpty { throw GzipError.truncated }
        // One byte more than the limit is room enough to detect that the data exceeds it.
        let ceiling = prefixOnly ? limit : (limit == Int.max ? Int.max : limit + 1)
        // The trailer's ISIZE (size mod 2^32 of the last member) is a good first capacity guess,
        // never trusted beyond the ceiling.
        var capacity = max(Saturating.product(data.count, 4), 1 << 16)
        if data.count >= 18 {
            let n = data.count
            let b = data.startIndex
            let isize = Int(data[b + n - 4]) | Int(data[b + n - 3]) << 8 | Int(data[b + n - 2]) << 16 | Int(data[b + n - 1]) << 24
            if isize > 0, isize < 1 << 31 { capacity = isize }
        }
        capacity = min(capacity, ceiling)
        if ceiling == 0 { return Data() }
        var output = [UInt8](repeating: 0, count: max(capacity, 1))
        var produced = 0

        var stream = z_stream()
        // windowBits 15 + 16: gzip wrapper only (a raw zlib stream is a format error here).
        var status = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw GzipError.zlib("inflateInit2 failed (\(status))") }
        defer { inflateEnd(&stream) }

        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            let base = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress!)
            stream.next_in = base
            stream.avail_in = UInt32(clamping: input.count)
            var pending = input.count - Int(stream.avail_in)  // input beyond the first 4 GiB window
            while true {
                if produced == output.count {
                    if prefixOnly && produced >= limit { return }
                    if produced > limit { throw GzipError.exceedsLimit(limit) }
                    let grown = min(Saturating.sum(output.count, max(output.count, 1 << 16)), ceiling)
                    output.append(contentsOf: [UInt8](repeating: 0, count: grown - output.count))
                }
                if stream.avail_in == 0 && pending > 0 {
                    let chunk = min(pending, Int(UInt32.max))
                    stream.avail_in = UInt32(chunk)
                    pending -= chunk
                }
                let room = min(output.count - produced, Int(UInt32.max))
                status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(room)
                    let s = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return s
                }
                if produced > limit && !prefixOnly { throw GzipError.exceedsLimit(limit) }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    if prefixOnly && produced >= limit { return }
                    // Another member may follow (skip zero padding some tools append).
                    var rest = Int(stream.avail_in)
                    while rest > 0, stream.next_in.pointee == 0 {
                        stream.next_in += 1; rest -= 1
                    }
                    stream.avail_in = UInt32(rest)
                    if rest == 0 && pending == 0 { return }
                    guard inflateReset(&stream) == Z_OK else { throw GzipError.zlib("inflateReset failed") }
                case Z_BUF_ERROR:
                    // No progress possible: if the output had room, the input ran out mid-stream.
                    if stream.avail_out > 0 && stream.avail_in == 0 && pending == 0 {
                        if prefixOnly { return }
                        throw GzipError.truncated
                    }
                case Z_DATA_ERROR:
                    let message = stream.msg.map { String(cString: $0) } ?? "invalid data"
                    throw GzipError.corrupt(message)
                case Z_NEED_DICT:
                    throw GzipError.corrupt("stream needs a preset dictionary")
                case Z_MEM_ERROR:
                    throw GzipError.zlib("out of memory")
                default:
                    throw GzipError.zlib("inflate returned \(status)")
                }
            }
        }
        return Data(output[0..<min(produced, prefixOnly ? limit : produced)])
    }

    /// Compresses `data` into one gzip member (used by tests to write `.gz` files).
    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        var status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw GzipError.zlib("deflateInit2 failed (\(status))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(data.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        var source = [UInt8](data)
        let produced = source.withUnsafeMutableBufferPointer { input -> Int in
            output.withUnsafeMutableBufferPointer { out -> Int in
                stream.next_in = input.baseAddress
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                status = deflate(&stream, Z_FINISH)
                return out.count - Int(stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else { throw GzipError.zlib("deflate returned \(status)") }
        return Data(output[0..<produced])
    }

    /// CRC-32 (the zlib/gzip polynomial) of `data`, continuing from `crc`.
    public static func crc32(_ data: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = data.baseAddress, data.count > 0 else { return crc }
        return UInt32(CZlib.crc32_z(UInt(crc), base.assumingMemoryBound(to: UInt8.self), data.count))
    }
}
