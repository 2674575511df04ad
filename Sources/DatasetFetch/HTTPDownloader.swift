import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads one URL (http or https) into a partial file, resuming what an earlier attempt left
/// there with an HTTP `Range` request.
///
/// A server that ignores the range (status 200) sends the whole file again and the partial
/// file restarts from zero; a range past the end (416) with a partial file as long as the
/// file means the download was complete. The body is written as it arrives, so an
/// interruption keeps everything received. Content encodings are refused in the request
/// (`Accept-Encoding: identity`): the bytes stored are the bytes served, which is what the
/// checksums are of.
public struct HTTPDownloader: Sendable {
    /// Seconds without any data (connecting included) before the attempt is abandoned.
    public var timeout: Double

    public init(timeout: Double = 30) {
        self.timeout = timeout
    }

    /// How an attempt ended.
    public struct Outcome: Sendable, Equatable {
        /// Bytes in the partial file at the end (the whole file).
        public var size: Int
        /// Bytes already in the partial file when the attempt started and kept (0 when it restarted).
        public var resumedFrom: Int
        /// Seconds the attempt took.
        public var seconds: Double
    }

    /// Parses `text` as an absolute http or https URL.
    public static func url(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw DownloadError.invalidURL(text)
        }
        return url
    }

    /// Downloads `url` into the partial file at `partPath` (created if missing, resumed if not).
    /// `progress` is called from another thread as data arrives.
    public func download(_ url: URL, to partPath: String, name: String,
                         progress: @escaping @Sendable (DownloadProgress) -> Void = { _ in }) throws -> Outcome {
        let part = try PartialFile(path: partPath)
        defer { part.close() }
        let transfer = Transfer(url: url, part: part, name: name, timeout: timeout, progress: progress)
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeout)
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        if part.size > 0 { request.setValue("bytes=\(part.size)-", forHTTPHeaderField: "Range") }

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = 7 * 24 * 3600
        configuration.urlCache = nil
        configuration.httpAdditionalHeaders = ["User-Agent": "resnet-scaling"]
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: queue)
        let task = session.dataTask(with: request)
        task.resume()
        transfer.finished.wait()
        session.finishTasksAndInvalidate()
        part.sync()
        return try transfer.outcome()
    }
}

