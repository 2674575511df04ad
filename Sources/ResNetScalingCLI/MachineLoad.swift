import Foundation

/// How busy the machine was with *other* processes while a measurement ran: the CPUs' busy
/// time (from `/proc/stat`) minus this process's own CPU time (`getrusage`), over the wall
/// time. Timings on a shared machine are only comparable when this is near 0; `bench`
/// prints it beside every workload so that a contended measurement is not mistaken for a
/// slow program. Linux only (elsewhere `others` is nil). `/proc/stat` counts every CPU of the
/// machine, so in a container limited to some of a larger host's CPUs it also counts the
/// other containers' work (there it overstates the contention; on a VM or a whole machine it
/// is exact). Steal time (the hypervisor running other guests) counts as busy.
struct MachineLoad {
    private let busy: Double?
    private let own: Double
    private let wall: Double

    /// Starts a measurement now.
    init() {
        busy = Self.machineBusySeconds()
        own = Self.ownCPUSeconds()
        wall = Self.now()
    }

    /// Average number of CPUs that other processes kept busy since `init` (nil where unknown).
    var others: Double? {
        guard let before = busy, let after = Self.machineBusySeconds() else { return nil }
        let elapsed = Self.now() - wall
        guard elapsed > 0 else { return nil }
        let foreign = (after - before) - (Self.ownCPUSeconds() - own)
        return max(0, foreign / elapsed)
    }

    /// "other processes: 0.03 of 2 CPUs" (or nothing where unknown).
    var note: String {
        guard let others else { return "" }
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        let warning = others > 0.1 ? " — the machine was busy: times are not comparable" : ""
        return String(format: "other processes kept %.2f of %d CPUs busy%@", others, cpus, warning)
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    /// CPU seconds this process has used (user and system, all threads).
    private static func ownCPUSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Busy seconds of all CPUs since boot (the non-idle fields of `/proc/stat`'s `cpu` line).
    private static func machineBusySeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return nil }
        // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
        let busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ticks > 0 ? busy / ticks : nil
    }
}
