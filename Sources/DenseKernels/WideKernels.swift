import CPUFeatures
#if RESNET_FMA && arch(x86_64)
import DenseKernelsAVX512
#endif

/// Whether the AVX-512 kernels of `DenseKernelsAVX512` may run here (asked once; `RESNET_DISABLE_AVX512` in the environment says no).
enum WideKernels {
    static let isAvailable: Bool = resnet_avx512_enabled() != 0
    /// Whether the CPU could run them (whatever the environment says): for the tests.
    static let cpuSupports: Bool = resnet_cpu_has_x86_64_v4() != 0
}
