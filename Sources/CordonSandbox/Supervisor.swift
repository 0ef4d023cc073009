import CSandbox
// The parent's loop while the command runs: one poll() over the output pipes, the pidfd, a
// signalfd for cordon's own termination signals, and the deadline.
import CordonBase
import CordonPolicy
import Glibc

struct Supervisor {
    let plan: SpawnPlan
    let child: Sandbox.Child
    let output: OutputTargets
    let start: Double

    private var written: UInt64 = 0
    private var truncated = false
    /// Limit messages seen on the command's stderr (LimitHits.swift).
    private(set) var hints: StderrHints
    /// The last signal sent to end the run (SIGTERM, then SIGKILL).
    private var endSignal: Int32?
    private var forwardedSignals: [Int32] = []

    /// Signals a person sends to cordon that the command gets as they are, to its process
    /// group, as a terminal would deliver them: a Ctrl-C must reach Python as SIGINT (its
    /// KeyboardInterrupt handler), a resize as SIGWINCH. SIGTERM is cordon's own teardown.
    static let forwarded: [Int32] = [SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH]

    /// How long init may take to end once it is ending (it wrote the worker's status, or was
    /// sent SIGKILL). Ending a pid namespace's init waits in the kernel (zap_pid_ns_processes)
    /// until every process of the namespace is reaped; a zombie traced by a debugger outside,
    /// or a process stuck in uninterruptible sleep (a dead FUSE or NFS server), keeps init from
    /// ending for good, and a timeout cannot help: it was already spent. Rather than hang its
    /// caller for ever, cordon stops waiting, says which processes were left and fails.
    static let endWait: Double = 10

    /// The command's own pty (plan.pty), relayed to the caller's terminal.
    let terminal: PseudoTerminal?

    init(plan: SpawnPlan, child: Sandbox.Child, output: OutputTargets, start: Double, terminal: PseudoTerminal? = nil) {
        self.terminal = terminal
        self.plan = plan
        self.child = child
        self.output = output
        self.start = start
        var limits: Set<String> = []
        for r in plan.rlimits where r.resource == Int32(CS_RLIMIT_NOFILE) { limits.insert("open_files") }
        if plan.memoryLimit != nil { limits.insert("memory") }
        if plan.processLimit != nil { limits.insert("processes") }
        hints = StderrHints(limits: limits)
    }

    /// Passes a signal cordon received on to the command's process group. With a pid namespace
    /// init does the delivery (it alone can name the group inside); without one, the worker
    /// called setsid(), so its pid is its group.
    private func forward(_ sig: Int32) {
        if plan.layers.namespaces {
            _ = cs_pidfd_send_signal(child.pidfd, sig)
        } else {
            _ = kill(-child.pid, sig)
        }
    }

    /// Sends `sig` to every process of the run. With a pid namespace, init forwards it to the
    /// whole namespace (SIGKILL to init takes the namespace down with it); without one, the
    /// command's process group is the best there is (a process that setsid()s escapes it).
    private mutating func signalTree(_ sig: Int32) {
        endSignal = sig
        if plan.layers.namespaces {
            _ = cs_pidfd_send_signal(child.pidfd, sig)
        } else {
            _ = kill(-child.pid, sig)
            _ = cs_pidfd_send_signal(child.pidfd, sig)
        }
    }

