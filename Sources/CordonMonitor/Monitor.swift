import CSandbox
// The monitor: answers every seccomp notification from the sandbox. Execs go back through the
// gate (allow: the exec continues; block: EPERM; requires approval: the terminal, or denied);
// connects and file changes are recorded (and connects enforced against an allow-list).
// One thread: the supervisor's poll loop calls `handle` whenever the listener is readable.
import CordonBase
import CordonGate
import CordonPolicy
import CordonSandbox
import Glibc

/// Where the monitor reports: the run that owns it (CordonRun's Runner writes gate.log and the
/// trace, and asks a person). The monitor never reaches the CLI or the evidence files itself.
public protocol MonitorSink: AnyObject {
    /// The gate's own decision on an exec inside the sandbox (before any approval).
    func monitorDecided(_ decision: Decision, for action: Action, pid: Int32)
    /// Something the sandbox did: an exec, a connect, a file event, a violation, an approval.
    func monitorObserved(_ type: TraceEventType, _ fields: [(String, JSONValue)])
    /// A requires-approval exec: let it run, refuse it, or hold it in execve (the notification
    /// unanswered, the rest of the sandbox running) while approval `id` is pending.
    func monitorNeedsApproval(_ decision: Decision, for action: Action, argv: [String], pid: Int32) -> ApprovalAnswer
    /// A held exec's approval now (`.pending` while nobody has decided). Called on every tick,
    /// so it must be cheap when nothing changed.
    func monitorApprovalState(_ id: String) -> ApprovalAnswer
    /// A held exec's process is gone (killed, or its thread group exec'd elsewhere): nobody is
    /// waiting for approval `id` any more.
    func monitorHoldAbandoned(_ id: String)
    /// Why a decision or event could not be recorded, once one could not: the run is then
    /// stopped, since going on would let the sandbox act unrecorded (security issue D.11).
    var evidenceFailure: String? { get }
    /// Why the run must end now (an anomaly response of `kill`): the monitor stops the sandbox
    /// at the next notification, leaving it unanswered.
    var stopRequest: String? { get }
    /// Why every further exec needs approval (an anomaly response of `require_approval`):
    /// execs the gate allows are asked about, and decisions are not taken from the cache.
    var approvalRequired: String? { get }
}

extension MonitorSink {
    public var stopRequest: String? { nil }
    public var approvalRequired: String? { nil }
}

public enum ApprovalAnswer: Sendable, Equatable {
    case allow
    case deny
    /// Held while approval `id` is pending.
    case pending(String)
}

public final class Monitor: NotificationHandler {
    /// An exec held in execve while a person decides: its notification stays unanswered (the
    /// target waits killably, so the run's timeout and kill still end it).
    struct Held {
        var notification: cs_notif
        var name: String
        var key: String
        var approval: String
    }
    var held: [Held] = []
    /// The approval a held exec waits for, per cache key: the same exec again (a retry, another
    /// process) joins it instead of asking twice.
    var pendingByKey: [String: String] = [:]

    /// How often held execs are looked at: a decision reaches the held exec within this (plus
    /// the store read), well inside the 50 ms the approvals issue asks for.
    static let heldTick = 0.005

    public var tickInterval: Double? { held.isEmpty ? nil : Self.heldTick }

    public func tick(listener: Int32) -> NotifyOutcome {
        let waiting = held
        held = []
        var still: [Held] = []
        defer { held = still + held }
        for (k, h) in waiting.enumerated() {
            guard stillValid(listener, h.notification.id) else {
                // The process was killed in execve: nobody waits for this approval any more.
                pendingByKey[h.key] = nil
                sink.monitorHoldAbandoned(h.approval)
                continue
            }
            let state = sink.monitorApprovalState(h.approval)
            if case .pending = state {
                still.append(h)
                continue
            }
            pendingByKey[h.key] = nil
            remember(h.key, state == .allow ? .allow : .block)
            // Approved: judged again from the start, so the argv-race protections apply to what
            // the process holds now; the approved key is in the cache, anything else is gated anew.
            let outcome =
                state == .allow
                ? answer(h.notification, name: h.name, listener: listener)
                : respond(listener, h.notification.id, .deny(EPERM))
            if case .fatal = outcome {
                still.append(contentsOf: waiting[(k + 1)...])
                return outcome
            }
        }
        if let why = sink.evidenceFailure { return .fatal("cannot record evidence (\(why))") }
        return .handled
    }

