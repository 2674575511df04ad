import DenseKernels

/// Batched forward and backward passes of a deep ResNet (PAPER.md §2):
///
///     h_0 = A x,   h_{k+1} = h_k + α_j f(h_k; θ_{k+1}),   F(x) = B h_L
///
/// with f = V σ(h) (+ b) for res-1, σ(V h + b) for res-2, V σ(W h + b) for res-3.
/// Inputs are the columns of an n_in × batch matrix; column j is scaled by its own α_j,
/// so that one pass serves several β on the same weights. The backward pass is the
/// hand-written vector–Jacobian product of the forward pass.
public struct ResNet<T: NetworkScalar>: Sendable {
    public let configuration: ResNetConfiguration

    public init(_ configuration: ResNetConfiguration) {
        self.configuration = configuration
    }

    // MARK: Forward

    /// Runs the network on `inputs` (n_in × batch, row-major), recording the states in `tape`.
    /// `alphas` has one scaling per column (batch entries).
    @inlinable
    public func forward<Weights: ResidualWeights>(
        inputLayer: [T], outputLayer: [T], residual weights: inout Weights,
        inputs: [T], batch: Int, alphas: [T], tape: inout ForwardTape<T>
    ) where Weights.Scalar == T {
        let c = configuration
        precondition(inputs.count == c.inputDimension * batch, "inputs must be n_in × batch")
        precondition(alphas.count == batch, "one α per column")
        precondition(inputLayer.count == c.width * c.inputDimension && outputLayer.count == c.outputDimension * c.width)
        tape.prepare(configuration: c, batch: batch)
        tape.inputs.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: inputs, count: inputs.count) }
        tape.alphas.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: alphas, count: batch) }
        if batch == 0 { return }
        let d = c.width, db = d * batch
        let activation = c.activation, variant = c.variant
        let keepsAll = tape.keepsAllStates
        func offset(_ k: Int) -> Int { ForwardTape<T>.stateOffset(k, stateSize: db, keepsAllStates: keepsAll) }

        tape.states.withUnsafeMutableBufferPointer { states in
            // h_0 = A x
            inputLayer.withUnsafeBufferPointer { a in
                inputs.withUnsafeBufferPointer { x in
                    T.gemm(transposeA: false, transposeB: false, m: d, n: batch, k: c.inputDimension,
                           a: a.baseAddress!, lda: c.inputDimension, b: x.baseAddress!, ldb: batch,
                           c: states.baseAddress!, ldc: batch, accumulate: false)
                }
            }
            tape.preactivations.withUnsafeMutableBufferPointer { pre in
                tape.scratchA.withUnsafeMutableBufferPointer { u in
                    tape.scratchB.withUnsafeMutableBufferPointer { z in
                        alphas.withUnsafeBufferPointer { alpha in
                            for k in 0..<c.depth {
                                let h = states.baseAddress! + offset(k)
                                let next = states.baseAddress! + offset(k + 1)
                                weights.withLayer(k) { v, w, bias in
                                    switch variant {
                                    case .res1:
                                        // z = V σ(h) (+ b); σ(h_k) for k ≥ 1 was written by the previous
                                        // layer's residual step.
                                        if k == 0 { activation.apply(UnsafePointer(h), u.baseAddress!, count: db) }
                                        T.gemm(transposeA: false, transposeB: false, m: d, n: batch, k: d,
                                               a: v, lda: d, b: u.baseAddress!, ldb: batch,
                                               c: z.baseAddress!, ldc: batch, accumulate: false)
                                        // h_{k+1} = h_k + α ⊙ (z + b), and σ(h_{k+1}) for the next layer
                                        residualStep(UnsafePointer(h), alpha.baseAddress!, z.baseAddress!, bias: bias, next,
                                                     activated: k + 1 < c.depth ? u.baseAddress! : nil,
                                                     activation: activation, rows: d, columns: batch)
                                    case .res2:
                                        // z = σ(V h + b)
                                        let p = pre.baseAddress! + k * db
                                        T.gemm(transposeA: false, transposeB: false, m: d, n: batch, k: d,
                                               a: v, lda: d, b: h, ldb: batch, c: p, ldc: batch, accumulate: false)
                                        biasActivate(p, bias: bias, z.baseAddress!, activation: activation, rows: d, columns: batch)
                                        residualStep(UnsafePointer(h), alpha.baseAddress!, z.baseAddress!, bias: nil, next,
                                                     activated: nil, activation: activation, rows: d, columns: batch)
                                    case .res3:
                                        // z = V σ(W h + b)
                                        let p = pre.baseAddress! + k * db
                                        T.gemm(transposeA: false, transposeB: false, m: d, n: batch, k: d,
                                               a: w!, lda: d, b: h, ldb: batch, c: p, ldc: batch, accumulate: false)
                                        biasActivate(p, bias: bias, u.baseAddress!, activation: activation, rows: d, columns: batch)
                                        T.gemm(transposeA: false, transposeB: false, m: d, n: batch, k: d,
                                               a: v, lda: d, b: u.baseAddress!, ldb: batch,
                                               c: z.baseAddress!, ldc: batch, accumulate: false)
                                        residualStep(UnsafePointer(h), alpha.baseAddress!, z.baseAddress!, bias: nil, next,
                                                     activated: nil, activation: activation, rows: d, columns: batch)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // F = B h_L
            tape.outputs.withUnsafeMutableBufferPointer { out in
                outputLayer.withUnsafeBufferPointer { b in
                    T.gemm(transposeA: false, transposeB: false, m: c.outputDimension, n: batch, k: d,
                           a: b.baseAddress!, lda: d, b: states.baseAddress! + offset(c.depth), ldb: batch,
                           c: out.baseAddress!, ldc: batch, accumulate: false)
                }
            }
        }
    }

    /// Runs the network with its residual branch scaled as `scaling` says: the network
    /// computes α_L = L^{-β} of each column from its own depth (callers give β, not α arrays).
    @inlinable
    public func forward<Weights: ResidualWeights>(
        inputLayer: [T], outputLayer: [T], residual weights: inout Weights,
        inputs: [T], batch: Int, scaling: BranchScaling, tape: inout ForwardTape<T>
    ) where Weights.Scalar == T {
        forward(inputLayer: inputLayer, outputLayer: outputLayer, residual: &weights, inputs: inputs, batch: batch,
                alphas: scaling.alphas(depth: configuration.depth, batch: batch), tape: &tape)
    }

    /// Convenience: forward with stored parameters.
    @inlinable
    public func forward(parameters: ResNetParameters<T>, inputs: [T], batch: Int, alphas: [T],
                        tape: inout ForwardTape<T>) {
        var weights = StoredResidualWeights(parameters)
        forward(inputLayer: parameters.inputLayer, outputLayer: parameters.outputLayer, residual: &weights,
                inputs: inputs, batch: batch, alphas: alphas, tape: &tape)
    }

    /// Convenience: forward with stored parameters, scaled as `scaling` says.
    @inlinable
    public func forward(parameters: ResNetParameters<T>, inputs: [T], batch: Int, scaling: BranchScaling,
                        tape: inout ForwardTape<T>) {
        forward(parameters: parameters, inputs: inputs, batch: batch,
                alphas: scaling.alphas(depth: configuration.depth, batch: batch), tape: &tape)
    }

    // MARK: Backward

    /// Back-propagates `outputGradient` = ∂loss/∂F (n_out × batch) through the pass recorded
    /// in `tape`. Always returns p_L = ∂loss/∂h_L and p_0 = ∂loss/∂h_0; with
    /// `parameterGradients`, also ∂loss/∂θ for A, B, every V_k, W_k and bias.
    ///
    /// Per layer, with s = α ⊙ p_{k+1} (columnwise):
    /// - res-1: ∂V += s σ(h)ᵀ, ∂b += Σ_j s, p_k = p_{k+1} + σ'(h) ⊙ (Vᵀ s)
    /// - res-2: q = σ'(V h + b) ⊙ s, ∂V += q hᵀ, ∂b += Σ_j q, p_k = p_{k+1} + Vᵀ q
    /// - res-3: ∂V += s σ(g)ᵀ, t = σ'(g) ⊙ (Vᵀ s), ∂W += t hᵀ, ∂b += Σ_j t, p_k = p_{k+1} + Wᵀ t
    @inlinable
    public func backward<Weights: ResidualWeights>(
        inputLayer: [T], outputLayer: [T], residual weights: inout Weights,
        tape: inout ForwardTape<T>, outputGradient: [T], parameterGradients: Bool,
        into result: inout BackwardResult<T>
    ) where Weights.Scalar == T {
        let c = configuration, batch = tape.batch
        let d = c.width, db = d * batch
        precondition(tape.configuration == c, "tape recorded with another configuration")
        precondition(tape.keepsAllStates || !parameterGradients, "parameter gradients need a tape that keeps all states")
        precondition(outputGradient.count == c.outputDimension * batch, "output gradient must be n_out × batch")
        if result.outputStateGradient.count != db {
            result.outputStateGradient = [T](repeating: 0, count: db)
            result.inputStateGradient = [T](repeating: 0, count: db)
        }
        let hasBias = weights.hasBias
        var grads: ResNetParameters<T>
        if parameterGradients {
            if let previous = result.parameterGradients, previous.configuration == c, previous.hasBias == hasBias {
                grads = previous
            } else {
                grads = ResNetParameters<T>(zeros: c, hasBias: hasBias)
            }
        } else {
            grads = ResNetParameters<T>(empty: c)
        }
        result.parameterGradients = nil  // no second reference while `grads` is mutated
        defer { if parameterGradients { result.parameterGradients = grads } }
        if batch == 0 { return }
        let activation = c.activation, variant = c.variant
        let biasGradients = parameterGradients && hasBias
        let keepsAll = tape.keepsAllStates
        func offset(_ k: Int) -> Int { ForwardTape<T>.stateOffset(k, stateSize: db, keepsAllStates: keepsAll) }

        // p_L = Bᵀ ∂loss/∂F ; ∂B = ∂loss/∂F h_Lᵀ
        result.outputStateGradient.withUnsafeMutableBufferPointer { pL in
            outputLayer.withUnsafeBufferPointer { b in
                outputGradient.withUnsafeBufferPointer { g in
                    T.gemm(transposeA: true, transposeB: false, m: d, n: batch, k: c.outputDimension,
                           a: b.baseAddress!, lda: d, b: g.baseAddress!, ldb: batch,
                           c: pL.baseAddress!, ldc: batch, accumulate: false)
                    if parameterGradients {
                        tape.states.withUnsafeBufferPointer { states in
                            grads.outputLayer.withUnsafeMutableBufferPointer { gB in
                                T.gemm(transposeA: false, transposeB: true, m: c.outputDimension, n: d, k: batch,
                                       a: g.baseAddress!, lda: batch, b: states.baseAddress! + offset(c.depth), ldb: batch,
                                       c: gB.baseAddress!, ldc: d, accumulate: false)
                            }
                        }
                    }
                }
            }
        }
        result.inputStateGradient.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: result.outputStateGradient, count: db) }

        result.inputStateGradient.withUnsafeMutableBufferPointer { pBuf in
            let p = pBuf.baseAddress!
            tape.states.withUnsafeBufferPointer { states in
                tape.preactivations.withUnsafeBufferPointer { pre in
                    tape.scratchA.withUnsafeMutableBufferPointer { sBuf in
                        tape.scratchB.withUnsafeMutableBufferPointer { tBuf in
                            tape.alphas.withUnsafeBufferPointer { alpha in
                                grads.v.withUnsafeMutableBufferPointer { gV in
                                    grads.w.withUnsafeMutableBufferPointer { gW in
                                        grads.bias.withUnsafeMutableBufferPointer { gb in
                                            let s = sBuf.baseAddress!, t = tBuf.baseAddress!
                                            let slope = activation.rectifierSlope.map { T($0) }
                                            // res-1 computes s = α ⊙ p_{k+1} (and its row sums, ∂b_k) at the end
                                            // of layer k + 1's pass; here for the last layer.
                                            if parameterGradients && variant == .res1 {
                                                scaleColumns(UnsafePointer(p), alpha.baseAddress!, s, rows: d, columns: batch)
                                                if biasGradients { sumRows(s, gb.baseAddress! + (c.depth - 1) * d, rows: d, columns: batch) }
                                            }
                                            for k in stride(from: c.depth - 1, through: 0, by: -1) {
                                                let h = states.baseAddress! + offset(k)
                                                if keepsAll && k > 0 {
                                                    // h_{k−1}, read by the next layer's pass: into the caches meanwhile.
                                                    prefetch(states.baseAddress! + offset(k - 1), bytes: db * MemoryLayout<T>.stride)
                                                }
                                                // s = α ⊙ p_{k+1} (only the parameter gradients need it
                                                // explicitly; otherwise α is folded into a later pass)
                                                if parameterGradients && variant != .res1 {
                                                    scaleColumns(UnsafePointer(p), alpha.baseAddress!, s, rows: d, columns: batch)
                                                }
                                                weights.withLayer(k) { v, w, _ in
                                                    switch variant {
                                                    case .res1:
                                                        if parameterGradients {
                                                            // ∂V_k = s σ(h)ᵀ (σ applied while packing σ(h) for rectifiers)
                                                            rectifiedProduct(s, h, slope: slope, scratch: t, activation: activation,
                                                                             into: gV.baseAddress! + k * d * d, d: d, batch: batch)
                                                        }
                                                        // t = Vᵀ s (or Vᵀ p); p += σ'(h) ⊙ t (⊙ α when folded), and with
                                                        // parameter gradients s = α ⊙ p_k, ∂b_{k-1} = Σ_j s, for layer k − 1
                                                        T.gemm(transposeA: true, transposeB: false, m: d, n: batch, k: d,
                                                               a: v, lda: d, b: parameterGradients ? UnsafePointer(s) : UnsafePointer(p), ldb: batch,
                                                               c: t, ldc: batch, accumulate: false)
                                                        if parameterGradients {
                                                            derivativeAccumulate(at: h, t, into: p, activation: activation, alpha: alpha.baseAddress!,
                                                                                 scaled: k > 0 ? s : nil,
                                                                                 rowSums: k > 0 && biasGradients ? gb.baseAddress! + (k - 1) * d : nil,
                                                                                 rows: d, columns: batch)
                                                        } else {
                                                            scaledDerivativeAccumulate(at: h, t, into: p, activation: activation,
                                                                                       alpha: alpha.baseAddress!, rows: d, columns: batch)
                                                        }
                                                    case .res2:
                                                        // q = σ'(V h + b) ⊙ s = σ'(V h + b) ⊙ α ⊙ p
                                                        if parameterGradients {
                                                            multiplyByDerivative(at: pre.baseAddress! + k * db, s, activation: activation,
                                                                                 rowSums: biasGradients ? gb.baseAddress! + k * d : nil,
                                                                                 rows: d, columns: batch)
                                                            T.gemm(transposeA: false, transposeB: true, m: d, n: d, k: batch,
                                                                   a: s, lda: batch, b: h, ldb: batch,
                                                                   c: gV.baseAddress! + k * d * d, ldc: d, accumulate: false)
                                                        } else {
                                                            s.update(from: p, count: db)
                                                            activation.multiplyByDerivative(at: pre.baseAddress! + k * db, s,
                                                                                            columnScales: alpha.baseAddress!, rows: d, columns: batch)
                                                        }
                                                        T.gemm(transposeA: true, transposeB: false, m: d, n: batch, k: d,
                                                               a: v, lda: d, b: s, ldb: batch, c: p, ldc: batch, accumulate: true)
                                                    case .res3:
                                                        let g = pre.baseAddress! + k * db
                                                        if parameterGradients {
                                                            // ∂V_k = s σ(g)ᵀ
                                                            rectifiedProduct(s, g, slope: slope, scratch: t, activation: activation,
                                                                             into: gV.baseAddress! + k * d * d, d: d, batch: batch)
                                                        }
                                                        // t = σ'(g) ⊙ Vᵀ s = α ⊙ σ'(g) ⊙ Vᵀ p
                                                        T.gemm(transposeA: true, transposeB: false, m: d, n: batch, k: d,
                                                               a: v, lda: d, b: parameterGradients ? UnsafePointer(s) : UnsafePointer(p), ldb: batch,
                                                               c: t, ldc: batch, accumulate: false)
                                                        if parameterGradients {
                                                            multiplyByDerivative(at: g, t, activation: activation,
                                                                                 rowSums: biasGradients ? gb.baseAddress! + k * d : nil,
                                                                                 rows: d, columns: batch)
                                                            T.gemm(transposeA: false, transposeB: true, m: d, n: d, k: batch,
                                                                   a: t, lda: batch, b: h, ldb: batch,
                                                                   c: gW.baseAddress! + k * d * d, ldc: d, accumulate: false)
                                                        } else {
                                                            activation.multiplyByDerivative(at: g, t, columnScales: alpha.baseAddress!,
                                                                                            rows: d, columns: batch)
                                                        }
                                                        T.gemm(transposeA: true, transposeB: false, m: d, n: batch, k: d,
                                                               a: w!, lda: d, b: t, ldb: batch, c: p, ldc: batch, accumulate: true)
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // ∂A = p_0 xᵀ
            if parameterGradients {
                tape.inputs.withUnsafeBufferPointer { x in
                    grads.inputLayer.withUnsafeMutableBufferPointer { gA in
                        T.gemm(transposeA: false, transposeB: true, m: d, n: c.inputDimension, k: batch,
                               a: p, lda: batch, b: x.baseAddress!, ldb: batch,
                               c: gA.baseAddress!, ldc: c.inputDimension, accumulate: false)
                    }
                }
            }
        }
    }

    /// Convenience: backward with stored parameters.
    @inlinable
    public func backward(parameters: ResNetParameters<T>, tape: inout ForwardTape<T>, outputGradient: [T],
                         parameterGradients: Bool) -> BackwardResult<T> {
        var weights = StoredResidualWeights(parameters)
        var result = BackwardResult<T>()
        backward(inputLayer: parameters.inputLayer, outputLayer: parameters.outputLayer, residual: &weights,
                 tape: &tape, outputGradient: outputGradient, parameterGradients: parameterGradients, into: &result)
        return result
    }
}

// MARK: Elementwise helpers (row-major d × batch matrices)

/// out (d × d) = s σ(x)ᵀ for s, x of d × batch: σ applied while the GEMM packs x when σ is a
/// rectifier (`slope` non-nil), else materialized in `scratch` first.
@inlinable
func rectifiedProduct<T: NetworkScalar>(_ s: UnsafePointer<T>, _ x: UnsafePointer<T>, slope: T?, scratch: UnsafeMutablePointer<T>,
                                        activation: Activation, into out: UnsafeMutablePointer<T>, d: Int, batch: Int) {
    if let slope {
        T.gemmRectifiedTransposedB(m: d, n: d, k: batch, a: s, lda: batch, b: x, ldb: batch, slope: slope,
                                   c: out, ldc: d, accumulate: false, scratch: scratch)
    } else {
        activation.apply(x, scratch, count: d * batch)
        T.gemm(transposeA: false, transposeB: true, m: d, n: d, k: batch, a: s, lda: batch, b: scratch, ldb: batch,
               c: out, ldc: d, accumulate: false)
    }
}

/// z[i, j] += b[i]
@inlinable
func addRowBias<T: NetworkScalar>(_ b: UnsafePointer<T>, _ z: UnsafeMutablePointer<T>, rows: Int, columns: Int) {
    for i in 0..<rows {
        let bi = b[i], row = z + i * columns
        for j in 0..<columns { row[j] += bi }
    }
}

/// out[i, j] = h[i, j] + α[j]·z[i, j]
@inlinable
func scaledColumnAdd<T: NetworkScalar>(_ h: UnsafePointer<T>, _ alpha: UnsafePointer<T>, _ z: UnsafePointer<T>,
                                       _ out: UnsafeMutablePointer<T>, rows: Int, columns: Int) {
    if T.self == Float.self {
        return FloatLoops.scaledColumnAdd(UnsafeRawPointer(h).assumingMemoryBound(to: Float.self),
                                          UnsafeRawPointer(alpha).assumingMemoryBound(to: Float.self),
                                          UnsafeRawPointer(z).assumingMemoryBound(to: Float.self),
                                          UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self),
                                          rows: rows, columns: columns)
    }
    for i in 0..<rows {
        let o = i * columns
        for j in 0..<columns { out[o + j] = h[o + j] + alpha[j] * z[o + j] }
    }
}

/// out[i, j] = α[j]·p[i, j]
@inlinable
func scaleColumns<T: NetworkScalar>(_ p: UnsafePointer<T>, _ alpha: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                    rows: Int, columns: Int) {
    if T.self == Float.self {
        return FloatLoops.scaleColumns(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self),
                                       UnsafeRawPointer(alpha).assumingMemoryBound(to: Float.self),
                                       UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self),
                                       rows: rows, columns: columns)
    }
    for i in 0..<rows {
        let o = i * columns
        for j in 0..<columns { out[o + j] = alpha[j] * p[o + j] }
    }
}

/// out[i] = Σ_j x[i, j]
@inlinable
func sumRows<T: NetworkScalar>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, rows: Int, columns: Int) {
    if T.self == Float.self {
        return FloatLoops.sumRows(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                  UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), rows: rows, columns: columns)
    }
    for i in 0..<rows {
        var total: T = 0
        for j in 0..<columns { total += x[i * columns + j] }
        out[i] = total
    }
}

/// y[i] += x[i]
@inlinable
func add<T: NetworkScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, count: Int) {
    if T.self == Float.self {
        return FloatLoops.add(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                              UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), count: count)
    }
    for i in 0..<count { y[i] += x[i] }
}
