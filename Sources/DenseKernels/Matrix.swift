/// A dense matrix of `Float` values stored contiguously in **row-major** order.
///
/// The element at row `i`, column `j` is `elements[i * columns + j]`; the row stride
/// (leading dimension) of the storage is therefore `columns`.
public struct Matrix: Equatable, Hashable, Sendable {
    /// Number of rows.
    public var rows: Int
    /// Number of columns (also the row stride of `elements`).
    public var columns: Int
    /// Row-major storage: `elements[i * columns + j]` is the entry `(i, j)`;
    /// `elements.count == rows * columns`.
    public var elements: [Float]

    /// Creates a `rows × columns` matrix with every entry equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = [Float](repeating: value, count: rows * columns)
    }

    /// Creates a `rows × columns` matrix from row-major `elements`
    /// (`elements.count` must equal `rows * columns`).
    public init(rows: Int, columns: Int, elements: [Float]) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        precondition(elements.count == rows * columns,
                     "Matrix(rows: \(rows), columns: \(columns)) needs \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// Creates a `rows × columns` matrix whose entry `(i, j)` is `entry(i, j)`.
    public init(rows: Int, columns: Int, _ entry: (Int, Int) -> Float) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        var storage = [Float]()
        storage.reserveCapacity(rows * columns)
        for i in 0..<rows {
            for j in 0..<columns { storage.append(entry(i, j)) }
        }
        self.init(rows: rows, columns: columns, elements: storage)
    }

    /// The `rows × columns` zero matrix.
    public static func zeros(rows: Int, columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns, repeating: 0)
    }

    /// The `n × n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix.zeros(rows: n, columns: n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    /// The entry at row `i`, column `j`, i.e. `elements[i * columns + j]`.
    @inlinable
    public subscript(i: Int, j: Int) -> Float {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix index out of range")
            return elements[i * columns + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix index out of range")
            elements[i * columns + j] = newValue
        }
    }

    /// `(rows, columns)`.
    public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// The transpose `Mᵀ`, with `Mᵀ[j, i] = M[i, j]`.
    public func transposed() -> Matrix {
        var t = Matrix.zeros(rows: columns, columns: rows)
        elements.withUnsafeBufferPointer { src in
            t.elements.withUnsafeMutableBufferPointer { dst in
                for i in 0..<rows {
                    for j in 0..<columns { dst[j * rows + i] = src[i * columns + j] }
                }
            }
        }
        return t
    }
}
