// A sandbox made before its run (`cordon serve --warm`, issue 19): namespaces cloned, id maps
// written, cgroups made, the root built, and the child waiting on its tail socket for the run's
// part of the plan (argv, environment, limits, Landlock, the seccomp filter, stdin). Single use:
// a runner process holds at most one, hands it to exactly one run, and never to a run whose
// fixed part (the key) differs from what it was made for; anything else is a fresh clone.
import CSandbox
import CordonBase
import Glibc

public final class PreparedSandbox {
    /// What the sandbox was made for (PreparedSandbox.key of the plan before preparation).
    let key: String
    let child: Sandbox.Child
    /// The error pipe: EOF once the command execs; a record if preparation or the run failed.
    let errR: Int32
    /// The worker's listener arrives here (-1 without a monitor).
    let notifyParent: Int32
    /// Where the run's part of the plan goes (cs_tail_send).
    let tailSock: Int32
    /// The ids the sandbox maps to, after the workspace's idmapping decided them.
    let hostUID: UInt32
    let hostGID: UInt32
    /// The notices preparation gave (an idmapping fallback): told to the run that uses it.
    let notices: [String]
    /// The private HOME bound into it, with the copies made when it was prepared (a run
    /// keeps them when their sources did not change: PrivateHome.make).
    public let home: String
    var homeCopies: PrivateHome
    /// The request and plan it was made from, when that request was the run's own (a direct
    /// `cordon run`'s early sandbox: EarlySandbox): the run then takes this plan as it is
    /// rather than building the same one again. nil for a warm runner's template run.
    var madeFor: SandboxRequest?
    var plan: SpawnPlan?

    init(
        key: String, child: Sandbox.Child, errR: Int32, notifyParent: Int32, tailSock: Int32, hostUID: UInt32,
        hostGID: UInt32, notices: [String], home: PrivateHome
    ) {
        self.key = key
        self.child = child
        self.errR = errR
        self.notifyParent = notifyParent
        self.tailSock = tailSock
        self.hostUID = hostUID
        self.hostGID = hostGID
        self.notices = notices
        self.home = home.path
        self.homeCopies = home
    }

    /// The one prepared sandbox of this process, if any (a warm runner holds one while it waits).
    nonisolated(unsafe) public static var standing: PreparedSandbox?

    /// Set in a warm runner: work its preparation did (the seccomp program, the caller's
    /// PATH and toolchains) is kept, by its inputs, for the run it then makes.
    /// Its HOME and cgroups are removed on threads of their own once the command has ended
    /// (Teardown), and `finishDeferredWork` waits for them.
    public static var reusesWork: Bool {
        get { SeccompCache.memoize.withLock { $0 } }
        set {
            SeccompCache.memoize.withLock { $0 = newValue }
            Teardown.wait()
            Teardown.started.withLock { $0 = newValue ? [] : nil }
        }
    }

    /// Waits for what `reusesWork` put on threads (the run's HOME and cgroups) to be removed.
    public static func finishDeferredWork() { Teardown.wait() }

    /// The fixed part of a plan: everything the child used before it waited for the tail.
    /// Two plans with the same key get identical sandboxes; the workspace's owner is part of it
    /// because, as root, it decided the idmapping (and the ids) when the sandbox was made.
    static func key(_ plan: SpawnPlan, monitored: Bool) -> String {
        var st = stat()
        let owner = stat(plan.workspace, &st) == 0 ? "\(st.st_dev):\(st.st_ino):\(st.st_uid):\(st.st_gid)" : "-"
        // net= by its raw value: describing an enum goes through the runtime's reflection.
        var k = "ns=\(plan.layers.namespaces) net=\(plan.network.rawValue) ids=\(plan.uid):\(plan.gid)"
        k += " host=\(plan.hostUID):\(plan.hostGID):\(plan.hostIsRoot) cg=\(plan.layers.cgroups)"
        k += " mem=\(plan.memoryLimit.map(String.init) ?? "-") pids=\(plan.processLimit.map(String.init) ?? "-")"
        k += " mon=\(monitored) ws=\(plan.workspace) owner=\(owner)"
        for m in plan.mounts {
            k += "\n\(m.kind.rawValue) \(m.flags.rawValue) \(m.source ?? "-") \(m.target) \(m.data ?? "-")"
        }
        return k
    }

    /// Whether a plan can run in a prepared sandbox at all: full namespaces, no pty (its slave
    /// is made per run and is the controlling terminal), no proxy bridge (its sockets belong to
    /// the run's proxy).
    static func suits(_ plan: SpawnPlan) -> Bool {
        plan.layers.namespaces && !plan.pty && plan.bridge == nil
    }

