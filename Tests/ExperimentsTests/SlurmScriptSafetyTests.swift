import Experiments
import Foundation
import Support
import XCTest

/// Generated job scripts run exactly the intended commands whatever the values hold: the
/// scripts are run under bash with stub programs (`sbatch`, the tool) that log the argv they
/// get, NUL-separated, and the test checks that argv byte for byte and that no injected
/// command ran (no file named `pwned…` appears anywhere).
final class SlurmScriptSafetyTests: XCTestCase {
    var directory: URL!
    var stubs: URL!
    var argvLog: URL { directory.appendingPathComponent("argv.log") }

    /// Values an attacker (or an unlucky file name) could hold.
    static let hostile: [String] = [
        "a\nb", "it's", "''", "'", "\"", "$(touch pwned-1)", "`touch pwned-2`", "; touch pwned-3", "x\ntouch pwned-4\n",
        "'; touch pwned-5; '", "\"; touch pwned-6; \"", "\\", "\\'", "$HOME", "${PATH}", "!!", "*", "~", "-n", "",
        "\t\r\u{0B}\u{0C}", "#SBATCH --partition=evil", "\n#SBATCH --wrap=touch pwned-7\n", "é ü 日本 🚀", "%A %a %%",
        "\u{1B}[31mred", "a b  c", "$'\\n'", "|| touch pwned-8", "&& touch pwned-9 &", "> pwned-10", "< /etc/passwd",
    ]

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-safety-\(UUID().uuidString)")
        stubs = directory.appendingPathComponent("stubs")
        try FileManager.default.createDirectory(at: stubs, withIntermediateDirectories: true)
        try stub(at: stubs.appendingPathComponent("sbatch"), output: "4242")
        try stub(at: stubs.appendingPathComponent("srun"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// A program that appends its argv (count, then each argument, NUL-terminated) to
    /// $ARGV_LOG, prints `output`, and fails when its first argument is $STUB_FAIL.
    func stub(at url: URL, output: String = "") throws {
        let script = """
        #!/bin/bash
        { printf '%d\\0' "$(( $# + 1 ))"; printf '%s\\0' "$0" "$@"; } >> "$ARGV_LOG"
        if [ -n "${STUB_FAIL:-}" ] && [ "${1:-}" = "$STUB_FAIL" ]; then echo "stub: $1 failed on purpose" >&2; exit 1; fi
        printf '%s' '\(output)'
        [ -z '\(output)' ] || echo

        """
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(script.utf8).write(to: url)
        XCTAssertEqual(chmod(url.path, 0o755), 0)
    }

    /// The invocations logged so far: each an argv of raw bytes.
    func invocations() throws -> [[[UInt8]]] {
        guard let data = FileManager.default.contents(atPath: argvLog.path) else { return [] }
        var fields = data.split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
        XCTAssertEqual(fields.last, [], "the log ends with a NUL")
        fields.removeLast()
        var result: [[[UInt8]]] = []
        var i = 0
        while i < fields.count {
            let n = try XCTUnwrap(Int(String(decoding: fields[i], as: UTF8.self)))
            result.append(Array(fields[(i + 1)...(i + n)]))
            i += n + 1
        }
        return result
    }

    /// Runs bash on a script file in `directory` with the stubs first on PATH.
    @discardableResult
    func bash(_ script: URL, environment extra: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = stubs.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["ARGV_LOG"] = argvLog.path
        environment.merge(extra) { $1 }
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    /// Every file under `directory` whose name starts with `pwned` (what the injected
    /// commands would create; the test's own folders only contain the word).
    func injected() -> [String] {
        let all = FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []
        return all.filter { ($0 as NSString).lastPathComponent.hasPrefix("pwned") }
    }

    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    // MARK: The quoting function

    func testQuoteKnownAnswers() throws {
        XCTAssertEqual(try ShellQuoting.quote("abc"), "'abc'")
        XCTAssertEqual(try ShellQuoting.quote(""), "''")
        XCTAssertEqual(try ShellQuoting.quote("it's"), "'it'\\''s'")
        XCTAssertEqual(try ShellQuoting.quote("a\nb"), "'a\nb'")
        XCTAssertEqual(try ShellQuoting.quote(bytes: [0x61, 0xFF, 0x27]), [0x27, 0x61, 0xFF] + bytes("'\\''") + [0x27])
        XCTAssertThrowsError(try ShellQuoting.quote("a\u{0}b")) { XCTAssertTrue("\($0)".contains("NUL"), "\($0)") }
    }

    /// Every hostile value, and byte strings that are not UTF-8, reach the program as the
    /// exact bytes under bash.
    func testAnyByteStringRoundTripsThroughBash() throws {
        var values = Self.hostile.map(bytes)
        values += [[0xFF], [0xC3], [0x80, 0x27, 0xFE], [0xE6, 0x97], bytes("x") + [0xFF, 0x0A, 0x27] + bytes("$(touch pwned-11)")]
        values.append((1...255).map { UInt8($0) })  // every byte but NUL
        var script = Array("#!/bin/bash\nset -eu\n".utf8)
        for value in values {
            script += bytes("srun ") + (try ShellQuoting.quote(bytes: value)) + bytes(" tail\n")
        }
        let url = directory.appendingPathComponent("roundtrip.sh")
        try Data(script).write(to: url)
        let run = try bash(url)
        XCTAssertEqual(run.status, 0, run.stderr)
        let logged = try invocations()
        XCTAssertEqual(logged.count, values.count)
        for (value, argv) in zip(values, logged) {
            XCTAssertEqual(argv.dropFirst().map { $0 }, [value, bytes("tail")], "value \(value)")
        }
        XCTAssertEqual(injected(), [])
    }

    // MARK: The generated scripts

    /// A job whose every path and override is hostile, with the tool a stub in a hostile folder.
    func hostileJob(results: String? = nil) throws -> SlurmJob {
        // Slurm cannot name log files under a backslash (see `SlurmJob.checkResultsFolder`):
        // the results path has every other hostile character.
        let odd = "d\n$(touch pwned-a)`touch pwned-b`;touch pwned-c 'q' \"dq\" %A"
        let bin = directory.appendingPathComponent("bin \(odd) \\")
        let executable = bin.appendingPathComponent("resnet-scaling")
        try stub(at: executable)
        let results = results ?? directory.appendingPathComponent("results \(odd)").path
        let spec = directory.appendingPathComponent("spec\n$(touch pwned-d)\\.yaml").path
        return SlurmJob(executable: executable.path, spec: spec, results: results,
                        overrides: Self.hostile.map { "data-dir=" + $0 }, arraySize: 3, partition: "debug", time: "1-00:30",
                        cpusPerTask: 4, workers: 2, retryFailed: true, name: "sweep-spec\n$(touch pwned-e)\r#SBATCH --wrap=x",
                        options: SlurmOptions(account: "x", qos: "high", mem: "8G", gres: "gpu:1", constraint: "avx2&ib",
                                              extra: [SbatchOption(key: "mail-user", value: "a b\"; touch pwned-f #"),
                                                      SbatchOption(key: "exclusive", value: nil)]))
    }

    /// The lines bash and sbatch read as directives and comments: everything before the first
    /// command must be one `#` line each, and no directive may come from a value.
    func checkHeader(_ script: String, file: StaticString = #filePath, line: UInt = #line) {
        let lines = script.components(separatedBy: "\n")
        let commands = lines.firstIndex(of: "set -euo pipefail") ?? lines.count
        XCTAssertLessThan(commands, lines.count, "no `set -euo pipefail`", file: file, line: line)
        for l in lines[1..<commands] {
            XCTAssertTrue(l.hasPrefix("#"), "a non-comment line before the commands: \(l.debugDescription)", file: file, line: line)
            if l.hasPrefix("#SBATCH") {
                XCTAssertTrue(l.hasPrefix("#SBATCH --job-name=") || l.hasPrefix("#SBATCH --array=") || l.hasPrefix("#SBATCH --output=") ||
                              l.hasPrefix("#SBATCH --partition=\"debug\"") || l.hasPrefix("#SBATCH --time=\"1-00:30\"") ||
                              l.hasPrefix("#SBATCH --cpus-per-task=4") || l == "#SBATCH --account=\"x\"" ||
                              l == "#SBATCH --qos=\"high\"" || l == "#SBATCH --mem=\"8G\"" || l == "#SBATCH --gres=\"gpu:1\"" ||
                              l == "#SBATCH --constraint=\"avx2&ib\"" || l == "#SBATCH --mail-user=\"a b\\\"; touch pwned-f #\"" ||
                              l == "#SBATCH --exclusive", "unexpected directive \(l.debugDescription)", file: file, line: line)
            }
        }
        // The hostile job name is one quoted directive value: no line of its own.
        XCTAssertEqual(lines.filter { $0.hasPrefix("#SBATCH --job-name=") }.count, 1, file: file, line: line)
    }

    func testArrayScriptRunsExactlyTheSweepCommand() throws {
        let job = try hostileJob()
        try job.writeScripts()
        let script = try job.arrayScript
        checkHeader(script)
        XCTAssertFalse(job.logsInDirectives, "a newline in the results path keeps it out of the directives")
        let run = try bash(URL(fileURLWithPath: job.arrayScriptPath), environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_CPUS_PER_TASK": "4"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let logged = try invocations()
        XCTAssertEqual(logged.count, 1)
        var expected = [job.executable, "sweep", job.spec, "--results", job.results, "--shard", "1/3", "--workers", "2",
                        "--threads", "2", "--retry-failed"]
        for o in job.overrides { expected += ["--set", o] }
        XCTAssertEqual(logged.first, expected.map(bytes))
        XCTAssertEqual(injected(), [])
    }

    /// The collect job runs collect, then plot; a failing plot leaves a note and the job succeeds.
    func testCollectScriptRunsCollectThenPlotAndSurvivesAFailedFigure() throws {
        let job = try hostileJob()
        try job.writeScripts()
        checkHeader(try job.collectScript)
        for plotFails in [false, true] {
            try? FileManager.default.removeItem(at: argvLog)
            let run = try bash(URL(fileURLWithPath: job.collectScriptPath), environment: plotFails ? ["STUB_FAIL": "plot"] : [:])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(try invocations(), [[job.executable, "collect", job.results, "--out", job.tablePath],
                                               [job.executable, "plot", job.results, "--out", job.figurePath]].map { $0.map(bytes) })
            XCTAssertEqual(run.stderr.contains("note: no figure drawn"), plotFails, run.stderr)
        }
        // A failing collect fails the job.
        try? FileManager.default.removeItem(at: argvLog)
        let failed = try bash(URL(fileURLWithPath: job.collectScriptPath), environment: ["STUB_FAIL": "collect"])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertEqual(try invocations().count, 1)
        XCTAssertEqual(injected(), [])
    }

    /// `submit()` and the printed submit commands give sbatch the log file on its command line
    /// when the results path cannot be written in a directive; the argv is exact.
    func testSubmissionArgumentsAreExact() throws {
        let job = try hostileJob()
        try job.writeScripts()
        let logs = job.logsDirectory.replacingOccurrences(of: "%", with: "%%")
        let arrayArgs = ["--parsable", "--output=\(logs)/shard-%A_%a.out", job.arrayScriptPath]
        let collectArgs = ["--parsable", "--dependency=afterok:4242", "--kill-on-invalid-dep=yes", "--output=\(logs)/collect.out",
                           job.collectScriptPath]
        // The printed commands, run by bash.
        let url = directory.appendingPathComponent("submit.sh")
        try Data(("#!/bin/bash\nset -eu\n" + (try job.submitCommands).joined(separator: "\n") + "\n").utf8).write(to: url)
        let run = try bash(url)
        XCTAssertEqual(run.status, 0, run.stderr)
        let sbatch = stubs.appendingPathComponent("sbatch").path
        XCTAssertEqual(try invocations(), [[sbatch] + arrayArgs, [sbatch] + collectArgs].map { $0.map(bytes) })
        // submit() itself (sbatch found on PATH).
        try FileManager.default.removeItem(at: argvLog)
        let oldPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        setenv("PATH", stubs.path + ":" + oldPath, 1)
        setenv("ARGV_LOG", argvLog.path, 1)
        defer { setenv("PATH", oldPath, 1); unsetenv("ARGV_LOG") }
        let ids = try job.submit()
        XCTAssertEqual(ids.array, "4242")
        XCTAssertEqual(ids.collect, "4242")
        XCTAssertEqual(try invocations().map { Array($0.dropFirst()) }, [arrayArgs, collectArgs].map { $0.map(bytes) })
        XCTAssertEqual(injected(), [])
    }

    /// An ordinary results path stays in the directives, and nothing goes on sbatch's command line.
    func testOrdinaryPathsStayInDirectives() throws {
        let job = try hostileJob(results: directory.appendingPathComponent("results 100% \"q\"").path)
        XCTAssertTrue(job.logsInDirectives)
        let script = try job.arrayScript
        XCTAssertTrue(script.contains("#SBATCH --output=\""), script)
        let quoted = try ShellQuoting.quote(job.arrayScriptPath)
        XCTAssertEqual(try job.submitCommands[0], "ARRAY=$(sbatch --parsable \(quoted))")
    }

    /// Values Slurm cannot take in a directive are refused with the flag and the value shown
    /// on one line, and no script is written.
    func testControlCharactersInDirectiveValuesAreRefused() throws {
        for (partition, time) in [("debug\ntouch pwned", "01:00:00"), ("debug", "01:00:00\ntouch pwned"), ("de\rbug", "10"),
                                  ("a b", "10"), ("", "10"), ("debug", "soon"), ("debug", "1:2:3:4")] {
            var job = try hostileJob()
            job.partition = partition
            job.time = time
            XCTAssertThrowsError(try job.writeScripts()) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix(partition == "debug" ? "--time: " : "--partition: "), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: job.arrayScriptPath))
            XCTAssertFalse(FileManager.default.fileExists(atPath: job.collectScriptPath))
        }
        for good in ["10", "10:00", "01:00:00", "2-12", "2-12:30", "2-12:30:00", "UNLIMITED", "infinite"] {
            XCTAssertNoThrow(try SlurmJob.checkTime(good), good)
        }
    }

    /// Every sbatch option reaches both scripts as one directive line each; values a directive
    /// cannot hold, malformed sizes and reserved or malformed keys are refused with the flag
    /// named, on one line, and no script is written.
    func testSbatchOptionsAreWrittenOnceInBothScriptsOrRefused() throws {
        let job = try hostileJob(results: directory.appendingPathComponent("plain").path)
        for script in [try job.arrayScript, try job.collectScript] {
            checkHeader(script)
            let lines = script.components(separatedBy: "\n")
            for expected in ["#SBATCH --account=\"x\"", "#SBATCH --qos=\"high\"", "#SBATCH --mem=\"8G\"", "#SBATCH --gres=\"gpu:1\"",
                             "#SBATCH --constraint=\"avx2&ib\"", "#SBATCH --exclusive"] {
                XCTAssertEqual(lines.filter { $0 == expected }.count, 1, "\(expected) in\n\(script)")
            }
        }
        let refused: [(SlurmOptions, String)] = [
            (SlurmOptions(account: "a\nb"), "--account: "), (SlurmOptions(qos: "a b"), "--qos: "), (SlurmOptions(mem: "8 GB"), "--mem: "),
            (SlurmOptions(mem: "8GB"), "--mem: "), (SlurmOptions(mem: "-1"), "--mem: "), (SlurmOptions(gres: ""), "--gres: "),
            (SlurmOptions(constraint: "x\r#SBATCH --wrap=y"), "--constraint: "),
            (SlurmOptions(extra: [SbatchOption(key: "mail-type", value: "END\ntouch pwned")]), "--sbatch-option: "),
            (SlurmOptions(extra: [SbatchOption(key: "wrap", value: "touch pwned")]), "--sbatch-option: "),
            (SlurmOptions(extra: [SbatchOption(key: "Bad Key", value: "1")]), "--sbatch-option: "),
        ]
        for (options, prefix) in refused {
            var bad = try hostileJob()
            bad.options = options
            XCTAssertThrowsError(try bad.writeScripts()) { error in
                XCTAssertTrue("\(error)".hasPrefix(prefix), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: bad.arrayScriptPath))
        }
        for good in ["8G", "8000", "512m", "1T", "0"] { XCTAssertNoThrow(try SlurmOptions.checkMemory(good), good) }
        XCTAssertEqual(try SbatchOption(parsing: "mail-type=END,FAIL"), SbatchOption(key: "mail-type", value: "END,FAIL"))
        XCTAssertEqual(try SbatchOption(parsing: "--exclusive"), SbatchOption(key: "exclusive", value: nil))
        XCTAssertEqual(try SbatchOption(parsing: "comment=a=b c"), SbatchOption(key: "comment", value: "a=b c"))
        for (text, reason) in [("account=x", "use --account"), ("array=0-3", "--array-size"), ("output=/tmp/x", "log files"),
                               ("x=", "the value is empty"), ("=x", "not an sbatch long option"), ("dependency=afterok:1", "depend")] {
            XCTAssertThrowsError(try SbatchOption(parsing: text), text) { XCTAssertTrue("\($0)".contains(reason), "\($0)") }
        }
    }

    /// The scripts' program is a copy in DIR/bin named by version and content: installed
    /// atomically, reused by a second submission of the same build, a new copy beside it for
    /// another build, a damaged copy refreshed, anything but a regular file refused.
    func testExecutableIsCopiedIntoTheResultsFolder() throws {
        let results = directory.appendingPathComponent("results").path
        let source = directory.appendingPathComponent("tool")
        try stub(at: source, output: "v1")
        let version = ToolVersion(package: "1.2.3", revision: "0123456789ab")
        let first = try SlurmExecutable.install(source.path, results: results, version: version)
        XCTAssertFalse(first.reused)
        let bytes = try Data(contentsOf: source)
        let name = (first.path as NSString).lastPathComponent
        XCTAssertEqual((first.path as NSString).deletingLastPathComponent, results + "/bin")
        XCTAssertTrue(name.range(of: "^resnet-scaling-1\\.2\\.3-0123456789ab-[0-9a-f]{12}$", options: .regularExpression) != nil, name)
        XCTAssertEqual(FileManager.default.contents(atPath: first.path), bytes)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: first.path))
        let again = try SlurmExecutable.install(source.path, results: results, version: version)
        XCTAssertEqual(again.path, first.path)
        XCTAssertTrue(again.reused)
        // A rebuild: its own copy beside the first, which stays for the jobs queued with it.
        try stub(at: source, output: "v2")
        let rebuilt = try SlurmExecutable.install(source.path, results: results, version: version)
        XCTAssertNotEqual(rebuilt.path, first.path)
        XCTAssertFalse(rebuilt.reused)
        XCTAssertEqual(FileManager.default.contents(atPath: first.path), bytes)
        // A damaged copy is replaced; a folder in the way is refused.
        try Data("damaged".utf8).write(to: URL(fileURLWithPath: rebuilt.path))
        let repaired = try SlurmExecutable.install(source.path, results: results, version: version)
        XCTAssertFalse(repaired.reused)
        XCTAssertEqual(FileManager.default.contents(atPath: rebuilt.path), try Data(contentsOf: source))
        try FileManager.default.removeItem(atPath: rebuilt.path)
        try FileManager.default.createDirectory(atPath: rebuilt.path, withIntermediateDirectories: false)
        XCTAssertThrowsError(try SlurmExecutable.install(source.path, results: results, version: version)) {
            XCTAssertTrue("\($0)".contains("is not a regular file"), "\($0)")
        }
    }

