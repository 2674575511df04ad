import Foundation
import Persistence
import Resources

/// A labelled image classification set held in memory.
///
/// `images` is row-major `count × features` (one flattened image per row) with pixels scaled
/// from bytes to [0, 1] (x / 255, no other normalization, as in the reference); `labels` are
/// class indices in `0..<classes`.
public struct Dataset: Sendable, Equatable {
    /// A short name for messages and metrics, e.g. `mnist/train`.
    public var name: String
    public var images: [Float]
    public var labels: [UInt8]
    /// Values per image (784 for MNIST, 3072 for CIFAR-10).
    public var features: Int
    /// Number of classes (10 for the sets here).
    public var classes: Int

    public init(name: String, images: [Float], labels: [UInt8], features: Int, classes: Int) {
        precondition(features > 0 && classes > 0)
        precondition(images.count == labels.count * features, "images must be count × features")
        // CrossEntropy indexes the logits by label: a label ≥ classes would read out of bounds.
        precondition(labels.allSatisfy { Int($0) < classes }, "labels must lie in 0..<classes")
        self.name = name
        self.images = images
        self.labels = labels
        self.features = features
        self.classes = classes
    }

    public var count: Int { labels.count }

    /// The first `n` examples (all of them when `n` is nil or at least `count`).
    public func prefix(_ n: Int?) -> Dataset {
        guard let n, n < count else { return self }
        let m = max(n, 0)
        return Dataset(name: name, images: Array(images[0..<(m * features)]), labels: Array(labels[0..<m]),
                       features: features, classes: classes)
    }

    /// Image `i` as a slice of `features` values.
    public func image(_ i: Int) -> ArraySlice<Float> { images[(i * features)..<((i + 1) * features)] }
}

/// Why a dataset could not be loaded. Every case names the file.
public enum DatasetError: Error, Equatable, CustomStringConvertible, Sendable {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case badMagic(path: String, expected: UInt32, found: UInt32)
    case badDimensions(path: String, reason: String)
    case truncated(path: String, reason: String)
    case trailingBytes(path: String, extra: Int)
    case badLabel(path: String, index: Int, value: UInt8, classes: Int)
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    case corruptCompression(path: String, reason: String)
    case missingDirectory(path: String)
    /// A CIFAR-10 batch file whose record count differs from the other batches' (e.g. cut at a record boundary).
    case recordCountMismatch(path: String, records: Int, expected: Int)
    /// The file or folder itself is unusable: a directory or device where a file is expected,
    /// a symbolic link loop, a dangling link, no permission.
    case input(InputFileError)

    public var description: String {
        func hex(_ v: UInt32) -> String { "0x" + String(format: "%08X", v) }
        switch self {
        case .missingFile(let p): return "\(p): file not found"
        case let .unreadable(p, r): return "\(p): cannot read: \(r)"
        case let .badMagic(p, e, f): return "\(p): bad magic number \(hex(f)), expected \(hex(e)) (is this the right IDX file?)"
        case let .badDimensions(p, r): return "\(p): bad dimensions: \(r)"
        case let .truncated(p, r): return "\(p): truncated: \(r)"
        case let .trailingBytes(p, n): return "\(p): \(n) unexpected bytes after the last record"
        case let .badLabel(p, i, v, c): return "\(p): label \(v) of record \(i) is outside 0...\(c - 1)"
        case let .countMismatch(i, ic, l, lc):
            return "\(i) holds \(ic) images but \(l) holds \(lc) labels"
        case let .corruptCompression(p, r): return "\(p): \(r)"
        case .missingDirectory(let p):
            return "\(p): data directory not found (resnet-scaling data fetch \(DatasetKind.allCases.map(\.rawValue).joined(separator: "|")) --dir \(p) downloads a dataset there)"
        case let .recordCountMismatch(p, n, e):
            return "\(p): holds \(n) records but the other batch files hold \(e) each (truncated at a record boundary?)"
        case .input(let e): return e.description
        }
    }
}

/// The datasets the trainer knows by name.
public enum DatasetKind: String, CaseIterable, Codable, Sendable {
    case mnist
    case fashionMNIST = "fashion-mnist"
    case cifar10

    public static let accepted = "mnist, fashion-mnist, cifar10"

    public init(parsing text: String) throws {
        let t = text.lowercased().replacingOccurrences(of: "_", with: "-")
        switch t {
        case "mnist": self = .mnist
        case "fashion-mnist", "fashionmnist", "fmnist": self = .fashionMNIST
        case "cifar10", "cifar-10": self = .cifar10
        default: throw DatasetError.unreadable(path: text, reason: "unknown dataset; accepted: \(DatasetKind.accepted)")
        }
    }

