import ArgumentParser
import ResNetScaling

/// Parsers for option values, each throwing an error that says what is accepted; the
/// argument parser prefixes it with the flag and the offending value.
enum OptionParsing {
    static func positiveInt(_ text: String) throws -> Int {
        guard let value = Int(text), value >= 1 else {
            throw ValidationError("expected a positive integer")
        }
        return value
    }

    static func seed(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else {
            throw ValidationError("expected an integer from 0 to \(UInt64.max)")
        }
        return value
    }

    static func model(_ text: String) throws -> ResidualVariant {
        do { return try ResidualVariant(parsing: text) } catch { throw ValidationError("accepted: res1, res2, res3") }
    }

    static func activation(_ text: String) throws -> Activation {
        do { return try Activation(parsing: text) } catch { throw ValidationError("accepted: \(Activation.accepted)") }
    }

    static func initialization(_ text: String) throws -> Initialization {
        do { return try Initialization(parsing: text) } catch { throw ValidationError("accepted: \(Initialization.accepted)") }
    }

    static func depthAxis(_ text: String) throws -> [Int] {
        do { return try AxisParser.positiveIntegers(text, flag: "depth") } catch let e as ConfigurationError {
            throw ValidationError(e.message)
        }
    }

    static func realAxis(_ text: String) throws -> [Double] {
        do { return try AxisParser.values(text, flag: "") } catch let e as ConfigurationError {
            throw ValidationError(e.message)
        }
    }
}

/// Help texts shared by the commands that take the same option.
enum OptionHelp {
    static let model = ArgumentHelp("Residual branch: res1 = V σ(h), res2 = σ(V h), res3 = V σ(W h).", valueName: "res1|res2|res3")
    static let activation = ArgumentHelp("Nonlinearity σ: \(Activation.accepted).", valueName: "name")
    static let width = ArgumentHelp("Width d of the hidden state.")
}
