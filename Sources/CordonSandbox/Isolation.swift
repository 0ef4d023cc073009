// Chooses the isolation layers for a run from the policy and what the kernel offers, and runs
// the command under them. Falling back is explicit: the caller is told which layers are
// active, and `sandbox.require` turns a missing layer into a refusal.
import CSandbox
import CordonPolicy
import Glibc
import Synchronization

public struct Probe: Sendable {
    /// Layers to report as unavailable whatever the kernel says (`CORDON_DISABLE`, tests of
    /// the fallback paths and of `doctor`): userns, seccomp, notify, landlock, cgroups.
    public var disabled: Set<String>

    public init(disabled: Set<String> = []) { self.disabled = disabled }

    public init(environment: [String: String]) {
        let raw = environment["CORDON_DISABLE"] ?? ""
        disabled = Set(raw.split(separator: ",").map { String($0).trimmingCharacters() })
    }

    public func landlockABI() -> Int? {
        if disabled.contains("landlock") { return nil }
        let v = cs_landlock_abi()
        return v > 0 ? Int(v) : nil
    }

    public func landlockError() -> Int32 {
        if disabled.contains("landlock") { return EPERM }
        let v = cs_landlock_abi()
        return v > 0 ? 0 : -v
    }

    /// 0 when an unprivileged user namespace with mount/pid/net can be created, else errno.
    public func userNamespaces() -> Int32 {
        if disabled.contains("userns") { return EPERM }
        return -cs_probe_unshare(UInt64(CS_CLONE_NEWUSER))
    }

    /// Whether a run should try namespaces: true unless they are disabled or known to be
    /// refused here. Probing costs a fork, so it is done only where a refusal is likely: inside
    /// a user namespace already (rootless containers, bwrap --disable-userns: uid_map is not
    /// the identity), under a seccomp filter (Docker's default profile refuses CLONE_NEWUSER),
    /// with user.max_user_namespaces 0, or (unprivileged) with the Debian/Ubuntu switches off.
    /// On a plain host nothing is forked; a refusal at clone time still falls back.
    public func namespacesUsable() -> Bool {
        if disabled.contains("userns") { return false }
        // Under the lock, as cgroupsProblem: one probe per process, whichever thread asks.
        return Self.usable.withLock { cached in
            if let c = cached { return c }
            let ok = Self.probeNamespaces(self)
            cached = ok
            return ok
        }
    }

