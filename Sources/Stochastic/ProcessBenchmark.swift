// Throughput of the random-process samplers (wired into the CLI's `bench` command).

/// Measures the process samplers single-threaded on the phase-diagram workload: `2·d²`
/// sequences (d = 40 → 3200) of length L = 1000, written as Float, layer-major.
public enum ProcessBenchmark {
    /// One measured operation.
    public struct Row: Sendable, Equatable {
        /// What was measured, e.g. "fGn H=0.7".
        public var name: String
        /// Sequences produced per call.
        public var sequences: Int
        /// Length of each sequence.
        public var length: Int
        /// Best (minimum) wall-clock seconds of one call over the repetitions.
        public var seconds: Double

        /// Sequences per second.
        public var sequencesPerSecond: Double { seconds > 0 ? Double(sequences) / seconds : .infinity }
        /// Output values per second.
        public var valuesPerSecond: Double { sequencesPerSecond * Double(length) }

        public init(name: String, sequences: Int, length: Int, seconds: Double) {
            self.name = name
            self.sequences = sequences
            self.length = length
            self.seconds = seconds
        }
    }

    /// Runs every measurement (best of `repetitions` calls after one warm-up call):
    /// plan setup for fGn and the smooth GP, fGn (H = 0.7) and fBm paths, smooth values (ℓ = 0.1)
    /// and increments (ℓ² = 0.01), the Gaussian draws alone, and the batched FFT alone.
    public static func run(sequences: Int = 3200, length: Int = 1000, repetitions: Int = 7, seed: UInt64 = 1) -> [Row] {
        precondition(sequences > 0 && length > 0 && repetitions > 0)
        var rows: [Row] = []
        var stream = RandomStream(seed: seed, 0x7072_6F63) // "proc"
        let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: sequences * length)
        defer { out.deallocate() }

        var fgn: FractionalGaussianNoise?
        rows.append(Row(name: "fGn setup (per L, H)", sequences: 1, length: length, seconds: best(repetitions) {
            fgn = try? FractionalGaussianNoise(length: length, hurst: 0.7)
        }))
        var gp: SmoothGaussianProcess?
        rows.append(Row(name: "smooth GP setup (per L, l)", sequences: 1, length: length, seconds: best(repetitions) {
            gp = try? SmoothGaussianProcess.values(length: length, lengthScale: 0.1)
        }))
        guard let f = fgn, let g = gp, let gi = try? SmoothGaussianProcess.increments(length: length, bandwidth: 0.01) else { return rows }

        rows.append(Row(name: "fGn H=0.7 (Float out)", sequences: sequences, length: length, seconds: best(repetitions) {
            f.sample(sequences: sequences, scale: 1, from: &stream, into: out)
        }))
        rows.append(Row(name: "fBm paths H=0.7", sequences: sequences, length: length, seconds: best(repetitions) {
            f.fbmPaths(sequences: sequences, scale: 1, from: &stream, into: out)
        }))
        rows.append(Row(name: "smooth values l=0.1", sequences: sequences, length: length, seconds: best(repetitions) {
            g.sample(sequences: sequences, scale: 1, from: &stream, into: out)
        }))
        rows.append(Row(name: "smooth increments l2=0.01", sequences: sequences, length: length, seconds: best(repetitions) {
            gi.sample(sequences: sequences, scale: 1, from: &stream, into: out)
        }))

        // Components of the fGn call: the normal draws and the batched FFTs (8 sequences each).
        let m = f.embeddingLength
        let blocks = (sequences + 7) / 8
        let normals = UnsafeMutableBufferPointer<Float>.allocate(capacity: 8 * m)
        defer { normals.deallocate() }
        rows.append(Row(name: "  of which normal draws", sequences: sequences, length: length, seconds: best(repetitions) {
            for _ in 0..<blocks { stream.fillNormal(normals, mean: 0, standardDeviation: 1) }
        }))
        let plan = FFTPlan(length: m)
        let v = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: 4 * m)
        defer { v.deallocate() }
        for i in 0..<(4 * m) { v[i] = SIMD4(repeating: Double(normals[i % (8 * m)])) }
        rows.append(Row(name: "  of which FFTs (M=\(m))", sequences: sequences, length: length, seconds: best(repetitions) {
            for _ in 0..<blocks { plan.forward(real: v, imag: v + m, workReal: v + 2 * m, workImag: v + 3 * m) }
        }))
        return rows
    }

    /// A fixed-width text table: operation, ms per call, sequences/s and values/s.
    public static func formattedTable(_ rows: [Row]) -> String {
        func label(_ r: Row) -> String { r.sequences > 1 ? "\(r.name) [\(r.sequences)x\(r.length)]" : r.name }
        let nameWidth = max(30, rows.map { label($0).count + 1 }.max() ?? 0)
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return left ? s + fill : fill + s
        }
        var lines = [pad("process (seqs x L)", nameWidth, left: true) + pad("ms/call", 11) + pad("seqs/s", 12) + pad("values/s", 12)]
        lines.append(String(repeating: "-", count: nameWidth + 35))
        for r in rows {
            lines.append(pad(label(r), nameWidth, left: true) + pad(fixed(r.seconds * 1e3, 3), 11)
                         + pad(r.sequences > 1 ? scientific(r.sequencesPerSecond) : "-", 12)
                         + pad(r.sequences > 1 ? scientific(r.valuesPerSecond) : "-", 12))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func best(_ repetitions: Int, _ body: () -> Void) -> Double {
        body() // warm-up
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<repetitions {
            let start = clock.now
            body()
            let d = clock.now - start
            best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        return best
    }

    private static func scientific(_ x: Double) -> String {
        guard x.isFinite, x > 0 else { return "\(x)" }
        var e = 0
        var m = x
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 { m *= 10; e -= 1 }
        return fixed(m, 2) + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + "\(abs(e))"
    }

    private static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let r = (abs(x) * scale).rounded()
        let whole = Int(r / scale)
        var frac = String(Int(r - Double(whole) * scale))
        while frac.count < decimals { frac = "0" + frac }
        return (x < 0 ? "-" : "") + "\(whole)" + (decimals > 0 ? "." + frac : "")
    }
}
