// The elementwise passes of the forward and backward passes, fused where the activation
// allows it (ReLU and leaky ReLU in Float: `FusedFloatLoops.swift`), and otherwise the
// unfused sequence they replace. Row-major d × batch matrices, α per column.

extension Activation {
    /// The slope of a rectifier (0 for ReLU, s for leaky ReLU), nil for other activations.
    @inlinable
    var rectifierSlope: Double? {
        switch self {
        case .relu: return 0
        case .leakyReLU(let s): return s
        default: return nil
        }
    }
}

/// out = h + α ⊙ (z + b) (columnwise α, rowwise b; z may be overwritten) and, when `activated`
/// is given, activated = σ(out): the residual update of a layer and the activation the next
/// layer of res-1 multiplies, in one pass.
@inlinable
func residualStep<T: NetworkScalar>(_ h: UnsafePointer<T>, _ alpha: UnsafePointer<T>, _ z: UnsafeMutablePointer<T>,
                                    bias: UnsafePointer<T>?, _ out: UnsafeMutablePointer<T>,
                                    activated: UnsafeMutablePointer<T>?, activation: Activation, rows: Int, columns: Int) {
    if T.self == Float.self, let slope = activation.rectifierSlope {
        return FloatLoops.residualStep(UnsafeRawPointer(h).assumingMemoryBound(to: Float.self),
                                       UnsafeRawPointer(alpha).assumingMemoryBound(to: Float.self),
                                       UnsafeRawPointer(z).assumingMemoryBound(to: Float.self),
                                       bias: bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                                       UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self),
                                       activated: activated.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) },
                                       slope: Float(slope), rows: rows, columns: columns)
    }
    if let bias { addRowBias(bias, z, rows: rows, columns: columns) }
    scaledColumnAdd(h, alpha, UnsafePointer(z), out, rows: rows, columns: columns)
    if let activated { activation.apply(UnsafePointer(out), activated, count: rows * columns) }
}

/// p += σ'(x) ⊙ t (t may be overwritten) and, when `scaled` is given, scaled = α ⊙ p (the new
/// p) and, when `rowSums` is given too, rowSums[i] = Σ_j scaled[i, j]: the end of a res-1
/// layer's backward step and the start of the next one's, in one pass.
@inlinable
func derivativeAccumulate<T: NetworkScalar>(at x: UnsafePointer<T>, _ t: UnsafeMutablePointer<T>,
                                            into p: UnsafeMutablePointer<T>, activation: Activation,
                                            alpha: UnsafePointer<T>, scaled: UnsafeMutablePointer<T>?,
                                            rowSums: UnsafeMutablePointer<T>?, rows: Int, columns: Int) {
    if T.self == Float.self, let slope = activation.rectifierSlope {
        return FloatLoops.derivativeAccumulate(at: UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                               UnsafeRawPointer(t).assumingMemoryBound(to: Float.self),
                                               into: UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self),
                                               slope: Float(slope), alpha: UnsafeRawPointer(alpha).assumingMemoryBound(to: Float.self),
                                               scaled: scaled.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) },
                                               rowSums: rowSums.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) },
                                               rows: rows, columns: columns)
    }
    activation.multiplyByDerivative(at: x, t, count: rows * columns)
    add(UnsafePointer(t), p, count: rows * columns)
    if let scaled {
        scaleColumns(UnsafePointer(p), alpha, scaled, rows: rows, columns: columns)
        if let rowSums { sumRows(UnsafePointer(scaled), rowSums, rows: rows, columns: columns) }
    }
}

/// p += (α ⊙ σ'(x)) ⊙ t (t may be overwritten): the backward step of res-1 without parameter
/// gradients, α folded into the derivative.
@inlinable
func scaledDerivativeAccumulate<T: NetworkScalar>(at x: UnsafePointer<T>, _ t: UnsafeMutablePointer<T>,
                                                  into p: UnsafeMutablePointer<T>, activation: Activation,
                                                  alpha: UnsafePointer<T>, rows: Int, columns: Int) {
    if T.self == Float.self, let slope = activation.rectifierSlope {
        return FloatLoops.scaledDerivativeAccumulate(at: UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                                     UnsafeRawPointer(t).assumingMemoryBound(to: Float.self),
                                                     into: UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self),
                                                     UnsafeRawPointer(alpha).assumingMemoryBound(to: Float.self),
                                                     slope: Float(slope), rows: rows, columns: columns)
    }
    activation.multiplyByDerivative(at: x, t, columnScales: alpha, rows: rows, columns: columns)
    add(UnsafePointer(t), p, count: rows * columns)
}

/// t *= σ'(x) and, when `rowSums` is given, rowSums[i] = Σ_j t[i, j] (the bias gradient).
@inlinable
func multiplyByDerivative<T: NetworkScalar>(at x: UnsafePointer<T>, _ t: UnsafeMutablePointer<T>, activation: Activation,
                                            rowSums: UnsafeMutablePointer<T>?, rows: Int, columns: Int) {
    if T.self == Float.self, let slope = activation.rectifierSlope {
        return FloatLoops.multiplyByDerivative(at: UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                               UnsafeMutableRawPointer(t).assumingMemoryBound(to: Float.self), slope: Float(slope),
                                               rowSums: rowSums.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) },
                                               rows: rows, columns: columns)
    }
    activation.multiplyByDerivative(at: x, t, count: rows * columns)
    if let rowSums { sumRows(UnsafePointer(t), rowSums, rows: rows, columns: columns) }
}

/// p += b (rowwise, when given) and out = σ(p): a res-2/res-3 pre-activation and its activation.
@inlinable
func biasActivate<T: NetworkScalar>(_ p: UnsafeMutablePointer<T>, bias: UnsafePointer<T>?, _ out: UnsafeMutablePointer<T>,
                                    activation: Activation, rows: Int, columns: Int) {
    if T.self == Float.self, let slope = activation.rectifierSlope {
        return FloatLoops.biasRectify(UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self),
                                      bias: bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                                      UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self),
                                      slope: Float(slope), rows: rows, columns: columns)
    }
    if let bias { addRowBias(bias, p, rows: rows, columns: columns) }
    activation.apply(UnsafePointer(p), out, count: rows * columns)
}
