import Foundation
import Persistence
import SignalPropagation
import Support

/// The limit experiments' measurements kept in `DIR/runs/limits/`, so that a finished
/// reproduction started again reads them back instead of running them (they are
/// deterministic: the same spec gives the same numbers). A file that cannot be read, or was
/// measured for another spec, is measured again and replaced.
enum LimitStore {
    struct Stored<Values: Codable>: Codable {
        /// The spec measured (its full description: every field).
        var spec: String
        var values: Values
        var seconds: Double
    }

    struct SDEValues: Codable {
        var strongErrors: [[Double]]
        var normRatios: [[[Double]]]
    }


    static func read<V: Codable>(_ path: String, spec: String) -> Stored<V>? {
        guard let data = FileManager.default.contents(atPath: path),
              let stored = try? NonFiniteJSON.decoder().decode(Stored<V>.self, from: data), stored.spec == spec else { return nil }
        return stored
    }

    /// The SDE limit of `spec`: read from `directory/sde.json`, else run and stored there.
    static func sde(_ spec: SDELimitSpec, threads: Int, directory: String) throws -> SDELimitResult {
        let path = directory + "/sde.json", key = String(describing: spec)
        if let stored: Stored<SDEValues> = read(path, spec: key) {
            return SDELimitResult(spec: spec, strongErrors: stored.values.strongErrors, normRatios: stored.values.normRatios,
                                  seconds: stored.seconds)
        }
        let result = try NeuralSDELimit.run(spec, threads: threads)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stored = Stored(spec: key, values: SDEValues(strongErrors: result.strongErrors, normRatios: result.normRatios),
                            seconds: result.seconds)
        try AtomicFile.write(try NonFiniteJSON.encoder([]).encode(stored), to: path)
        return result
    }

    /// The ODE limit of `spec`: read from `directory/ode.json`, else run and stored there.
    static func ode(_ spec: ODELimitSpec, threads: Int, directory: String) throws -> ODELimitResult {
        let path = directory + "/ode.json", key = String(describing: spec)
        if let stored: Stored<[[Double]]> = read(path, spec: key) {
            return ODELimitResult(spec: spec, errors: stored.values, seconds: stored.seconds)
        }
        let result = try NeuralODELimit.run(spec, threads: threads)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try AtomicFile.write(try NonFiniteJSON.encoder([]).encode(Stored(spec: key, values: result.errors, seconds: result.seconds)), to: path)
        return result
    }
}
