import Foundation
import Persistence
import ResNets

/// Why a checkpoint could not be read or used.
public enum CheckpointError: Error, Equatable, CustomStringConvertible, Sendable {
    case missing(path: String)
    case corrupt(path: String, reason: String)
    case unsupportedVersion(path: String, version: UInt32)
    case mismatch(path: String, reason: String)
    /// The file itself is unusable (a directory, a device, a FIFO, a link loop, no permission).
    case unreadable(InputFileError)

    public var description: String {
        switch self {
        case .missing(let p): return "\(p): checkpoint not found"
        case let .corrupt(p, r): return "\(p): corrupt checkpoint: \(r)"
        case let .unsupportedVersion(p, v):
            return "\(p): checkpoint format version \(v) is not supported (this build reads versions 1 and \(Checkpoint.formatVersion))"
        case let .mismatch(p, r): return "\(p): \(r)"
        case .unreadable(let e): return e.description
        }
    }
}

/// The complete state of a training run after an epoch: configuration, parameters, optimizer
/// state, finished epochs and their metrics. Resuming from it gives bit for bit the numbers
/// of an uninterrupted run (the minibatch order and learning rate of an epoch depend only on
/// the seed and the epoch index).
///
/// Format (version 2): a safetensors file (see `SafeTensors`) that NumPy and PyTorch load
/// directly. Its tensors are the model's, named and shaped as in `weights.safetensors` (`A`,
/// `B`, `V`, `W`, `bias`; see ``ModelWeights``), and the optimizer's state beside them,
/// `optimizer.first.<name>` (Adam's m, SGD's momentum) and `optimizer.second.<name>` (Adam's
/// v), same shapes. Its `__metadata__` holds the run's bookkeeping: `format`
/// (`resnet-scaling checkpoint`), `version` (`2`), `header` (JSON: config, epochs done,
/// optimizer step, history with the bit patterns of its numbers, …) and `crc32` (of the
/// tensor data, decimal). Files are written atomically; a load checks the format, version,
/// checksum, and every tensor's presence and shape.
///
/// Version 1 files (`RNSCKPT\0` magic, the format of tool versions up to 0.9.0) are still
/// read; any other version is refused with a message naming it.
public struct Checkpoint: Equatable, Sendable {
    public static let magic: [UInt8] = Array("RNSCKPT".utf8) + [0]
    /// The version written; version 1 (the earlier binary format) is also read.
    public static let formatVersion: UInt32 = 2
    static let formatName = "resnet-scaling checkpoint"
    public static let fileName = "checkpoint.bin"

    public var configuration: TrainingConfiguration
    public var parameters: ResNetParameters<Float>
    public var optimizer: OptimizerState<Float>
    public var completedEpochs: Int
    public var history: [EpochMetrics]
    public var divergence: Divergence?
    public var initialEvaluation: Evaluation?
    public var initialRegularity: [String: RegularityStatistics]
    /// `Trainer.dataFingerprint` of the data trained on (nil in files that lack it).
    public var dataFingerprint: String?
    /// The file it was read from, if any (for messages).
    public var path: String?

    public init(trainer: Trainer) {
        configuration = trainer.configuration
        parameters = trainer.parameters
        optimizer = trainer.optimizer
        completedEpochs = trainer.completedEpochs
        history = trainer.history
        divergence = trainer.divergence
        initialEvaluation = trainer.initialEvaluation
        initialRegularity = trainer.initialRegularity
        dataFingerprint = trainer.dataFingerprint
        path = nil
    }

    struct Header: Codable {
        var config: TrainingConfiguration
        var network: NetworkShape
        var hasBias: Bool
        var completedEpochs: Int
        var optimizerStep: Int
        var history: [EpochMetrics]
        /// Bit patterns of the history's numbers, so that resumed metrics are bit-identical
        /// whatever the JSON number formatting.
        var historyBits: [[UInt64]]
        var divergence: Divergence?
        var initialEvaluation: Evaluation?
        var initialRegularity: [String: RegularityStatistics]
        var dataFingerprint: String?

        enum CodingKeys: String, CodingKey {
            case config, network, hasBias = "has_bias", completedEpochs = "completed_epochs"
            case optimizerStep = "optimizer_step", history, historyBits = "history_bits", divergence
            case initialEvaluation = "initial_evaluation", initialRegularity = "initial_regularity"
            case dataFingerprint = "data_fingerprint"
        }
    }

