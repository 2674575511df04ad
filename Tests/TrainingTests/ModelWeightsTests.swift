import Foundation
import Persistence
import XCTest
@testable import Training

/// `weights.safetensors` and the checkpoint (format 2) read by parsers independent of the
/// writer: one written here from the format's specification (8-byte little-endian header
/// length, JSON header with dtype/shape/data_offsets, raw little-endian data), and Python's
/// struct/json/NumPy in a subprocess when python3 with NumPy is installed.
final class ModelWeightsTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    let data = (train: TrainingBenchmark.syntheticDataset(count: 96), test: TrainingBenchmark.syntheticDataset(count: 32, seed: 2))

    struct Parsed {
        var tensors: [String: (dtype: String, shape: [Int], values: [Float])]
        var metadata: [String: String]
    }

    /// A minimal safetensors reader from the specification, sharing nothing with the writer.
    func parse(_ file: URL) throws -> Parsed {
        let bytes = [UInt8](try Data(contentsOf: file))
        XCTAssertGreaterThanOrEqual(bytes.count, 8)
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        XCTAssertEqual((8 + n) % 8, 0, "the data starts 8-byte aligned")
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any])
        var result = Parsed(tensors: [:], metadata: header["__metadata__"] as? [String: String] ?? [:])
        var covered = 0
        for (name, entry) in header where name != "__metadata__" {
            let e = try XCTUnwrap(entry as? [String: Any])
            let shape = try XCTUnwrap(e["shape"] as? [Int]), offsets = try XCTUnwrap(e["data_offsets"] as? [Int])
            let dtype = try XCTUnwrap(e["dtype"] as? String)
            XCTAssertEqual(offsets[1] - offsets[0], 4 * shape.reduce(1, *), name)
            covered += offsets[1] - offsets[0]
            let values = stride(from: 8 + n + offsets[0], to: 8 + n + offsets[1], by: 4).map { i in
                Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            }
            result.tensors[name] = (dtype, shape, values)
        }
        XCTAssertEqual(covered, bytes.count - 8 - n, "the tensors tile the data")
        return result
    }

    /// A run writes weights-initial and weights (at initialization, after each epoch) with
    /// the documented names and shapes and the trainer's exact values; the checkpoint holds
    /// the same tensors plus the optimizer's; NumPy reads them the same.
    func testTrainWritesWeightsThatIndependentParsersRead() throws {
        let out = folder.appendingPathComponent("run")
        // res-3 with an fBm initialization: A, V, W, bias and B are all present.
        let config = TrainingConfiguration(model: .res3, width: 5, depth: 4, initialization: .fbm(hurst: 0.7), epochs: 2,
                                           batchSize: 32, seed: 4, weightEntry: WeightEntry(i: 1, j: 2))
        var atStart: Parsed?
        let doc = try TrainingRun.run(config, in: out.path, resume: false, threads: 1, loadData: { self.data },
                                      progress: { p in
            if p.epoch == 1 && p.step == 1 { atStart = try? self.parse(out.appendingPathComponent(ModelWeights.fileName)) }
        })
        let checkpoint = try Checkpoint.read(from: out.appendingPathComponent(Checkpoint.fileName).path)
        let p = checkpoint.parameters
        let (d, L) = (5, 4), nIn = data.train.features, nOut = data.train.classes
        let expected: [String: ([Int], [Float])] = ["A": ([d, nIn], p.inputLayer), "B": ([nOut, d], p.outputLayer), "V": ([L, d, d], p.v),
                                                    "W": ([L, d, d], p.w), "bias": ([L, d], p.bias)]
        let weights = try parse(out.appendingPathComponent(ModelWeights.fileName))
        XCTAssertEqual(Set(weights.tensors.keys), Set(expected.keys))
        for (name, (shape, values)) in expected {
            XCTAssertEqual(weights.tensors[name]?.dtype, "F32")
            XCTAssertEqual(weights.tensors[name]?.shape, shape, name)
            XCTAssertEqual(weights.tensors[name]?.values, values, name)
        }
        XCTAssertEqual(weights.metadata["format"], "resnet-scaling weights")
        XCTAssertEqual(weights.metadata["epoch"], "2")
        // At initialization (before the first step), and the initial file, hold the initial model.
        let initial = try Trainer.initialParameters(config, network: config.networkConfiguration(features: nIn, classes: nOut))
        for parsed in [try XCTUnwrap(atStart), try parse(out.appendingPathComponent(ModelWeights.initialFileName))] {
            XCTAssertEqual(parsed.tensors["V"]?.values, initial.v)
            XCTAssertEqual(parsed.tensors["A"]?.values, initial.inputLayer)
            XCTAssertEqual(parsed.metadata["epoch"], "0")
        }
        // Figure 8's path is V[:, i, j] of these files.
        let v = try XCTUnwrap(weights.tensors["V"]?.values)
        XCTAssertEqual(doc.weightPath?.trained, (0..<L).map { Double(v[$0 * d * d + 1 * d + 2]) })
        XCTAssertEqual(doc.weightPath?.initial, (0..<L).map { Double(initial.v[$0 * d * d + 1 * d + 2]) })
        // The checkpoint: the same tensors, the optimizer's beside them, the bookkeeping in metadata.
        let ck = try parse(out.appendingPathComponent(Checkpoint.fileName))
        for (name, (shape, values)) in expected {
            XCTAssertEqual(ck.tensors[name]?.shape, shape, name)
            XCTAssertEqual(ck.tensors[name]?.values, values, name)
            XCTAssertEqual(ck.tensors["optimizer.first.\(name)"]?.shape, shape, name)
            XCTAssertEqual(ck.tensors["optimizer.second.\(name)"]?.shape, shape, name)  // Adam
        }
        XCTAssertEqual(ck.metadata["format"], "resnet-scaling checkpoint")
        XCTAssertEqual(ck.metadata["version"], "2")
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data((ck.metadata["header"] ?? "").utf8)) as? [String: Any])
        XCTAssertEqual(header["completed_epochs"] as? Int, 2)
        try checkWithNumPy(out.appendingPathComponent(ModelWeights.fileName), expected: expected)
    }

    /// When python3 with NumPy is installed: its struct/json/frombuffer read the same shapes and values.
    func checkWithNumPy(_ file: URL, expected: [String: ([Int], [Float])]) throws {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else { return }
        let script = """
        import json, struct, sys
        import numpy as np
        raw = open(sys.argv[1], 'rb').read()
        (n,) = struct.unpack('<Q', raw[:8])
        header = json.loads(raw[8:8 + n])
        out = {}
        for name, e in header.items():
            if name == '__metadata__': continue
            b, t = e['data_offsets']
            a = np.frombuffer(raw[8 + n + b:8 + n + t], dtype='<f4').reshape(e['shape'])
            out[name] = {'shape': list(a.shape), 'sum': float(a.astype(np.float64).sum()), 'first': float(a.flat[0])}
        print(json.dumps(out))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return }  // no NumPy: the Swift parser above is the check
        let read = try XCTUnwrap(JSONSerialization.jsonObject(with: output) as? [String: [String: Any]])
        XCTAssertEqual(Set(read.keys), Set(expected.keys))
        for (name, (shape, values)) in expected {
            XCTAssertEqual(read[name]?["shape"] as? [Int], shape, name)
            XCTAssertEqual(read[name]?["first"] as? Double, Double(values[0]), name)
            XCTAssertEqual(read[name]?["sum"] as? Double ?? .nan, values.reduce(0) { $0 + Double($1) }, accuracy: 1e-9, name)
        }
    }

    /// Checkpoints: version 2 round-trips; damage, another version, a missing or misshapen
    /// tensor are refused naming the file; version 1 files are still read.
    func testCheckpointFormatTwo() throws {
        let trainer = try Trainer(configuration: TrainingConfiguration(model: .res3, width: 4, depth: 3, epochs: 1, batchSize: 32),
                                  train: data.train, test: data.test)
        _ = trainer.runEpoch()
        let checkpoint = Checkpoint(trainer: trainer)
        let data = try checkpoint.encoded()
        let decoded = try Checkpoint.decode(data)
        XCTAssertEqual(decoded.parameters, trainer.parameters)
        XCTAssertEqual(decoded.optimizer, trainer.optimizer)
        XCTAssertEqual(decoded.history, trainer.history)
        XCTAssertEqual(try Checkpoint.decode(try checkpoint.encodedVersion1()).parameters, trainer.parameters)
        func fails(_ d: Data, _ fragment: String, line: UInt = #line) {
            XCTAssertThrowsError(try Checkpoint.decode(d, path: "ck.bin"), line: line) {
                XCTAssertTrue("\($0)".contains(fragment) && "\($0)".contains("ck.bin"), "\($0)", line: line)
            }
        }
        var flipped = data
        flipped[data.count - 3] ^= 1
        fails(flipped, "checksum")
        fails(data.prefix(data.count - 8), "not a ResNetScaling checkpoint")
        let p = trainer.parameters, c = p.configuration
        func file(_ tensors: [(String, FloatTensor)], version: String = "2") throws -> Data {
            var crc: UInt32 = 0
            for (_, t) in tensors {
                var le = t.values.map { $0.bitPattern.littleEndian }
                crc = le.withUnsafeMutableBytes { Gzip.crc32(UnsafeRawBufferPointer($0), continuing: crc) }
            }
            let header = String(decoding: try TrainingJSON.encoder(pretty: false).encode(checkpoint.header), as: UTF8.self)
            return try SafeTensors.encode(tensors.map { (name: $0.0, tensor: $0.1) },
                                          metadata: ["format": "resnet-scaling checkpoint", "version": version, "header": header,
                                                     "crc32": String(crc)])
        }
        var all: [(String, FloatTensor)] = []
        var q = p, m = trainer.optimizer.first, v = trainer.optimizer.second
        q.forEachArray { name, a in all.append((name, FloatTensor(shape: ModelWeights.shape(name, c), values: a))) }
        m.forEachArray { name, a in all.append(("optimizer.first.\(name)", FloatTensor(shape: ModelWeights.shape(name, c), values: a))) }
        v.forEachArray { name, a in all.append(("optimizer.second.\(name)", FloatTensor(shape: ModelWeights.shape(name, c), values: a))) }
        XCTAssertEqual(try Checkpoint.decode(try file(all)).parameters, p, "the test's own file is valid")
        fails(try file(all, version: "3"), "format version 3 is not supported (this build reads versions 1 and 2)")
        fails(try file(all.filter { $0.0 != "W" }), "array 'param.W' is missing")
        fails(try file(all.map { $0.0 == "V" ? ($0.0, FloatTensor(shape: [c.depth * c.width, c.width], values: $0.1.values)) : $0 }),
              "has shape [\(c.depth * c.width), \(c.width)]")
        fails(try file(all + [("X", FloatTensor(shape: [1], values: [0]))]), "unknown array 'param.X'")
    }

    /// The format's own reader refuses malformed files with a reason.
    func testSafeTensorsReaderRefusesMalformedFiles() throws {
        let good = try SafeTensors.encode([(name: "a", tensor: FloatTensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))], metadata: ["k": "v"])
        let read = try SafeTensors.decode(good)
        XCTAssertEqual(read.tensors["a"], FloatTensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
        XCTAssertEqual(read.metadata, ["k": "v"])
        func refuses(_ json: String, dataBytes: Int, _ fragment: String, line: UInt = #line) {
            var header = Data(json.utf8)
            while header.count % 8 != 0 { header.append(0x20) }
            var d = Data((0..<8).map { UInt8((header.count >> (8 * $0)) & 0xFF) })
            d.append(header)
            d.append(Data(count: dataBytes))
            XCTAssertThrowsError(try SafeTensors.decode(d), line: line) { XCTAssertTrue("\($0)".contains(fragment), "\($0)", line: line) }
        }
        refuses(#"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, dataBytes: 2, "dtype F16")
        refuses(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, dataBytes: 4, "does not match")
        refuses(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 8, "belong to no tensor")
        refuses(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                dataBytes: 4, "overlap")
        refuses(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#, dataBytes: 4, "outside")
        refuses(#"[1]"#, dataBytes: 0, "not a JSON object")
        XCTAssertThrowsError(try SafeTensors.decode(Data([1, 0, 0, 0, 0, 0, 0, 0x10])))
    }
}