    /// The approvals still pending for held execs.
    public var heldApprovals: [String] { held.map(\.approval) }

    let policy: Policy
    /// The run's sandbox, for the sandbox-aware decision (Gate: SandboxFacts).
    public var sandboxFacts: SandboxFacts?
    let agentId: String?
    let sessionId: String?
    let sink: MonitorSink
    var network: NetworkRules
    /// `network: domains`: connections by name (CordonNet's proxy through the run). Its
    /// nameservers' port 53 becomes local (they are addresses of the sandbox's `lo`).
    public var direct: DirectNetwork? {
        didSet { network.localDNS = direct?.nameservers ?? [] }
    }
    /// Connections by name pending on cordon's threads (bounded: DirectSlots.limit).
    let directSlots = DirectSlots()
    /// Effective decisions (after any approval) per (device, inode, argv) within the run.
    var cache: [String: DecisionKind] = [:]
    /// Bytes of the cache's keys: a run exec'ing ever new long argvs must not grow cordon's
    /// memory without bound (security issue E.13). Past `cacheLimit` the cache starts over:
    /// a miss only costs a gate decision.
    var cacheBytes = 0
    static let cacheLimit = 4 << 20
    /// The sandbox's root, opened once: every process in it shares one mount namespace and
    /// root (unshare, setns and chroot are denied inside), so absolute exec paths resolve
    /// beneath this fd.
    var rootFD: Int32 = -1
    /// The `#!` facts of files exec'd in this run (ExecGate: ScriptKey): reading them reopens
    /// the file, three more syscalls on every exec.
    var scripts: [ScriptKey: KnownScript] = [:]
    /// System programs by size, for recognising renamed copies (built on first use).
    let binaries = BinaryIndex()

    /// The sandbox's NETLINK_SOCK_DIAG socket, from its private network namespace (-1: none).
    var diagSocket: Int32 = -1

    deinit {
        if rootFD >= 0 { close(rootFD) }
        if diagSocket >= 0 { close(diagSocket) }
    }

    /// False where pidfd_getfd is refused: allowed connects continue in the kernel.
    var actsForProcess = true
    public func cannotActForProcess() { actsForProcess = false }

    public func adopt(socketDiagnostics fd: Int32) {
        if diagSocket >= 0 { close(diagSocket) }
        diagSocket = fd
    }
    var actionCount = 1
    public internal(set) var summary = RunSummary()

    public init(policy: Policy, agentId: String?, sessionId: String?, sink: MonitorSink) {
        self.policy = policy
        self.agentId = agentId
        self.sessionId = sessionId
        self.sink = sink
        self.network = NetworkRules(policy.sandbox)
    }

    /// Whether the listener was asked for same-CPU wake-ups (once per run; `cs_notif_sync_wakeup`).
    var wakeupsSet = false

    /// Every exec is two round trips between the sandbox and cordon (the notification, then the
    /// exec stop): on 2 vCPUs each wake-up that crosses CPUs costs an inter-processor interrupt.
    /// Kernels before 6.6 refuse the flag; the wake-ups then stay as they were.
    func setWakeups(_ listener: Int32) {
        if wakeupsSet { return }
        wakeupsSet = true
        if getenv("CORDON_NOTIF_SYNC_WAKEUP").map({ String(cString: $0) }) == "0" { return }
        _ = cs_notif_sync_wakeup(listener)
    }