    /// Makes the sandbox for `plan` (built for a template command; only its fixed part counts)
    /// and leaves it waiting. Throws like a spawn would.
    static func prepare(_ plan: SpawnPlan, monitored: Bool, home: PrivateHome) throws(SandboxError)
        -> PreparedSandbox
    {
        guard suits(plan) else {
            throw SandboxError(.plan, "a sandbox can be prepared only with namespaces, without a pty or proxy")
        }
        let key = key(plan, monitored: monitored)
        var plan = plan
        var notices: [String] = []
        var attachments = try Sandbox.prepareAttachments(&plan, notice: { notices.append($0) })
        defer { attachments.close() }
        PhaseTimer.shared.mark("prepare: writable places cloned")
        let cgroup = try CgroupSet.forRun(plan, &attachments)
        PhaseTimer.shared.mark("prepare: cgroups made")
        let ch: Sandbox.Channels
        do throws(SandboxError) {
            ch = try Sandbox.Channels(monitor: monitored)
        } catch {
            cgroup?.remove()
            throw error
        }
        var sp: [Int32] = [-1, -1]
        // A stream: the child reads the header, then the payload, in as many reads as it takes.
        let r = cs_stream_pair_cloexec(&sp)
        if r < 0 {
            for fd in ch.childEnds + ch.parentEnds where fd >= 0 { close(fd) }
            cgroup?.remove()
            throw SandboxError(.setup("socketpair"), errno: Errno(-r))
        }
        // The child's stdin is whatever this process has now; the run sends its own.
        let (pid, pidfd) = Sandbox.clone(plan, ch, stdinFD: 0, attachments: attachments, tailSock: sp[1])
        PhaseTimer.shared.mark("prepare: clone3")
        // The parent's copies of the child's ends, except syncR: held until the byte is written,
        // so a child that died first gives EPIPE there rather than a write to a pipe nobody reads.
        for fd in [ch.errW, ch.statusW, ch.outW, ch.errOutW, ch.notifyChild, sp[1]] where fd >= 0 { close(fd) }
        if pid < 0 {
            for fd in [ch.syncR, ch.errR, ch.syncW, ch.statusR, ch.outR, ch.errOutR, ch.notifyParent, sp[0]]
            where fd >= 0 {
                close(fd)
            }
            cgroup?.remove()
            throw SandboxError(.clone, errno: Errno(-pid))
        }
        var child = Sandbox.Child(
            pid: pid, pidfd: pidfd, stdoutR: ch.outR, stderrR: ch.errOutR, statusR: ch.statusR, syncW: ch.syncW,
            listener: -1, cgroup: cgroup)
        do throws(SandboxError) {
            try Sandbox.release(&child, plan)
            close(ch.syncR)
            PhaseTimer.shared.mark("prepare: id maps written, released")
        } catch {
            close(ch.syncR)
            Sandbox.abort(child, errR: ch.errR, notify: ch.notifyParent)
            close(sp[0])
            throw error
        }
        return PreparedSandbox(
            key: key, child: child, errR: ch.errR, notifyParent: ch.notifyParent, tailSock: sp[0],
            hostUID: plan.hostUID, hostGID: plan.hostGID, notices: notices, home: home)
    }

    /// The standing sandbox for this plan, taken (it is never offered twice), or nil: none, a
    /// different fixed part, or one that died while it waited (then it is cleaned up here).
    static func claim(_ plan: SpawnPlan) -> PreparedSandbox? {
        guard let w = standing else { return nil }
        standing = nil
        let k = key(plan, monitored: plan.monitor != nil)
        if suits(plan), k == w.key, w.waiting() { return w }
        if PhaseTimer.shared.enabled {
            let mine = Set(k.split(separator: "\n"))
            let theirs = Set(w.key.split(separator: "\n"))
            PhaseTimer.shared.note(
                "prepared sandbox not used: suits \(suits(plan)), waiting \(w.waiting()); run only: \(mine.subtracting(theirs).sorted()); prepared only: \(theirs.subtracting(mine).sorted())"
            )
        }
        w.discard()
        return nil
    }

    /// Still waiting for its run: its error pipe is quiet (a record or EOF would mean it
    /// failed or ended) and the child has not exited.
    func waiting() -> Bool {
        var fds = [
            pollfd(fd: errR, events: Int16(POLLIN), revents: 0),
            pollfd(fd: child.pidfd, events: Int16(POLLIN), revents: 0),
        ]
        return poll(&fds, 2, 0) == 0
    }

    /// Hands the run's part of the plan to the waiting sandbox, then waits, as a spawn does,
    /// until the command runs; on failure the sandbox is killed and everything held for it closed.
    func start(_ plan: SpawnPlan, stdinFD: Int32) throws(SandboxError) -> Sandbox.Child {
        var child = child
        var notify = notifyParent
        let r = Sandbox.withCPlan(plan, Sandbox.Channels(), stdinFD: stdinFD, attachments: Sandbox.Attachments()) {
            p, _ in cs_tail_send(tailSock, p, stdinFD)
        }
        close(tailSock)
        PhaseTimer.shared.mark("prepared sandbox handed over")
        do throws(SandboxError) {
            if r < 0 { throw SandboxError(.setup("send the run to the prepared sandbox"), errno: Errno(-r)) }
            try Sandbox.awaitExec(plan, &child, errR: errR, notify: &notify)
        } catch {
            Sandbox.abort(child, errR: errR, notify: notify)
            throw error
        }
        if notify >= 0 { close(notify) }
        close(errR)
        return child
    }

    /// Kills and reaps it and closes everything held for it (a run that did not use it).
    public func discard() {
        close(tailSock)
        Sandbox.abort(child, errR: errR, notify: notifyParent)
    }
}
