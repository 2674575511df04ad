import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to an open descriptor: every byte, whatever `write(2)` does on the way.
public enum DescriptorWrite {
    /// Writes every byte of `bytes` to `fd`, retrying after EINTR and after a partial write.
    /// Returns how many bytes were written and, if a write failed, the system's message (the
    /// bytes before it are written).
    @discardableResult
    public static func all(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (written: Int, failure: String?) {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return (offset, Errno(errno).message)
            }
            offset += n
        }
        return (offset, nil)
    }

    /// Writes every byte of `data` to `fd`, as the buffer form does.
    @discardableResult
    public static func all(_ fd: Int32, _ data: Data) -> (written: Int, failure: String?) {
        data.withUnsafeBytes { all(fd, $0) }
    }
}