    /// The real tool: the options on its command line reach both scripts, the scripts call
    /// the copy in DIR/bin, a second run reuses it; a bad option stops before any file.
    func testCommandLineSbatchOptionsAndProgramCopy() throws {
        let spec = directory.appendingPathComponent("s.yaml")
        try "command: simulate\nsettings:\n  width: 4\naxes:\n  beta: [0.5, 1]\n".write(to: spec, atomically: true, encoding: .utf8)
        let results = directory.appendingPathComponent("r").path
        let args = ["sweep", spec.path, "--results", results, "--slurm", "--account", "x", "--mem", "8G", "--gres", "gpu:1",
                    "--qos", "normal", "--constraint", "avx2", "--sbatch-option", "mail-type=END", "--sbatch-option", "exclusive"]
        let r = try Tool.run(args, in: directory)
        XCTAssertEqual(r.status, 0, r.output)
        let bin = try FileManager.default.contentsOfDirectory(atPath: results + "/bin")
        XCTAssertEqual(bin.count, 1)
        let copy = results + "/bin/" + bin[0]
        XCTAssertTrue(bin[0].hasPrefix("resnet-scaling-\(ToolVersion.packageVersion)-"), bin[0])
        XCTAssertEqual(FileManager.default.contents(atPath: copy), FileManager.default.contents(atPath: Tool.executable.path))
        XCTAssertTrue(r.output.contains("program: \(copy) (copied)"), r.output)
        for name in ["array.sbatch", "collect.sbatch"] {
            let script = try String(contentsOfFile: results + "/slurm/" + name, encoding: .utf8)
            for line in ["#SBATCH --account=\"x\"", "#SBATCH --mem=\"8G\"", "#SBATCH --gres=\"gpu:1\"", "#SBATCH --qos=\"normal\"",
                         "#SBATCH --constraint=\"avx2\"", "#SBATCH --mail-type=\"END\"", "#SBATCH --exclusive"] {
                XCTAssertTrue(script.contains("\n" + line + "\n"), "\(line) in \(script)")
            }
            XCTAssertTrue(script.contains("\n" + (try ShellQuoting.quote(copy)) + " "), script)
            XCTAssertFalse(script.contains(Tool.executable.path), script)
        }
        let second = try Tool.run(args, in: directory)
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.output.contains("program: \(copy) (the copy made by an earlier submission)"), second.output)
        // Refused before anything is created.
        let other = directory.appendingPathComponent("r2").path
        for flag in [["--mem", "8GB"], ["--account", "a\nb"], ["--sbatch-option", "wrap=touch pwned"], ["--sbatch-option", "time=10"]] {
            let bad = try Tool.run(["sweep", spec.path, "--results", other, "--slurm"] + flag, in: directory)
            XCTAssertEqual(bad.status, 64, bad.output)
            XCTAssertTrue(bad.output.contains("error: \(flag[0]): "), bad.output)
            XCTAssertFalse(FileManager.default.fileExists(atPath: other))
        }
        let noSlurm = try Tool.run(["sweep", spec.path, "--results", other, "--account", "x"], in: directory)
        XCTAssertEqual(noSlurm.status, 64, noSlurm.output)
        XCTAssertTrue(noSlurm.output.contains("need --slurm"), noSlurm.output)
    }

    /// The command line: a newline in --partition or --time is refused before anything is
    /// created; an argument that is not UTF-8 is refused before anything runs.
    func testCommandLineRefusals() throws {
        let spec = directory.appendingPathComponent("s.yaml")
        try "command: simulate\nsettings:\n  width: 4\naxes:\n  beta: [0.5, 1]\n".write(to: spec, atomically: true, encoding: .utf8)
        let results = directory.appendingPathComponent("r").path
        for flag in [["--partition", "debug\ntouch pwned"], ["--time", "01:00:00\ntouch pwned"]] {
            let r = try Tool.run(["sweep", spec.path, "--results", results, "--slurm"] + flag, in: directory)
            XCTAssertEqual(r.status, 64, r.output)
            XCTAssertTrue(r.output.contains("\(flag[0]): \"\(flag[1].replacingOccurrences(of: "\n", with: "\\n"))\" holds a newline"), r.output)
            XCTAssertEqual(r.output.split(separator: "\n").filter { $0.hasPrefix("error:") }.count, 1, r.output)
            XCTAssertFalse(FileManager.default.fileExists(atPath: results))
        }
        let backslash = try Tool.run(["sweep", spec.path, "--results", results + "\\x", "--slurm"], in: directory)
        XCTAssertEqual(backslash.status, 64, backslash.output)
        XCTAssertTrue(backslash.output.contains("its path holds a backslash"), backslash.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: results + "\\x"))
        // bash's $'…' gives the tool a results path with a byte that is not UTF-8.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "\"$0\" sweep \"$1\" --results $'r\\xff' --slurm", Tool.executable.path, spec.path]
        process.currentDirectoryURL = directory
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 64, stderr)
        XCTAssertEqual(stderr, "error: argument 4 (r\\xFF) is not valid UTF-8; file names and values must be UTF-8\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("r") }
        XCTAssertEqual(left, [])
    }

    /// End to end with the real tool: `sweep --slurm` into a results folder whose name holds a
    /// newline, quotes and command substitutions, from a spec with such a name; the array
    /// script (task 0 of 1) and the collect script, run by bash, do the whole sweep.
    func testRealToolWithHostilePaths() throws {
        let odd = "r\n$(touch pwned-x)`touch pwned-y`;'\" 100%"
        let folder = directory.appendingPathComponent("in \(odd)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let spec = folder.appendingPathComponent("spec \(odd)\\.yaml")
        try """
        command: simulate
        settings:
          width: 4
          input-dim: 3
          samples: 2
          inputs: 1
          depth: 5
        axes:
          beta: [0.5, 1]
        """.write(to: spec, atomically: true, encoding: .utf8)
        let results = folder.appendingPathComponent("results \(odd)").path
        let r = try Tool.run(["sweep", spec.path, "--results", results, "--slurm", "--array-size", "1"], in: directory)
        XCTAssertEqual(r.status, 0, r.output)
        let job = URL(fileURLWithPath: results).appendingPathComponent("slurm")
        let array = try bash(job.appendingPathComponent("array.sbatch"), environment: ["SLURM_ARRAY_TASK_ID": "0"])
        XCTAssertEqual(array.status, 0, array.stderr)
        let collect = try bash(job.appendingPathComponent("collect.sbatch"))
        XCTAssertEqual(collect.status, 0, collect.stderr)
        let table = try String(contentsOfFile: (results as NSString).appendingPathComponent("table.csv"), encoding: .utf8)
        XCTAssertEqual(table.split(separator: "\n").count, 1 + 2 * 2, table)
        XCTAssertTrue(FileManager.default.fileExists(atPath: (results as NSString).appendingPathComponent("figure.svg")))
        XCTAssertEqual(injected(), [])
    }
}
