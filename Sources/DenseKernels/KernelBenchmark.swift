#if RESNET_FMA && arch(x86_64)
import DenseKernelsAVX512
#endif
/// Timing of the hot kernels (single thread) against the machine's FP32 peak.
///
/// GFLOP/s of a product of an m×k and a k×n matrix counts `2·m·n·k` floating-point
/// operations per call; the reported figure is the median over repetitions, each
/// repetition timing a batch of calls lasting about `secondsPerRepetition`.
public enum KernelBenchmark {
    /// Nominal FP32 peak of one Zen3 core: 2 FMA units × 8 lanes × 2 FLOP × ~3.1 GHz ≈ 99.
    /// (`measurePeakGFLOPS()` measures it with 12 independent FMA chains.)
    public static let peakGFLOPS: Double = 99

    /// Which product is timed: `A·B`, `Aᵀ·B` (A stored k×m) or `A·Bᵀ` (B stored n×k).
    public enum Orientation: String, CaseIterable, Sendable {
        case ab = "A·B"
        case transposedA = "Aᵀ·B"
        case transposedB = "A·Bᵀ"
    }

    /// A product shape `(m×k) · (k×n)`.
    public struct Shape: Sendable, Equatable {
        public var m: Int
        public var k: Int
        public var n: Int
        public init(m: Int, k: Int, n: Int) { self.m = m; self.k = k; self.n = n }
        /// `"m×k·k×n"`.
        public var label: String { "\(m)×\(k)·\(k)×\(n)" }
        /// `2·m·n·k`.
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    /// One measured row of the table.
    public struct Row: Sendable {
        public var shape: Shape
        public var orientation: Orientation
        /// Median GFLOP/s over the repetitions (`2·m·n·k / time`).
        public var gflops: Double
        /// Median time per call in microseconds.
        public var microsecondsPerCall: Double
        /// GFLOP/s of the fastest repetition (less sensitive to other load on a shared machine).
        public var bestGFLOPS: Double
        /// `shape.label`.
        public var label: String { shape.label }
    }

    /// The project's reference shapes: 40×40·40×700 (phase-diagram probes: `W·H`, `Vᵀ·P`),
    /// 30×30·30×128 (training forward `V·U` and backward `Vᵀ·S`), 30×128·128×30 (the
    /// training weight gradient `S·Uᵀ`, as `A·Bᵀ`), 30×784·784×128, 40×40·40×1
    /// (matrix–vector) and 100×100·100×1000.
    public static let standardShapes: [Shape] = [
        Shape(m: 40, k: 40, n: 700),
        Shape(m: 30, k: 30, n: 128),
        Shape(m: 30, k: 128, n: 30),
        Shape(m: 30, k: 784, n: 128),
        Shape(m: 40, k: 40, n: 1),
        Shape(m: 100, k: 100, n: 1000),
    ]

    /// Times every shape in every orientation and returns one row per pair.
    public static func run(shapes: [Shape] = standardShapes,
                           orientations: [Orientation] = Orientation.allCases,
                           repetitions: Int = 7,
                           secondsPerRepetition: Double = 0.004) -> [Row] {
        var rows: [Row] = []
        for shape in shapes {
            for orientation in orientations {
                rows.append(measure(shape: shape, orientation: orientation,
                                    repetitions: repetitions, secondsPerRepetition: secondsPerRepetition))
            }
        }
        return rows
    }