    private static func probeNamespaces(_ probe: Probe) -> Bool {
        func read(_ p: String) -> String {
            (try? String(contentsOfFile: p))?.trimmingNewline().trimmingCharacters() ?? ""
        }
        let root = geteuid() == 0
        let identityMap = read("/proc/self/uid_map").split(separator: " ").map(String.init) == ["0", "0", "4294967295"]
        let filtered = read("/proc/self/status").split(separator: "\n").contains {
            $0.hasPrefix("Seccomp:") && !$0.hasSuffix("0")
        }
        let suspicious =
            !identityMap || filtered || read("/proc/sys/user/max_user_namespaces") == "0"
            || (!root && read("/proc/sys/kernel/unprivileged_userns_clone") == "0")
            || (!root && read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1")
        return !suspicious || probe.allNamespaces() == 0
    }

    private static let usable = Mutex<Bool?>(nil)

    public func allNamespaces() -> Int32 {
        if disabled.contains("userns") { return EPERM }
        let flags =
            CS_CLONE_NEWUSER | CS_CLONE_NEWNS | CS_CLONE_NEWPID | CS_CLONE_NEWNET | CS_CLONE_NEWIPC | CS_CLONE_NEWUTS
        return -cs_probe_unshare(UInt64(flags))
    }

    public func seccompFilter(_ program: SeccompProgram) -> Int32 {
        if disabled.contains("seccomp") { return EPERM }
        var insns = program.instructions
        return insns.withUnsafeMutableBufferPointer { buf in
            var prog = sock_fprog(len: UInt16(buf.count), filter: buf.baseAddress)
            return -cs_probe_seccomp(&prog)
        }
    }

    /// Whether cordon may take a sandboxed process's descriptors (pidfd_getfd): how it makes
    /// connects for the process and takes the seccomp listener. Docker's default seccomp
    /// profile refuses it without CAP_SYS_PTRACE. `CORDON_DISABLE=pidfd_getfd` pretends so.
    public func takesDescriptors() -> Bool {
        if disabled.contains("pidfd_getfd") { return false }
        return cs_probe_pidfd_getfd() == 0
    }

    public func seccompNotify() -> Int32 {
        if disabled.contains("notify") { return EOPNOTSUPP }
        return -cs_seccomp_notify_available()
    }

    /// 0 when an idmapped clone of the mount tree at `path` can be made (how `cordon run` as
    /// root makes the workspace writable to the unprivileged sandbox), else errno. Really makes
    /// one, mapping the directory's owner to uid/gid 65534, and throws it away.
    public func idmappedMount(_ path: String) -> Int32 {
        if disabled.contains("idmap") { return EOPNOTSUPP }
        let tree = cs_open_tree_clone(path)
        if tree < 0 { return -tree }
        defer { close(tree) }
        var st = stat()
        if fstat(tree, &st) != 0 { return errno }
        let ns = cs_idmap_userns(st.st_uid, 65534, st.st_gid, 65534, UInt32.max, 0)
        if ns < 0 { return -ns }
        defer { close(ns) }
        return -cs_mount_idmap(tree, ns)
    }

    public func cgroups() -> Bool { cgroupsProblem() == nil }

    /// nil when cgroup limits really work here (CgroupSet.probe makes a run's groups and keeps
    /// them for the first run), else why not. Probed once per process.
    public func cgroupsProblem() -> String? {
        if disabled.contains("cgroups") { return "disabled (CORDON_DISABLE)" }
        // Probed under the lock: `cordon run` asks from two threads at once (the evidence
        // thread's run_start and the sandbox being prepared), and one probe's groups are enough.
        return Self.cgroupProbe.withLock { cached in
            if let c = cached { return c.problem }
            let problem = CgroupSet.probe()
            cached = CachedProblem(problem: problem)
            return problem
        }
    }

    struct CachedProblem: Sendable { var problem: String? }
    private static let cgroupProbe = Mutex<CachedProblem?>(nil)
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// How much of the sandbox this machine allows (`cordon doctor`'s verdict).
public enum IsolationLevel: String, Sendable {
    /// Namespaces and the seccomp filter: every layer `cordon run` wants.
    case full
    /// cordon falls back to what is left (Landlock and/or seccomp and rlimits, or namespaces
    /// without the filter); a policy with `sandbox.require` refuses instead.
    case degraded
    /// Nothing to confine a command with: `cordon run` refuses (unless --unsandboxed).
    case none
}

public enum Isolation {
    /// The verdict from what the probes found: the same rule `run` follows when it falls back
    /// (no namespaces: Landlock + seccomp; neither Landlock nor seccomp: refuse).
    public static func level(namespaces: Bool, seccomp: Bool, landlock: Bool) -> IsolationLevel {
        if namespaces && seccomp { return .full }
        return namespaces || seccomp || landlock ? .degraded : .none
    }

    /// Spawns under the strongest layers available. A kernel that refuses a user namespace
    /// (Ubuntu 24.04's AppArmor restriction, many containers) gets Landlock + seccomp +
    /// rlimits instead, unless the policy requires namespaces.
    /// The layers a run under this policy will use, before anything is spawned (for run_start).
    /// `run` may still fall back from namespaces when the kernel refuses them at clone time;
    /// it then calls `fallback` with the layers actually used.
    public static func intendedLayers(_ policy: Policy, probe: Probe) -> IsolationLayers {
        let ns = policy.sandbox.mode != .landlock && probe.namespacesUsable()
        return IsolationLayers(
            namespaces: ns, landlockABI: probe.landlockABI(), seccomp: !probe.disabled.contains("seccomp"),
            rlimits: true, cgroups: ns && probe.cgroups(),
            monitor: policy.monitor.enabled && !probe.disabled.contains("seccomp") && probe.seccompNotify() == 0)
    }

    /// What a run under this request will use, decided before anything is spawned: the seccomp
    /// program, Landlock's ABI, cgroups, and whether to try namespaces. Warnings go to `notice`.
    struct Choice {
        var monitored: Bool
        var actsFor: Bool
        /// The monitored events the program was compiled with.
        var events: [String]
        var program: SeccompProgram
        var seccompOK: Bool
        var abi: Int?
        var cgroups: Bool
        var useNS: Bool
    }

    static func choose(_ req: SandboxRequest, probe: Probe, monitored: Bool, notice: (String) -> Void)
        throws(SandboxError) -> Choice
    {
        let sb = req.policy.sandbox
        var monitored = monitored
        if monitored && probe.seccompNotify() != 0 {
            notice(
                "cordon: warning: seccomp user notification unavailable; execs inside the sandbox are not gated (only the command itself was)"
            )
            monitored = false
        }
        let events = !monitored ? [] : (req.policy.monitor.events ?? MonitorEvents.all)
        // Without pidfd_getfd cordon cannot make calls for the process: the filter then leaves
        // sendmsg alone (nobody could send it for the process), and connects are checked and
        // then continue, with the address race open. Said, not hidden.
        let actsFor = monitored && probe.takesDescriptors()
        if monitored && !actsFor {
            notice(
                "cordon: warning: pidfd_getfd is refused here (a container's seccomp profile without CAP_SYS_PTRACE?): connects are checked and then made by the process itself, so a thread that rewrites the address after the check is not stopped, and sendmsg destinations are not seen"
            )
        }
        let program = try SeccompCache.program(
            named: sb.seccomp, monitor: events, network: actsFor ? sb.network : .host,
            environment: req.hostEnvironment)
        let seccompOK = !probe.disabled.contains("seccomp")
        PhaseTimer.shared.mark("seccomp compiled")
        let abi = probe.landlockABI()
        if sb.require.contains("landlock") && abi == nil {
            throw SandboxError(
                .landlock, "the policy requires Landlock (sandbox.require) but this kernel does not offer it")
        }
        if sb.require.contains("seccomp") && !seccompOK {
            throw SandboxError(.seccomp, "the policy requires seccomp (sandbox.require) but it is unavailable")
        }
        return Choice(
            monitored: monitored, actsFor: actsFor, events: events, program: program, seccompOK: seccompOK, abi: abi,
            cgroups: probe.cgroups(), useNS: sb.mode != .landlock && probe.namespacesUsable())
    }

    /// The spawn plan for one attempt, with its private HOME owned by the sandbox's host uid.
    static func plan(_ req: SandboxRequest, _ c: Choice, namespaces: Bool) throws(SandboxError) -> SpawnPlan {
        var program = c.program
        if !namespaces && req.policy.sandbox.network == .none {
            // No network namespace: the host's network, which Landlock closes only for TCP (ABI 4).
            // UDP, and the monitor's connects made from outside the Landlock domain, would still
            // reach the host's services, so internet sockets are not made at all.
            program = try SeccompCache.program(
                named: req.policy.sandbox.seccomp, monitor: c.events, network: c.actsFor ? .none : .host,
                internetSockets: false, environment: req.hostEnvironment)
        }
        var plan = try build(
            req, namespaces: namespaces, abi: c.abi, program: c.seccompOK ? program : nil,
            cgroups: c.cgroups && namespaces)
        if let home = req.home { PrivateHome.own(home, uid: plan.hostUID, gid: plan.hostGID) }
        plan.takesListener = c.actsFor
        return plan
    }

    /// A sandbox made now for later runs of this request's shape (`cordon serve --warm`), or
    /// nil when this machine would not run it with namespaces (a run then clones as usual).
    /// `forThisRun`: `req` is the very run that will claim it (EarlySandbox), which then takes
    /// its plan as it is; a warm runner's template request is not.
    public static func prepare(
        _ req: SandboxRequest, probe: Probe, monitored: Bool, forThisRun: Bool = false, notice: (String) -> Void
    ) throws(SandboxError) -> PreparedSandbox? {
        let c = try choose(req, probe: probe, monitored: monitored, notice: notice)
        guard c.useNS, c.seccompOK || !c.monitored else { return nil }
        let original = req
        var req = req
        let home = try PrivateHome.make(req)
        req.home = home.path
        PhaseTimer.shared.mark("prepare: private home")
        do throws(SandboxError) {
            let plan = try plan(req, c, namespaces: true)
            let prepared = try PreparedSandbox.prepare(plan, monitored: c.monitored, home: home)
            if forThisRun {
                prepared.madeFor = original
                prepared.plan = plan
            }
            return prepared
        } catch {
            home.remove()
            throw error
        }
    }

    /// A warm runner's run, planned while another thread opens the evidence and asks the gate:
    /// when the plan's fixed part is the standing sandbox's (PreparedSandbox.key), the sandbox
    /// is marked as made for this request, with this plan and HOME, and `run` takes them as they
    /// are. Otherwise nothing changes and `run` plans (and clones) as usual.
    public static func planAhead(_ req: SandboxRequest, probe: Probe, monitored: Bool) {
        guard let standing = PreparedSandbox.standing else { return }
        do throws(SandboxError) {
            let c = try choose(req, probe: probe, monitored: monitored, notice: { _ in })
            guard c.useNS else { return }
            var planned = req
            // The sandbox's own HOME: its copies kept when their sources did not change, else
            // made again in place (PrivateHome.make).
            let home = try PrivateHome.make(req, into: standing.home, reuse: standing.homeCopies)
            planned.home = home.path
            let plan = try plan(planned, c, namespaces: true)
            guard PreparedSandbox.key(plan, monitored: c.monitored) == standing.key else { return }
            standing.homeCopies = home
            standing.plan = plan
            standing.madeFor = req
        } catch {
            // `run` meets the same failure, if it is one, and reports it.
        }
    }

    public static func run(
        _ req: SandboxRequest, probe: Probe, output: OutputTargets = OutputTargets(),
        monitor: NotificationHandler? = nil, notice: (String) -> Void, fallback: (IsolationLayers) -> Void = { _ in }
    ) throws(SandboxError) -> RunOutcome {
        let sb = req.policy.sandbox
        let c = try choose(req, probe: probe, monitored: monitor != nil, notice: notice)
        let monitor = c.monitored ? monitor : nil
        if let m = monitor, !c.actsFor { m.cannotActForProcess() }
        let seccompOK = c.seccompOK
        let abi = c.abi
        var useNS = c.useNS
        // Known before spawning: run_start already names the fallback layers, and
        // `isolation_fallback` is for a refusal only clone itself revealed.
        let knownUnusable = sb.mode != .landlock && !useNS
        while true {
            if !useNS {
                if sb.network == .domains {
                    throw SandboxError(
                        .namespaces,
                        "sandbox.network domains needs a network namespace (the only way out is cordon's proxy), but user namespaces are unavailable here; refusing to run with the host's network"
                    )
                }
                if sb.require.contains("namespaces") {
                    throw SandboxError(
                        .namespaces,
                        "the policy requires namespaces (sandbox.require) but user namespaces are unavailable here; refusing to run with weaker isolation"
                    )
                }
                if abi == nil && !seccompOK {
                    throw SandboxError(
                        .isolation,
                        "no isolation layer is available (no user namespaces, Landlock or seccomp); refusing to run. Use --unsandboxed to run without a sandbox"
                    )
                }
            }
            // A private HOME with the caller's harmless configuration (PrivateHome), made
            // for this attempt and removed after it.
            var req = req
            // A prepared sandbox's HOME (still empty) is this run's, so that its mounts, and
            // its key, are the ones the sandbox was made with.
            let standing = useNS ? PreparedSandbox.standing : nil
            // Prepared from this very request moments ago (EarlySandbox): its plan is the one
            // this would build, HOME copies included. Sandbox.run still compares the keys.
            let own = standing.flatMap { s in s.madeFor.map { $0.sameRun(as: req) } ?? false ? s.plan : nil }
            let home: PrivateHome
            if own != nil, let s = standing {
                home = s.homeCopies
            } else {
                home = try PrivateHome.make(req, into: standing?.home, reuse: standing?.homeCopies)
            }
            defer { Teardown.remove { home.remove() } }
            req.home = home.path
            PhaseTimer.shared.mark("private home")
            var plan: SpawnPlan
            if let own { plan = own } else { plan = try Self.plan(req, c, namespaces: useNS) }
            // The listener rides on the seccomp filter: no filter, no monitor.
            plan.monitor = seccompOK ? monitor : nil
            PhaseTimer.shared.mark("plan built")
            if !useNS && sb.mode == .landlock {
                notice(
                    "cordon: sandbox.mode landlock: running with \(plan.layers) (no namespaces: no private filesystem view, pid or network isolation)"
                )
            } else if !useNS {
                notice(
                    "cordon: warning: user namespaces unavailable; running with \(plan.layers) only (no filesystem view, pid or network isolation)"
                )
                if !probe.disabled.contains("userns") && !knownUnusable { fallback(plan.layers) }
            }
            do {
                if !useNS, let dir = try? makePrivateTmp() {
                    if plan.hostIsRoot { _ = chown(dir, plan.uid, plan.gid) }
                    // Landlock-only mode has no tmpfs of its own: a private directory stands in
                    // for /tmp, and it and the private HOME are the only writable places
                    // besides the workspace.
                    plan.environment.removeAll { $0.hasPrefix("TMPDIR=") }
                    plan.environment += ["TMPDIR=" + dir]
                    plan.landlockRules.append(LandlockRule(path: dir, access: PlanBuilder.llRead | PlanBuilder.llWrite))
                    defer { removeTree(dir) }
                    return try Sandbox.run(plan, output: output, notice: notice)
                }
                return try Sandbox.run(plan, output: output, notice: notice)
            } catch {
                // clone3 refusing CLONE_NEWUSER: EPERM (AppArmor, sysctl), ENOSPC (max_user_namespaces
                // is 0), EINVAL/ENOSYS (old kernel). Anything later is a real setup failure.
                if useNS, error.stage == .clone, let e = error.errno,
                    [EPERM, ENOSPC, EINVAL, ENOSYS, EACCES].contains(e.rawValue)
                {
                    useNS = false
                    continue
                }
                // As root the writable places are cloned (open_tree) before clone3: without
                // CAP_SYS_ADMIN over our mount namespace (Docker drops it) that fails first.
                // When user namespaces are refused too, this is the same fallback.
                if useNS, case .setup(let what) = error.stage,
                    what.hasPrefix("open_tree")
                        || what.hasPrefix("user namespace for idmapping"),
                    error.errno?.rawValue == EPERM, probe.allNamespaces() != 0
                {
                    useNS = false
                    continue
                }
                throw error
            }
        }
    }

    static func build(_ req: SandboxRequest, namespaces: Bool, abi: Int?, program: SeccompProgram?, cgroups: Bool)
        throws(SandboxError) -> SpawnPlan
    {
        try PlanBuilder.build(req, namespaces: namespaces, landlockABI: abi, seccomp: program, cgroups: cgroups)
    }

    static func makePrivateTmp() throws -> String {
        var template = Array("/tmp/cordon-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw SandboxError(.setup("mkdtemp"), "", errno: .current) }
        return String(cString: p)
    }

    static func removeTree(_ path: String) {
        _ = cs_remove_tree(path)
    }
}