/// The state of one transfer, filled in by the session's delegate callbacks (on one serial
/// queue) and read once the transfer has finished.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let url: URL
    let part: PartialFile
    let name: String
    let timeout: Double
    let progress: @Sendable (DownloadProgress) -> Void
    let finished = DispatchSemaphore(value: 0)
    let start = Date()

    /// Bytes in the partial file when the request was made, and kept (0 if the server restarted).
    var resumedFrom: Int
    /// The whole file's size, when the answer says.
    var total: Int?
    /// A failure of our own (bad status, unusable answer, write error); it wins over the transport's.
    var failure: DownloadError?
    var transportError: Error?
    /// The server said the range starts past the end: the partial file may already be whole.
    var rangePastEnd = false
    var lastProgress = Date.distantPast

    init(url: URL, part: PartialFile, name: String, timeout: Double, progress: @escaping @Sendable (DownloadProgress) -> Void) {
        self.url = url
        self.part = part
        self.name = name
        self.timeout = timeout
        self.progress = progress
        self.resumedFrom = part.size
    }

    var urlText: String { url.absoluteString }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else {
            failure = .badResponse(url: urlText, reason: "not an HTTP response")
            return completionHandler(.cancel)
        }
        let length = response.expectedContentLength >= 0 ? Int(response.expectedContentLength) : nil
        switch http.statusCode {
        case 200:
            if part.size > 0 {
                // The server ignored the range: it sends the whole file, so start over.
                do { try part.truncate() } catch let e as DownloadError {
                    failure = e
                    return completionHandler(.cancel)
                } catch { return completionHandler(.cancel) }
                resumedFrom = 0
            }
            total = length
        case 206:
            guard let range = Self.contentRange(http), range.first == part.size else {
                failure = .badResponse(url: urlText, reason: "asked for the bytes from \(part.size) on, got Content-Range '\(Self.header(http, "Content-Range") ?? "none")'")
                return completionHandler(.cancel)
            }
            total = range.total ?? length.map { part.size + $0 }
        case 416:
            rangePastEnd = true
            total = Self.contentRange(http)?.total
            return completionHandler(.cancel)
        default:
            failure = .httpStatus(url: urlText, status: http.statusCode)
            return completionHandler(.cancel)
        }
        report(force: true)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        if let total, part.size + data.count > total {
            failure = .badResponse(url: urlText, reason: "the body is longer than the \(total) bytes announced")
            return dataTask.cancel()
        }
        do { try part.append(data) } catch let e as DownloadError {
            failure = e
            return dataTask.cancel()
        } catch { return dataTask.cancel() }
        report(force: false)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        transportError = error
        report(force: true)
        finished.signal()
    }

    private func report(force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastProgress) >= 0.1 else { return }
        lastProgress = now
        progress(DownloadProgress(name: name, received: part.size, total: total, resumedFrom: resumedFrom,
                                  elapsed: now.timeIntervalSince(start)))
    }

    /// The result, once finished: the outcome, or the error that says what went wrong.
    func outcome() throws -> HTTPDownloader.Outcome {
        let seconds = Date().timeIntervalSince(start)
        if let failure { throw failure }
        if rangePastEnd {
            // Asked for the bytes after a partial file as long as the whole file: nothing is missing.
            if let total, total == part.size {
                return .init(size: part.size, resumedFrom: part.size, seconds: seconds)
            }
            throw DownloadError.badResponse(url: urlText, reason: "the server refuses the range from byte \(part.size) (the file is \(total.map(String.init) ?? "of unknown size") bytes); delete '\(part.path)' to start over")
        }
        if let error = transportError {
            var reason = Self.describe(error, timeout: timeout)
            // libcurl's "transfer closed with N bytes remaining" comes as an unknown error.
            if let total, part.size < total, [.unknown, .networkConnectionLost].contains((error as? URLError)?.code) {
                reason = "the connection was closed"
            }
            if part.size > resumedFrom || (total != nil && part.size > 0) {
                throw DownloadError.interrupted(url: urlText, received: part.size, expected: total, reason: reason)
            }
            throw DownloadError.transport(url: urlText, reason: reason)
        }
        if let total, part.size < total {
            throw DownloadError.interrupted(url: urlText, received: part.size, expected: total, reason: "the connection closed early")
        }
        return .init(size: part.size, resumedFrom: resumedFrom, seconds: seconds)
    }

    /// A short reason for a transport error.
    static func describe(_ error: Error, timeout: Double) -> String {
        guard let e = error as? URLError else { return "\(error.localizedDescription)" }
        switch e.code {
        case .cannotConnectToHost: return "could not connect to the server (connection refused or unreachable)"
        case .cannotFindHost, .dnsLookupFailed: return "unknown host"
        case .timedOut:
            let seconds = timeout == timeout.rounded() && timeout < 1e9 ? String(Int(timeout)) : String(timeout)
            return "no data for \(seconds) s (the time-out, --timeout)"
        case .networkConnectionLost: return "the connection was closed"
        case .notConnectedToInternet: return "no network connection"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return "TLS failure: \(e.localizedDescription)"
        case .cancelled: return "cancelled"
        default:
            return e.localizedDescription + ""
        }
    }

    static func header(_ response: HTTPURLResponse, _ name: String) -> String? {
        for (key, value) in response.allHeaderFields {
            if let k = key as? String, k.caseInsensitiveCompare(name) == .orderedSame { return value as? String }
        }
        return nil
    }

    /// `Content-Range: bytes FIRST-LAST/TOTAL` (or `bytes */TOTAL`); TOTAL may be `*`.
    static func contentRange(_ response: HTTPURLResponse) -> (first: Int?, total: Int?)? {
        guard let value = header(response, "Content-Range")?.trimmingCharacters(in: .whitespaces),
              value.lowercased().hasPrefix("bytes") else { return nil }
        let spec = value.dropFirst(5).trimmingCharacters(in: .whitespaces)
        let halves = spec.split(separator: "/", maxSplits: 1).map(String.init)
        guard halves.count == 2 else { return nil }
        let total = Int(halves[1])
        if halves[0] == "*" { return (nil, total) }
        let bounds = halves[0].split(separator: "-").map { Int($0) }
        guard bounds.count == 2, let first = bounds[0], bounds[1] != nil else { return nil }
        return (first, total)
    }
}
