// Which optional instruction sets this CPU and its operating system support, asked once at run
// time, and a cache prefetch hint (header only: the `cpuid`, `xgetbv` and prefetch
// instructions, no library). Swift has no way to issue them itself; everything else of the
// toolkit stays Swift.
#ifndef RESNET_CPU_FEATURES_H
#define RESNET_CPU_FEATURES_H

#include <stdlib.h>

#if defined(__x86_64__)
#include <cpuid.h>

/// 1 when the CPU has the AVX-512 subsets of x86-64-v4 (F, DQ, CD, BW, VL) and the operating
/// system saves the opmask and 512-bit registers on context switches (XCR0 bits 1, 2, 5, 6, 7).
static inline int resnet_cpu_has_x86_64_v4(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27))) return 0;  // OSXSAVE: xgetbv is available
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6u) != 0xE6u) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned int need = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
    return (b & need) == need;
}
#else
static inline int resnet_cpu_has_x86_64_v4(void) { return 0; }
#endif

/// Asks the CPU to bring the cache lines of `bytes` bytes from `p` into its caches, for reading
/// (a hint: no effect on results).
static inline void resnet_prefetch(const void *p, long bytes) {
    const char *c = (const char *)p;
    for (long o = 0; o < bytes; o += 64) __builtin_prefetch(c + o, 0, 3);
}

/// 1 when the AVX-512 kernels may run: the CPU has them and the environment variable
/// RESNET_DISABLE_AVX512 is not set (set, it makes an AVX-512 machine run the AVX2 code, to
/// compare the two or to time the portable path).
static inline int resnet_avx512_enabled(void) {
    return resnet_cpu_has_x86_64_v4() && getenv("RESNET_DISABLE_AVX512") == NULL;
}

#endif
