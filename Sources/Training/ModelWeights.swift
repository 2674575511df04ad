import Foundation
import Persistence
import ResNets
import Support

/// The model's weights as a safetensors file that NumPy and PyTorch load directly
/// (`safetensors.numpy.load_file("OUT/weights.safetensors")`), float32, row-major:
///
/// | name | shape | what |
/// | --- | --- | --- |
/// | `A` | [d, n_in] | input layer, h_0 = A x |
/// | `V` | [L, d, d] | `V[k-1]` is V_k (res-1 V σ(h), res-2 σ(V h), res-3 V σ(W h)) |
/// | `W` | [L, d, d] | `W[k-1]` is W_k (res-3 only) |
/// | `bias` | [L, d] | `bias[k-1]` is b_k (models with a residual bias: fBm initializations) |
/// | `B` | [n_out, d] | output layer, F(x) = B h_L |
///
/// `__metadata__`: `format` (`resnet-scaling weights`), `epoch` (epochs trained: 0 at
/// initialization), `config` (the run's settings as JSON) and `tool_version`.
///
/// `train` writes `OUT/weights.safetensors` (the latest: at initialization, then after each
/// epoch) and `OUT/weights-initial.safetensors` (at initialization, once), atomically.
public enum ModelWeights {
    public static let fileName = "weights.safetensors"
    public static let initialFileName = "weights-initial.safetensors"
    static let formatName = "resnet-scaling weights"

    /// The shape of the parameter array `name` (`A`, `B`, `V`, `W`, `bias`) of a network.
    public static func shape(_ name: String, _ c: ResNetConfiguration) -> [Int] {
        switch name {
        case "A": return [c.width, c.inputDimension]
        case "B": return [c.outputDimension, c.width]
        case "bias": return [c.depth, c.width]
        default: return [c.depth, c.width, c.width]
        }
    }

    /// The file's bytes for `parameters` after `epoch` epochs of the run `configuration`.
    public static func encode(_ parameters: ResNetParameters<Float>, configuration: TrainingConfiguration, epoch: Int) throws -> Data {
        var tensors: [(name: String, tensor: FloatTensor)] = []
        var p = parameters
        p.forEachArray { name, a in tensors.append((name, FloatTensor(shape: shape(name, parameters.configuration), values: a))) }
        let config = String(decoding: try TrainingJSON.encoder(pretty: false).encode(configuration), as: UTF8.self)
        return try SafeTensors.encode(tensors, metadata: ["format": formatName, "epoch": String(epoch), "config": config,
                                                          "tool_version": ToolVersion.current.description])
    }

    /// Writes the file atomically (under the output policy of `AtomicFile`).
    public static func write(_ parameters: ResNetParameters<Float>, configuration: TrainingConfiguration, epoch: Int,
                             to path: String) throws {
        try AtomicFile.write(encode(parameters, configuration: configuration, epoch: epoch), to: path)
    }

    /// The tensors of a weights file, by name.
    public static func read(_ path: String) throws -> [String: FloatTensor] {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw SafeTensorsError("\(path): \(error)") }
        do { return try SafeTensors.decode(data).tensors } catch { throw SafeTensorsError("\(path): \(error)") }
    }

    /// V_k[i, j] for k = 1…L from the `V` tensor of a weights file.
    public static func path(_ entry: WeightEntry, in tensors: [String: FloatTensor], file: String) throws -> [Double] {
        guard let v = tensors["V"], v.shape.count == 3 else { throw SafeTensorsError("\(file): no tensor V of shape [L, d, d]") }
        let (depth, rows, columns) = (v.shape[0], v.shape[1], v.shape[2])
        guard entry.i < rows, entry.j < columns else {
            throw SafeTensorsError("\(file): entry \(entry) is outside V's \(rows) × \(columns) matrices")
        }
        return (0..<depth).map { Double(v.values[$0 * rows * columns + entry.i * columns + entry.j]) }
    }
}
