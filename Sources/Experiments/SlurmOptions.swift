import Foundation

/// The sbatch options a sweep's jobs are submitted with besides the array itself: the
/// common ones by name (`--account`, `--qos`, `--mem`, `--gres`, `--constraint`) and any
/// other as `KEY=VALUE` (`--sbatch-option`). Each becomes one `#SBATCH` line of both job
/// scripts (the array and the collect job), written by ``SlurmJob``'s one directive
/// function after the checks here.
public struct SlurmOptions: Equatable, Sendable {
    public var account: String?
    public var qos: String?
    /// Memory per node: a whole number with an optional unit K, M, G or T (Slurm's default unit is M).
    public var mem: String?
    public var gres: String?
    public var constraint: String?
    /// Other options, in the order given: `(key, value)`, value nil for a switch like `exclusive`.
    public var extra: [SbatchOption]

    public init(account: String? = nil, qos: String? = nil, mem: String? = nil, gres: String? = nil, constraint: String? = nil,
                extra: [SbatchOption] = []) {
        self.account = account
        self.qos = qos
        self.mem = mem
        self.gres = gres
        self.constraint = constraint
        self.extra = extra
    }

    /// The named options as (sbatch option, value, the flag that gave it).
    var named: [(option: String, value: String, flag: String)] {
        [("account", account), ("qos", qos), ("mem", mem), ("gres", gres), ("constraint", constraint)]
            .compactMap { option, value in value.map { (option, $0, "--" + option) } }
    }

    /// Checks every value; the error names the flag and the value on one line.
    public func validate() throws {
        for (option, value, flag) in named {
            try SlurmJob.checkDirectiveValue(value, flag: flag)
            if option == "mem" { try Self.checkMemory(value) }
        }
        for option in extra { try option.validate() }
    }

    /// Checks a `--mem` value: digits with an optional unit K, M, G or T (either case).
    public static func checkMemory(_ value: String, flag: String = "--mem") throws {
        guard value.range(of: #"^[0-9]+[KMGTkmgt]?$"#, options: .regularExpression) != nil else {
            throw SpecError(source: flag, key: "", "\(value.debugDescription) is not a Slurm memory size " +
                            "(a whole number with an optional unit K, M, G or T, e.g. 8G; 0 asks for all of a node's memory)")
        }
    }
}

/// One `--sbatch-option KEY=VALUE` (or `KEY` for a switch): an sbatch long option without
/// its dashes and its value.
public struct SbatchOption: Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String?

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }

    /// Options the sweep sets itself (array, logs, dependency, name), options that would
    /// make the script not the job (`wrap`) or sbatch not submit it (`test-only`), and the
    /// ones with a flag of their own (say which).
    static let reserved: [String: String] = [
        "array": "the sweep sets the array from --array-size", "output": "the sweep names the log files in DIR/logs",
        "error": "the sweep names the log files in DIR/logs", "input": "a job of the sweep reads no standard input",
        "job-name": "the sweep names its jobs", "dependency": "the sweep makes the collect job depend on the array",
        "kill-on-invalid-dep": "the sweep sets it for the collect job", "parsable": "the sweep submits with it",
        "wrap": "the job is the generated script", "test-only": "it would submit nothing", "chdir": "the scripts use absolute paths",
        "partition": "use --partition", "time": "use --time", "cpus-per-task": "use --cpus-per-task", "account": "use --account",
        "qos": "use --qos", "mem": "use --mem", "gres": "use --gres", "constraint": "use --constraint",
    ]

    /// Parses `KEY=VALUE` or `KEY` (a leading `--` on the key is accepted and dropped).
    public init(parsing text: String, flag: String = "--sbatch-option") throws {
        var key = text, value: String? = nil
        if let eq = text.firstIndex(of: "=") {
            key = String(text[..<eq])
            value = String(text[text.index(after: eq)...])
        }
        if key.hasPrefix("--") { key.removeFirst(2) }
        self.init(key: key, value: value)
        try validate(flag: flag)
    }

    /// Checks the key (lower-case letters, digits and dashes, starting with a letter; not
    /// reserved) and the value (what an `#SBATCH` line can hold: no control character).
    public func validate(flag: String = "--sbatch-option") throws {
        guard key.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
            throw SpecError(source: flag, key: "", "\(description.debugDescription): \(key.debugDescription) is not an sbatch long option " +
                            "(lower-case letters, digits and dashes; give KEY=VALUE, e.g. mail-type=END)")
        }
        if let why = Self.reserved[key] {
            throw SpecError(source: flag, key: "", "\(description.debugDescription): --\(key) cannot be given here: \(why)")
        }
        if let value {
            guard !value.isEmpty else {
                throw SpecError(source: flag, key: "", "\(description.debugDescription): the value is empty (give KEY=VALUE, or KEY alone for a switch)")
            }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw SpecError(source: flag, key: "", "\(description.debugDescription) holds a newline or another control character, " +
                                "which a Slurm job script cannot take")
            }
        }
    }

    /// `KEY=VALUE` or `KEY`.
    public var description: String { value.map { "\(key)=\($0)" } ?? key }
}
