import Foundation

/// A tensor of 32-bit floats with its shape (row-major), as stored in a safetensors file.
public struct FloatTensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }
}

/// Why bytes are not a safetensors file this tool can read.
public struct SafeTensorsError: Error, Equatable, CustomStringConvertible, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The safetensors format (huggingface/safetensors), for float32 tensors: an 8-byte
/// little-endian header length N, N bytes of JSON — per tensor `{"dtype":"F32","shape":[…],
/// "data_offsets":[begin,end]}` (offsets into the data that follows), and `"__metadata__"`,
/// a map of strings —, padded with spaces to a multiple of 8 bytes, then the tensors' raw
/// little-endian bytes, in the order given, with no gaps. `safetensors.numpy.load_file` and
/// `safetensors.torch.load_file` read it.
public enum SafeTensors {
    /// The file's bytes: the tensors in the order given, and `metadata`.
    public static func encode(_ tensors: [(name: String, tensor: FloatTensor)], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, t) in tensors {
            guard name != "__metadata__", header[name] == nil else { throw SafeTensorsError("tensor name '\(name)' used twice or reserved") }
            let end = offset + 4 * t.values.count
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, end]] as [String: Any]
            offset = end
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // The data starts at a multiple of 8 bytes (as the reference writer pads).
        while (8 + json.count) % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        for (_, t) in tensors {
            var le = t.values.map { $0.bitPattern.littleEndian }
            le.withUnsafeMutableBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Reads the F32 tensors and the metadata of a safetensors file, checking the header
    /// length, every dtype, shape and offset (tensors must tile the data exactly).
    public static func decode(_ data: Data) throws -> (tensors: [String: FloatTensor], metadata: [String: String]) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw SafeTensorsError("shorter than the 8-byte header length") }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(bytes.count - 8) else { throw SafeTensorsError("header length \(length) runs past the end of the file") }
        let dataStart = 8 + Int(length)
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) as? [String: Any] else {
            throw SafeTensorsError("the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let m = header["__metadata__"] {
            guard let m = m as? [String: String] else { throw SafeTensorsError("__metadata__ is not a map of strings") }
            metadata = m
        }
        var tensors: [String: FloatTensor] = [:]
        var ranges: [(Int, Int)] = []
        let available = bytes.count - dataStart
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (info["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2 else {
                throw SafeTensorsError("tensor '\(name)': the entry needs dtype, shape and data_offsets")
            }
            guard dtype == "F32" else { throw SafeTensorsError("tensor '\(name)': dtype \(dtype), this tool reads F32 only") }
            let (begin, end) = (offsets[0], offsets[1])
            guard shape.allSatisfy({ $0 >= 0 }), 0 <= begin, begin <= end, end <= available else {
                throw SafeTensorsError("tensor '\(name)': data_offsets \(offsets) outside the \(available) bytes of data")
            }
            let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            guard count <= available / 4, end - begin == 4 * count else {
                throw SafeTensorsError("tensor '\(name)': shape \(shape) does not match the \(end - begin) bytes its data_offsets give")
            }
            var values = [Float](repeating: 0, count: count)
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + begin + 4 * i, as: UInt32.self)))
                }
            }
            tensors[name] = FloatTensor(shape: shape, values: values)
            ranges.append((begin, end))
        }
        ranges.sort { $0 < $1 }
        var position = 0
        for (begin, end) in ranges {
            guard begin == position else { throw SafeTensorsError("the tensors' data overlap or leave a gap at byte \(position)") }
            position = end
        }
        guard position == available else { throw SafeTensorsError("\(available - position) bytes of data belong to no tensor") }
        return (tensors, metadata)
    }
}
