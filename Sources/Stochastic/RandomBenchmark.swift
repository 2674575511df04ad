// Throughput figures of the random-number hot paths (wired into the CLI's `bench` command).

/// Measures values per second of the bulk fills and of a scalar draw, single-threaded.
public enum RandomBenchmark {
    /// One measured operation.
    public struct Row: Sendable, Equatable {
        /// What was measured, e.g. "fillUniform Float".
        public var name: String
        /// Number of values produced during the timed interval.
        public var values: Int
        /// Wall-clock duration of the timed interval, in seconds.
        public var seconds: Double
        /// `values / seconds`.
        public var valuesPerSecond: Double { seconds > 0 ? Double(values) / seconds : .infinity }

        public init(name: String, values: Int, seconds: Double) {
            self.name = name
            self.values = values
            self.seconds = seconds
        }
    }

    /// Runs every measurement: fillUniform Float and Double, fillNormal Float and Double
    /// (buffers of `bufferLength` values, refilled until `minimumSeconds` have elapsed, after one
    /// untimed warm-up fill), and scalar `nextNormal()` / `nextUniform()` draws.
    public static func run(bufferLength: Int = 1 << 16, minimumSeconds: Double = 0.25, seed: UInt64 = 1) -> [Row] {
        precondition(bufferLength > 0 && minimumSeconds >= 0)
        var rows: [Row] = []
        var stream = RandomStream(seed: seed, 0x6265_6E63_68) // "bench"
        let floats = UnsafeMutableBufferPointer<Float>.allocate(capacity: bufferLength)
        let doubles = UnsafeMutableBufferPointer<Double>.allocate(capacity: bufferLength)
        defer { floats.deallocate(); doubles.deallocate() }

        rows.append(measure("fillUniform Float", perCall: bufferLength, minimumSeconds) { stream.fillUniform(floats, low: -1, high: 1) })
        rows.append(measure("fillUniform Double", perCall: bufferLength, minimumSeconds) { stream.fillUniform(doubles, low: -1, high: 1) })
        rows.append(measure("fillNormal Float", perCall: bufferLength, minimumSeconds) { stream.fillNormal(floats, mean: 0, standardDeviation: 1) })
        rows.append(measure("fillNormal Double", perCall: bufferLength, minimumSeconds) { stream.fillNormal(doubles, mean: 0, standardDeviation: 1) })
        let scalarBatch = 4096
        var sink = 0.0
        rows.append(measure("nextNormal (scalar Double)", perCall: scalarBatch, minimumSeconds) {
            for _ in 0..<scalarBatch { sink += stream.nextNormal() }
        })
        rows.append(measure("nextUniform (scalar Double)", perCall: scalarBatch, minimumSeconds) {
            for _ in 0..<scalarBatch { sink += stream.nextUniform() }
        })
        blackHole(sink + Double(floats[0]) + doubles[0])
        return rows
    }

    /// A fixed-width text table: operation, values/s, and ns per value.
    public static func formattedTable(_ rows: [Row]) -> String {
        let nameWidth = max(28, rows.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return left ? s + fill : fill + s
        }
        var lines = [pad("operation", nameWidth, left: true) + pad("values/s", 14) + pad("ns/value", 11)]
        lines.append(String(repeating: "-", count: nameWidth + 25))
        for row in rows {
            let rate = row.valuesPerSecond
            lines.append(pad(row.name, nameWidth, left: true) + pad(scientific(rate), 14)
                         + pad(fixed(1e9 / rate, decimals: 3), 11))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func measure(_ name: String, perCall: Int, _ minimumSeconds: Double, _ body: () -> Void) -> Row {
        body() // warm-up
        let clock = ContinuousClock()
        let start = clock.now
        var calls = 0
        var elapsed = 0.0
        repeat {
            body()
            calls += 1
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while elapsed < minimumSeconds
        return Row(name: name, values: calls * perCall, seconds: elapsed)
    }

    @inline(never)
    private static func blackHole(_ x: Double) {
        if x == 0x1.234p-1000 { print("") }
    }

    private static func scientific(_ x: Double) -> String {
        guard x.isFinite, x > 0 else { return "\(x)" }
        var e = 0
        var m = x
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 { m *= 10; e -= 1 }
        return fixed(m, decimals: 3) + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + "\(abs(e))"
    }

    private static func fixed(_ x: Double, decimals: Int) -> String {
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
