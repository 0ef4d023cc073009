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
            var fds: [pollfd] = []
            if outOpen { fds.append(pollfd(fd: child.stdoutR, events: Int16(POLLIN), revents: 0)) }
            if errOpen { fds.append(pollfd(fd: child.stderrR, events: Int16(POLLIN), revents: 0)) }
            if !exited { fds.append(pollfd(fd: child.pidfd, events: Int16(POLLIN), revents: 0)) }
            if sfd >= 0 { fds.append(pollfd(fd: sfd, events: Int16(POLLIN), revents: 0)) }
            if listenerOpen { fds.append(pollfd(fd: child.listener, events: Int16(POLLIN), revents: 0)) }
            var next = min(timedOut || interruptedBy != nil ? killAt : deadline, killAt)
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
        _ = cs_wait_pidfd(child.pidfd, &status, &ru, 0)
        close(child.pidfd)
        close(child.stdoutR)
        close(child.stderrR)
        if plan.layers.namespaces {
            // Init reports the worker's status; its absence means init itself was killed (the
            // timeout's SIGKILL, or an external kill).
            var ws: Int32 = 0
            if read(child.statusR, &ws, 4) == 4 { status = ws }
        }
        close(child.statusR)
        close(child.syncW)
        if child.listener >= 0 { close(child.listener) }
        let duration = Sandbox.monotonicNow() - start
        let st: RunOutcome.Status
        if let why = monitorFailure {
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
