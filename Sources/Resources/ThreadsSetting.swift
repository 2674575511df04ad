import Support

extension Setting {
    /// `threads`: worker threads, at most ``ResourceLimits/maximumThreads``; not part of a
    /// cell's identity (the numbers do not depend on it).
    public static func threads(_ keyPath: WritableKeyPath<Spec, Int?>) -> Setting {
        Setting("threads", keyPath, .positive(atMost: ResourceLimits.maximumThreads), axis: .none, identity: false,
                valueName: "<n>", defaultText: "all cores; in a sweep, cores / workers",
                help: "Worker threads (the numbers do not depend on it).")
    }
}
