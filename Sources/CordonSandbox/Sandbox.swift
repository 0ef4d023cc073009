import CSandbox
// Runs a SpawnPlan: clone into the namespaces, write the id maps, put the child in its
// cgroups, release it, stream its output, enforce the deadline, and collect its status.
import CordonBase
import CordonPolicy
import Glibc

public struct RunOutcome: Sendable {
    public enum Status: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// The deadline passed; the whole tree was killed.
        case timedOut
        /// cordon got SIGINT/SIGTERM/SIGHUP and tore the sandbox down.
        case interrupted(Int32)
        /// The monitor failed and killed the sandbox rather than let it run unwatched.
        case monitorFailed(String)
        /// The sandbox's init was ending (its report written, or SIGKILLed) but did not end
        /// within `Supervisor.endWait`: cordon stopped waiting; the text says what was left.
        case stuck(String)
    }
    public var status: Status
    public var durationSeconds: Double
    /// The sandbox's resource usage as waitid reported it (init and everything it reaped).
    public var usage: rusage
    public var outputTruncated: Bool
    public var layers: IsolationLayers
    public var pid: Int32
    /// How the command itself ended (its wait status; killed by SIGKILL when cordon had to
    /// kill the whole sandbox), whatever the reason in `status`.
    public var ended: WaitStatus
    /// The last signal cordon sent to end the run (SIGTERM when it sufficed, SIGKILL after the
    /// grace period); nil when cordon did not end it.
    public var endSignal: Int32?
    /// Signals cordon received and passed on to the command (Ctrl-C, hang-up, ...), in order.
    public var forwarded: [Int32] = []
    /// The resource limits the run ran into (LimitHits.swift).
    public var limits: [LimitHit] = []
}

/// Where the child's output goes; the runner forwards it with the byte cap.
public struct OutputTargets: Sendable {
    public var stdoutFD: Int32
    public var stderrFD: Int32
    public init(stdoutFD: Int32 = 1, stderrFD: Int32 = 2) {
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
    }
}

public enum Sandbox {
    /// Spawns and supervises the plan to the end. Call from the main thread (or one permanent
    /// thread): the parent-death signal follows the thread that spawned.
    public static func run(
        _ plan: SpawnPlan, output: OutputTargets = OutputTargets(), stdinFD: Int32 = 0,
        notice: (String) -> Void = { _ in }
    ) throws(SandboxError) -> RunOutcome {
        var plan = plan
        plan.layers.monitor = plan.monitor != nil
        let start = monotonicNow()
        var child: Child
        var terminal: PseudoTerminal? = nil
        if let warm = PreparedSandbox.claim(plan) {
            // Made before this run for the same fixed part (PreparedSandbox.key): its ids were
            // decided, and its notices given, when it was made.
            plan.hostUID = warm.hostUID
            plan.hostGID = warm.hostGID
            for n in warm.notices { notice(n) }
            child = try warm.start(plan, stdinFD: stdinFD)
        } else {
            let attachments = try prepareAttachments(&plan, notice: notice)
            // The child holds its own copies from clone on; ours go whatever spawn's outcome.
            defer { attachments.close() }
            terminal = plan.pty ? try PseudoTerminal(caller: stdinFD) : nil
            child = try spawn(plan, stdinFD: terminal?.slave ?? stdinFD, attachments: attachments)
        }
        if let t = terminal {
            // The command's output comes out of the master; its stdout pipe carries nothing.
            close(child.stdoutR)
            child.stdoutR = fcntl(t.master, F_DUPFD_CLOEXEC, 0)
            t.closeSlave()
        }
        PhaseTimer.shared.mark("command exec'd")
        var cgroup = child.cgroup
        defer { cgroup?.remove() }
        var supervisor = Supervisor(plan: plan, child: child, output: output, start: start, terminal: terminal)
        var result = supervisor.loop()
        // The counters are final once the namespace is gone, and go with the group.
        result.limits = LimitDetection.hits(
            plan: plan, ended: result.ended, outputCut: result.outputTruncated, cgroup: cgroup?.events(),
            hints: supervisor.hints.seen)
        PhaseTimer.shared.mark("command exited")
        if let c = cgroup { CgroupSet.removeSoon(c) }
        cgroup = nil
        PhaseTimer.shared.mark("cleaned up")
        return result
    }

