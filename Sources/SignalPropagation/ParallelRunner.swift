import Foundation

/// Runs independent units of work on a fixed number of threads and returns their results
/// in unit order, so that the output does not depend on the thread count or timing.
///
/// Units are handed out dynamically (the next free thread takes the next unit in `order`),
/// which balances units of unequal cost; determinism comes from each unit drawing its
/// random numbers from its own stream, never from shared state.
public enum ParallelRunner {
    /// Calls `work(unit, &state)` for every unit in 0..<count, with one `state` per thread
    /// created by `makeState` (reusable buffers). `order` gives the order units are started
    /// in (e.g. most expensive first); `progress(unit)` is called after each unit finishes,
    /// serialized under a lock.
    public static func run<State, Result>(
        count: Int, threads: Int, order: [Int]? = nil,
        makeState: @escaping () -> State,
        work: @escaping (Int, inout State) -> Result,
        progress: ((Int) -> Void)? = nil
    ) -> [Result] {
        let order = order ?? Array(0..<count)
        precondition(order.count == count)
        let box = ResultBox<Result>(count: count)
        let queue = WorkQueue(order: order, progress: progress)
        let workers = max(1, min(threads, count))

        let loop: @Sendable () -> Void = {
            var state = makeState()
            while let unit = queue.next() {
                box.set(unit, work(unit, &state))
                queue.finished(unit)
            }
        }

        if workers == 1 {
            loop()
        } else {
            let group = DispatchGroup()
            for _ in 0..<workers {
                group.enter()
                let thread = Thread {
                    loop()
                    group.leave()
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
            group.wait()
        }
        return box.results()
    }
}

/// Hands out units in order and reports finished ones, under one lock.
private final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let order: [Int]
    private var position = 0
    private let progress: ((Int) -> Void)?

    init(order: [Int], progress: ((Int) -> Void)?) {
        self.order = order
        self.progress = progress
    }

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
