import Foundation

/// Why a tar archive cannot be extracted. Every message names the archive and the entry.
public enum TarError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The data ends inside a header or an entry's content.
    case truncated(archive: String, reason: String)
    /// A header whose checksum or numeric field is invalid.
    case corruptHeader(archive: String, offset: Int, reason: String)
    /// An entry whose path is absolute, climbs out with `..`, or is empty.
    case unsafePath(archive: String, path: String)
    /// A symbolic or hard link, device, FIFO or other non-regular entry: never extracted.
    case unsupportedEntry(archive: String, path: String, kind: String)
    /// An entry larger than the caller allows.
    case entryTooLarge(archive: String, path: String, size: Int, limit: Int)
    /// More entries than the caller allows.
    case tooManyEntries(archive: String, limit: Int)

    public var description: String {
        switch self {
        case let .truncated(a, r): return "\(a): truncated tar archive: \(r)"
        case let .corruptHeader(a, o, r): return "\(a): corrupt tar header at byte \(o): \(r)"
        case let .unsafePath(a, p): return "\(a): refusing entry '\(p)': its path leaves the destination folder (absolute, '..' or empty)"
        case let .unsupportedEntry(a, p, k): return "\(a): refusing entry '\(p)': it is \(k); only regular files and folders are extracted"
        case let .entryTooLarge(a, p, n, l): return "\(a): entry '\(p)' is \(n) bytes, more than the \(l) allowed"
        case let .tooManyEntries(a, l): return "\(a): more than \(l) entries"
        }
    }
}

/// A minimal reader of tar archives (POSIX ustar, with the GNU long-name and pax `path`
/// extensions) held in memory, for the regular files of a dataset archive.
///
/// It is strict, since archives come from the network: every header's checksum is checked; a
/// path that is absolute or contains `..` is refused, as are links, devices and FIFOs
/// (an archive that needs them is not a dataset archive); an entry's size is checked against
/// the data left and against `maximumEntrySize` before anything is copied.
public struct TarArchive: Sendable {
    /// A regular file of the archive.
    public struct Entry: Sendable, Equatable {
        /// Normalized relative path: components joined by `/`, no `.`, `..` or empty component.
        public var path: String
        public var data: Data
    }

    /// The regular files, in archive order (directories are implied by the paths).
    public var entries: [Entry]

    /// Reads `data`; `name` names the archive in errors. The entries' data share `data`'s
    /// storage (no copy): their indices start where they lie in `data`.
    public init(_ data: Data, name: String, maximumEntrySize: Int = Int.max, maximumEntries: Int = 100_000) throws {
        var entries: [Entry] = []
        var offset = 0
        var longName: String?   // GNU 'L' entry: the next entry's name
        var paxPath: String?    // pax 'x' entry: the next entry's path
        var count = 0
        let base = data.startIndex
        let total = data.count
        while offset + 512 <= total {
            let header = [UInt8](data[(base + offset)..<(base + offset + 512)])
            if header.allSatisfy({ $0 == 0 }) { break }  // end-of-archive marker
            count += 1
            if count > maximumEntries { throw TarError.tooManyEntries(archive: name, limit: maximumEntries) }
            try Self.checkChecksum(header, archive: name, offset: offset)
            let size = try Self.number(header[124..<136], archive: name, offset: offset, field: "size")
            let type = header[156]
            let path = paxPath ?? longName ?? Self.path(of: header)
            let start = offset + 512
            guard size <= total - start else {
                throw TarError.truncated(archive: name, reason: "entry '\(path)' announces \(size) bytes, \(total - start) remain")
            }
            let content = data[(base + start)..<(base + start + size)]
            offset = start + (size / 512 + (size % 512 == 0 ? 0 : 1)) * 512
            switch type {
            case UInt8(ascii: "L"):
                guard size <= 65_536 else { throw TarError.corruptHeader(archive: name, offset: start - 512, reason: "long name of \(size) bytes") }
                longName = Self.string([UInt8](content)[...])
                continue
            case UInt8(ascii: "x"):
                guard size <= 1 << 20 else { throw TarError.corruptHeader(archive: name, offset: start - 512, reason: "pax header of \(size) bytes") }
                paxPath = Self.paxPath([UInt8](content)) ?? paxPath
                continue
            case UInt8(ascii: "g"):
                continue  // global pax settings: nothing a dataset needs
            default:
                break
            }
            longName = nil
            paxPath = nil
            switch type {
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                let normalized = try Self.safePath(path, archive: name)
                if size > maximumEntrySize {
                    throw TarError.entryTooLarge(archive: name, path: path, size: size, limit: maximumEntrySize)
                }
                entries.append(Entry(path: normalized, data: content))
            case UInt8(ascii: "5"):
                _ = try Self.safePath(path, archive: name)
            default:
                throw TarError.unsupportedEntry(archive: name, path: path, kind: Self.kind(type))
            }
        }
        if offset < total, offset + 512 > total, !data[(base + offset)...].allSatisfy({ $0 == 0 }) {
            throw TarError.truncated(archive: name, reason: "\(total - offset) bytes after the last entry are not a whole header")
        }
        self.entries = entries
    }

