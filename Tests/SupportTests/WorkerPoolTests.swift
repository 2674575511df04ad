import Foundation
import Support
import XCTest

final class WorkerPoolTests: XCTestCase {
    /// Every job runs exactly once, on as many threads as the width, and `run` returns after all.
    func testRunCallsEveryJobOnce() {
        for width in [1, 2, 5] {
            let pool = WorkerPool(width: width)
            XCTAssertEqual(pool.width, width)
            for count in [0, 1, 3, 17] {
                let hits = Hits(count)
                pool.run(count: count) { hits.add($0) }
                XCTAssertEqual(hits.values, [Int](repeating: 1, count: count), "width \(width), count \(count)")
            }
        }
    }

    /// `map` returns results in unit order whatever the width and the start order, calls
    /// `progress` once per unit, and makes one state per thread at most.
    func testMapIsDeterministicAndReportsProgress() {
        let count = 200
        let expected = (0..<count).map { $0 * $0 }
        for threads in [1, 2, 7] {
            let states = Hits(1)
            let finished = Hits(count)
            let order = Array((0..<count).reversed())
            let results = WorkerPool.map(count: count, threads: threads, order: order, makeState: { states.add(0); return 0 },
                                         work: { unit, calls in calls += 1; return unit * unit },
                                         progress: { finished.add($0) })
            XCTAssertEqual(results, expected, "threads \(threads)")
            XCTAssertEqual(finished.values, [Int](repeating: 1, count: count))
            XCTAssertLessThanOrEqual(states.values[0], threads)
            XCTAssertGreaterThanOrEqual(states.values[0], 1)
        }
        XCTAssertEqual(WorkerPool.map(count: 0, threads: 3, makeState: { () }, work: { i, _ in i }), [])
    }

    /// A pool's threads really run at once: jobs that wait for each other finish.
    func testJobsRunConcurrently() {
        let pool = WorkerPool(width: 3)
        let arrived = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        pool.run(count: 3) { j in
            if j == 0 {
                for _ in 0..<2 { arrived.wait() }
                for _ in 0..<2 { release.signal() }
            } else {
                arrived.signal()
                release.wait()
            }
        }
    }
}

/// Counts per index, under a lock.
final class Hits: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int]
    init(_ n: Int) { counts = [Int](repeating: 0, count: n) }
    func add(_ i: Int) { lock.lock(); counts[i] += 1; lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return counts }
}