    struct NetworkShape: Codable, Equatable {
        var inputDimension: Int
        var outputDimension: Int
        enum CodingKeys: String, CodingKey { case inputDimension = "input_dim", outputDimension = "output_dim" }
    }

    static func bits(_ m: EpochMetrics) -> [UInt64] {
        [m.learningRate, m.trainLoss, m.trainAccuracy, m.testLoss, m.testAccuracy, m.seconds].map(\.bitPattern)
    }

    // MARK: Encoding

    /// The checkpoint as a safetensors file (format version 2, see the type).
    public func encoded() throws -> Data {
        let json = try TrainingJSON.encoder(pretty: false).encode(header)
        var tensors: [(name: String, tensor: FloatTensor)] = []
        let c = parameters.configuration
        var p = parameters, m = optimizer.first, v = optimizer.second
        p.forEachArray { name, a in tensors.append((name, FloatTensor(shape: ModelWeights.shape(name, c), values: a))) }
        m.forEachArray { name, a in tensors.append(("optimizer.first.\(name)", FloatTensor(shape: ModelWeights.shape(name, c), values: a))) }
        v.forEachArray { name, a in
            if !a.isEmpty { tensors.append(("optimizer.second.\(name)", FloatTensor(shape: ModelWeights.shape(name, c), values: a))) }
        }
        var crc: UInt32 = 0
        for (_, t) in tensors {
            var le = t.values.map { $0.bitPattern.littleEndian }
            crc = le.withUnsafeMutableBytes { Gzip.crc32(UnsafeRawBufferPointer($0), continuing: crc) }
        }
        return try SafeTensors.encode(tensors, metadata: ["format": Self.formatName, "version": String(Self.formatVersion),
                                                          "header": String(decoding: json, as: UTF8.self), "crc32": String(crc)])
    }

    var header: Header {
        let c = parameters.configuration
        return Header(config: configuration,
                      network: NetworkShape(inputDimension: c.inputDimension, outputDimension: c.outputDimension),
                      hasBias: parameters.hasBias, completedEpochs: completedEpochs, optimizerStep: optimizer.step,
                      history: history, historyBits: history.map(Self.bits), divergence: divergence,
                      initialEvaluation: initialEvaluation, initialRegularity: initialRegularity,
                      dataFingerprint: dataFingerprint)
    }

    /// The checkpoint in format version 1 (written by tool versions up to 0.9.0; kept to test
    /// that such files are still read).
    func encodedVersion1() throws -> Data {
        let c = parameters.configuration
        let header = Header(config: configuration,
                            network: NetworkShape(inputDimension: c.inputDimension, outputDimension: c.outputDimension),
                            hasBias: parameters.hasBias, completedEpochs: completedEpochs, optimizerStep: optimizer.step,
                            history: history, historyBits: history.map(Self.bits), divergence: divergence,
                            initialEvaluation: initialEvaluation, initialRegularity: initialRegularity,
                            dataFingerprint: dataFingerprint)
        let json = try TrainingJSON.encoder(pretty: false).encode(header)
        var out = Data()
        out.append(contentsOf: Self.magic)
        append(&out, UInt32(1))
        append(&out, UInt32(json.count))
        out.append(json)
        let arrays = namedArrays()
        append(&out, UInt32(arrays.count))
        for (name, values) in arrays {
            let nameBytes = Array(name.utf8)
            append(&out, UInt16(nameBytes.count))
            out.append(contentsOf: nameBytes)
            append(&out, UInt64(values.count))
            var le = values.map { $0.bitPattern.littleEndian }
            le.withUnsafeMutableBytes { out.append(contentsOf: $0) }
        }
        let crc = out.withUnsafeBytes { Gzip.crc32($0) }
        append(&out, crc)
        return out
    }

    func namedArrays() -> [(String, [Float])] {
        var list: [(String, [Float])] = []
        var p = parameters, m = optimizer.first, v = optimizer.second
        p.forEachArray { name, a in list.append(("param.\(name)", a)) }
        m.forEachArray { name, a in list.append(("opt1.\(name)", a)) }
        v.forEachArray { name, a in if !a.isEmpty { list.append(("opt2.\(name)", a)) } }
        return list
    }

    private func append<I: FixedWidthInteger>(_ data: inout Data, _ value: I) {
        var le = value.littleEndian
        withUnsafeBytes(of: &le) { data.append(contentsOf: $0) }
    }

    /// Writes the checkpoint atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    // MARK: Decoding

