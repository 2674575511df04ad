import CPUFeatures
#if RESNET_FMA && arch(x86_64)
import DenseKernelsAVX512
#endif

/// Whether the AVX-512 kernels of `DenseKernelsAVX512` may run here (asked once).
enum WideKernels {
    static let isAvailable: Bool = resnet_cpu_has_x86_64_v4() != 0
}
