import CSandbox
// Checking an allowed exec's outcome (security issue A.2): what the new image really is, held
// before its first instruction, against what the gate approved.
import Glibc

enum ExecRace {
    /// States in which a thread runs no user code until it has handled the pending SIGSTOP:
    /// stopped, dead, or in an uninterruptible wait (it stops on its way back to user mode).
    static func quiet(_ s: Character?) -> Bool { s == nil || s == "T" || s == "t" || s == "Z" || s == "X" || s == "D" }

    /// Waits (up to ~250 ms) until every thread of `tgid` but `except` runs no user code. The
    /// thread in execve stays in the kernel waiting for our answer.
    static func waitStopped(tgid: Int32, except: Int32) -> Bool {
        for attempt in 0..<5000 {
            if ProcessView.tasks(tgid).allSatisfy({ $0 == except || quiet(ProcessView.state(tgid, task: $0)) }) {
                return true
            }
            if attempt > 20 { usleep(50) }
        }
        return false
    }

    enum Check {
        case ok
        case execFailed
        case mismatch(String)
    }

    /// After the exec was allowed to continue with a SIGSTOP pending: waits until the process
    /// stopped (the new image before its first instruction, or the old one if execve failed),
    /// then compares it with what the gate approved. `before` is the binary the process ran
    /// before the exec: seeing it again means execve failed (ENOEXEC, EACCES...) or the process
    /// re-ran its own program, which runs nothing the process could not already do.
    static func verify(tgid: Int32, tid: Int32, expected: Monitor.ExecTarget, before: (UInt64, UInt64)?) -> Check {
        for attempt in 0..<20000 {
            let leader = ProcessView.state(tgid)
            if leader == nil || leader == "Z" || leader == "X" { return .execFailed }  // killed or exited
            let single = ProcessView.tasks(tgid).count == 1
            if (leader == "T" || leader == "t") && single { break }
            // execve failed: the calling thread comes back and stops; the others stay stopped.
            if tid != tgid, let s = ProcessView.state(tgid, task: tid), s == "T" || s == "t" { return .execFailed }
            if attempt > 20 { usleep(25) }
        }
        let check = compare(pid: tgid, expected: expected)
        if case .mismatch = check, let b = before, let exe = ProcessView.identity("/proc/\(tgid)/exe"), exe == b {
            return .execFailed
        }
        return check
    }

    /// Compares the image `pid` is stopped in with the approved exec. A binary runs with the
    /// approved argv unchanged; a script approved with a `#!` line runs as its interpreter with
    /// argv `[interpreter, (optional arg), path as passed, argv[1]...]`, and only then.
    static func compare(pid: Int32, expected: Monitor.ExecTarget) -> Check {
        if let id = expected.identity, sameBinary(pid: pid, identity: id, argv: expected.argv) { return .ok }
        guard let exe = ProcessView.identity("/proc/\(pid)/exe") else { return .mismatch("its binary is unreadable") }
        let cmd = ProcessView.cmdline(pid) ?? []
        if let id = expected.identity, exe == id, cmd == expected.argv { return .ok }
        if let interp = expected.shebang, let id = expected.interpreterIdentity, exe == id {
            let tail = Array(expected.argv.dropFirst())
            let head = cmd.count == interp.count + 1 + tail.count ? Array(cmd.prefix(interp.count)) : []
            // execveat(fd, "", AT_EMPTY_PATH) of a script passes /dev/fd/N as its path.
            let path = cmd.count > interp.count ? cmd[interp.count] : ""
            let pathOK = expected.pathArg.isEmpty ? path.hasPrefix("/dev/fd/") : path == expected.pathArg
            if head == interp, pathOK, Array(cmd.suffix(tail.count)) == tail { return .ok }
        }
        let running = ProcessView.link("/proc/\(pid)/exe") ?? "?"
        return .mismatch(
            "approved \(expected.resolved ?? expected.pathArg) \(expected.argv), running \(running) \(cmd)")
    }

    /// The common case, without building paths or strings: the image runs the approved binary
    /// (device and inode of /proc/PID/exe) with exactly the approved argv (/proc/PID/cmdline is
    /// the argv strings, each ending in NUL). The buffer holds one byte more than expected, so a
    /// longer cmdline cannot pass as equal. Anything else goes to the full comparison.
    static func sameBinary(pid: Int32, identity: (UInt64, UInt64), argv: [String]) -> Bool {
        let want = argv.reduce(0) { $0 + $1.utf8.count + 1 }
        guard want > 0, want <= ProcessView.maxArgBytes + ProcessView.maxArgs else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: want + 1) { buf -> Bool in
            var dev: UInt64 = 0
            var ino: UInt64 = 0
            let n = buf.withMemoryRebound(to: CChar.self) { cs_exec_image(pid, &dev, &ino, $0.baseAddress, want + 1) }
            guard n == want, dev == identity.0, ino == identity.1 else { return false }
            var at = 0
            for a in argv {
                var a = a
                let same = a.withUTF8 { u in
                    u.count <= want - at - 1
                        && memcmp(buf.baseAddress! + at, u.baseAddress ?? UnsafePointer(buf.baseAddress!), u.count) == 0
                }
                if !same { return false }
                at += a.utf8.count
                if buf[at] != 0 { return false }
                at += 1
            }
            return at == want
        }
    }
}
