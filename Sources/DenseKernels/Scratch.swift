// Per-thread reusable scratch memory for the kernels' packing and reduction buffers.
//
// `withUnsafeTemporaryAllocation` only uses the stack up to 1 KB on Linux and otherwise
// costs a malloc/free pair per call (~80 ns measured), which matters for products of a few
// microseconds called thousands of times. Each thread keeps one 64-byte-aligned block that
// grows on demand and is freed when the thread exits.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension GEMM {
    /// The thread-specific key of the scratch block (a pointer to a `ScratchHeader`
    /// followed by the floats); the destructor frees the block at thread exit.
    static let scratchKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { block in
            free(block)
        }
        precondition(status == 0, "GEMM: pthread_key_create failed")
        return key
    }()

    /// Bytes before the floats of a scratch block: its capacity in floats, padded to 64 bytes.
    static let scratchHeaderBytes = 64

    /// Calls `body` with at least `count` floats of 64-byte-aligned, uninitialized scratch
    /// owned by the calling thread. Not reentrant: `body` must not call `withScratch` again.
    @inline(__always)
    static func withScratch<R>(floats count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        let key = scratchKey
        var block = pthread_getspecific(key)
        if block == nil || block!.load(as: Int.self) < count {
            block = growScratch(key: key, old: block, floats: count)
        }
        return body((block! + scratchHeaderBytes).assumingMemoryBound(to: Float.self))
    }

    /// Replaces the thread's scratch block by one of at least `floats` floats (rounded up,
    /// and at least 16 K floats so that it rarely grows again).
    @inline(never)
    static func growScratch(key: pthread_key_t, old: UnsafeMutableRawPointer?, floats: Int) -> UnsafeMutableRawPointer {
        if let old { free(old) }
        let capacity = max(16_384, (floats + 1023) & ~1023)
        var raw: UnsafeMutableRawPointer? = nil
        let status = posix_memalign(&raw, 64, scratchHeaderBytes + capacity * MemoryLayout<Float>.stride)
        precondition(status == 0 && raw != nil, "GEMM: cannot allocate \(capacity) floats of scratch")
        raw!.storeBytes(of: capacity, as: Int.self)
        pthread_setspecific(key, raw)
        return raw!
    }
}