    /// Loads the training and test sets from `directory`.
    ///
    /// - MNIST / Fashion-MNIST: `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
    ///   `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each raw or with `.gz`.
    /// - CIFAR-10 (binary version): `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`,
    ///   in `directory` or in its `cifar-10-batches-bin` subfolder.
    /// The files together may take at most `memoryLimit` (see `DataFileBudget`). MNIST files given
    /// as Fashion-MNIST (or the reverse) are refused with ``DatasetMismatchError``, known by their
    /// checksums in ``DatasetCatalog``; files of unknown content are accepted (a custom IDX set).
    public func load(directory: String, memoryLimit: MemoryLimit = .default) throws -> (train: Dataset, test: Dataset) {
        let budget = DataFileBudget(limit: memoryLimit)
        do { try InputFile.checkFolder(directory) } catch let e as InputFileError {
            if case .missing = e { throw DatasetError.missingDirectory(path: directory) }
            throw DatasetError.input(e)
        }
        switch self {
        case .mnist, .fashionMNIST:
            // MNIST and Fashion-MNIST share a format: the files' checksums tell them apart.
            let identity = DatasetIdentityCheck(expected: self, directory: directory)
            let train = try IDX.loadPair(images: IDX.locate(directory, "train-images-idx3-ubyte"),
                                         labels: IDX.locate(directory, "train-labels-idx1-ubyte"),
                                         name: "\(rawValue)/train", budget: budget, identity: identity)
            let test = try IDX.loadPair(images: IDX.locate(directory, "t10k-images-idx3-ubyte"),
                                        labels: IDX.locate(directory, "t10k-labels-idx1-ubyte"),
                                        name: "\(rawValue)/test", budget: budget, identity: identity)
            return (train, test)
        case .cifar10:
            let dir = CIFAR10.batchFolder(in: directory)
            let trainFiles = (1...5).map { (dir as NSString).appendingPathComponent("data_batch_\($0).bin") }
            let train = try CIFAR10.load(files: trainFiles, name: "cifar10/train", budget: budget)
            // The test batch holds as many records as each training batch (10,000 in the real dataset).
            let test = try CIFAR10.load(files: [(dir as NSString).appendingPathComponent("test_batch.bin")], name: "cifar10/test",
                                        recordsPerFile: train.count / trainFiles.count, budget: budget)
            return (train, test)
        }
    }
}

/// Byte b ↦ b / 255 (correctly rounded, as torchvision's ToTensor computes it).
let pixelValues: [Float] = (0..<256).map { Float($0) / 255 }

/// Reads a whole file, decompressing it when it is gzip (by magic bytes), with errors naming the file.
/// The file, and the data it inflates to, must fit in `budget`. With `identity`, the file must
/// not be another known dataset's.
func readDataFile(_ path: String, budget: DataFileBudget = DataFileBudget(), identity: DatasetIdentityCheck? = nil) throws -> Data {
    do { try InputFile.check(path) } catch let e as InputFileError {
        if case .missing = e { throw DatasetError.missingFile(path: path) }
        throw DatasetError.input(e)
    }
    try budget.checkFileSize(path)
    let raw: Data
    do { raw = try InputFile.read(path) } catch let e as InputFileError {
        if case .missing = e { throw DatasetError.missingFile(path: path) }
        throw DatasetError.input(e)
    }
    if Gzip.isGzip(raw) {
        let content: Data
        do { content = try budget.inflate(raw, path: path) } catch let e as GzipError {
            throw DatasetError.corruptCompression(path: path, reason: e.description)
        }
        try identity?.inspect(path: path, raw: raw, content: content)
        return content
    }
    if path.hasSuffix(".gz") {
        throw DatasetError.corruptCompression(path: path, reason: "not a gzip file (missing 1f 8b header)")
    }
    try budget.reserve(raw.count, path: path, what: "its \(MemoryLimit.format(bytes: raw.count)) of data")
    try identity?.inspect(path: path, raw: raw, content: raw)
    return raw
}

/// The IDX format of MNIST and Fashion-MNIST: a big-endian magic 0x0000_08_NN (unsigned bytes,
/// NN dimensions), NN big-endian UInt32 sizes, then the bytes.
public enum IDX {
    public static let imagesMagic: UInt32 = 0x0000_0803
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// `directory/base`, or `directory/base.gz`, or the `train-images.idx3-ubyte` spelling;
    /// the plain name (reported as missing) when none exists.
    static func locate(_ directory: String, _ base: String) -> String {
        let dotted = base.replacingOccurrences(of: "-idx", with: ".idx")
        for name in [base, base + ".gz", dotted, dotted + ".gz"] {
            let path = (directory as NSString).appendingPathComponent(name)
            // Any entry counts (a dangling link too), so that reading it says what is wrong.
            if InputFile.entryExists(path) { return path }
        }
        return (directory as NSString).appendingPathComponent(base + ".gz")
    }

