import Support

/// The simulator's name for ``WorkerPool/map(count:threads:order:makeState:work:progress:)``,
/// the one worker pool. A forwarding name only, kept while `Simulator.swift` is under the
/// performance work; its call site switches to `WorkerPool.map` with that work.
enum ParallelRunner {
    static func run<State, Result>(count: Int, threads: Int, order: [Int]? = nil, makeState: @escaping () -> State,
                                   work: @escaping (Int, inout State) -> Result,
                                   progress: ((Int) -> Void)? = nil) -> [Result] {
        WorkerPool.map(count: count, threads: threads, order: order, makeState: makeState, work: work, progress: progress)
    }
}
