import Foundation

/// The one pool of worker threads: a fixed set of persistent threads that run the jobs of a
/// parallel-for and wait for them. Every parallel loop of the toolkit runs on it — the
/// training step's column blocks (``run(count:_:)``, ~100 times a second, so threads are not
/// started per step), the simulator's units and a sweep's cells (``map(count:order:makeState:work:progress:)``).
///
/// Determinism: the pool decides only *when* a job runs, never what it computes; results are
/// returned by job index, so callers whose jobs draw from their own random streams get the
/// same output for any width.
public final class WorkerPool: @unchecked Sendable {
    /// What the helper threads share with the pool (kept alive by the threads themselves).
    private final class Shared: @unchecked Sendable {
        let start: [DispatchSemaphore]
        let done = DispatchSemaphore(value: 0)
        var job: ((Int) -> Void)?
        var jobCount = 0
        var stopping = false
        init(helpers: Int) { start = (0..<helpers).map { _ in DispatchSemaphore(value: 0) } }
    }

    private let helpers: Int
    private let shared: Shared

    /// Stack of each helper thread: deep models keep per-layer frames small, but 8 MB leaves
    /// room (it is address space, not memory, until touched).
    static let stackSize = 8 << 20

    /// A pool running up to `width` jobs at once: the calling thread and `width − 1` helpers.
    public init(width: Int) {
        helpers = max(0, width - 1)
        let shared = Shared(helpers: helpers)
        self.shared = shared
        let stride = helpers + 1
        for t in 0..<helpers {
            let thread = Thread {
                while true {
                    shared.start[t].wait()
                    if shared.stopping { return }
                    if let job = shared.job {
                        var j = t + 1
                        while j < shared.jobCount { job(j); j += stride }
                    }
                    shared.done.signal()
                }
            }
            thread.stackSize = Self.stackSize
            thread.start()
        }
    }

    deinit {
        shared.stopping = true
        for s in shared.start { s.signal() }
    }

    /// Jobs run at once.
    public var width: Int { helpers + 1 }

    /// Runs `body(j)` for every j in 0..<count and returns when all are done. The assignment is
    /// static — the calling thread runs jobs 0, width, 2·width, …; helper t runs t + 1,
    /// t + 1 + width, … — so a job index always meets the same thread's scratch buffers.
    public func run(count: Int, _ body: @escaping (Int) -> Void) {
        let active = min(helpers, max(0, count - 1))
        if active == 0 {
            for j in 0..<count { body(j) }
            return
        }
        shared.job = body
        shared.jobCount = count
        for t in 0..<active { shared.start[t].signal() }
        var j = 0
        while j < count { body(j); j += helpers + 1 }
        for _ in 0..<active { shared.done.wait() }
        shared.job = nil
    }

    /// Calls `work(unit, &state)` for every unit in 0..<count and returns the results in unit
    /// order. Units are handed out dynamically in `order` (e.g. most expensive first), which
    /// balances units of unequal cost; each thread creates one `state` (reusable buffers).
    /// `progress(unit)` is called after each unit finishes, serialized under a lock.
    public func map<State, Result>(count: Int, order: [Int]? = nil, makeState: @escaping () -> State,
                                   work: @escaping (Int, inout State) -> Result,
                                   progress: ((Int) -> Void)? = nil) -> [Result] {
        let queue = UnitQueue(order: order ?? Array(0..<count), progress: progress)
        precondition(queue.count == count, "order must list every unit once")
        let box = ResultBox<Result>(count: count)
        run(count: min(width, max(count, 1))) { _ in
            var state = makeState()
            while let unit = queue.next() {
                box.set(unit, work(unit, &state))
                queue.finished(unit)
            }
        }
        return box.results()
    }

    /// ``map(count:order:makeState:work:progress:)`` on a pool of `threads` threads made for
    /// this call (at most one per unit).
    public static func map<State, Result>(count: Int, threads: Int, order: [Int]? = nil, makeState: @escaping () -> State,
                                          work: @escaping (Int, inout State) -> Result,
                                          progress: ((Int) -> Void)? = nil) -> [Result] {
        WorkerPool(width: max(1, min(threads, count)))
            .map(count: count, order: order, makeState: makeState, work: work, progress: progress)
    }
}

/// Hands out units in order and reports finished ones, under one lock.
private final class UnitQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let order: [Int]
    private var position = 0
    private let progress: ((Int) -> Void)?

    init(order: [Int], progress: ((Int) -> Void)?) {
        self.order = order
        self.progress = progress
    }

    var count: Int { order.count }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard position < order.count else { return nil }
        position += 1
        return order[position - 1]
    }

    func finished(_ unit: Int) {
        guard let progress else { return }
        lock.lock(); defer { lock.unlock() }
        progress(unit)
    }
}

/// Slots written by distinct threads at distinct indices.
private final class ResultBox<Result>: @unchecked Sendable {
    private var slots: [Result?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func results() -> [Result] { slots.map { $0! } }
}
