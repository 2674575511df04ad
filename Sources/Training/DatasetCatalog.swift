import Foundation
import Persistence

/// One file of a dataset with what is known of it: its name and checksums, compiled into the
/// tool. A checksum that could not be established from a reliable source is nil ("not known to
/// this tool version"), never guessed.
public struct DatasetFile: Sendable, Equatable {
    /// The name it is downloaded under (`train-images-idx3-ubyte.gz`, `data_batch_1.bin`).
    public var name: String
    /// Its size as served, when known.
    public var downloadSize: Int?
    /// SHA-256 of the file as served by the official source.
    public var downloadSHA256: String?
    /// The name of its decompressed form (`train-images-idx3-ubyte`); nil when it is not compressed.
    public var contentName: String?
    /// Size of the decompressed content (the file itself when it is not compressed).
    public var contentSize: Int?
    /// SHA-256 of the decompressed content (of the file itself when it is not compressed): what
    /// any faithful copy shares, however it was compressed.
    public var contentSHA256: String?

    public init(name: String, downloadSize: Int? = nil, downloadSHA256: String? = nil, contentName: String? = nil,
                contentSize: Int? = nil, contentSHA256: String? = nil) {
        self.name = name
        self.downloadSize = downloadSize
        self.downloadSHA256 = downloadSHA256
        self.contentName = contentName
        self.contentSize = contentSize
        self.contentSHA256 = contentSHA256
    }

    /// Whether the file is gzip-compressed as downloaded.
    public var isCompressed: Bool { contentName != nil }
}

/// Which checksum of a ``DatasetFile`` some bytes matched.
public enum ChecksumMatch: String, Sendable, Equatable {
    /// The bytes are the official download's (the `.gz` or archive as served).
    case download
    /// The decompressed content is the dataset's (the file may be compressed differently).
    case content
}

/// A dataset the tool can fetch and verify: where it is served, and its files.
public struct DatasetEntry: Sendable {
    public var kind: DatasetKind
    /// The name in messages ("MNIST", "Fashion-MNIST", "CIFAR-10").
    public var displayName: String
    /// Base URLs tried in order; a file's URL is the base followed by its name.
    public var mirrors: [String]
    /// The files the loader reads, as they are stored in the folder (gzip for MNIST and
    /// Fashion-MNIST, as served; the extracted `.bin` batches for CIFAR-10).
    public var files: [DatasetFile]
    /// The archive the files are extracted from (CIFAR-10), downloaded instead of the files.
    public var archive: DatasetFile?
    /// The folder inside the dataset folder that holds the extracted files (`cifar-10-batches-bin`).
    public var subfolder: String?

    public init(kind: DatasetKind, displayName: String, mirrors: [String], files: [DatasetFile],
                archive: DatasetFile? = nil, subfolder: String? = nil) {
        self.kind = kind
        self.displayName = displayName
        self.mirrors = mirrors
        self.files = files
        self.archive = archive
        self.subfolder = subfolder
    }
}

/// The checksums of every dataset, in one table.
///
/// Sources (each value was read from these files, none computed from a download here):
/// - MNIST, as served (`.gz`): TensorFlow Datasets `tensorflow_datasets/url_checksums/mnist.txt`
///   (storage.googleapis.com/cvdf-datasets/mnist), the same values in ankane/torchvision-ruby
///   `lib/torchvision/datasets/mnist.rb` (yann.lecun.com). Sizes from the TFDS file.
/// - MNIST, decompressed content: computed (zlib) from the copy in `../shared/data/mnist`, whose
///   `.gz` files were recompressed but whose content is the original (its README lists the same
///   SHA-256 and the MD5s published for the uncompressed files); the same values appear in
///   several public projects that pin the uncompressed IDX files.
/// - Fashion-MNIST, as served: TFDS `url_checksums/fashion_mnist.txt`, the same values in
///   ankane/torchvision-ruby `lib/torchvision/datasets/fashion_mnist.rb`. The SHA-256 of its
///   decompressed content could not be established from a reliable source: not known.
/// - CIFAR-10, `cifar-10-binary.tar.gz` as served: TFDS `url_checksums/cifar10.txt` (size too);
///   the `.bin` files inside: ankane/torchvision-ruby `lib/torchvision/datasets/cifar10.rb`
///   (`test_batch.bin`'s also pinned independently elsewhere). Their size is the format's:
///   10,000 records of 1 + 3072 bytes.
public enum DatasetCatalog {
    public static let entries: [DatasetEntry] = [mnist, fashionMNIST, cifar10]

    /// The entry of `kind`.
    public static func entry(_ kind: DatasetKind) -> DatasetEntry {
        entries.first { $0.kind == kind }!
    }

