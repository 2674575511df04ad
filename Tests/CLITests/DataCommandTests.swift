import Foundation
import XCTest

/// `data fetch` and `data verify` as a user runs them, against a real HTTP server on the
/// loopback interface serving the real MNIST files of ../shared/data/mnist: a whole download,
/// an interrupted one resumed, a wrong file, a 404, a server that is gone. No test needs the internet.
final class DataCommandTests: XCTestCase {
    static let names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]

    /// ../shared/data/mnist, relative to the package root.
    static let sharedMNIST: String = {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path
    }()

    var directory: URL!
    var mnist: [String: Data] = [:]

    override func setUpWithError() throws {
        guard FileManager.default.fileExists(atPath: Self.sharedMNIST) else {
            throw XCTSkip("MNIST not found in \(Self.sharedMNIST)")
        }
        for name in Self.names {
            mnist["/" + name] = try Data(contentsOf: URL(fileURLWithPath: Self.sharedMNIST).appendingPathComponent(name))
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("data-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func contents(of folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    func testFetchThenVerify() throws {
        let server = try LoopbackHTTPServer(files: mnist)
        defer { server.stop() }
        let out = path("data/mnist")  // the parent does not exist either
        let r = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("MNIST → \(out) (from \(server.baseURL))"), r.stdout)
        XCTAssertTrue(r.stdout.contains("4 of 4 files verified."), r.stdout)
        for name in Self.names {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent(name)), mnist["/" + name], name)
            // The shared copy was recompressed: it is verified by its content, and says so.
            XCTAssertTrue(r.stdout.contains("\(name): "), r.stdout)
        }
        XCTAssertEqual(r.stdout.components(separatedBy: "SHA-256 of the decompressed content matches").count - 1, 8, r.stdout)
        XCTAssertEqual(contents(of: out), [".fetch.lock"] + Self.names.sorted(), "no .part file is left")
        XCTAssertEqual(server.requests.map(\.path), Self.names.map { "/" + $0 })
        XCTAssertTrue(server.requests.allSatisfy { $0.headers["range"] == nil && $0.headers["accept-encoding"] == "identity" })

        let v = try ToolProcess.run(["data", "verify", out])
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertEqual(v.stdout.split(separator: "\n").first.map(String.init), "MNIST in \(out):")
        XCTAssertEqual(v.stdout.split(separator: "\n").filter { $0.hasPrefix("  ok ") }.count, 4, v.stdout)
        XCTAssertTrue(v.stdout.hasSuffix("4 of 4 files verified.\n"), v.stdout)

        // Fetching again downloads nothing: the files are there and verified.
        let again = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("train-images-idx3-ubyte.gz: already present, ok"), again.stdout)
        XCTAssertEqual(server.requests.count, 4)
    }

    /// The connection closes mid-body: the bytes received stay in NAME.part, the final name
    /// stays free, and the next run asks for the rest (Range) and completes.
    func testInterruptedTransferResumesOnTheNextRun() throws {
        let server = try LoopbackHTTPServer(files: mnist)
        defer { server.stop() }
        let name = "train-images-idx3-ubyte.gz"
        let cut = 3_000_000
        server.cut("/" + name, after: cut)
        let out = path("mnist")
        let first = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL, "--retries", "0"])
        XCTAssertNotEqual(first.status, 0)
        let part = (out as NSString).appendingPathComponent(name + ".part")
        XCTAssertEqual(first.errorLines.last.map(String.init),
                       "error: cannot download \(name): \(server.baseURL)\(name): the transfer stopped after 3.0 MB of 9.7 MB " +
                       "(the connection was closed); the 3.0 MB received are kept in \(part): run the same command again to resume")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: part)[.size] as? Int, cut)
        XCTAssertFalse(FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent(name)))

        let second = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("4 of 4 files verified."), second.stdout)
        let resumed = server.requests.filter { $0.path == "/" + name }
        XCTAssertEqual(resumed.map { $0.headers["range"] }, [nil, "bytes=\(cut)-"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent(name)), mnist["/" + name])
        XCTAssertFalse(FileManager.default.fileExists(atPath: part))
        XCTAssertEqual(try ToolProcess.run(["data", "verify", out, "--dataset", "mnist"]).status, 0)
    }

    /// With retries (the default), one run resumes by itself after an interruption.
    func testInterruptedTransferIsResumedWithinOneRun() throws {
        let server = try LoopbackHTTPServer(files: mnist)
        defer { server.stop() }
        let name = "t10k-images-idx3-ubyte.gz"
        server.cut("/" + name, after: 500_000, count: 2)
        let out = path("mnist")
        let r = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.requests.filter { $0.path == "/" + name }.map { $0.headers["range"] },
                       [nil, "bytes=500000-", "bytes=1000000-"])
        XCTAssertTrue(r.stderr.contains("the transfer stopped after 500 kB of 1.6 MB (the connection was closed); retrying"), r.stderr)
        XCTAssertTrue(r.stderr.contains("the transfer stopped after 1.0 MB of 1.6 MB (the connection was closed); retrying"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent(name)), mnist["/" + name])
    }

    /// A partial file that already holds the whole file (a run stopped before the rename): the
    /// server answers 416 to the range after its end, and the file is verified and kept.
    func testCompletePartialFileIsKept() throws {
        let server = try LoopbackHTTPServer(files: mnist)
        defer { server.stop() }
        let out = path("mnist")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let name = "train-labels-idx1-ubyte.gz"
        try mnist["/" + name]!.write(to: URL(fileURLWithPath: out).appendingPathComponent(name + ".part"))
        let r = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.requests.filter { $0.path == "/" + name }.map { $0.headers["range"] }, ["bytes=\(mnist["/" + name]!.count)-"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent(name)), mnist["/" + name])
    }

    /// A server that ignores Range sends the whole file again: the partial file restarts from zero.
    func testServerIgnoringRangeRestartsTheFile() throws {
        let server = try LoopbackHTTPServer(files: mnist)
        defer { server.stop() }
        server.ignoresRange = true
        let out = path("mnist")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let name = "t10k-images-idx3-ubyte.gz"
        try Data(repeating: 0xEE, count: 1000).write(to: URL(fileURLWithPath: out).appendingPathComponent(name + ".part"))
        let r = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.requests.filter { $0.path == "/" + name }.map { $0.headers["range"] }, ["bytes=1000-"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent(name)), mnist["/" + name])
    }

    /// A symbolic link planted at the partial file's name is not written through; a wrong file
    /// already in the folder is reported and not replaced.
    func testPlantedLinkAndWrongFileAreNotTouched() throws {
        let server = try LoopbackHTTPServer(files: mnist)
        defer { server.stop() }
        let out = path("mnist")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let victim = path("victim")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: victim))
        let link = (out as NSString).appendingPathComponent("train-images-idx3-ubyte.gz.part")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
        let r = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.errorLines.last.map(String.init), "error: partial download '\(link)': is a symbolic link; remove it")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: victim)), Data("precious".utf8))
        try FileManager.default.removeItem(atPath: link)

        let wrong = (out as NSString).appendingPathComponent("train-images-idx3-ubyte.gz")
        try mnist["/t10k-images-idx3-ubyte.gz"]!.write(to: URL(fileURLWithPath: wrong))
        let w = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(w.status, 64)
        XCTAssertEqual(w.errorLines.last.map(String.init),
                       "error: \(wrong) is already there and is not train-images-idx3-ubyte.gz of the dataset: this is MNIST's " +
                       "t10k-images-idx3-ubyte.gz (by its content's SHA-256); it is not replaced (remove it, or fetch into another --dir)")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: wrong)), mnist["/t10k-images-idx3-ubyte.gz"])
    }

    /// A server that sends other bytes: the file is refused, deleted, and not left under its name.
    func testWrongChecksumLeavesNoFile() throws {
        // A valid gzip file of MNIST's test labels with one label changed.
        let gz = URL(fileURLWithPath: path("labels.gz"))
        var labels = try gunzip(mnist["/t10k-labels-idx1-ubyte.gz"]!)
        labels[8] = labels[8] == 0 ? 1 : 0
        try gzip(labels, to: gz)
        var files = mnist
        files["/t10k-labels-idx1-ubyte.gz"] = try Data(contentsOf: gz)
        let server = try LoopbackHTTPServer(files: files)
        defer { server.stop() }
        let out = path("mnist")
        let r = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(r.status, 64)
        let message = r.errorLines.last.map(String.init) ?? ""
        XCTAssertTrue(message.hasPrefix("error: t10k-labels-idx1-ubyte.gz downloaded from \(server.baseURL)t10k-labels-idx1-ubyte.gz " +
                                        "is not the dataset's file: neither the file nor its decompressed content matches MNIST's checksums (its SHA-256 is "),
                      message)
        XCTAssertTrue(message.hasSuffix("); it was deleted"), message)
        XCTAssertEqual(contents(of: out), [".fetch.lock"] + Self.names.filter { $0 != "t10k-labels-idx1-ubyte.gz" }.sorted())

        // Bytes that are not gzip at all.
        server.serve("/t10k-labels-idx1-ubyte.gz", Data("<html>mirror error page</html>".utf8))
        let html = try ToolProcess.run(["data", "fetch", "mnist", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(html.status, 64)
        XCTAssertTrue(html.stderr.contains("does not match MNIST's checksum (its SHA-256 is "), html.stderr)
        XCTAssertEqual(contents(of: out).count, 4)

        // verify names the missing file.
        let v = try ToolProcess.run(["data", "verify", out])
        XCTAssertEqual(v.status, 1)
        XCTAssertTrue(v.stdout.contains("  MISSING    t10k-labels-idx1-ubyte.gz   not found"), v.stdout)
        XCTAssertTrue(v.stdout.hasSuffix("3 of 4 files verified, 1 missing.\n"), v.stdout)
    }

    func testNotFoundNamesTheURL() throws {
        var files = mnist
        files["/train-labels-idx1-ubyte.gz"] = nil
        let server = try LoopbackHTTPServer(files: files)
        defer { server.stop() }
        let r = try ToolProcess.run(["data", "fetch", "mnist", "--dir", path("mnist"), "--mirror", server.baseURL + "sub"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.errorLines.last.map(String.init),
                       "error: cannot download train-images-idx3-ubyte.gz: \(server.baseURL)sub/train-images-idx3-ubyte.gz: the server answered HTTP 404 (not found)")
        let r2 = try ToolProcess.run(["data", "fetch", "mnist", "--dir", path("mnist"), "--mirror", server.baseURL])
        XCTAssertEqual(r2.errorLines.last.map(String.init),
                       "error: cannot download train-labels-idx1-ubyte.gz: \(server.baseURL)train-labels-idx1-ubyte.gz: the server answered HTTP 404 (not found)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("mnist/train-labels-idx1-ubyte.gz.part")))
    }

    func testServerGone() throws {
        let port = try LoopbackHTTPServer.closedPort()
        let r = try ToolProcess.run(["data", "fetch", "fashion-mnist", "--dir", path("f"), "--mirror", "http://127.0.0.1:\(port)/", "--timeout", "5"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.errorLines.last.map(String.init),
                       "error: cannot download train-images-idx3-ubyte.gz: http://127.0.0.1:\(port)/train-images-idx3-ubyte.gz: " +
                       "could not connect to the server (connection refused or unreachable)")
    }

    /// A server that accepts the connection and never answers: the time-out ends the attempt.
    func testSilentServerTimesOut() throws {
        let server = try LoopbackHTTPServer(files: mnist)
        defer { server.stop() }
        server.stall("/train-images-idx3-ubyte.gz", seconds: 8)
        let start = Date()
        let r = try ToolProcess.run(["data", "fetch", "mnist", "--dir", path("m"), "--mirror", server.baseURL, "--timeout", "1"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 7)
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.errorLines.last.map(String.init),
                       "error: cannot download train-images-idx3-ubyte.gz: \(server.baseURL)train-images-idx3-ubyte.gz: no data for 1 s (the time-out, --timeout)")
    }

    /// CIFAR-10 through a mirror serving an archive that is not CIFAR-10's: refused, nothing kept.
    func testCIFARArchiveThatIsNotCIFAR() throws {
        let staging = directory.appendingPathComponent("staging/cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        for name in ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"] {
            try Data(repeating: 1, count: 3073).write(to: staging.appendingPathComponent(name + ".bin"))
        }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-czf", path("cifar.tgz"), "-C", directory.appendingPathComponent("staging").path, "cifar-10-batches-bin"]
        try tar.run()
        tar.waitUntilExit()
        let server = try LoopbackHTTPServer(files: ["/cifar-10-binary.tar.gz": try Data(contentsOf: URL(fileURLWithPath: path("cifar.tgz")))])
        defer { server.stop() }
        let out = path("cifar")
        let r = try ToolProcess.run(["data", "fetch", "cifar10", "--dir", out, "--mirror", server.baseURL])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("error: \(out)/cifar-10-binary.tar.gz.part: cifar-10-batches-bin/data_batch_1.bin in it: does not match CIFAR-10's checksum"), r.stderr)
        XCTAssertEqual(contents(of: out), [".fetch.lock"])
    }

    func testBadArguments() throws {
        let r = try ToolProcess.run(["data", "fetch", "imagenet", "--dir", path("x")])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("accepted: mnist, fashion-mnist, cifar10"), r.stderr)
        let m = try ToolProcess.run(["data", "fetch", "mnist", "--dir", path("x"), "--mirror", "ftp://example.org/"])
        XCTAssertEqual(m.errorLines.last.map(String.init), "error: --mirror: 'ftp://example.org/' is not an http:// or https:// URL")
        try Data("x".utf8).write(to: URL(fileURLWithPath: path("file")))
        let d = try ToolProcess.run(["data", "fetch", "mnist", "--dir", path("file"), "--mirror", "http://127.0.0.1:9/"])
        XCTAssertEqual(d.errorLines.last.map(String.init), "error: --dir \(path("file")): is a regular file, expected a folder")
    }

    // MARK: Datasets named wrongly

    /// The shared MNIST folder checked as Fashion-MNIST: every file named as MNIST's.
    func testVerifyMNISTAsFashionMNIST() throws {
        let v = try ToolProcess.run(["data", "verify", Self.sharedMNIST, "--dataset", "fashion-mnist"])
        XCTAssertEqual(v.status, 1)
        XCTAssertTrue(v.stdout.contains("  WRONG      train-images-idx3-ubyte.gz  this is MNIST's train-images-idx3-ubyte.gz (by its content's SHA-256)"), v.stdout)
        XCTAssertTrue(v.stdout.hasSuffix("0 of 4 files verified, 4 wrong.\n"), v.stdout)
    }

    /// `train --dataset fashion-mnist` on the MNIST folder: an error naming both, before any training.
    func testTrainRefusesMNISTGivenAsFashionMNIST() throws {
        let r = try ToolProcess.run(["train", "--dataset", "fashion-mnist", "--data-dir", Self.sharedMNIST, "--width", "4", "--depth", "2",
                                     "--epochs", "1", "--train-limit", "10", "--test-limit", "10", "--out", path("run")])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.errorLines.last.map(String.init),
                       "error: --data-dir: \(Self.sharedMNIST) holds MNIST, not Fashion-MNIST (the content of train-images-idx3-ubyte.gz matches MNIST's checksum)")
    }

    // MARK: Helpers

    func gunzip(_ data: Data) throws -> Data {
        let input = URL(fileURLWithPath: path("in-\(UUID().uuidString).gz"))
        try data.write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return out
    }

    func gzip(_ data: Data, to url: URL) throws {
        let raw = URL(fileURLWithPath: url.path + ".raw")
        try data.write(to: raw)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-c", raw.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try out.write(to: url)
    }
}
