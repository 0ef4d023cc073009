// CORDON_DEBUG_TIMING=1: per-phase wall-clock times of one `cordon run` on stderr, to see where
// start-up goes without strace's distortion. Off by default; costs one getenv when off.
import Glibc
import Synchronization

public final class PhaseTimer: Sendable {
    public static let shared = PhaseTimer()
    public let enabled = getenv("CORDON_DEBUG_TIMING") != nil
    /// The previous mark's time: marks come from the main thread and, while the sandbox is
    /// prepared, from the thread that opens the evidence and asks the gate.
    let last: Mutex<Double>
    let start: Double

    init() {
        // CORDON_DEBUG_TIMING_ORIGIN_NS: the CLOCK_MONOTONIC time (ns) at which the caller
        // started cordon, so totals include the process's own start (exec, runtime set-up).
        let origin = getenv("CORDON_DEBUG_TIMING_ORIGIN_NS").flatMap { UInt64(String(cString: $0)) }
        start = origin.map { Double($0) / 1e9 } ?? Sandbox.monotonicNow()
        last = Mutex(start)
    }

    public func mark(_ phase: String) {
        guard enabled else { return }
        let now = Sandbox.monotonicNow()
        let previous = last.withLock { l in
            defer { l = now }
            return l
        }
        let line =
            "cordon: timing: \(phase): \(Int((now - previous) * 1e6)) us (total \(Int((now - start) * 1e6)) us)\n"
        var s = line
        s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// A line of its own under CORDON_DEBUG_TIMING (why a phase took the path it did).
    public func note(_ text: String) {
        guard enabled else { return }
        var s = "cordon: timing: " + text + "\n"
        s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
