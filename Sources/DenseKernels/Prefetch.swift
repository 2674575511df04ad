import CPUFeatures

/// Asks the CPU to bring `bytes` bytes from `p` into its caches ahead of use: a hint, with no
/// effect on results. The backward pass of a deep network reads the state h_{k−1} of its tape
/// right after h_k, kilobytes lower in memory, a jump the hardware prefetchers do not follow
/// (measured, issue 12: the res-1 training step 6–8 % faster with h_{k−1} prefetched while
/// layer k runs; prefetching the forward pass's next state for writing gained nothing).
@inlinable
public func prefetch(_ p: UnsafeRawPointer, bytes: Int) {
    prefetchBytes(p, bytes)
}

@usableFromInline
func prefetchBytes(_ p: UnsafeRawPointer, _ bytes: Int) {
    resnet_prefetch(p, bytes)
}