    mutating func loop() -> RunOutcome {
        let sigs: [Int32] = Self.forwarded + [SIGTERM]
        let sfd = sigs.withUnsafeBufferPointer { cs_signalfd_for($0.baseAddress, Int32($0.count)) }
        defer { if sfd >= 0 { close(sfd) } }
        var outOpen = true
        var errOpen = true
        var exited = false
        var listenerOpen = child.listener >= 0
        // Stopped while the command started (awaitExec): already killed.
        var monitorFailure = child.monitorFailure
        var timedOut = false
        var interruptedBy: Int32?
        // When init began to end: its status pipe became readable (the report written, or
        // EOF once init is in exit with its descriptors closed), or cordon sent it SIGKILL.
        var endingSince: Double?
        var statusOpen = plan.layers.namespaces && child.statusR >= 0
        var stuck: String?
        let deadline = plan.timeout > 0 ? start + plan.timeout : Double.infinity
        var killAt = Double.infinity
        var buf = [UInt8](repeating: 0, count: 65536)
        // Without a pid namespace the command's children are not init's: the whole tree.
        if monitorFailure != nil { signalTree(SIGKILL) }

        while outOpen || errOpen || !exited {
            let now = Sandbox.monotonicNow()
            if !timedOut && interruptedBy == nil && now >= deadline {
                timedOut = true
                signalTree(SIGTERM)
                killAt = now + plan.grace
            }
            if now >= killAt {
                signalTree(SIGKILL)
                killAt = .infinity
            }
            if plan.layers.namespaces && endingSince == nil && endSignal == SIGKILL { endingSince = now }
            if let since = endingSince, !exited, now >= since + Self.endWait {
                stuck = Self.describeStuck(init: child.pid, waited: Self.endWait)
                break
            }
            var fds: [pollfd] = []
            if outOpen { fds.append(pollfd(fd: child.stdoutR, events: Int16(POLLIN), revents: 0)) }
            if errOpen { fds.append(pollfd(fd: child.stderrR, events: Int16(POLLIN), revents: 0)) }
            if !exited { fds.append(pollfd(fd: child.pidfd, events: Int16(POLLIN), revents: 0)) }
            if sfd >= 0 { fds.append(pollfd(fd: sfd, events: Int16(POLLIN), revents: 0)) }
            if listenerOpen { fds.append(pollfd(fd: child.listener, events: Int16(POLLIN), revents: 0)) }
            if statusOpen && !exited { fds.append(pollfd(fd: child.statusR, events: Int16(POLLIN), revents: 0)) }
            var next = min(timedOut || interruptedBy != nil ? killAt : deadline, killAt)
            if let since = endingSince, !exited { next = min(next, since + Self.endWait) }
            // Held execs (waiting for a person's approval) are looked at again on each tick.
            let tickInterval = listenerOpen ? plan.monitor?.tickInterval : nil
            if let t = terminal, !exited {
                // A person may be answering a question about a held exec on the same terminal:
                // meanwhile the keystrokes are theirs to type, with the terminal as it was.
                if tickInterval == nil {
                    t.rawCaller()
                    if t.wantsInput { fds.append(pollfd(fd: t.caller, events: Int16(POLLIN), revents: 0)) }
                    if !t.pending.isEmpty { fds.append(pollfd(fd: t.master, events: Int16(POLLOUT), revents: 0)) }
                } else {
                    t.restoreCaller()
                }
            }
            if let t = tickInterval { next = min(next, now + t) }
            let waitMs: Int32 =
                next.isInfinite ? -1 : Int32(max(0, min(Double(Int32.max), ((next - now) * 1000).rounded(.up))))
            let n = poll(&fds, nfds_t(fds.count), waitMs)
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if tickInterval != nil, let handler = plan.monitor,
                case .fatal(let why) = handler.tick(listener: child.listener), monitorFailure == nil
            {
                monitorFailure = why
                signalTree(SIGKILL)
            }
            for f in fds where f.revents != 0 {
                if let t = terminal, f.fd == t.caller || f.fd == t.master {
                    if f.fd == t.caller { t.readCaller() } else { t.flush() }
                } else if f.fd == child.listener && listenerOpen {
                    if f.revents & Int16(POLLIN) != 0, let handler = plan.monitor {
                        if case .fatal(let why) = handler.handle(listener: child.listener), monitorFailure == nil {
                            // Fail closed: a sandbox the monitor cannot watch does not go on.
                            monitorFailure = why
                            signalTree(SIGKILL)
                        }
                    } else if f.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                        // Every filtered process is gone: nothing more will be notified.
                        listenerOpen = false
                    }
                } else if f.fd == child.stdoutR || f.fd == child.stderrR {
                    let r = read(f.fd, &buf, buf.count)
                    if r > 0 {
                        // With a pty, stdout and stderr are one stream: its limit messages are in it.
                        if f.fd == child.stderrR || terminal != nil {
                            buf.withUnsafeBytes { hints.scan(.init(rebasing: $0[0..<r])) }
                        }
                        forward(buf, count: r, to: f.fd == child.stdoutR ? output.stdoutFD : output.stderrFD)
                    } else if r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN) {
                        if f.fd == child.stdoutR { outOpen = false } else { errOpen = false }
                    }
                } else if f.fd == child.statusR && statusOpen {
                    // Not read here (the status is read once init is reaped): only noted, and
                    // no longer polled, since it stays readable.
                    statusOpen = false
                    if endingSince == nil { endingSince = Sandbox.monotonicNow() }
                } else if f.fd == child.pidfd {
                    exited = true
                    // Init is gone, and with it every process of the pid namespace; in
                    // landlock-only mode stragglers may still hold the pipes, so stop waiting
                    // for EOF after what is already buffered.
                    if !plan.layers.namespaces { drainAndClose(&outOpen, &errOpen, &buf) }
                } else if f.fd == sfd {
                    let signo = cs_signalfd_read(sfd)
                    if signo <= 0 || exited { continue }
                    if signo == SIGWINCH, let t = terminal {
                        // The pty follows the window; the kernel signals the command's group.
                        t.followSize()
                        continue
                    }
                    if interruptedBy != nil && (signo == SIGINT || signo == SIGTERM) {
                        // Asked again while tearing down: no more grace.
                        signalTree(SIGKILL)
                        killAt = .infinity
                    } else if signo == SIGTERM || (signo == SIGINT && forwardedSignals.contains(SIGINT)) {
                        // cordon itself is told to stop, or a second Ctrl-C: the timeout's
                        // sequence, SIGTERM to every process, SIGKILL after the grace period.
                        if interruptedBy == nil {
                            interruptedBy = signo
                            signalTree(SIGTERM)
                            killAt = Sandbox.monotonicNow() + plan.grace
                        }
                    } else if interruptedBy == nil && !timedOut {
                        forwardedSignals.append(signo)
                        forward(signo)
                    }
                }
            }
        }
        terminal?.restoreCaller()
        var status: Int32 = 0
        var ru = rusage()
        // A stuck init cannot be reaped: don't block on it.
        _ = cs_wait_pidfd(child.pidfd, &status, &ru, stuck == nil ? 0 : 1)
        close(child.pidfd)
        close(child.stdoutR)
        close(child.stderrR)
        if plan.layers.namespaces {
            // Init reports the worker's status; its absence means init itself was killed (the
            // timeout's SIGKILL, or an external kill).
            var ws: Int32 = 0
            _ = fcntl(child.statusR, F_SETFL, fcntl(child.statusR, F_GETFL) | O_NONBLOCK)
            if read(child.statusR, &ws, 4) == 4 { status = ws }
        }
        close(child.statusR)
        close(child.syncW)
        if child.listener >= 0 { close(child.listener) }
        let duration = Sandbox.monotonicNow() - start
        let st: RunOutcome.Status
        if let why = stuck {
            st = .stuck(why)
        } else if let why = monitorFailure {
            st = .monitorFailed(why)
        } else if timedOut {
            st = .timedOut
        } else if let s = interruptedBy {
            st = .interrupted(s)
        } else {
            switch WaitStatus(raw: status) {
            case .exited(let code): st = .exited(code)
            case .signaled(let signal): st = .signaled(signal)
            }
        }
        return RunOutcome(
            status: st, durationSeconds: duration, usage: ru, outputTruncated: truncated,
            layers: plan.layers, pid: child.pid, ended: WaitStatus(raw: status), endSignal: endSignal,
            forwarded: forwardedSignals)
    }

    /// What keeps a pid namespace from ending: its processes (those whose pid namespace is
    /// init's), each with its state, what it waits in and its tracer. Best effort: /proc is
    /// read as cordon's user, and what cannot be read is left out.
    static func describeStuck(init pid: Int32, waited: Double) -> String {
        var text =
            "the sandbox did not end within \(Int(waited)) s after its init began to end (the kernel waits for every process of its pid namespace, and one cannot end); cordon stops waiting and leaves it to the kernel"
        guard let ns = link("/proc/\(pid)/ns/pid") else { return text }
        var left: [String] = []
        if let d = opendir("/proc") {
            defer { closedir(d) }
            while let e = readdir(d), left.count < 8 {
                let name = withUnsafeBytes(of: e.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard let p = Int32(name), p != pid, link("/proc/\(p)/ns/pid") == ns else { continue }
                left.append(describe(p))
            }
        }
        if !left.isEmpty { text += ": " + left.joined(separator: "; ") }
        return text
    }

    private static func link(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: 64)
        let n = readlink(path, &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func describe(_ pid: Int32) -> String {
        var fields: [String: String] = [:]
        if let bytes = try? FileIO.readFile("/proc/\(pid)/status", limit: 1 << 16) {
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[String(line[..<colon])] = String(
                    line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
            }
        }
        // The name is the sandboxed process's to set (prctl PR_SET_NAME): control bytes in it
        // must not reach the caller's terminal as escape sequences.
        let name = String(
            decoding: (fields["Name"] ?? "?").utf8.map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: "?") : $0 },
            as: UTF8.self)
        var out = "pid \(pid) (\(name)) \(fields["State"] ?? "state unknown")"
        if let wchan = try? FileIO.readFile("/proc/\(pid)/wchan", limit: 256), !wchan.isEmpty, wchan != [0x30] {
            out += " waiting in \(String(decoding: wchan, as: UTF8.self))"
        }
        if let t = fields["TracerPid"], t != "0" { out += ", traced by pid \(t)" }
        return out
    }

    private mutating func drainAndClose(_ outOpen: inout Bool, _ errOpen: inout Bool, _ buf: inout [UInt8]) {
        for (fd, to) in [(child.stdoutR, output.stdoutFD), (child.stderrR, output.stderrFD)] {
            let fl = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, fl | O_NONBLOCK)
            while true {
                let r = read(fd, &buf, buf.count)
                if r <= 0 { break }
                if fd == child.stderrR { buf.withUnsafeBytes { hints.scan(.init(rebasing: $0[0..<r])) } }
                forward(buf, count: r, to: to)
            }
        }
        outOpen = false
        errOpen = false
    }

    /// Passes output through until `limits.output` bytes, then drops the rest with one notice.
    private mutating func forward(_ buf: [UInt8], count: Int, to fd: Int32) {
        var n = count
        if let cap = plan.outputLimit {
            if written >= cap {
                n = 0
            } else if written + UInt64(n) > cap {
                n = Int(cap - written)
            }
            if n < count && !truncated {
                truncated = true
                writeAll(fd, buf, n)
                written += UInt64(n)
                let note =
                    "\ncordon: limit: output limit of \(PolicyUnits.formatSize(cap)) reached (sandbox.limits.output); the rest of the command's output is dropped; raise sandbox.limits.output in the policy to see more\n"
                var s = note
                s.withUTF8 { p in _ = write(output.stderrFD, p.baseAddress, p.count) }
                return
            }
        }
        if n > 0 {
            writeAll(fd, buf, n)
            written += UInt64(n)
        }
    }

    private func writeAll(_ fd: Int32, _ buf: [UInt8], _ count: Int) {
        var off = 0
        buf.withUnsafeBytes { p in
            while off < count {
                guard let base = p.baseAddress else { return }
                let w = write(fd, base + off, count - off)
                if w < 0 {
                    if errno == EINTR { continue }
                    return
                }
                off += w
            }
        }
    }
}