    static func readUInt32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// Parses an images file: returns (count, rows, columns, pixels scaled to [0, 1]).
    public static func parseImages(_ data: Data, path: String) throws -> (count: Int, rows: Int, columns: Int, pixels: [Float]) {
        try data.withUnsafeBytes { bytes in
            guard bytes.count >= 4 else { throw DatasetError.truncated(path: path, reason: "\(bytes.count) bytes, no IDX header") }
            let magic = readUInt32(bytes, 0)
            guard magic == imagesMagic else { throw DatasetError.badMagic(path: path, expected: imagesMagic, found: magic) }
            guard bytes.count >= 16 else { throw DatasetError.truncated(path: path, reason: "\(bytes.count) bytes, header needs 16") }
            let n = Int(readUInt32(bytes, 4)), rows = Int(readUInt32(bytes, 8)), cols = Int(readUInt32(bytes, 12))
            guard rows > 0, cols > 0, rows <= 4096, cols <= 4096 else {
                throw DatasetError.badDimensions(path: path, reason: "images of \(rows) × \(cols) pixels")
            }
            guard n > 0 else { throw DatasetError.badDimensions(path: path, reason: "header announces 0 images") }
            let features = rows * cols
            let expected = 16 + n * features
            if bytes.count < expected {
                let whole = (bytes.count - 16) / features
                throw DatasetError.truncated(path: path, reason: "header announces \(n) images of \(rows)×\(cols) (\(expected) bytes) but the file has \(bytes.count) bytes (\(whole) whole images)")
            }
            if bytes.count > expected { throw DatasetError.trailingBytes(path: path, extra: bytes.count - expected) }
            var pixels = [Float](repeating: 0, count: n * features)
            pixels.withUnsafeMutableBufferPointer { out in
                for i in 0..<(n * features) { out[i] = pixelValues[Int(bytes[16 + i])] }
            }
            return (n, rows, cols, pixels)
        }
    }

    /// Parses a labels file, checking every label is below `classes`.
    public static func parseLabels(_ data: Data, path: String, classes: Int = 10) throws -> [UInt8] {
        try data.withUnsafeBytes { bytes in
            guard bytes.count >= 4 else { throw DatasetError.truncated(path: path, reason: "\(bytes.count) bytes, no IDX header") }
            let magic = readUInt32(bytes, 0)
            guard magic == labelsMagic else { throw DatasetError.badMagic(path: path, expected: labelsMagic, found: magic) }
            guard bytes.count >= 8 else { throw DatasetError.truncated(path: path, reason: "\(bytes.count) bytes, header needs 8") }
            let n = Int(readUInt32(bytes, 4))
            guard n > 0 else { throw DatasetError.badDimensions(path: path, reason: "header announces 0 labels") }
            if bytes.count < 8 + n {
                throw DatasetError.truncated(path: path, reason: "header announces \(n) labels but the file holds \(bytes.count - 8)")
            }
            if bytes.count > 8 + n { throw DatasetError.trailingBytes(path: path, extra: bytes.count - 8 - n) }
            var labels = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let v = bytes[8 + i]
                if Int(v) >= classes { throw DatasetError.badLabel(path: path, index: i, value: v, classes: classes) }
                labels[i] = v
            }
            return labels
        }
    }

    /// Loads an images file and a labels file (raw or gzip) into one dataset.
    public static func loadPair(images imagesPath: String, labels labelsPath: String, name: String,
                                classes: Int = 10, budget: DataFileBudget = DataFileBudget()) throws -> Dataset {
        try loadPair(images: imagesPath, labels: labelsPath, name: name, classes: classes, budget: budget, identity: nil)
    }

    static func loadPair(images imagesPath: String, labels labelsPath: String, name: String, classes: Int = 10,
                         budget: DataFileBudget, identity: DatasetIdentityCheck?) throws -> Dataset {
        let images = try parseImages(readDataFile(imagesPath, budget: budget, identity: identity), path: imagesPath)
        let labels = try parseLabels(readDataFile(labelsPath, budget: budget, identity: identity), path: labelsPath, classes: classes)
        guard images.count == labels.count else {
            throw DatasetError.countMismatch(images: imagesPath, imageCount: images.count, labels: labelsPath, labelCount: labels.count)
        }
        return Dataset(name: name, images: images.pixels, labels: labels, features: images.rows * images.columns, classes: classes)
    }

    /// Encodes images (count × rows × columns bytes) in IDX (for tests and tools).
    public static func encodeImages(_ pixels: [UInt8], count: Int, rows: Int, columns: Int) -> Data {
        precondition(pixels.count == count * rows * columns)
        var d = Data()
        for v in [imagesMagic, UInt32(count), UInt32(rows), UInt32(columns)] { d.append(contentsOf: bigEndian(v)) }
        d.append(contentsOf: pixels)
        return d
    }

    /// Encodes labels in IDX (for tests and tools).
    public static func encodeLabels(_ labels: [UInt8]) -> Data {
        var d = Data()
        for v in [labelsMagic, UInt32(labels.count)] { d.append(contentsOf: bigEndian(v)) }
        d.append(contentsOf: labels)
        return d
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
}