    static let mnist = DatasetEntry(
        kind: .mnist, displayName: "MNIST",
        // TFDS's mirror first, then torchvision's (yann.lecun.com no longer serves the files reliably).
        mirrors: ["https://storage.googleapis.com/cvdf-datasets/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"],
        files: [
            DatasetFile(name: "train-images-idx3-ubyte.gz", downloadSize: 9_912_422,
                        downloadSHA256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                        contentName: "train-images-idx3-ubyte", contentSize: 47_040_016,
                        contentSHA256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            DatasetFile(name: "train-labels-idx1-ubyte.gz", downloadSize: 28_881,
                        downloadSHA256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                        contentName: "train-labels-idx1-ubyte", contentSize: 60_008,
                        contentSHA256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            DatasetFile(name: "t10k-images-idx3-ubyte.gz", downloadSize: 1_648_877,
                        downloadSHA256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                        contentName: "t10k-images-idx3-ubyte", contentSize: 7_840_016,
                        contentSHA256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            DatasetFile(name: "t10k-labels-idx1-ubyte.gz", downloadSize: 4_542,
                        downloadSHA256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                        contentName: "t10k-labels-idx1-ubyte", contentSize: 10_008,
                        contentSHA256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ])

    static let fashionMNIST = DatasetEntry(
        kind: .fashionMNIST, displayName: "Fashion-MNIST",
        // The authors' bucket (github.com/zalandoresearch/fashion-mnist), as TFDS and torchvision use it.
        mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        files: [
            DatasetFile(name: "train-images-idx3-ubyte.gz", downloadSize: 26_421_880,
                        downloadSHA256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                        contentName: "train-images-idx3-ubyte", contentSize: 47_040_016),
            DatasetFile(name: "train-labels-idx1-ubyte.gz", downloadSize: 29_515,
                        downloadSHA256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                        contentName: "train-labels-idx1-ubyte", contentSize: 60_008),
            DatasetFile(name: "t10k-images-idx3-ubyte.gz", downloadSize: 4_422_102,
                        downloadSHA256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                        contentName: "t10k-images-idx3-ubyte", contentSize: 7_840_016),
            DatasetFile(name: "t10k-labels-idx1-ubyte.gz", downloadSize: 5_148,
                        downloadSHA256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                        contentName: "t10k-labels-idx1-ubyte", contentSize: 10_008),
        ])

    static let cifar10 = DatasetEntry(
        kind: .cifar10, displayName: "CIFAR-10",
        mirrors: ["https://www.cs.toronto.edu/~kriz/"],
        files: [
            ("data_batch_1.bin", "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5"),
            ("data_batch_2.bin", "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed"),
            ("data_batch_3.bin", "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67"),
            ("data_batch_4.bin", "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48"),
            ("data_batch_5.bin", "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add"),
            ("test_batch.bin", "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b"),
        ].map { DatasetFile(name: $0.0, contentSize: 10_000 * CIFAR10.recordSize, contentSHA256: $0.1) },
        archive: DatasetFile(name: "cifar-10-binary.tar.gz", downloadSize: 170_052_171,
                             downloadSHA256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"),
        subfolder: "cifar-10-batches-bin")

    /// A known file whose checksum some bytes matched.
    public struct Identification: Sendable, Equatable {
        public var dataset: DatasetKind
        public var file: DatasetFile
        public var match: ChecksumMatch

        /// "MNIST's train-images-idx3-ubyte.gz".
        public var description: String { "\(DatasetCatalog.entry(dataset).displayName)'s \(file.name)" }
    }

    /// The known files whose download checksum is `sha256` (of a file as stored) or whose
    /// content checksum is `sha256` / `contentSHA256` (of the decompressed bytes).
    public static func identify(fileSHA256: String?, contentSHA256: String?) -> [Identification] {
        var found: [Identification] = []
        for entry in entries {
            for file in entry.files + (entry.archive.map { [$0] } ?? []) {
                if let s = fileSHA256, s == file.downloadSHA256 {
                    found.append(Identification(dataset: entry.kind, file: file, match: .download))
                } else if let s = fileSHA256, s == file.contentSHA256 {
                    found.append(Identification(dataset: entry.kind, file: file, match: .content))
                } else if let s = contentSHA256, s == file.contentSHA256 {
                    found.append(Identification(dataset: entry.kind, file: file, match: .content))
                }
            }
        }
        return found
    }
}

extension DatasetKind {
    /// The name in messages ("MNIST", "Fashion-MNIST", "CIFAR-10").
    public var displayName: String { DatasetCatalog.entry(self).displayName }
}

extension DatasetEntry {
    /// The path the loader reads each file from in `directory` (it may not exist): for MNIST and
    /// Fashion-MNIST the first of `NAME`, `NAME.gz`, and the `.idx` spellings that exists (the
    /// `.gz` name when none does); for CIFAR-10 the batch in `directory` or its `cifar-10-batches-bin`.
    public func paths(in directory: String) -> [(file: DatasetFile, path: String)] {
        switch kind {
        case .mnist, .fashionMNIST:
            return files.map { ($0, IDX.locate(directory, $0.contentName ?? $0.name)) }
        case .cifar10:
            let folder = CIFAR10.batchFolder(in: directory)
            return files.map { ($0, (folder as NSString).appendingPathComponent($0.name)) }
        }
    }
}

extension CIFAR10 {
    /// The folder holding the batches: `directory` itself when `data_batch_1.bin` is there,
    /// else its `cifar-10-batches-bin` subfolder (as the archive extracts) when that exists.
    public static func batchFolder(in directory: String) -> String {
        let sub = (directory as NSString).appendingPathComponent("cifar-10-batches-bin")
        if !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("data_batch_1.bin")),
           FileManager.default.fileExists(atPath: sub) {
            return sub
        }
        return directory
    }
}