    public func initialExec(listener: Int32, candidates: [String], argv: [String]) -> NotifyOutcome {
        setWakeups(listener)
        var n = cs_notif()
        let r = cs_notif_recv(listener, &n)
        if r == -ENOENT { return .handled }
        if r < 0 { return .fatal("SECCOMP_IOCTL_NOTIF_RECV: \(Errno(-r))") }
        let name = syscallName(n.nr)
        if name == "execve", isWorkerExec(n, candidates: candidates, argv: argv, listener: listener) {
            return respond(listener, n.id, .allow)
        }
        return answer(n, name: name, listener: listener)
    }

    /// cordon's own binary: the image init and the worker run until the worker's execve.
    static let ownImage = ProcessView.identity("/proc/self/exe")

    /// The worker trying one of the approved command's candidates: the process still runs
    /// cordon's image (only the C code between clone and execve does, one thread in a vfork
    /// child whose memory nothing else writes, so what is read cannot change before the kernel
    /// reads it), the path is a candidate and the argv is the approved one. Anything else,
    /// including the command re-exec'ing itself once running, goes through the gate.
    func isWorkerExec(_ n: cs_notif, candidates: [String], argv: [String], listener: Int32) -> Bool {
        let pid = Int32(bitPattern: n.pid)
        // The worker is one process: the first that qualifies; no other pid is let through.
        if let w = workerPID, w != pid { return false }
        guard let own = Self.ownImage, let exe = ProcessView.identity("/proc/\(pid)/exe"), exe == own,
            let path = ProcessView.string(pid: pid, at: n.arg(0)), candidates.contains(path),
            let args = ProcessView.stringArray(pid: pid, at: n.arg(1)), args == argv
        else { return false }
        guard stillValid(listener, n.id) else { return false }
        workerPID = pid
        return true
    }

    /// The worker's pid once its first exec attempt was recognised.
    var workerPID: Int32?