    /// The path of `path` made relative and normalized, or `unsafePath` if it is absolute,
    /// contains `..`, or names nothing.
    static func safePath(_ path: String, archive: String) throws -> String {
        if path.hasPrefix("/") || path.contains("\0") { throw TarError.unsafePath(archive: archive, path: path) }
        var parts: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { throw TarError.unsafePath(archive: archive, path: path) }
            parts.append(component)
        }
        if parts.isEmpty { throw TarError.unsafePath(archive: archive, path: path) }
        return parts.joined(separator: "/")
    }

    /// ustar: `prefix/name` when the magic says ustar and the prefix is set; otherwise `name`.
    static func path(of header: [UInt8]) -> String {
        let name = string(header[0..<100])
        let isUstar = header[257..<262].elementsEqual("ustar".utf8)
        let prefix = isUstar ? string(header[345..<500]) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// Bytes up to the first NUL, as UTF-8.
    static func string(_ field: ArraySlice<UInt8>) -> String {
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }

    /// A numeric field: octal digits (spaces and NULs around them), or GNU base-256 (high bit set).
    static func number(_ field: ArraySlice<UInt8>, archive: String, offset: Int, field name: String) throws -> Int {
        guard let first = field.first else { return 0 }
        if first & 0x80 != 0 {
            // Base-256: the remaining bits, big-endian; negative values (0xFF lead) are invalid here.
            guard first & 0x40 == 0 else { throw TarError.corruptHeader(archive: archive, offset: offset, reason: "negative \(name)") }
            var value = Int(first & 0x3F)
            for b in field.dropFirst() {
                guard value <= (Int.max >> 8) else { throw TarError.corruptHeader(archive: archive, offset: offset, reason: "\(name) too large") }
                value = value << 8 | Int(b)
            }
            return value
        }
        let text = string(field).trimmingCharacters(in: CharacterSet(charactersIn: " "))
        if text.isEmpty { return 0 }
        guard let value = Int(text, radix: 8), value >= 0 else {
            throw TarError.corruptHeader(archive: archive, offset: offset, reason: "\(name) field '\(text)' is not an octal number")
        }
        return value
    }

    /// The header checksum: the sum of its bytes with the checksum field counted as spaces
    /// (some writers sum signed bytes; both are accepted).
    static func checkChecksum(_ header: [UInt8], archive: String, offset: Int) throws {
        let stored = try number(header[148..<156], archive: archive, offset: offset, field: "checksum")
        var unsigned = 0, signed = 0
        for (i, b) in header.enumerated() {
            let v = (148..<156).contains(i) ? 0x20 : b
            unsigned += Int(v)
            signed += Int(Int8(bitPattern: v))
        }
        guard stored == unsigned || stored == signed else {
            throw TarError.corruptHeader(archive: archive, offset: offset, reason: "checksum \(stored), computed \(unsigned)")
        }
    }

    /// The `path` record of a pax extended header (`LENGTH path=VALUE\n` records).
    static func paxPath(_ content: [UInt8]) -> String? {
        var i = 0
        var path: String?
        while i < content.count {
            guard let space = content[i...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: content[i..<space], as: UTF8.self)), length > 0,
                  i + length <= content.count else { break }
            let record = content[(space + 1)..<(i + length)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
                var value = record[(equals + 1)...]
                if value.last == UInt8(ascii: "\n") { value = value.dropLast() }
                if key == "path" { path = String(decoding: value, as: UTF8.self) }
            }
            i += length
        }
        return path
    }

    static func kind(_ type: UInt8) -> String {
        switch type {
        case UInt8(ascii: "1"): return "a hard link"
        case UInt8(ascii: "2"): return "a symbolic link"
        case UInt8(ascii: "3"): return "a character device"
        case UInt8(ascii: "4"): return "a block device"
        case UInt8(ascii: "6"): return "a FIFO"
        case UInt8(ascii: "K"): return "a long link name"
        default: return "an entry of type '\(String(decoding: [type], as: UTF8.self))'"
        }
    }
}
