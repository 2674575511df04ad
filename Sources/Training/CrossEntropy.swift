import Foundation
import ResNets

/// Softmax cross-entropy on logits laid out like the network's outputs: `classes × batch`,
/// row-major, one column per example.
public enum CrossEntropy {
    /// Sum over the columns `0..<columns` of −log softmax(z_j)[y_j], computed stably
    /// (log-sum-exp after subtracting the column maximum), and writes
    /// ∂(mean loss)/∂z = (softmax(z) − onehot(y)) / `meanOver` into `gradient` (same layout).
    ///
    /// `meanOver` is the size of the whole minibatch, so a batch split into column blocks
    /// (one per thread) gets exactly the gradient of the mean over the whole batch. Returns
    /// the *sum* of the per-example losses (divide by the batch size for the mean) and the
    /// number of correct argmax predictions. Pass `gradient: nil` for evaluation only.
    @inlinable
    public static func evaluate<T: NetworkScalar>(
        logits: UnsafePointer<T>, labels: UnsafePointer<UInt8>, classes: Int, columns: Int,
        meanOver: Int, gradient: UnsafeMutablePointer<T>?
    ) -> (lossSum: Double, correct: Int) {
        var lossSum = 0.0
        var correct = 0
        let scale = T(1) / T(meanOver)
        for j in 0..<columns {
            var maxValue = logits[j]
            var best = 0
            for c in 1..<max(classes, 1) where logits[c * columns + j] > maxValue {
                maxValue = logits[c * columns + j]
                best = c
            }
            var total = 0.0
            for c in 0..<classes {
                total += Foundation.exp(Double(logits[c * columns + j] - maxValue))
            }
            let y = Int(labels[j])
            let logTotal = Foundation.log(total)
            // −log p_y = log Σ exp(z − max) − (z_y − max)
            let loss = logTotal - Double(logits[y * columns + j] - maxValue)
            lossSum += loss
            if best == y && maxValue.isFinite { correct += 1 }
            if let gradient {
                for c in 0..<classes {
                    let p = T(Foundation.exp(Double(logits[c * columns + j] - maxValue) - logTotal))
                    gradient[c * columns + j] = (p - (c == y ? 1 : 0)) * scale
                }
            }
        }
        return (lossSum, correct)
    }

    /// Array convenience: the mean loss over the batch and its gradient wrt the logits.
    public static func meanLoss<T: NetworkScalar>(logits: [T], labels: [UInt8], classes: Int,
                                                  gradient: inout [T]) -> Double {
        let columns = labels.count
        precondition(logits.count == classes * columns)
        if gradient.count != logits.count { gradient = [T](repeating: 0, count: logits.count) }
        let result = logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { g in
                    evaluate(logits: z.baseAddress!, labels: y.baseAddress!, classes: classes, columns: columns,
                             meanOver: columns, gradient: g.baseAddress!)
                }
            }
        }
        return result.lossSum / Double(columns)
    }
}
