import Foundation
import ResNetScaling

/// Text inputs read whole (a spec, a table) are checked against the memory limit from their
/// size on disk before they are read: parsed, they take several times their size.
enum InputSize {
    /// Throws `ResourceError.memory` if `path`, of `expansion` bytes in memory per byte on disk,
    /// would not fit in `limit`. Files whose size is unknown (missing, special) pass: reading them
    /// reports its own error.
    static func check(_ path: String, expansion: Int, limit: MemoryLimit, what: String) throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return }
        try limit.check(Saturating.product(size, expansion), subject: path,
                        purpose: "to read its \(MemoryLimit.format(bytes: size)) as \(what)")
    }
}
