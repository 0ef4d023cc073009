// What a run leaves to remove once its command has ended: its private HOME and its cgroups.
// Neither changes what the caller is told (the command's status, run_end), yet both can take
// milliseconds: rmdir of a memory cgroup waits while the kernel offlines it, and removing a
// HOME on an ext4 /tmp goes through the journal. Removed at once by default. With
// `PreparedSandbox.reusesWork` (`cordon run`'s early sandbox, a warm runner) each removal starts
// on its own thread the moment it is handed over, so it overlaps the run's last evidence
// (anomaly scoring, run_end), and `PreparedSandbox.finishDeferredWork` joins them all: nothing
// is left behind when cordon exits.
import CordonBase
import Synchronization

enum Teardown {
    /// The removals under way; nil: remove at once.
    static let started = Mutex<[Alongside.Started]?>(nil)

    static func remove(_ work: @escaping @Sendable () -> Void) {
        let later = started.withLock { $0 != nil }
        guard later else { return work() }
        let thread = Alongside.start(work)
        started.withLock { $0 = ($0 ?? []) + [thread] }
    }

    /// Waits for every removal started so far.
    static func wait() {
        let threads = started.withLock { s -> [Alongside.Started] in
            let all = s ?? []
            if s != nil { s = [] }
            return all
        }
        for t in threads { t.join() }
    }
}