    /// Reads and validates a checkpoint file.
    public static func read(from path: String) throws -> Checkpoint {
        guard FileManager.default.fileExists(atPath: path) else { throw CheckpointError.missing(path: path) }
        let data: Data
        do { data = try InputFile.read(path) } catch let e as InputFileError {
            throw CheckpointError.unreadable(e)
        }
        var checkpoint = try decode(data, path: path)
        checkpoint.path = path
        return checkpoint
    }

    /// Reads a checkpoint of format version 2 (safetensors) or 1 (the earlier binary format).
    public static func decode(_ data: Data, path: String = "checkpoint") throws -> Checkpoint {
        let bytes = [UInt8](data)
        if bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic {
            return try decodeVersion1(bytes, path: path)
        }
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, reason: reason) }
        let file: (tensors: [String: FloatTensor], metadata: [String: String])
        do { file = try SafeTensors.decode(data) } catch {
            throw corrupt("not a ResNetScaling checkpoint (neither a safetensors file nor the version 1 format): \(error)")
        }
        guard file.metadata["format"] == formatName else {
            throw corrupt("not a ResNetScaling checkpoint (a safetensors file without format '\(formatName)' in its metadata)")
        }
        guard file.metadata["version"] == String(formatVersion) else {
            throw CheckpointError.unsupportedVersion(path: path, version: UInt32(file.metadata["version"] ?? "") ?? 0)
        }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        let computed = bytes.withUnsafeBytes { Gzip.crc32(UnsafeRawBufferPointer(rebasing: $0[(8 + Int(length))...])) }
        guard file.metadata["crc32"] == String(computed) else { throw corrupt("checksum mismatch (the file is damaged)") }
        let header: Header
        do { header = try TrainingJSON.decoder().decode(Header.self, from: Data((file.metadata["header"] ?? "").utf8)) } catch {
            throw corrupt("unreadable header: \(error)")
        }
        var arrays: [String: [Float]] = [:]
        var shapes: [String: [Int]] = [:]
        for (name, t) in file.tensors {
            let key = name.hasPrefix("optimizer.first.") ? "opt1." + name.dropFirst("optimizer.first.".count)
                : name.hasPrefix("optimizer.second.") ? "opt2." + name.dropFirst("optimizer.second.".count) : "param." + name
            arrays[key] = t.values
            shapes[key] = t.shape
        }
        return try assemble(header: header, arrays: arrays, shapes: shapes, path: path)
    }

    static func decodeVersion1(_ bytes: [UInt8], path: String) throws -> Checkpoint {
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, reason: reason) }
        guard bytes.count >= magic.count + 8, Array(bytes[0..<magic.count]) == magic else {
            throw corrupt("not a ResNetScaling checkpoint (bad magic)")
        }
        var reader = ByteReader(bytes: bytes, offset: magic.count)
        let version: UInt32 = try reader.read(or: corrupt("truncated header"))
        guard version == 1 else { throw CheckpointError.unsupportedVersion(path: path, version: version) }
        guard bytes.count >= magic.count + 12 else { throw corrupt("truncated file") }
        let stored = UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
            | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24
        let computed = bytes.withUnsafeBytes { Gzip.crc32(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 4)])) }
        guard stored == computed else { throw corrupt("checksum mismatch (the file is truncated or damaged)") }
        reader.end = bytes.count - 4

        let headerLength: UInt32 = try reader.read(or: corrupt("truncated header"))
        let headerBytes = try reader.take(Int(headerLength), or: corrupt("truncated header"))
        let header: Header
        do { header = try TrainingJSON.decoder().decode(Header.self, from: Data(headerBytes)) } catch {
            throw corrupt("unreadable header: \(error)")
        }
        let arrayCount: UInt32 = try reader.read(or: corrupt("truncated array table"))
        var arrays: [String: [Float]] = [:]
        for _ in 0..<arrayCount {
            let nameLength: UInt16 = try reader.read(or: corrupt("truncated array name"))
            let name = String(decoding: try reader.take(Int(nameLength), or: corrupt("truncated array name")), as: UTF8.self)
            let count: UInt64 = try reader.read(or: corrupt("truncated array '\(name)'"))
            guard count <= UInt64(reader.remaining / 4) else { throw corrupt("array '\(name)' runs past the end of the file") }
            let raw = try reader.take(Int(count) * 4, or: corrupt("truncated array '\(name)'"))
            var values = [Float](repeating: 0, count: Int(count))
            raw.withUnsafeBytes { src in
                for i in 0..<Int(count) {
                    values[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            }
            guard arrays[name] == nil else { throw corrupt("array '\(name)' appears more than once") }
            arrays[name] = values
        }
        guard reader.remaining == 0 else { throw corrupt("\(reader.remaining) unexpected bytes before the checksum") }
        return try assemble(header: header, arrays: arrays, shapes: nil, path: path)
    }

    /// The checkpoint from its header and named arrays (`param.V`, `opt1.V`, …), every array
    /// checked against the configuration (and its shape, when the file gives shapes).
    static func assemble(header: Header, arrays: [String: [Float]], shapes: [String: [Int]]?, path: String) throws -> Checkpoint {
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, reason: reason) }
        // Rebuild and check every shape against the configuration.
        let config = header.config
        let network: ResNetConfiguration
        do {
            network = try config.networkConfiguration(features: header.network.inputDimension, classes: header.network.outputDimension)
        } catch { throw corrupt("invalid configuration: \(error)") }
        var parameters = ResNetParameters<Float>(zeros: network, hasBias: header.hasBias)
        var optimizer = OptimizerState(settings: config.optimizer, for: parameters)
        optimizer.step = header.optimizerStep
        var used: Set<String> = []
        func fill(_ prefix: String, _ target: inout ResNetParameters<Float>) throws {
            try target.forEachArray { name, a in
                if a.isEmpty { return }
                guard let values = arrays["\(prefix).\(name)"] else { throw corrupt("array '\(prefix).\(name)' is missing") }
                used.insert("\(prefix).\(name)")
                guard values.count == a.count else {
                    throw corrupt("array '\(prefix).\(name)' has \(values.count) values, the configuration needs \(a.count)")
                }
                let expected = ModelWeights.shape(name, network)
                if let shape = shapes?["\(prefix).\(name)"], shape != expected {
                    throw corrupt("array '\(prefix).\(name)' has shape \(shape), the configuration needs \(expected)")
                }
                a = values
            }
        }
        try fill("param", &parameters)
        try fill("opt1", &optimizer.first)
        try fill("opt2", &optimizer.second)
        if let unknown = arrays.keys.filter({ !used.contains($0) }).sorted().first {
            throw corrupt("unknown array '\(unknown)' (not part of this configuration)")
        }
        var history = header.history
        guard header.historyBits.count == history.count else { throw corrupt("history and its bit patterns differ in length") }
        for (i, b) in header.historyBits.enumerated() {
            guard b.count == 6 else { throw corrupt("bad history bit patterns") }
            history[i].learningRate = Double(bitPattern: b[0])
            history[i].trainLoss = Double(bitPattern: b[1])
            history[i].trainAccuracy = Double(bitPattern: b[2])
            history[i].testLoss = Double(bitPattern: b[3])
            history[i].testAccuracy = Double(bitPattern: b[4])
            history[i].seconds = Double(bitPattern: b[5])
        }
        guard header.completedEpochs == history.count else { throw corrupt("epoch count and history disagree") }
        var checkpoint = Checkpoint(configuration: config, parameters: parameters, optimizer: optimizer,
                                    completedEpochs: header.completedEpochs, history: history, divergence: header.divergence,
                                    initialEvaluation: header.initialEvaluation, initialRegularity: header.initialRegularity)
        checkpoint.dataFingerprint = header.dataFingerprint
        checkpoint.path = path
        return checkpoint
    }

    init(configuration: TrainingConfiguration, parameters: ResNetParameters<Float>, optimizer: OptimizerState<Float>,
         completedEpochs: Int, history: [EpochMetrics], divergence: Divergence?, initialEvaluation: Evaluation?,
         initialRegularity: [String: RegularityStatistics]) {
        self.configuration = configuration
        self.parameters = parameters
        self.optimizer = optimizer
        self.completedEpochs = completedEpochs
        self.history = history
        self.divergence = divergence
        self.initialEvaluation = initialEvaluation
        self.initialRegularity = initialRegularity
        dataFingerprint = nil
        path = nil
    }
}

/// Sequential little-endian reads with bounds checks.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    var end: Int

    init(bytes: [UInt8], offset: Int) {
        self.bytes = bytes
        self.offset = offset
        end = bytes.count
    }

    var remaining: Int { end - offset }

    mutating func read<I: FixedWidthInteger>(or error: @autoclosure () -> Error) throws -> I {
        let size = MemoryLayout<I>.size
        guard remaining >= size else { throw error() }
        var value: I = 0
        for i in 0..<size { value |= I(bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }

    mutating func take(_ count: Int, or error: @autoclosure () -> Error) throws -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw error() }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
}
