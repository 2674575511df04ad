/// Losses of a batch of outputs (n_out × batch, row-major, one column per input).
public enum Losses {
    /// Per column j: loss_j = ‖F_j − y_j‖² = Σ_i (F[i, j] − y[i, j])². Writes ∂loss_j/∂F = 2(F − y)
    /// into `gradient` and returns the per-column losses. Since the columns do not interact,
    /// back-propagating this gradient gives every input's own p_k = ∂loss_j/∂h_k.
    public static func squaredError<T: NetworkScalar>(outputs: [T], targets: [T], rows: Int, columns: Int,
                                                      gradient: inout [T]) -> [T] {
        precondition(outputs.count == rows * columns && targets.count == rows * columns)
        if gradient.count != outputs.count { gradient = [T](repeating: 0, count: outputs.count) }
        var losses = [T](repeating: 0, count: columns)
        for i in 0..<rows {
            for j in 0..<columns {
                let r = outputs[i * columns + j] - targets[i * columns + j]
                losses[j] += r * r
                gradient[i * columns + j] = 2 * r
            }
        }
        return losses
    }
}