    struct Child {
        var pid: Int32
        var pidfd: Int32
        var stdoutR: Int32
        var stderrR: Int32
        var statusR: Int32
        /// Kept open for the whole run: the child checks for a hang-up to see that cordon died
        /// before its parent-death signal was armed.
        var syncW: Int32
        /// The seccomp notification listener, when monitored; -1 otherwise.
        var listener: Int32
        var cgroup: CgroupSet?
        /// Why the monitor stopped the run before the supervisor took over (awaitExec): the
        /// sandbox was killed then, and the run's outcome is `.monitorFailed` with this.
        var monitorFailure: String? = nil
    }

    static func pipe2(_ flags: Int32) throws(SandboxError) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        let r = cs_pipe_cloexec(&fds)
        if r != 0 { throw SandboxError(.setup("pipe"), errno: Errno(-r)) }
        return (fds[0], fds[1])
    }

    /// The pipes (and, with a monitor, the socket) between cordon and the child. Each pair is
    /// close-on-exec; the child's ends are dup'ed or used by the C code before execve.
    struct Channels {
        /// The child's `{stage, errno}` record on failure; EOF on `errR` means execve succeeded,
        /// which needs the parent's copy of `errW` closed before it waits.
        var errR: Int32 = -1, errW: Int32 = -1
        /// One byte releases the child once the id maps are written; `syncW` stays open for the
        /// run (EOF tells the child cordon died before its parent-death signal was armed).
        var syncR: Int32 = -1, syncW: Int32 = -1
        /// Init reports the worker's wait status here.
        var statusR: Int32 = -1, statusW: Int32 = -1
        var outR: Int32 = -1, outW: Int32 = -1
        var errOutR: Int32 = -1, errOutW: Int32 = -1
        /// The worker sends the seccomp listener over this unix socket; -1 without a monitor.
        var notifyParent: Int32 = -1, notifyChild: Int32 = -1
        /// The child sends the proxy's listening sockets over this one; -1 without a bridge.
        var bridgeParent: Int32 = -1, bridgeChild: Int32 = -1

        /// No channel: for a plan whose channels a prepared sandbox already holds.
        init() {}

        /// Opens every channel, or none: a failure closes what was already opened.
        init(monitor: Bool, bridge: Bool = false) throws(SandboxError) {
            do throws(SandboxError) {
                (errR, errW) = try pipe2(O_CLOEXEC)
                (syncR, syncW) = try pipe2(O_CLOEXEC)
                (statusR, statusW) = try pipe2(O_CLOEXEC)
                (outR, outW) = try pipe2(O_CLOEXEC)
                (errOutR, errOutW) = try pipe2(O_CLOEXEC)
                if monitor {
                    var sp: [Int32] = [-1, -1]
                    let r = cs_socketpair_cloexec(&sp)
                    if r < 0 { throw SandboxError(.setup("socketpair"), errno: Errno(-r)) }
                    (notifyParent, notifyChild) = (sp[0], sp[1])
                    // The kernel attaches the writer's pid to what arrives here: how cordon finds
                    // the worker whose listener it takes (cs_recv_listener).
                    var on: Int32 = 1
                    if setsockopt(notifyParent, SOL_SOCKET, SO_PASSCRED, &on, socklen_t(MemoryLayout<Int32>.size)) < 0 {
                        let e = Errno.current
                        for fd in [sp[0], sp[1]] { close(fd) }
                        (notifyParent, notifyChild) = (-1, -1)
                        throw SandboxError(.setup("SO_PASSCRED"), errno: e)
                    }
                }
                if bridge {
                    var sp: [Int32] = [-1, -1]
                    let r = cs_socketpair_cloexec(&sp)
                    if r < 0 { throw SandboxError(.setup("socketpair"), errno: Errno(-r)) }
                    (bridgeParent, bridgeChild) = (sp[0], sp[1])
                }
            } catch {
                for fd in childEnds + parentEnds where fd >= 0 { close(fd) }
                throw error
            }
        }

        /// The ends the child uses; the parent closes its copies once the child exists.
        var childEnds: [Int32] { [errW, syncR, statusW, outW, errOutW, notifyChild, bridgeChild] }
        /// The ends cordon keeps.
        var parentEnds: [Int32] { [errR, syncW, statusR, outR, errOutR, notifyParent, bridgeParent] }
    }

    /// clone3 and the child's whole setup, then the wait until the command runs: on any
    /// failure the child is killed and reaped and every descriptor closed, so a failed spawn
    /// leaves nothing behind.
    static func spawn(_ plan: SpawnPlan, stdinFD: Int32, attachments: Attachments = Attachments())
        throws(SandboxError) -> Child
    {
        var ch = try Channels(monitor: plan.monitor != nil, bridge: plan.bridge != nil && plan.layers.namespaces)
        // The parent's copies of the child's ends go when spawn returns, except errW and syncR,
        // closed as soon as the child is released (below). notifyChild stays open until then on
        // purpose: were it closed, a child that fails setup before sending the listener would
        // make the socket readable (EOF) next to its error record, and the real stage error
        // would be reported as a failed listener transfer.
        var closeAtExit = [ch.syncR, ch.errW, ch.statusW, ch.outW, ch.errOutW, ch.notifyChild, ch.bridgeChild]
        defer { for fd in closeAtExit where fd >= 0 { close(fd) } }
        var attachments = attachments
        let cgroup: CgroupSet?
        do throws(SandboxError) {
            cgroup = try CgroupSet.forRun(plan, &attachments)
        } catch {
            for fd in ch.parentEnds where fd >= 0 { close(fd) }
            throw error
        }
        PhaseTimer.shared.mark("cgroups made")
        let (pid, pidfd) = clone(plan, ch, stdinFD: stdinFD, attachments: attachments)
        for fd in attachments.cgroupFDs { close(fd) }
        PhaseTimer.shared.mark("clone3")
        if pid < 0 {
            for fd in ch.parentEnds where fd >= 0 { close(fd) }
            cgroup?.remove()
            throw SandboxError(.clone, errno: Errno(-pid))
        }
        var bridged: Result<[Int32], Errno> = .success([])
        var child = Child(
            pid: pid, pidfd: pidfd, stdoutR: ch.outR, stderrR: ch.errOutR, statusR: ch.statusR, syncW: ch.syncW,
            listener: -1, cgroup: cgroup)
        do throws(SandboxError) {
            if plan.layers.namespaces { try release(&child, plan) }
            // EOF on the error pipe (execve closed the child's copy) is only seen once no copy
            // of errW is left here.
            close(ch.syncR)
            close(ch.errW)
            closeAtExit.removeAll { $0 == ch.syncR || $0 == ch.errW }
            PhaseTimer.shared.mark("id maps, cgroups, released")
            let childBridgeEnd = ch.bridgeChild
            bridged = receiveBridge(plan, &ch)
            if ch.bridgeChild < 0 { closeAtExit.removeAll { $0 == childBridgeEnd } }
            try awaitExec(plan, &child, errR: ch.errR, notify: &ch.notifyParent)
            if case .failure(let e) = bridged {
                throw SandboxError(.setup("receive the proxy's listening sockets"), errno: e)
            }
        } catch {
            if case .success(let fds) = bridged { for fd in fds { close(fd) } }
            if ch.bridgeParent >= 0 { close(ch.bridgeParent) }
            abort(child, errR: ch.errR, notify: ch.notifyParent)
            throw error
        }
        if ch.bridgeParent >= 0 { close(ch.bridgeParent) }
        // The command runs: the proxy accepts from now on (connections made before wait in the
        // listen backlog).
        if case .success(let fds) = bridged, let b = plan.bridge { b.received(fds) }
        if ch.notifyParent >= 0 { close(ch.notifyParent) }
        close(ch.errR)
        return child
    }

    /// The proxy's listening sockets from the child (sent right after it brought up `lo`). The
    /// parent's copy of the child's end goes first, so a child that died before sending gives
    /// EOF here; its own error record, read next by awaitExec, then names the real stage.
    static func receiveBridge(_ plan: SpawnPlan, _ ch: inout Channels) -> Result<[Int32], Errno> {
        guard let b = plan.bridge, ch.bridgeParent >= 0 else { return .success([]) }
        if ch.bridgeChild >= 0 {
            close(ch.bridgeChild)
            ch.bridgeChild = -1
        }
        var fds = [Int32](repeating: -1, count: b.descriptors)
        let r = cs_recv_fds(ch.bridgeParent, &fds, Int32(fds.count))
        return r < 0 ? .failure(Errno(-r)) : .success(fds)
    }

    /// Kills and reaps a child whose setup failed, and closes everything cordon held for it.
    /// The worker's seccomp listener: it wrote the descriptor's number (its sendmsg may already
    /// be notified, so no SCM_RIGHTS), and cordon duplicates it out of the worker's table.
    static func takeListener(_ notify: Int32) throws(SandboxError) -> Int32 {
        var number: Int32 = -1
        var pid: Int32 = 0
        let r = cs_recv_listener(notify, &number, &pid)
        if r < 0 { throw SandboxError(.setup("receive seccomp listener"), errno: Errno(-r)) }
        let pidfd = cs_pidfd_open(pid)
        if pidfd < 0 { throw SandboxError(.setup("pidfd_open of the worker"), errno: Errno(-pidfd)) }
        defer { close(pidfd) }
        let fd = cs_pidfd_getfd(pidfd, number)
        if fd < 0 { throw SandboxError(.setup("take seccomp listener (pidfd_getfd)"), errno: Errno(-fd)) }
        return fd
    }

    static func abort(_ child: Child, errR: Int32, notify: Int32) {
        _ = cs_pidfd_send_signal(child.pidfd, SIGKILL)
        var st: Int32 = 0
        _ = cs_wait_pidfd(child.pidfd, &st, nil, 0)
        for fd in [child.pidfd, errR, child.statusR, child.stdoutR, child.stderrR, child.syncW, notify, child.listener]
        where fd >= 0 {
            close(fd)
        }
        child.cgroup?.remove()
    }

    /// The flat C plan from the Swift one, then clone3 with every signal blocked. Returns the
    /// pid and pidfd, or -errno as the pid. Every pointer in the C plan lives in `arena` (and
    /// the filter buffer), which outlive `cs_spawn`: the child reads them before it execs.
    static func clone(
        _ plan: SpawnPlan, _ ch: Channels, stdinFD: Int32, attachments: Attachments, tailSock: Int32 = -1
    ) -> (Int32, Int32) {
        withCPlan(plan, ch, stdinFD: stdinFD, attachments: attachments, tailSock: tailSock) { p, spans in
            // All signals blocked across clone: a handler must never run in the child before it
            // resets its mask, and the child inherits the blocked set it then waits on (init).
            let old = UnsafeMutableRawPointer.allocate(byteCount: cs_sigset_size(), alignment: 8)
            defer { old.deallocate() }
            _ = cs_sigfillset_block(old)
            var pidfd: Int32 = -1
            let pid = spans.withUnsafeBufferPointer { cs_spawn(p, &pidfd, $0.baseAddress, Int32($0.count / 2)) }
            _ = cs_sigmask_restore(old)
            return (pid, pidfd)
        }
    }

    /// The C plan, with its filter, alive for the duration of `body`, which also gets the
    /// arena's blocks (cs_spawn's `spans`): every pointer in the plan points into them.
    static func withCPlan<T>(
        _ plan: SpawnPlan, _ ch: Channels, stdinFD: Int32, attachments: Attachments, tailSock: Int32 = -1,
        _ body: (UnsafePointer<cs_plan>, [UInt]) -> T
    ) -> T {
        let a = CArena()
        var p = cPlan(plan, ch, stdinFD: stdinFD, arena: a, attachments: attachments)
        p.tail_sock = tailSock
        if let instructions = plan.seccomp?.instructions {
            let filter = a.allocate(sock_filter.self, count: instructions.count)
            for (i, f) in instructions.enumerated() { filter[i] = f }
            let fprog = a.allocate(sock_fprog.self, count: 1)
            fprog.pointee = sock_fprog(len: UInt16(instructions.count), filter: filter)
            p.seccomp = UnsafePointer(fprog)
        }
        return withExtendedLifetime(a) { withUnsafePointer(to: &p) { body($0, a.spans) } }
    }

    /// `struct cs_plan` for the C child: namespaces and the root's mount ops, ids, limits,
    /// stdio, Landlock, the listener flags, the exec candidates, argv and envp.
    static func cPlan(
        _ plan: SpawnPlan, _ ch: Channels, stdinFD: Int32, arena a: CArena, attachments: Attachments = Attachments()
    ) -> cs_plan {
        var p = cs_plan()
        p.tail_sock = -1
        p.timing_fd = -1
        if PhaseTimer.shared.enabled {
            p.timing_fd = 2
            p.timing_origin_ns = UInt64(PhaseTimer.shared.start * 1e9)
        }
        if plan.layers.namespaces {
            p.clone_flags = UInt64(
                CS_CLONE_NEWUSER | CS_CLONE_NEWPID | CS_CLONE_NEWNS | CS_CLONE_NEWIPC | CS_CLONE_NEWUTS
                    | CS_CLONE_NEWCGROUP)
            // `domains` too: its only way out is the proxy, through the bridge below.
            if plan.network == .none || plan.network == .domains { p.clone_flags |= UInt64(CS_CLONE_NEWNET) }
            p.use_init = 1
            p.sync_fd = ch.syncR
            p.sync_write_fd = ch.syncW
            p.status_fd = ch.statusW
            p.hostname = a.string("cordon")
            p.loopback_up = plan.network == .none || plan.network == .domains ? 1 : 0
            p.build_root = 1
            p.root_base = a.string("/tmp")
            let ops = a.allocate(cs_op.self, count: plan.mounts.count)
            for (i, m) in plan.mounts.enumerated() {
                ops[i] = cs_op(
                    kind: m.kind.rawValue, flags: m.flags.rawValue, source: a.optionalString(m.source),
                    target: a.string(m.target), data: a.optionalString(m.data), fd: attachments.fds[i] ?? -1)
            }
            p.ops = UnsafePointer(ops)
            p.nops = Int32(plan.mounts.count)
            p.change_ids = 1
            p.drop_groups = plan.hostIsRoot ? 1 : 0
            if !attachments.cgroupFDs.isEmpty {
                let cg = a.allocate(Int32.self, count: attachments.cgroupFDs.count)
                for (i, fd) in attachments.cgroupFDs.enumerated() { cg[i] = fd }
                p.cgroup_fds = UnsafePointer(cg)
                p.ncgroup_fds = Int32(attachments.cgroupFDs.count)
            }
        } else {
            p.sync_fd = -1
            p.sync_write_fd = -1
            p.status_fd = -1
            // Without a user namespace there is nothing to map; as root the worker still drops
            // to the unprivileged uid (a real host setuid, which also clears its capabilities).
            // Where setgroups is denied (a user namespace made without it: rootless containers,
            // bwrap) the supplementary groups cannot be changed by anyone, so none are dropped
            // rather than failing the run (issue 13: "setgroups: Operation not permitted").
            p.change_ids = plan.hostIsRoot ? 1 : 0
            p.drop_groups = plan.hostIsRoot && IDMap.setgroupsAllowed() ? 1 : 0
        }
        p.err_fd = ch.errW
        p.notify_sock = ch.notifyChild
        p.send_diag = plan.sendsDiagSocket ? 1 : 0
        p.listener_by_number = plan.takesListener ? 1 : 0
        p.bridge_sock = -1
        if let b = plan.bridge, ch.bridgeChild >= 0, plan.layers.namespaces {
            let ports = a.allocate(UInt16.self, count: b.ports.count)
            for (i, port) in b.ports.enumerated() { ports[i] = port }
            p.bridge_sock = ch.bridgeChild
            p.bridge_ports = UnsafePointer(ports)
            p.nbridge = Int32(b.ports.count)
            if b.dns {
                p.bridge_dns = 1
                let dns = a.allocate(UInt32.self, count: max(1, b.nameservers.count))
                for (i, ns) in b.nameservers.enumerated() {
                    // Network order: the bytes as they are, read as one 32-bit word.
                    dns[i] = ns.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
                }
                p.dns_addrs = UnsafePointer(dns)
                p.ndns_addrs = Int32(b.nameservers.count)
            }
        }
        if plan.monitor != nil {
            // The listener for the monitor, and (WAIT_KILLABLE_RECV) once the monitor has received
            // a notification only a fatal signal interrupts the wait, so a signal handler in the
            // command cannot make the kernel restart the syscall behind the monitor's back.
            p.seccomp_flags = UInt32(CS_SECCOMP_FLAG_NEW_LISTENER | CS_SECCOMP_FLAG_WAIT_KILLABLE_RECV)
        }
        p.uid = plan.uid
        p.gid = plan.gid
        let rl = a.allocate(cs_rlimit.self, count: plan.rlimits.count)
        for (i, r) in plan.rlimits.enumerated() {
            // RLIMIT_CPU: at the soft limit the kernel sends SIGXCPU, at the hard one SIGKILL, and
            // with the two equal SIGKILL comes first. One second more of hard limit lets the
            // command die of SIGXCPU, which tells everyone (and LimitDetection) why.
            let hard = r.resource == Int32(CS_RLIMIT_CPU) ? r.value + 1 : r.value
            rl[i] = cs_rlimit(resource: r.resource, soft: r.value, hard: hard)
        }
        p.rlimits = UnsafePointer(rl)
        p.nrlimits = Int32(plan.rlimits.count)
        p.stdin_fd = stdinFD
        p.stdout_fd = ch.outW
        p.stderr_fd = ch.errOutW
        if plan.pty {
            // stdinFD is the pty's slave (Sandbox.run): all three, and the controlling terminal.
            p.stdout_fd = stdinFD
            p.stderr_fd = stdinFD
            p.ctty = 1
        }
        p.cwd = a.string(plan.cwd)
        if plan.layers.landlockABI != nil {
            let rules = a.allocate(cs_landlock_rule.self, count: plan.landlockRules.count)
            for (i, r) in plan.landlockRules.enumerated() {
                rules[i] = cs_landlock_rule(path: a.string(r.path), access: r.access)
            }
            let ll = a.allocate(cs_landlock.self, count: 1)
            ll.pointee = cs_landlock(
                handled_fs: plan.landlockHandledFS, handled_net: plan.landlockHandledNet,
                scoped: plan.landlockScoped, rules: UnsafePointer(rules), nrules: Int32(plan.landlockRules.count))
            p.landlock = UnsafePointer(ll)
        }
        let cands = a.allocate(UnsafePointer<CChar>?.self, count: plan.execCandidates.count)
        for (i, c) in plan.execCandidates.enumerated() { cands[i] = a.string(c) }
        p.exec_candidates = UnsafePointer(cands)
        p.ncandidates = Int32(plan.execCandidates.count)
        p.argv = UnsafePointer(a.stringArray(plan.argv))
        p.envp = UnsafePointer(a.stringArray(plan.environment))
        return p
    }

    /// Writes the id maps, puts the child in its cgroups when they are v2 (v1 groups the child
    /// joins itself), and releases it with one byte on the sync pipe. The parent keeps `syncW`
    /// open: the child's EOF check stays meaningful for the "cordon died" case only.
    static func release(_ child: inout Child, _ plan: SpawnPlan) throws(SandboxError) {
        try writeIDMaps(pid: child.pid, plan: plan)
        try child.cgroup?.attach(pid: child.pid)
        var one: UInt8 = 1
        _ = write(child.syncW, &one, 1)
    }

    /// Blocks until the command is running (EOF: execve closed the pipe) or setup failed (a
    /// `{stage, errno, index}` record). With a monitor, the worker first sends the listener,
    /// then its execve attempts wait for answers, so the error pipe, the socket and the
    /// listener are polled together.
    static func awaitExec(_ plan: SpawnPlan, _ child: inout Child, errR: Int32, notify: inout Int32)
        throws(SandboxError)
    {
        var rec = cs_error()
        var got = 0
        var waitingForListener = notify >= 0
        var gotDiag = false
        while true {
            if waitingForListener || child.listener >= 0 {
                var fds = [pollfd(fd: errR, events: Int16(POLLIN), revents: 0)]
                fds.append(
                    pollfd(fd: waitingForListener ? notify : child.listener, events: Int16(POLLIN), revents: 0))
                if poll(&fds, 2, -1) < 0 {
                    if errno == EINTR { continue }
                    throw SandboxError(.setup("poll"), errno: .current)
                }
                // Once the listener is here, the error pipe goes first: EOF there means the
                // worker's exec succeeded, and every notification after it is the command's, to
                // be judged by the supervisor's loop, never answered in setup mode.
                if !waitingForListener && fds[0].revents != 0 {
                    // Read the error pipe below.
                } else if fds[1].revents & Int16(POLLIN) != 0 {
                    if waitingForListener {
                        if plan.sendsDiagSocket && !gotDiag {
                            let fd = cs_recv_fd(notify)
                            if fd < 0 { throw SandboxError(.setup("receive sock_diag socket"), errno: Errno(-fd)) }
                            plan.monitor?.adopt(socketDiagnostics: fd)
                            gotDiag = true
                            continue
                        }
                        if plan.takesListener {
                            child.listener = try takeListener(notify)
                        } else {
                            let fd = cs_recv_fd(notify)
                            if fd < 0 { throw SandboxError(.setup("receive seccomp listener"), errno: Errno(-fd)) }
                            child.listener = fd
                        }
                        waitingForListener = false
                        close(notify)
                        notify = -1
                    } else if let m = plan.monitor {
                        let outcome = m.initialExec(
                            listener: child.listener, candidates: plan.execCandidates, argv: plan.argv)
                        if case .fatal(let why) = outcome, child.monitorFailure == nil {
                            // Fail closed, as the supervisor does: the sandbox is killed now and
                            // the run ends as a monitor failure (an anomaly's stop among them).
                            // The notification may already be the command's own (its first
                            // child's exec, before init closed its end of the error pipe), so
                            // it is the run's outcome, not a failure to start it.
                            child.monitorFailure = why
                            _ = cs_pidfd_send_signal(child.pidfd, SIGKILL)
                        }
                        setupPause()
                    }
                    continue
                } else if fds[0].revents == 0 {
                    continue
                }
            }
            let n = withUnsafeMutableBytes(of: &rec) { b in
                b.baseAddress.map { read(errR, $0 + got, b.count - got) } ?? -1
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
            if got == MemoryLayout<cs_error>.size { break }
        }
        guard got == MemoryLayout<cs_error>.size else {
            // Running without the listener cordon asked for would leave every watched call
            // waiting for an answer nobody gives, or unwatched: fail closed.
            if plan.monitor != nil && child.listener < 0 {
                throw SandboxError(.monitor, "the command started before its seccomp listener reached cordon")
            }
            return
        }
        let stage = ChildStage(rawValue: rec.stage)
        var detail = ""
        // The record's index names the mount op or exec candidate that failed (csandbox.h).
        if stage == .mount, rec.index >= 0, Int(rec.index) < plan.mounts.count {
            let m = plan.mounts[Int(rec.index)]
            detail = "(\(m.kind) \(m.source.map { $0 + " -> " } ?? "")\(m.target))"
        } else if stage == .exec, rec.index >= 0, Int(rec.index) < plan.execCandidates.count {
            detail = plan.execCandidates[Int(rec.index)]
        }
        throw SandboxError(.child(stage), detail, errno: Errno(rec.err))
    }

    /// CORDON_TEST_SETUP_PAUSE_MS: a pause after each setup-phase answer, for the escape suite
    /// only. It widens the window in which the started command's first notifications and the
    /// error pipe's EOF are ready together, so a regression of the setup phase's exact
    /// identification of the worker (security issue A.1) shows every time, not on a loaded
    /// machine only. It slows the start and grants nothing: the caller sets it, not the sandbox.
    static let setupPauseMicroseconds: Int = {
        guard let v = getenv("CORDON_TEST_SETUP_PAUSE_MS"), let ms = Int(String(cString: v)), ms > 0 else { return 0 }
        return min(ms, 1000) * 1000
    }()

    static func setupPause() {
        guard setupPauseMicroseconds > 0 else { return }
        var t = timespec(tv_sec: 0, tv_nsec: setupPauseMicroseconds * 1000)
        nanosleep(&t, nil)
    }

    /// Detached mount trees for the plan's attach ops, by op index. The child moves each onto
    /// its target and closes its copy; cordon closes its own once the child exists.
    struct Attachments {
        var fds: [Int: Int32] = [:]
        /// The run's cgroup v1 `tasks` files, for the child to join by itself (CgroupSet.create).
        var cgroupFDs: [Int32] = []
        func close() { for fd in Array(fds.values) + cgroupFDs { Glibc.close(fd) } }
    }

    /// As root, each writable place (the workspace first) is cloned here, on the host, and
    /// idmapped from its owner to the sandbox's host uid: the unprivileged sandbox writes the
    /// owner's files, what it creates lands on disk as the owner's, and nothing else of the
    /// owner's (root's /etc/shadow, /root/.ssh) becomes readable, because the idmapping covers
    /// this mount only. The child could not do it: creating an idmapped mount needs
    /// CAP_SYS_ADMIN in the filesystem's user namespace (the host's). A filesystem that cannot
    /// be idmapped falls back without ever running as host root: a workspace owned by a
    /// non-root user is run as that user (the old mapping), anything else is attached as it is
    /// (the command may write only what the sandbox uid may there), and stderr says which.
    static func prepareAttachments(_ plan: inout SpawnPlan, notice: (String) -> Void) throws(SandboxError)
        -> Attachments
    {
        var out = Attachments()
        let indices = plan.mounts.indices.filter { plan.mounts[$0].kind == .attach }
        guard !indices.isEmpty else { return out }
        // The workspace decides the fallback mapping, so it is prepared before the others.
        let ordered = indices.sorted { a, b in
            (plan.mounts[a].source == plan.workspace ? 0 : 1) < (plan.mounts[b].source == plan.workspace ? 0 : 1)
        }
        var namespaces: [String: Int32] = [:]
        defer { for fd in namespaces.values { Glibc.close(fd) } }
        do throws(SandboxError) {
            for i in ordered {
                guard let source = plan.mounts[i].source else { continue }
                // The private HOME was handed to the sandbox uid before the workspace's
                // fallback may have changed that uid: follow it.
                if let home = plan.home, source == home { PrivateHome.own(home, uid: plan.hostUID, gid: plan.hostGID) }
                let fd = cs_open_tree_clone(source)
                if fd < 0 { throw SandboxError(.setup("open_tree \(source)"), errno: Errno(-fd)) }
                out.fds[i] = fd
                // The tree's own root, not a second lookup of the path: what is mapped is what
                // was cloned.
                var st = stat()
                if fstat(fd, &st) != 0 { throw SandboxError(.setup("fstat \(source)"), errno: .current) }
                if st.st_uid == plan.hostUID && st.st_gid == plan.hostGID { continue }
                // Read-only trees (toolchains) keep their ownership: the sandbox reads them as
                // their modes allow anyone, and gets nothing more of the owner's.
                if plan.mounts[i].flags.contains(.readOnly) { continue }
                // The sandbox's group is what its files carry on disk, and chmod g+s stays open to
                // it (BPF cannot tell a shared directory's g+s from a file's, docs/monitor.md): the
                // kernel keeps S_ISGID on chmod for a member of the file's group. Mapped to a system
                // group (root's 0, shadow, disk, docker: below 1000), a `cp /bin/sh x && chmod g+s
                // x` in a root-owned workspace left a set-group-id-root program for any host user
                // who can reach it. So such a group is never the sandbox's: its new files get
                // sandbox.gid on disk (the owner stays the owner), and the old group is mapped
                // aside, to a gid the sandbox does not hold, rather than left unmapped: the
                // kernel refuses any write to an inode whose uid or gid an idmapped mount cannot
                // map (inode_permission, HAS_UNMAPPED_ID), which would close the whole workspace.
                let systemGroup = st.st_gid < 1000 && st.st_gid != plan.hostGID
                let diskGID = systemGroup ? plan.hostGID : st.st_gid
                let aside = plan.hostGID == 65533 ? UInt32(65532) : UInt32(65533)
                let key = "\(st.st_uid):\(st.st_gid)"
                var ns = namespaces[key] ?? -1
                if ns < 0 {
                    ns = cs_idmap_userns(
                        st.st_uid, plan.hostUID, diskGID, plan.hostGID, systemGroup ? st.st_gid : UInt32.max, aside)
                    if ns < 0 {
                        throw SandboxError(.setup("user namespace for idmapping \(source)"), errno: Errno(-ns))
                    }
                    namespaces[key] = ns
                }
                let r = cs_mount_idmap(fd, ns)
                if r == 0 { continue }
                let why = "\(source) cannot be idmapped (\(Errno(-r)); its filesystem may not support idmapped mounts)"
                if source == plan.workspace && st.st_uid != 0 {
                    // Nothing was mapped yet (the workspace goes first): the sandbox's one uid
                    // maps to the owner instead. Still not host root, and never host group 0
                    // (a root-group directory keeps the sandbox's own gid): group root opens
                    // files all over the read-only system binds.
                    plan.hostUID = st.st_uid
                    if st.st_gid != 0 { plan.hostGID = st.st_gid }
                    notice("cordon: notice: \(why); the command runs as its owner, host uid \(st.st_uid)")
                } else if st.st_mode & S_IXOTH == 0 {
                    // The sandbox uid would not even get into it: refuse with the cause rather
                    // than fail later on a mount inside it with a bare EACCES.
                    throw SandboxError(
                        .setup("idmap \(source)"),
                        "\(why), and it is owned by uid \(st.st_uid) with no access for others, so the sandbox (host uid \(plan.hostUID)) cannot use it. Give it to a non-root user (chown) or use a filesystem with idmapped mounts (ext4, xfs, btrfs, tmpfs)"
                    )
                } else {
                    notice(
                        "cordon: notice: \(why); the command runs as host uid \(plan.hostUID) and can write there only what that uid may (the owner is uid \(st.st_uid)). Give the directory to a non-root user or use a filesystem with idmapped mounts (ext4, xfs, btrfs, tmpfs)"
                    )
                }
            }
        } catch {
            out.close()
            throw error
        }
        return out
    }

    /// Maps exactly one uid and gid. Unprivileged, the kernel allows only our own ids and only
    /// with setgroups denied; as root we map the unprivileged target ids and keep setgroups so
    /// the child can drop root's supplementary groups.
    static func writeIDMaps(pid: Int32, plan: SpawnPlan) throws(SandboxError) {
        let base = "/proc/\(pid)/"
        if !plan.hostIsRoot { try writeFile(base + "setgroups", "deny") }
        try writeFile(base + "uid_map", "\(plan.uid) \(plan.hostUID) 1\n")
        try writeFile(base + "gid_map", "\(plan.gid) \(plan.hostGID) 1\n")
    }

    static func writeFile(_ path: String, _ text: String) throws(SandboxError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 { throw SandboxError(.setup("write \(path)"), errno: .current) }
        defer { close(fd) }
        var t = text
        let n = t.withUTF8 { write(fd, $0.baseAddress, $0.count) }
        if n < 0 { throw SandboxError(.setup("write \(path)"), errno: .current) }
    }

    public static func monotonicNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