    /// Time spent answering notifications, for CORDON_DEBUG_TIMING.
    public internal(set) var handled = 0
    public internal(set) var handlingSeconds = 0.0
    /// Exec phases (CORDON_DEBUG_TIMING): probe, read+open, gate, everything after the gate
    /// (the answer, the event, the hold); of the last, the wait from the answer to the new
    /// image's stop (the kernel's execve and the wake-up), and the check and release there.
    public internal(set) var phase = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]

    public func handle(listener: Int32) -> NotifyOutcome {
        let t0 = Sandbox.monotonicNow()
        defer {
            handled += 1
            handlingSeconds += Sandbox.monotonicNow() - t0
        }
        setWakeups(listener)
        var n = cs_notif()
        let r = cs_notif_recv(listener, &n)
        // ENOENT: the target died (or was killed) between the wakeup and the read. Normal.
        if r == -ENOENT { return .handled }
        if r < 0 { return .fatal("SECCOMP_IOCTL_NOTIF_RECV: \(Errno(-r))") }
        return answer(n, name: syscallName(n.nr), listener: listener)
    }

    /// Judges and answers one received notification.
    func answer(_ n: cs_notif, name: String, listener: Int32) -> NotifyOutcome {
        let verdict: Verdict
        switch name {
        case "execve", "execveat": verdict = exec(n, name: name, listener: listener)
        case "connect": verdict = connect(n, listener: listener)
        case "sendto": verdict = connect(n, listener: listener, datagram: true)
        case "sendmsg": verdict = message(n, listener: listener, many: false)
        case "sendmmsg": verdict = message(n, listener: listener, many: true)
        default: verdict = file(n, name: name, listener: listener)
        }
        // Fail closed: what the sandbox does must land in gate.log and the trace. The
        // notification is left unanswered; the supervisor kills the sandbox on .fatal.
        if let why = sink.evidenceFailure { return .fatal("cannot record evidence (\(why))") }
        if let why = sink.stopRequest { return .fatal(why) }
        return respond(listener, n.id, verdict)
    }

    /// Syscall numbers seen so far and their names: libseccomp's lookup allocates, and this is
    /// the hot path (one call per notification).
    var names: [Int32: String] = [:]

    func syscallName(_ nr: Int32) -> String {
        if let n = names[nr] { return n }
        let n = SeccompCompiler.syscallName(nr) ?? "syscall \(nr)"
        names[nr] = n
        return n
    }

    enum Verdict {
        case allow
        case deny(Int32)
        /// Already answered (the exec race path answers itself).
        case answered
        case fatal(String)
    }

    func respond(_ listener: Int32, _ id: UInt64, _ v: Verdict) -> NotifyOutcome {
        let r: Int32
        switch v {
        case .allow: r = cs_notif_respond(listener, id, 0, 1)
        case .deny(let e): r = cs_notif_respond(listener, id, e, 0)
        case .answered: return .handled
        case .fatal(let why): return .fatal(why)
        }
        // ENOENT: the target is gone; nothing to answer. Anything else means we can no longer
        // answer notifications, and the sandbox would hang or run unwatched: fail closed.
        if r < 0 && r != -ENOENT { return .fatal("SECCOMP_IOCTL_NOTIF_SEND: \(Errno(-r))") }
        return .handled
    }

    /// After reading target memory: is the notification still the one we read for?
    func stillValid(_ listener: Int32, _ id: UInt64) -> Bool { cs_notif_id_valid(listener, id) == 0 }

    func nextActionId() -> String {
        actionCount += 1
        return "a-\(actionCount)"
    }

    // MARK: file events

    func file(_ n: cs_notif, name: String, listener: Int32) -> Verdict {
        let pid = Int32(bitPattern: n.pid)
        // (dirfd arg, path arg) per syscall; dirfd -1 means "relative to cwd".
        let layout: (Int, Int)
        switch name {
        case "openat", "openat2", "unlinkat", "renameat", "renameat2", "fchmodat", "fchmodat2", "fchownat", "linkat",
            "mknodat":
            layout = (0, 1)
        case "symlinkat": layout = (1, 2)
        case "symlink", "link": layout = (-1, 1)
        default: layout = (-1, 0)
        }
        guard let path = ProcessView.string(pid: pid, at: n.arg(layout.1)), stillValid(listener, n.id) else {
            return .allow
        }
        let dirfd = layout.0 >= 0 ? Int32(truncatingIfNeeded: n.arg(layout.0)) : atCurrentDirectory
        let full = absolute(path, pid: pid, dirfd: dirfd)
        let type: TraceEventType
        switch name {
        case "unlink", "unlinkat", "rmdir": type = .unlink
        case "rename", "renameat", "renameat2": type = .rename
        case "chmod", "fchmodat", "fchmodat2": type = .chmod
        case "chown", "lchown", "fchownat": type = .chown
        case "truncate": type = .truncate
        case "link", "linkat", "symlink", "symlinkat": type = .link
        case "mknod", "mknodat": type = .mknod
        default: type = .fileWrite
        }
        sink.monitorObserved(
            type, [("pid", .number(Double(pid))), ("path", .string(full)), ("syscall", .string(name))])
        summary.file(full, deleted: type == .unlink)
        return .allow
    }

    /// The path as the process meant it: relative paths joined to its cwd (or dirfd's path).
    func absolute(_ path: String, pid: Int32, dirfd: Int32) -> String {
        if path.hasPrefix("/") { return path }
        let base =
            dirfd == atCurrentDirectory
            ? ProcessView.link("/proc/\(pid)/cwd") : ProcessView.link("/proc/\(pid)/fd/\(dirfd)")
        return (base ?? "?") + "/" + path
    }
}

/// AT_FDCWD (fcntl.h): "relative to the current directory" as a dirfd argument.
let atCurrentDirectory: Int32 = -100