/// The binary version of CIFAR-10: records of 1 label byte + 3072 pixel bytes
/// (1024 red, 1024 green, 1024 blue, each 32×32 row-major), kept in that channel-major order
/// when flattened (as `ToTensor()` + flatten does).
public enum CIFAR10 {
    public static let features = 3072
    public static let recordSize = 1 + features

    /// Parses one batch file.
    public static func parse(_ data: Data, path: String) throws -> (labels: [UInt8], pixels: [Float]) {
        try data.withUnsafeBytes { bytes in
            guard bytes.count > 0 else { throw DatasetError.truncated(path: path, reason: "empty file") }
            let n = bytes.count / recordSize, rest = bytes.count % recordSize
            if rest != 0 {
                throw DatasetError.truncated(path: path, reason: "\(bytes.count) bytes is not a whole number of \(recordSize)-byte records (\(n) whole records, \(rest) bytes left over)")
            }
            var labels = [UInt8](repeating: 0, count: n)
            var pixels = [Float](repeating: 0, count: n * features)
            try pixels.withUnsafeMutableBufferPointer { out in
                for r in 0..<n {
                    let base = r * recordSize
                    let label = bytes[base]
                    if label >= 10 { throw DatasetError.badLabel(path: path, index: r, value: label, classes: 10) }
                    labels[r] = label
                    let o = r * features
                    for i in 0..<features { out[o + i] = pixelValues[Int(bytes[base + 1 + i])] }
                }
            }
            return (labels, pixels)
        }
    }

    /// Loads and concatenates batch files (raw, or gzip by magic bytes).
    ///
    /// Every file must hold the same number of records (10,000 each in the real dataset), so a
    /// file cut at a record boundary is rejected: with `recordsPerFile` each file must hold exactly
    /// that many; otherwise the count most files share (the larger one on a tie) is the reference.
    public static func load(files: [String], name: String, recordsPerFile: Int? = nil,
                            budget: DataFileBudget = DataFileBudget()) throws -> Dataset {
        let raw = try files.map { ($0, try readDataFile($0, budget: budget)) }
        // Reject partial records and empty files first, with parse's precise errors.
        for (path, data) in raw where data.count == 0 || data.count % recordSize != 0 { _ = try parse(data, path: path) }
        let counts = raw.map { $0.1.count / recordSize }
        try checkRecordCounts(zip(files, counts).map { ($0, $1) }, expected: recordsPerFile)
        var labels: [UInt8] = []
        var pixels: [Float] = []
        labels.reserveCapacity(counts.reduce(0, +))
        pixels.reserveCapacity(counts.reduce(0, +) * features)
        for (path, data) in raw {
            let part = try parse(data, path: path)
            labels += part.labels
            pixels += part.pixels
        }
        return Dataset(name: name, images: pixels, labels: labels, features: features, classes: 10)
    }

    /// Throws `recordCountMismatch` for the first file whose record count differs from `expected`
    /// (or, without it, from the count most files share, the larger one on a tie).
    static func checkRecordCounts(_ files: [(path: String, records: Int)], expected: Int?) throws {
        guard let reference = expected ?? mostCommonCount(files.map(\.records)) else { return }
        if let odd = files.first(where: { $0.records != reference }) {
            throw DatasetError.recordCountMismatch(path: odd.path, records: odd.records, expected: reference)
        }
    }

    static func mostCommonCount(_ counts: [Int]) -> Int? {
        var tally: [Int: Int] = [:]
        for c in counts { tally[c, default: 0] += 1 }
        return tally.max { a, b in a.value != b.value ? a.value < b.value : a.key < b.key }?.key
    }

    /// Encodes records (for tests and tools): `pixels` holds 3072 bytes per label.
    public static func encode(labels: [UInt8], pixels: [UInt8]) -> Data {
        precondition(pixels.count == labels.count * features)
        var d = Data(capacity: labels.count * recordSize)
        for (r, label) in labels.enumerated() {
            d.append(label)
            d.append(contentsOf: pixels[(r * features)..<((r + 1) * features)])
        }
        return d
    }
}