    /// Times one product; inputs are deterministic pseudo-random values in [-1, 1).
    public static func measure(shape: Shape, orientation: Orientation,
                               repetitions: Int = 7, secondsPerRepetition: Double = 0.004) -> Row {
        let (m, k, n) = (shape.m, shape.k, shape.n)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
        }
        let a = (0..<max(1, m * k)).map { _ in next() }
        let b = (0..<max(1, k * n)).map { _ in next() }
        var c = [Float](repeating: 0, count: max(1, m * n))
        let time: (median: Double, best: Double) = a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    let pa = ap.baseAddress!, pb = bp.baseAddress!, pc = cp.baseAddress!
                    let call: () -> Void
                    switch orientation {
                    case .ab:
                        call = { GEMM.multiply(m: m, n: n, k: k, a: pa, lda: k, b: pb, ldb: n, c: pc, ldc: n) }
                    case .transposedA:
                        call = { GEMM.multiplyTransposedA(m: m, n: n, k: k, a: pa, lda: m, b: pb, ldb: n, c: pc, ldc: n) }
                    case .transposedB:
                        call = { GEMM.multiplyTransposedB(m: m, n: n, k: k, a: pa, lda: k, b: pb, ldb: k, c: pc, ldc: n) }
                    }
                    return timeCalls(repetitions: repetitions, secondsPerRepetition: secondsPerRepetition, call)
                }
            }
        }
        return Row(shape: shape, orientation: orientation, gflops: shape.flops / time.median / 1e9,
                   microsecondsPerCall: time.median * 1e6, bestGFLOPS: shape.flops / time.best / 1e9)
    }

    /// Median over `repetitions` of the mean time of one call of `body`, in seconds.
    public static func medianSecondsPerCall(repetitions: Int, secondsPerRepetition: Double,
                                            _ body: () -> Void) -> Double {
        timeCalls(repetitions: repetitions, secondsPerRepetition: secondsPerRepetition, body).median
    }

    /// Median and minimum over `repetitions` of the mean time of one call of `body`, in seconds.
    public static func timeCalls(repetitions: Int, secondsPerRepetition: Double,
                                 _ body: () -> Void) -> (median: Double, best: Double) {
        let clock = ContinuousClock()
        // Warm up and calibrate the batch size.
        var calls = 1
        while true {
            let start = clock.now
            for _ in 0..<calls { body() }
            let elapsed = seconds(clock.now - start)
            if elapsed >= secondsPerRepetition / 4 || calls >= 1 << 24 {
                calls = max(1, Int(Double(calls) * secondsPerRepetition / max(elapsed, 1e-9)))
                break
            }
            calls *= 4
        }
        var samples: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let start = clock.now
            for _ in 0..<calls { body() }
            samples.append(seconds(clock.now - start) / Double(calls))
        }
        samples.sort()
        return (samples[samples.count / 2], samples[0])
    }

    /// Measures the FP32 FMA throughput of this core with 12 independent SIMD8 chains
    /// (`12 · 8 · 2` FLOP per iteration), best of `repetitions`.
    public static func measurePeakGFLOPS(repetitions: Int = 5) -> Double {
        let iterations = 200_000
        var sink: Float = 0
        #if RESNET_FMA && arch(x86_64)
        // Where the AVX-512 kernels run, their 16-lane FMAs set the peak (a floor measured
        // against the 8-lane peak would flatter them).
        if WideKernels.isAvailable {
            let time = timeCalls(repetitions: repetitions, secondsPerRepetition: 0.01) {
                sink += MicroKernels512.fmaChains(iterations: iterations, seed: sink)
            }.best
            if sink == .infinity { print("") }
            return Double(iterations) * 12 * 32 / time / 1e9
        }
        #endif
        let time = timeCalls(repetitions: repetitions, secondsPerRepetition: 0.01) {
            sink += fmaChains(iterations: iterations, seed: sink)
        }.best
        if sink == .infinity { print("") }  // keeps the loop observable
        return Double(iterations) * 12 * 16 / time / 1e9
    }

    /// The vector width behind `measurePeakGFLOPS()`: "AVX-512" where the AVX-512 kernels run, else "AVX2".
    public static var peakInstructionSet: String {
        #if RESNET_FMA && arch(x86_64)
        return WideKernels.isAvailable ? "AVX-512, 16 lanes" : "AVX2, 8 lanes"
        #else
        return "portable SIMD8"
        #endif
    }

    @inline(never)
    static func fmaChains(iterations: Int, seed: Float) -> Float {
        let m = SIMD8<Float>(repeating: 0.999_999)
        let d = SIMD8<Float>(repeating: 1e-7 + seed * 1e-30)
        var v0 = d, v1 = d + 1, v2 = d + 2, v3 = d + 3, v4 = d + 4, v5 = d + 5
        var v6 = d + 6, v7 = d + 7, v8 = d + 8, v9 = d + 9, v10 = d + 10, v11 = d + 11
        for _ in 0..<iterations {
            v0 = madd(d, v0, m); v1 = madd(d, v1, m); v2 = madd(d, v2, m); v3 = madd(d, v3, m)
            v4 = madd(d, v4, m); v5 = madd(d, v5, m); v6 = madd(d, v6, m); v7 = madd(d, v7, m)
            v8 = madd(d, v8, m); v9 = madd(d, v9, m); v10 = madd(d, v10, m); v11 = madd(d, v11, m)
        }
        let s = ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)) + ((v8 + v9) + (v10 + v11))
        return hsum(s)
    }

    /// A plain-text (Markdown) table: shape, orientation, median GFLOP/s, % of `peak`,
    /// µs per call, best GFLOP/s.
    public static func formattedTable(_ rows: [Row], peak: Double = peakGFLOPS) -> String {
        var lines = ["| shape (m×k·k×n) | product | GFLOP/s (median) | % of peak | µs/call | GFLOP/s (best) |",
                     "| --- | --- | ---: | ---: | ---: | ---: |"]
        for row in rows {
            lines.append("| \(row.label) | \(row.orientation.rawValue) | \(format(row.gflops, 1)) | "
                + "\(format(100 * row.gflops / peak, 0)) | \(format(row.microsecondsPerCall, 2)) | "
                + "\(format(row.bestGFLOPS, 1)) |")
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }

    /// Fixed-point formatting without Foundation.
    static func format(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (abs(x) * scale).rounded()
        let whole = Int(r / scale)
        let frac = Int(r - Double(whole) * scale)
        var s = (x < 0 && r != 0 ? "-" : "") + String(whole)
        if digits > 0 {
            var f = String(frac)
            while f.count < digits { f = "0" + f }
            s += "." + f
        }
        return s
    }
}
