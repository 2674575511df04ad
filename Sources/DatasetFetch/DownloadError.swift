import Foundation
import Resources

/// Why a download failed. Every message names the URL (or the file) and what happened.
public enum DownloadError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The text is not an absolute http or https URL.
    case invalidURL(String)
    /// The server answered with an error status (404, 500, …).
    case httpStatus(url: String, status: Int)
    /// No transfer took place: connection refused, unknown host, TLS failure, time-out.
    case transport(url: String, reason: String)
    /// The transfer stopped before the end; `received` bytes are kept in the `.part` file.
    case interrupted(url: String, received: Int, expected: Int?, reason: String)
    /// The answer cannot be used (a range other than the one asked for, a body longer than announced).
    case badResponse(url: String, reason: String)
    /// The partial file beside the destination cannot be used.
    case partFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let text):
            return "'\(text)' is not an http:// or https:// URL"
        case let .httpStatus(url, status):
            return "\(url): the server answered HTTP \(status) (\(HTTPStatus.reason(status)))"
        case let .transport(url, reason):
            return "\(url): \(reason)"
        case let .interrupted(url, received, expected, reason):
            let of = expected.map { " of \(MemoryLimit.format(bytes: $0))" } ?? ""
            return "\(url): the transfer stopped after \(MemoryLimit.format(bytes: received))\(of) (\(reason))"
        case let .badResponse(url, reason):
            return "\(url): unusable answer: \(reason)"
        case let .partFile(path, reason):
            return "partial download '\(path)': \(reason)"
        }
    }
}

/// Reason phrases of the statuses a download meets (the numbers alone say little to most users).
enum HTTPStatus {
    static func reason(_ status: Int) -> String {
        switch status {
        case 301, 302, 303, 307, 308: return "a redirect that was not followed"
        case 400: return "bad request"
        case 401: return "authentication required"
        case 403: return "forbidden"
        case 404: return "not found"
        case 410: return "gone"
        case 416: return "range not satisfiable"
        case 429: return "too many requests; try again later"
        case 500: return "internal server error"
        case 502: return "bad gateway"
        case 503: return "service unavailable"
        case 504: return "gateway time-out"
        default: return status >= 500 ? "server error" : status >= 400 ? "client error" : "unexpected status"
        }
    }
}
