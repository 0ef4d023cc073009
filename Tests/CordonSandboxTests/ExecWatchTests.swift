// The exec check's ptrace hold (cs_exec_watch_*): a tracee that is SIGKILLed while held must
// not stay traced by cordon. A traced task's death is reported to its tracer first, and its
// real parent cannot reap it until the tracer has; a sandbox's init that dies waits in the
// kernel for every process of its pid namespace, so one such zombie hung a whole run (a shell
// hitting limits.processes while a child's exec was being checked, about 1 run in 130).
import CSandbox
import Foundation
import Glibc
import Testing

@Suite("the exec check's ptrace hold")
struct ExecWatchTests {
    /// `/proc/PID/stat`'s state letter, or nil when the pid is gone.
    static func state(_ pid: pid_t) -> Character? {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = s.lastIndex(of: ")")
        else { return nil }
        return s[s.index(close, offsetBy: 2)...].first
    }

    static func tracer(_ pid: pid_t) -> String? {
        let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        return status?.split(separator: "\n").first { $0.hasPrefix("TracerPid:") }?
            .split(separator: "\t").last.map(String.init)
    }

    @Test("a held task killed before it is let go ends untraced: letting it go reaps cordon's report of its death")
    func killedWhileHeld() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("30"), nil]
        defer { for a in argv { free(a) } }
        #expect(posix_spawn(&pid, "/bin/sleep", nil, nil, argv, environ) == 0)
        defer {
            kill(pid, SIGKILL)
            var st: Int32 = 0
            _ = waitpid(pid, &st, __WALL)
        }
        #expect(cs_exec_watch_begin(pid) == 0)
        // The interrupt trap stops it: now held, as an exec's new image is at its exec stop.
        var stopped: pid_t = 0
        // (Or its exec stop, when the seize lands while posix_spawn's execve is still finishing.)
        #expect(cs_exec_watch_wait(pid, pid, &stopped) >= 0)
        // (TracerPid names the tracing thread: this test's, not the process's main thread.)
        #expect(Self.tracer(pid).map { $0 != "0" } == true)
        // Killed while held (what zap_pid_ns_processes does when the sandbox's init dies): it
        // leaves the stop and dies as a zombie still traced by us.
        kill(pid, SIGKILL)
        var waited = 0
        while Self.state(pid) != "Z" && waited < 2000 {
            usleep(1000)
            waited += 1
        }
        #expect(Self.state(pid) == "Z")
        cs_exec_watch_end(pid, 0)
        // Here the tracer is also the parent, so the report reaped is the last: the pid is
        // gone. Under cordon the zombie would now be its real parent's to reap, untraced.
        let left = Self.state(pid)
        #expect(
            left == nil || Self.tracer(pid) == "0",
            "still traced by this process after it was let go: \(left.map(String.init) ?? "-")")
    }
}
