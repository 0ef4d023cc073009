// CORDON_DEBUG_TIMING=1: per-phase wall-clock times of one `cordon run` on stderr, to see where
// start-up goes without strace's distortion. Off by default; costs one getenv when off.
import Glibc

public final class PhaseTimer: @unchecked Sendable {
    public static let shared = PhaseTimer()
    let enabled = getenv("CORDON_DEBUG_TIMING") != nil
    var last: Double
    let start: Double

    init() {
        start = Sandbox.monotonicNow()
        last = start
    }

    public func mark(_ phase: String) {
        guard enabled else { return }
        let now = Sandbox.monotonicNow()
        let line = "cordon: timing: \(phase): \(Int((now - last) * 1e6)) us (total \(Int((now - start) * 1e6)) us)\n"
        last = now
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
