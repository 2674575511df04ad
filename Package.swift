// swift-tools-version:6.0
import PackageDescription

// Numerical modules are always compiled with optimization (also in `swift test`'s debug
// build): unoptimized SIMD code is 10-100x slower and would make statistical tests slow.
// On x86_64 hosts we generate AVX2 + FMA code (x86-64-v3) and define RESNET_FMA so that
// kernels use fused multiply-adds; elsewhere the code stays portable (see PERFORMANCE notes
// in DESIGN.md: `.addingProduct` on a baseline build becomes a libm call per lane).
#if arch(x86_64)
let cpuFlags: [String] = ["-Xcc", "-march=x86-64-v3", "-D", "RESNET_FMA"]
#else
let cpuFlags: [String] = []
#endif

let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-O"] + cpuFlags),
]
let toolSettings: [SwiftSetting] = [
    .unsafeFlags(cpuFlags),
]
// StochasticAVX512 and DenseKernelsAVX512 alone are compiled for x86-64-v4 (AVX-512); their
// code runs only after a run-time check of the CPU (CPUFeatures), so the tool still runs on
// AVX2-only machines.
#if arch(x86_64)
let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-O", "-Xcc", "-march=x86-64-v4", "-D", "RESNET_AVX512"])]
#else
let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-O"])]
#endif

