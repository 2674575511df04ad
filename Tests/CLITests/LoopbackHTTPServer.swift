import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real HTTP/1.1 server on 127.0.0.1 (POSIX sockets, one thread per connection) serving
/// files from memory, with `Range: bytes=N-` support and faults to order: a body cut after
/// some bytes (the connection closed mid-transfer), other bytes than the file's, a 404.
/// Every request is logged, so that tests can check what the client asked for.
final class LoopbackHTTPServer: @unchecked Sendable {
    struct Request: Equatable {
        var method: String
        var path: String
        var headers: [String: String]  // names lowercased
    }

    /// The port it listens on.
    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var files: [String: Data]
    /// Path → bytes of the body to send before closing the connection, for the next `count` requests of it.
    private var cuts: [String: (bytes: Int, count: Int)] = [:]
    private var log: [Request] = []
    /// When set, `Range` headers are ignored (the whole file is sent with status 200), as some servers do.
    var ignoresRange: Bool {
        get { lock.lock(); defer { lock.unlock() }; return ignoring }
        set { lock.lock(); ignoring = newValue; lock.unlock() }
    }
    private var ignoring = false
    /// Paths whose requests get no answer for this many seconds (then the connection closes).
    private var stalls: [String: Double] = [:]

    /// Requests of `path` get no answer for `seconds`.
    func stall(_ path: String, seconds: Double) {
        lock.lock(); defer { lock.unlock() }
        stalls[path] = seconds
    }
    private var thread: Thread?

    /// Listens on a free port of the loopback interface; `files` maps URL paths ("/name") to contents.
    init(files: [String: Data]) throws {
        self.files = files
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [weak self] in self?.acceptLoop(fd) }
        self.thread = thread
        thread.start()
    }

    deinit { stop() }

    /// The base URL, with a final slash.
    var baseURL: String { "http://127.0.0.1:\(port)/" }

    /// Stops listening (open connections finish on their own).
    func stop() {
        lock.lock()
        let open = thread != nil
        thread = nil
        lock.unlock()
        if open {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    /// Serves `data` at `path` from now on (nil: 404).
    func serve(_ path: String, _ data: Data?) {
        lock.lock(); defer { lock.unlock() }
        files[path] = data
    }

    /// The next `count` requests of `path` get `bytes` bytes of the body, then the connection closes.
    func cut(_ path: String, after bytes: Int, count: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        cuts[path] = (bytes, count)
    }

    /// The requests received so far.
    var requests: [Request] {
        lock.lock(); defer { lock.unlock() }
        return log
    }

    /// A port on which nothing listens (bound, then closed): connecting to it is refused.
    static func closedPort() throws -> UInt16 {
        let server = try LoopbackHTTPServer(files: [:])
        let port = server.port
        server.stop()
        return port
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return  // the listener was closed
            }
            let worker = Thread { [weak self] in
                self?.handle(client)
                close(client)
            }
            worker.start()
        }
    }

    private func handle(_ client: Int32) {
        guard let request = readRequest(client) else { return }
        lock.lock()
        log.append(request)
        let file = files[request.path]
        let honorRange = !ignoring
        let stall = stalls[request.path]
        var cutAfter: Int?
        if let cut = cuts[request.path], cut.count > 0 {
            cutAfter = cut.bytes
            cuts[request.path] = (cut.bytes, cut.count - 1)
        }
        lock.unlock()

        if let stall { return Thread.sleep(forTimeInterval: stall) }
        guard request.method == "GET" || request.method == "HEAD" else {
            return send(client, status: "405 Method Not Allowed", headers: [:], body: Data())
        }
        guard let file else {
            return send(client, status: "404 Not Found", headers: ["Content-Type": "text/plain"], body: Data("not found\n".utf8))
        }
        var status = "200 OK"
        var headers = ["Content-Type": "application/octet-stream", "Accept-Ranges": "bytes"]
        var body = file
        if honorRange, let range = request.headers["range"], range.hasPrefix("bytes="), range.hasSuffix("-"),
           let first = Int(range.dropFirst(6).dropLast()) {
            if first >= file.count {
                return send(client, status: "416 Range Not Satisfiable", headers: ["Content-Range": "bytes */\(file.count)"], body: Data())
            }
            status = "206 Partial Content"
            headers["Content-Range"] = "bytes \(first)-\(file.count - 1)/\(file.count)"
            body = file.subdata(in: first..<file.count)
        }
        headers["Content-Length"] = String(body.count)
        if request.method == "HEAD" { body = Data() }
        send(client, status: status, headers: headers, body: cutAfter.map { body.prefix($0) } ?? body)
    }

    /// Reads the request line and headers (a GET has no body).
    private func readRequest(_ client: Int32) -> Request? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while buffer.count < 65536 {
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            buffer += chunk[0..<n]
            if buffer.count >= 4, (0...(buffer.count - 4)).contains(where: { Array(buffer[$0..<($0 + 4)]) == end }) { break }
        }
        let text = String(decoding: buffer, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Request(method: String(parts[0]), path: String(parts[1]), headers: headers)
    }

    private func send(_ client: Int32, status: String, headers: [String: String], body: Data) {
        var head = "HTTP/1.1 \(status)\r\nConnection: close\r\n"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        writeAll(client, Data(head.utf8))
        writeAll(client, body)
    }

    private func writeAll(_ client: Int32, _ data: Data) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                #if canImport(Glibc)
                let n = Glibc.send(client, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                let n = Darwin.send(client, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return  // the client went away
                }
                offset += n
            }
        }
    }
}
