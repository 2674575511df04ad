import DenseKernels

/// Deterministic pseudo-random values in [-1, 1) (a 64-bit LCG; no Foundation).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
    mutating func float() -> Float {
        Float(next() >> 40) / Float(1 << 23) - 1
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() >> 33) % (range.count)
    }
    mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in float() }
    }
}

enum Orientation: CaseIterable, CustomStringConvertible {
    case ab, atb, abt
    var description: String {
        switch self { case .ab: return "A·B"; case .atb: return "Aᵀ·B"; case .abt: return "A·Bᵀ" }
    }
}