let package = Package(
    name: "ResNetScaling",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ResNetScaling", targets: ["ResNetScaling"]),
        .executable(name: "resnet-scaling", targets: ["ResNetScalingCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // What every module below the CLI shares: errors, the number formatter, the worker pool,
        // the progress reporter, the settings machinery, the tool's version. Only Foundation.
        .target(name: "Support", exclude: ["README.md"], swiftSettings: numericSettings, plugins: ["BuildRevision"]),
        // Writes the git revision the tool is built from into Support (ToolVersion).
        .plugin(name: "BuildRevision", capability: .buildTool()),
        // Contiguous Float matrices and the hot kernels (GEMM, matrix-vector, elementwise).
        .target(name: "DenseKernels", dependencies: ["DenseKernelsAVX512", "CPUFeatures"], exclude: ["README.md"], swiftSettings: numericSettings),
        // A GEMM micro-kernel in AVX-512 registers (same numbers as the AVX2 one).
        .target(name: "DenseKernelsAVX512", exclude: ["README.md"], swiftSettings: avx512Settings),
        // Counter-based random streams and samplers of random processes.
        .target(name: "Stochastic", dependencies: ["StochasticAVX512", "CPUFeatures"], exclude: ["README.md"], swiftSettings: numericSettings),
        // The uniform Float fill of the random streams in AVX-512 registers (same numbers).
        .target(name: "StochasticAVX512", exclude: ["README.md"], swiftSettings: avx512Settings),
        // cpuid/xgetbv and prefetch (a header): whether the AVX-512 code may run here; cache hints.
        .systemLibrary(name: "CPUFeatures", path: "Sources/CPUFeatures"),
        // The ResNet models: layers, activations, scaling, forward and backward passes.
        .target(name: "ResNets", dependencies: ["DenseKernels", "Stochastic", "Support"], exclude: ["README.md"], swiftSettings: numericSettings),
        // Experiments at initialization: probes, sweeps, summaries, theory oracles.
        .target(name: "SignalPropagation", dependencies: ["ResNets", "Stochastic", "Resources", "Support"], exclude: ["README.md"], swiftSettings: numericSettings),
        // Plain SVG figures: line plots with bands, histograms, heatmaps.
        .target(name: "Plots", dependencies: ["Support"], exclude: ["README.md"], swiftSettings: toolSettings),
        // zlib (present on every Linux and macOS) for .gz datasets.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // Datasets, losses, optimizers, schedules, the training loop, checkpoints.
        .target(name: "Training", dependencies: ["ResNets", "DenseKernels", "Stochastic", "Persistence", "Resources", "Support", "CZlib"], exclude: ["README.md"],
                swiftSettings: numericSettings),
        // Datasets fetched over HTTP(S) with resume, verified against the checksums of
        // Training's DatasetCatalog; CIFAR-10's archive extracted.
        .target(name: "DatasetFetch", dependencies: ["Training", "Persistence", "Resources", "Support"], exclude: ["README.md"], swiftSettings: toolSettings),
        // Sweeps: YAML specs, grids of cells with stable ids, a durable results store,
        // sharding, collection, Slurm job arrays.
        .target(name: "Experiments",
                dependencies: ["SignalPropagation", "Training", "Persistence", "Resources", "Support",
                               .product(name: "Yams", package: "Yams")], exclude: ["README.md"],
                swiftSettings: toolSettings),
        // Durable files: atomic writes, file locks, SHA-256 (optimized: it hashes dataset files
        // of hundreds of megabytes, also in the tests' debug build).
        .target(name: "Persistence", exclude: ["README.md"], swiftSettings: numericSettings),
        // Bounds on what a request may use: the memory limit, saturating estimates, thread counts.
        .target(name: "Resources", dependencies: ["Support"], exclude: ["README.md"]),
        // The paper's figures drawn from experiment results.
        .target(name: "Figures", dependencies: ["SignalPropagation", "Training", "ResNets", "Plots", "Support"], exclude: ["README.md"], swiftSettings: toolSettings),
        // `reproduce`: the bundled specs run as sweeps, the claims checked, the report written.
        .target(name: "Reports", dependencies: ["Experiments", "Figures", "SignalPropagation", "Plots", "Persistence", "Support"], exclude: ["README.md"], swiftSettings: toolSettings),
        // Umbrella module re-exporting the library.
        .target(name: "ResNetScaling", dependencies: ["Support", "DenseKernels", "Stochastic", "ResNets", "SignalPropagation", "Plots", "Persistence", "Resources", "Figures", "Training", "DatasetFetch", "Experiments", "Reports"], exclude: ["README.md"]),
        // Writes DenseKernels' MicroKernels.swift and DotKernels.swift (pure string building,
        // no dependency; `swift run generate-kernels Sources/DenseKernels`).
        .target(name: "KernelGenerator", exclude: ["README.md"]),
        .executableTarget(name: "generate-kernels", dependencies: ["KernelGenerator"], path: "Sources/GenerateKernels"),
        // The `resnet-scaling` command-line tool: parses, validates, calls the library.
        .executableTarget(
            name: "ResNetScalingCLI",
            dependencies: ["ResNetScaling", .product(name: "ArgumentParser", package: "swift-argument-parser")], exclude: ["README.md"],
            swiftSettings: toolSettings
        ),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "DenseKernelsTests", dependencies: ["DenseKernels"], swiftSettings: numericSettings),
        .testTarget(name: "StochasticTests", dependencies: ["Stochastic"], swiftSettings: numericSettings),
        .testTarget(name: "ResNetsTests", dependencies: ["ResNets", "DenseKernels", "Stochastic", "Support"], swiftSettings: numericSettings),
        .testTarget(name: "SignalPropagationTests", dependencies: ["SignalPropagation", "ResNets", "Stochastic", "Support"], swiftSettings: numericSettings),
        .testTarget(name: "PlotsTests", dependencies: ["Plots"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "SignalPropagation", "Plots"]),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence"]),
        .testTarget(name: "ResourcesTests", dependencies: ["Resources"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Figures", "SignalPropagation", "Training", "Support"]),
        .testTarget(name: "DatasetFetchTests", dependencies: ["DatasetFetch", "Training", "Persistence", "Resources", "Support"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "ResNets", "Stochastic", "Persistence", "Support"], swiftSettings: numericSettings),
        // Reads Sources/DenseKernels from the source tree: the generator reproduces it byte for byte.
        .testTarget(name: "KernelGeneratorTests", dependencies: ["KernelGenerator"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "SignalPropagation", "Support"]),
        // Golden/: outputs captured before issue 9 (read from the source tree by GoldenOutputTests).
        .testTarget(name: "CLITests", dependencies: ["ResNetScalingCLI"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v5]
)
