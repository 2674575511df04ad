import Foundation

/// A fixed set of persistent threads that run the jobs of a parallel-for and wait for them.
/// The calling thread runs jobs 0, width, 2·width, …; helper t runs jobs t + 1, t + 1 + width, ….
/// Persistent threads avoid per-step thread start-up at ~100 steps per second.
final class WorkerPool: @unchecked Sendable {
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

    /// A pool running up to `width` jobs at once (`width − 1` helper threads).
    init(width: Int) {
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
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    deinit {
        shared.stopping = true
        for s in shared.start { s.signal() }
    }

    var width: Int { helpers + 1 }

    /// Runs `body(j)` for every j in 0..<count; returns when all are done.
    func run(count: Int, _ body: @escaping (Int) -> Void) {
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
}
