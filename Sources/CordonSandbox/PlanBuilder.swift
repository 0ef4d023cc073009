import CSandbox
// Policy + request -> SpawnPlan: the mount list, Landlock rules, limits, environment and the
// executable candidates. Pure computation over the host's filesystem metadata (lstat,
// readlink); nothing is mounted or spawned here.
import CordonBase
import CordonPolicy
import Glibc

public enum PlanBuilder {
    /// Inside the sandbox: a PATH that finds the usual tools on merged-/usr and split systems.
    /// Directories that resolve to one already listed (/bin -> usr/bin) are dropped: a shell
    /// tries every PATH entry, and each exec attempt costs a monitor round trip.
    public static let sandboxPATH: String = {
        var seen: Set<String> = []
        var out: [String] = []
        for d in ["/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"] {
            let real = PathTools.real(d) ?? d
            if seen.insert(real).inserted { out.append(d) }
        }
        return out.joined(separator: ":")
    }()

    // Landlock access rights (linux/landlock.h; newer bits defined here because Debian 12's
    // headers predate ABI 4-7).
    static let llExecute: UInt64 = 1 << 0
    static let llWriteFile: UInt64 = 1 << 1
    static let llReadFile: UInt64 = 1 << 2
    static let llReadDir: UInt64 = 1 << 3
    static let llRemoveDir: UInt64 = 1 << 4
    static let llRemoveFile: UInt64 = 1 << 5
    static let llMakeChar: UInt64 = 1 << 6
    static let llMakeDir: UInt64 = 1 << 7
    static let llMakeReg: UInt64 = 1 << 8
    static let llMakeSock: UInt64 = 1 << 9
    static let llMakeFifo: UInt64 = 1 << 10
    static let llMakeBlock: UInt64 = 1 << 11
    static let llMakeSym: UInt64 = 1 << 12
    static let llRefer: UInt64 = 1 << 13
    static let llTruncate: UInt64 = 1 << 14
    static let llIoctlDev: UInt64 = 1 << 15

    static func handledAccessFS(abi: Int) -> UInt64 {
        var h: UInt64 = (1 << 13) - 1
        if abi >= 2 { h |= llRefer }
        if abi >= 3 { h |= llTruncate }
        if abi >= 5 { h |= llIoctlDev }
        return h
    }

    static let llRead = llReadFile | llReadDir
    static let llWrite =
        llWriteFile | llRemoveDir | llRemoveFile | llMakeDir | llMakeReg | llMakeSock | llMakeFifo | llMakeSym
        | llRefer | llTruncate

    public static func build(
        _ req: SandboxRequest, namespaces: Bool, landlockABI: Int?, seccomp: SeccompProgram?, cgroups: Bool
    ) throws(SandboxError) -> SpawnPlan {
        let policy = req.policy
        let sb = policy.sandbox
        guard let first = req.argv.first, !first.isEmpty else {
            throw SandboxError(.plan, "no command given")
        }
        let euid = geteuid()
        let egid = getegid()
        let root = euid == 0
        // As root the sandbox must not be root: host root-owned files stay unreadable through the
        // read-only binds. With namespaces it runs as the policy's uid (default 65534, nobody),
        // and each writable place is an idmapped mount that shows its owner's files as the
        // sandbox's (Sandbox.prepareAttachments): files the command creates belong to the
        // workspace's owner on the host, root's stay root's. Without namespaces there is no
        // idmapping: the worker becomes the workspace's owner when that is not root (so the
        // workspace is writable), else the policy's uid.
        var uid = euid
        var gid = egid
        if root {
            var st = stat()
            if !namespaces, stat(req.workspace, &st) == 0, st.st_uid != 0 {
                uid = st.st_uid
                gid = st.st_gid
            } else {
                uid = sb.uid
                gid = sb.gid
            }
        }

        let caller = CallerEnvironment.resolve(req, namespaces: namespaces)
        PhaseTimer.shared.mark("plan: caller environment")
        if root && !namespaces {
            // No user namespace of our own: the worker changes ids for real, which needs the
            // target ids mapped in the namespace cordon runs in (a rootless container, bwrap
            // --unshare-user map only a few). Staying uid 0 would give the command root's
            // ownership of every root-owned file it can reach: refuse instead (fail closed).
            for (kind, id) in [("uid", uid), ("gid", gid)] where !IDMap.maps(id, file: "/proc/self/\(kind)_map") {
                throw SandboxError(
                    .isolation,
                    "without user namespaces the command must run as an unprivileged \(kind) (\(id), sandbox.\(kind)), but this user namespace does not map it (/proc/self/\(kind)_map); refusing to run it as uid 0. Map that id (e.g. a container's subuid/subgid range), set sandbox.uid/sandbox.gid to a mapped id, or run cordon as an ordinary user"
                )
            }
        }
        var mounts: [MountOp] = []
        if namespaces {
            mounts = try mountOps(req, rootfs: sb.mode == .rootfs ? sb.root : nil, attach: root, caller: caller)
        }
        PhaseTimer.shared.mark("plan: mounts")

        var rules: [LandlockRule] = []
        var handledFS: UInt64 = 0
        var handledNet: UInt64 = 0
        var scoped: UInt64 = 0
        if let abi = landlockABI {
            handledFS = handledAccessFS(abi: abi)
            rules = landlockRules(req, namespaces: namespaces, toolchains: caller.toolchains)
            // Without a network namespace, Landlock's TCP rules (ABI 4) are what stops
            // connect/bind when the policy says `network: none`.
            if abi >= 4 && !namespaces && sb.network == .none { handledNet = 0b11 }
            // ABI 6 scopes: no signals to, and no abstract unix sockets of, processes outside
            // the sandbox (e.g. killing the user's editor in landlock-only mode).
            if abi >= 6 { scoped = 0b11 }
        }

        var limits: [(Int32, UInt64)] = [(Int32(CS_RLIMIT_CORE), 0)]
        let l = sb.limits
        if let m = l.memory { limits.append((Int32(CS_RLIMIT_AS), m)) }
        if let p = l.processes { limits.append((Int32(CS_RLIMIT_NPROC), UInt64(p))) }
        if let f = l.openFiles { limits.append((Int32(CS_RLIMIT_NOFILE), UInt64(f))) }
        if let f = l.fileSize { limits.append((Int32(CS_RLIMIT_FSIZE), f)) }
        if let c = l.cpu { limits.append((Int32(CS_RLIMIT_CPU), UInt64(c))) }

        var plan = SpawnPlan(
            layers: IsolationLayers(
                namespaces: namespaces, landlockABI: landlockABI, seccomp: seccomp != nil, rlimits: true,
                cgroups: cgroups, monitor: false),
            argv: req.argv, environment: environment(req, caller: caller),
            execCandidates: candidates(first, req, caller: caller),
            cwd: req.cwd, mounts: mounts, landlockRules: rules, landlockHandledFS: handledFS,
            landlockHandledNet: handledNet, landlockScoped: scoped, rlimits: limits, uid: uid, gid: gid,
            hostUID: uid, hostGID: gid, hostIsRoot: root, workspace: req.workspace, timeout: sb.timeout,
            grace: sb.grace,
            outputLimit: l.output, memoryLimit: l.memory, processLimit: l.processes, network: sb.network,
            seccomp: seccomp, monitor: nil, home: req.home,
            bridge: sb.network == .domains && namespaces ? req.proxyBridge : nil)
        plan.pty = req.pty
        return plan
    }

    /// A clean environment: PATH (the caller's entries the sandbox can see), HOME (private,
    /// writable), LANG, TERM, the caller's variables `sandbox.env.inherit` names (locale,
    /// timezone, USER, LOGNAME), then what the policy and `--env-pass` let through, then the
    /// policy's explicit values.
    static func environment(_ req: SandboxRequest, caller: CallerEnvironment? = nil) -> [String] {
        let caller = caller ?? CallerEnvironment.resolve(req, namespaces: true)
        var env: [(String, String)] = [
            ("PATH", caller.path), ("HOME", req.home ?? "/tmp"), ("LANG", req.hostEnvironment["LANG"] ?? "C.UTF-8"),
            ("TERM", req.hostEnvironment["TERM"] ?? "dumb"),
        ]
        func set(_ k: String, _ v: String) {
            if let i = env.firstIndex(where: { $0.0 == k }) { env[i].1 = v } else { env.append((k, v)) }
        }
        for (k, v) in caller.variables { set(k, v) }
        for name in req.policy.sandbox.env.pass + req.envPass {
            if let v = req.hostEnvironment[name] { set(name, v) }
        }
        // After what the caller passes (its own proxy settings point nowhere from inside), before
        // the policy's explicit values (a policy may still tune them).
        if req.policy.sandbox.network == .domains && req.policy.sandbox.networkDomains.proxyEnvironment {
            for (k, v) in ProxyEnvironment.variables(netcat: ProxyEnvironment.netcat(path: caller.path)) { set(k, v) }
        }
        for (k, v) in req.policy.sandbox.env.set.sorted(by: { $0.key < $1.key }) { set(k, v) }
        return env.map { "\($0.0)=\($0.1)" }
    }

    /// Absolute paths execve tries, like execvp's PATH walk but computed in the parent.
    static func candidates(_ cmd: String, _ req: SandboxRequest, caller: CallerEnvironment? = nil) -> [String] {
        if cmd.contains("/") { return [cmd] }
        let env = environment(req, caller: caller)
        let path = env.first(where: { $0.hasPrefix("PATH=") }).map { String($0.dropFirst(5)) } ?? sandboxPATH
        return path.split(separator: ":").map { ($0.isEmpty ? "." : String($0)) + "/" + cmd }
    }

    /// The steps that build the sandbox's root, in the order the child performs them.
    static func mountOps(
        _ req: SandboxRequest, rootfs: String?, attach: Bool = false, caller: CallerEnvironment? = nil
    ) throws(SandboxError) -> [MountOp] {
        let caller = caller ?? CallerEnvironment.resolve(req, namespaces: true)
        var root = RootBuilder(exec: ExecPlaces(req.policy.sandbox.filesystem), attach: attach)
        root.system(try systemPaths(req, rootfs: rootfs))
        root.scratch(req.policy.sandbox.filesystem.tmpfs, size: req.policy.sandbox.limits.tmpfs)
        // After the scratch tmpfs: a toolchain under /tmp must not be covered by it.
        root.toolchains(caller.toolchains)
        root.readWrite(
            req.policy.sandbox.filesystem.readWrite + (req.home.map { [$0] } ?? []), workspace: req.workspace)
        root.protect(
            Self.withSubmodules(req.policy.sandbox.filesystem.protect, workspace: req.workspace),
            workspace: req.workspace)
        root.proc()
        root.dev(shmSize: req.policy.sandbox.limits.tmpfs)
        root.coverBanned(bannedPrograms(req.policy), path: caller.path)
        // cordon's own keys are hidden whatever the policy's `hide:` says: the approver key
        // decides approvals, the store key seals remembered rules (CordonStore/StoreSeal.swift),
        // and a policy that lists its own `hide:` must not hand either to the command.
        root.hide(
            req.policy.sandbox.filesystem.hide + req.hide + [FilesystemPolicy.cordonKeys],
            home: req.hostEnvironment["HOME"])
        return root.ops
    }

    /// `protect:` plus, when it protects `.git/config`, the same files of every submodule's git
    /// directory under `.git/modules/` (found by the red team, session 14): a submodule's
    /// config is read by the host's own `git status`, which looks into each populated submodule
    /// with a git of its own, so a `core.fsmonitor` written to `.git/modules/NAME/config` ran on
    /// the host exactly like one in `.git/config`. Submodule names may hold slashes, and
    /// submodules nest (`.git/modules/a/modules/b`); the walk is bounded (depth 8, 256 git
    /// directories) so a planted maze cannot slow every run down.
    static func withSubmodules(_ protect: [String], workspace: String) -> [String] {
        guard protect.contains(".git/config"), case .directory = PathTools.lkind(workspace + "/.git/modules") else {
            return protect
        }
        let perGitDir = protect.compactMap { p -> String? in
            p.hasPrefix(".git/") && p != ".git/modules" ? String(p.dropFirst(".git/".count)) : nil
        }
        var out = protect
        var found = 0
        func walk(_ rel: String, depth: Int) {
            guard depth < 8, found < 256 else { return }
            let dir = workspace + "/" + rel
            if case .file = PathTools.lkind(dir + "/config"), case .file = PathTools.lkind(dir + "/HEAD") {
                found += 1
                for p in perGitDir { out.append(rel + "/" + p) }
                if case .directory = PathTools.lkind(dir + "/modules") { walk(rel + "/modules", depth: depth + 1) }
                return
            }
            for name in FileIO.list(dir).sorted() where name != "." && name != ".." {
                if case .directory = PathTools.lkind(dir + "/" + name) { walk(rel + "/" + name, depth: depth + 1) }
            }
        }
        walk(".git/modules", depth: 0)
        return out
    }

    /// System paths as (host, inside) pairs: the policy's read-only list, or the entries of an
    /// unpacked image (without the places the sandbox makes its own: proc, dev, tmp, sys, run).
    static func systemPaths(_ req: SandboxRequest, rootfs: String?) throws(SandboxError) -> [(String, String)] {
        guard let root = rootfs else {
            return req.policy.sandbox.filesystem.readOnly.map { (PathTools.normalize($0), PathTools.normalize($0)) }
        }
        guard let r = PathTools.real(root), case .directory = PathTools.lkind(r) else {
            throw SandboxError(.plan, "rootfs \(root) is not a directory")
        }
        guard let d = opendir(r) else { throw SandboxError(.plan, "opendir \(r)", errno: .current) }
        var names: [String] = []
        while let e = readdir(d) {
            let n = FileIO.direntName(e)
            if [".", "..", "proc", "dev", "tmp", "sys", "run"].contains(n) { continue }
            names.append(n)
        }
        closedir(d)
        return names.sorted().map { (r + "/" + $0, "/" + $0) }
    }

    /// The mount ops under construction, the directories already made, and what the sandbox
    /// sees (host path -> sandbox path), so later steps only hide or cover visible paths.
    /// Where the policy lets the run execute: `filesystem.exec`, or (unset) the read-only system
    /// paths and the workspace. Scratch space (tmpfs, /dev/shm) and extra read-write places hold
    /// no programs unless `filesystem.exec` names them.
    struct ExecPlaces {
        let list: [String]?
        init(_ fs: FilesystemPolicy) { list = fs.exec.map { $0.map(PathTools.normalize) } }
        /// The default rule: anywhere, unless a list narrows it.
        func allows(_ p: String) -> Bool { list.map { l in l.contains { PathTools.isUnder(p, $0) } } ?? true }
        /// Only where the list names it (scratch and extra writable places).
        func names(_ p: String) -> Bool { list?.contains { PathTools.isUnder(p, $0) } ?? false }
    }

    struct RootBuilder {
        /// Where writable places may hold programs. Elsewhere their mount is noexec as well as
        /// Landlock's rule says so: Landlock's execute right governs execve only, while the
        /// dynamic loader (`ld.so /tmp/x`) or a memfd maps code with mmap(PROT_EXEC), which only
        /// noexec refuses (security issue A.4).
        let exec: ExecPlaces
        /// Root on the host: writable places are attached from trees the parent prepared
        /// (idmapped), not bound by the child (MountOp.Kind.attach).
        var attach = false
        var ops: [MountOp] = []
        var made: Set<String> = ["/"]
        var visible: [(host: String, inside: String)] = []
        let roFlags: MountOp.Flags = [.readOnly, .noSuid, .noDev]

        mutating func mkdirs(_ path: String) {
            var cur = ""
            for c in path.split(separator: "/") {
                cur += "/" + c
                if made.insert(cur).inserted { ops.append(MountOp(kind: .mkdir, target: "/newroot" + cur)) }
            }
        }

        mutating func mkparents(_ path: String) {
            if let i = path.lastIndex(of: "/"), i != path.startIndex { mkdirs(String(path[..<i])) }
        }

        /// Read-only binds of the system paths; symlinks recreated as symlinks.
        mutating func system(_ paths: [(String, String)]) {
            for (host, inside) in paths {
                switch PathTools.lkind(host) {
                case .missing, .other: continue
                case .symlink(let text):
                    // Merged /usr: /bin -> usr/bin is recreated as the same symlink, not bound, so
                    // the sandbox sees the layout the host has.
                    mkparents(inside)
                    if made.insert(inside).inserted {
                        ops.append(MountOp(kind: .symlink, source: text, target: "/newroot" + inside))
                    }
                case .directory:
                    mkdirs(inside)
                    ops.append(
                        MountOp(kind: .bind, flags: roFlags, source: "/oldroot" + host, target: "/newroot" + inside))
                    visible.append((host, inside))
                case .file:
                    mkparents(inside)
                    ops.append(MountOp(kind: .mkfile, target: "/newroot" + inside))
                    ops.append(
                        MountOp(kind: .bind, flags: roFlags, source: "/oldroot" + host, target: "/newroot" + inside))
                    visible.append((host, inside))
                }
            }
        }

        /// The caller's toolchains on PATH (CallerEnvironment), read-only at their own paths. As
        /// root they are attached from trees the parent cloned (not idmapped: read-only, and
        /// readable as their modes allow the sandbox uid), because the child, an unprivileged
        /// uid, may not walk a mode-700 /root to bind ~/.pyenv.
        mutating func toolchains(_ paths: [String]) {
            for p in paths {
                guard case .directory = PathTools.lkind(p) else { continue }
                mkdirs(p)
                ops.append(
                    attach
                        ? MountOp(kind: .attach, flags: roFlags, source: p, target: "/newroot" + p)
                        : MountOp(kind: .bind, flags: roFlags, source: "/oldroot" + p, target: "/newroot" + p))
                visible.append((p, p))
            }
        }

        /// Scratch tmpfs before the read-write binds: a workspace under /tmp must be bound on
        /// top of the new /tmp, not hidden by it. Directories made under a tmpfs mount point
        /// before it was mounted are gone afterwards, so they are forgotten and made again.
        mutating func scratch(_ tmpfs: [String], size: UInt64?) {
            for t in tmpfs {
                let p = PathTools.normalize(t)
                mkdirs(p)
                ops.append(
                    MountOp(
                        kind: .tmpfs, flags: RootBuilder.writable(executable: exec.names(p)),
                        target: "/newroot" + p, data: "mode=1777" + RootBuilder.sizeOption(size)))
                made = made.filter { !PathTools.isUnder($0, p) || $0 == p }
            }
        }

        /// Read-write places: extra binds, then the workspace at its own absolute path so
        /// relative paths in the agent's commands keep working.
        mutating func readWrite(_ extra: [String], workspace: String) {
            for p in extra {
                guard let real = PathTools.real(p) else { continue }
                writable(real, executable: exec.names(real))
            }
            writable(workspace, executable: exec.allows(workspace))
        }

        mutating func writable(_ path: String, executable: Bool) {
            mkdirs(path)
            let flags = RootBuilder.writable(executable: executable)
            ops.append(
                attach
                    ? MountOp(kind: .attach, flags: flags, source: path, target: "/newroot" + path)
                    : MountOp(kind: .bind, flags: flags, source: "/oldroot" + path, target: "/newroot" + path))
            visible.append((path, path))
        }

        /// Protected workspace paths (sandbox.filesystem.protect), bound read-only onto
        /// themselves: what is written there runs later on the host, outside any sandbox (a git
        /// hook, `core.fsmonitor` in .git/config, a CI file, `.envrc`, `.bashrc`), so the kernel
        /// refuses the write (EROFS) whatever the gate saw. Only existing paths, never through
        /// a symlink (a link could point the read-only bind anywhere): a path that does not
        /// exist yet is left to the gate and the monitor (docs/policy.md says so).
        mutating func protect(_ paths: [String], workspace: String) {
            var pinned: [String] = []
            var parents: [String] = []
            for rel in paths {
                let host = workspace + "/" + rel
                // Every component must be a real directory or file inside the workspace.
                var cur = workspace
                var safe = true
                var above: [String] = []
                for comp in rel.split(separator: "/") {
                    if cur != workspace { above.append(cur) }
                    cur += "/" + comp
                    if case .symlink = PathTools.lkind(cur) { safe = false }
                }
                guard safe else { continue }
                switch PathTools.lkind(host) {
                case .directory, .file:
                    pinned.append(host)
                    for dir in above where !parents.contains(dir) { parents.append(dir) }
                default:
                    continue
                }
            }
            // A read-only bind pins one dentry, not its name: `mv .git .git-old && mkdir .git`
            // moves the bind of .git/config away with its directory and leaves a fresh
            // .git/config (core.fsmonitor, run by the next `git status` on the host) in its
            // place; the same for `.github`, `.vscode`, `.config/fish`. So each directory
            // between the workspace and a protected path is made a mount point too (a bind
            // onto itself, still writable, keeping the workspace's idmapping and noexec): the
            // kernel refuses to rename or remove a mount point of the caller's namespace
            // (EBUSY, vfs_rename/vfs_rmdir). Made before the read-only binds below them, which
            // a later bind onto a parent would cover. Outer directories first.
            for dir in parents.sorted(by: { $0.count < $1.count }) {
                ops.append(
                    MountOp(
                        kind: .bind, flags: [.noSuid, .noDev, .optional], source: "/newroot" + dir,
                        target: "/newroot" + dir))
            }
            for host in pinned {
                ops.append(
                    MountOp(
                        kind: .bind, flags: [.readOnly, .noSuid, .noDev, .optional], source: "/newroot" + host,
                        target: "/newroot" + host))
            }
        }

        /// A fresh /proc for the new pid namespace; the kernel knobs in it stay read-only even
        /// though the user namespace owns the pid namespace.
        mutating func proc() {
            mkdirs("/proc")
            ops.append(MountOp(kind: .proc, target: "/newroot/proc"))
            for p in ["sys", "sysrq-trigger", "irq", "bus", "fs"] {
                ops.append(
                    MountOp(
                        kind: .bind, flags: [.readOnly, .noSuid, .noDev, .noExec, .optional],
                        source: "/newroot/proc/" + p, target: "/newroot/proc/" + p))
            }
        }

        /// A minimal /dev: a few character devices bound from the host, a private devpts, shm.
        /// A writable place's mount flags: never set-id or device files; noexec unless it may
        /// hold programs.
        static func writable(executable: Bool) -> MountOp.Flags {
            executable ? [.noSuid, .noDev] : [.noSuid, .noDev, .noExec]
        }

        /// `,size=N` for a sized tmpfs: its pages are host memory that no rlimit counts, so an
        /// unsized one lets a run fill half of the host's RAM per mount.
        static func sizeOption(_ size: UInt64?) -> String {
            // size=0 means "unlimited" to tmpfs: the smallest size given is one page.
            size.map { ",size=\(max($0, 4096))" } ?? ""
        }

        mutating func dev(shmSize: UInt64?) {
            mkdirs("/dev")
            ops.append(MountOp(kind: .tmpfs, flags: [.noSuid, .noExec], target: "/newroot/dev", data: "mode=0755"))
            for d in ["null", "zero", "full", "random", "urandom", "tty"] {
                ops.append(MountOp(kind: .mkfile, target: "/newroot/dev/" + d))
                ops.append(
                    MountOp(
                        kind: .bind, flags: [.noSuid, .noExec, .optional], source: "/oldroot/dev/" + d,
                        target: "/newroot/dev/" + d))
            }
            ops.append(MountOp(kind: .mkdir, target: "/newroot/dev/pts"))
            ops.append(MountOp(kind: .devpts, target: "/newroot/dev/pts"))
            ops.append(MountOp(kind: .symlink, source: "pts/ptmx", target: "/newroot/dev/ptmx"))
            ops.append(MountOp(kind: .mkdir, target: "/newroot/dev/shm"))
            ops.append(
                MountOp(
                    kind: .tmpfs, flags: RootBuilder.writable(executable: exec.names("/dev/shm")),
                    target: "/newroot/dev/shm", data: "mode=1777" + RootBuilder.sizeOption(shmSize)))
            for (name, to) in [
                ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                ("stderr", "/proc/self/fd/2"),
            ] {
                ops.append(MountOp(kind: .symlink, source: to, target: "/newroot/dev/" + name))
            }
        }

        /// Programs the policy bans outright (a bare name in gate.commands.block) are not
        /// executable at all: each copy on the sandbox's PATH is covered by an empty read-only
        /// noexec file, so the kernel refuses it whatever the gate sees, and `cp` of it yields
        /// an empty file.
        mutating func coverBanned(_ names: [String], path: String = sandboxPATH) {
            ops.append(MountOp(kind: .mkfile, target: "/hidden-empty"))
            var covered: Set<String> = []
            for name in names {
                // Every directory of the command's PATH, the caller's toolchains included.
                for dir in path.split(separator: ":") {
                    guard let real = PathTools.real(String(dir) + "/" + name), case .file = PathTools.lkind(real),
                        visible.contains(where: { PathTools.isUnder(real, $0.host) }), covered.insert(real).inserted
                    else { continue }
                    ops.append(
                        MountOp(
                            kind: .bind, flags: [.readOnly, .noSuid, .noDev, .noExec], source: "/hidden-empty",
                            target: "/newroot" + real))
                }
            }
        }

        /// Hidden paths: covered by an empty read-only tmpfs (directories) or an empty read-only
        /// file (files), only where some bind made them visible in the first place.
        mutating func hide(_ paths: [String], home: String?) {
            var hidden: Set<String> = []
            for h in paths {
                guard let expanded = PathTools.expandHome(h, home: home) else { continue }
                let host = PathTools.real(expanded) ?? PathTools.normalize(expanded)
                guard let v = visible.last(where: { PathTools.isUnder(host, $0.host) }) else { continue }
                let inside = v.inside + String(host.dropFirst(v.host == "/" ? 0 : v.host.count))
                guard hidden.insert(inside).inserted else { continue }
                switch PathTools.lkind(host) {
                case .directory:
                    ops.append(
                        MountOp(
                            kind: .tmpfs, flags: [.readOnly, .noSuid, .noDev, .noExec], target: "/newroot" + inside,
                            data: "mode=0555,size=0"))
                case .file, .other:
                    ops.append(
                        MountOp(
                            kind: .bind, flags: [.readOnly, .noSuid, .noDev, .noExec], source: "/hidden-empty",
                            target: "/newroot" + inside))
                case .symlink, .missing:
                    continue
                }
            }
        }
    }

    /// Bare program names (no spaces, no alternatives) in gate.commands.block.
    public static func bannedPrograms(_ p: Policy) -> [String] {
        p.gate.commands.block.filter { !$0.contains(" ") && !$0.contains("|") && !$0.contains("/") && !$0.isEmpty }
    }

    static func landlockRules(_ req: SandboxRequest, namespaces: Bool, toolchains: [String] = []) -> [LandlockRule] {
        let fs = req.policy.sandbox.filesystem
        var rules: [LandlockRule] = []
        let exec = ExecPlaces(fs)
        func canExec(_ p: String) -> Bool { exec.allows(p) }
        let system: [String]
        if namespaces, req.policy.sandbox.mode == .rootfs {
            system = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/opt", "/var", "/srv", "/home", "/root"]
        } else {
            system = fs.readOnly.map(PathTools.normalize)
        }
        for p in system + toolchains {
            rules.append(LandlockRule(path: p, access: llRead | (canExec(p) ? llExecute : 0)))
        }
        if let h = req.home { rules.append(LandlockRule(path: h, access: llRead | llWrite)) }
        // In namespaces mode the root holds only what the plan mounted, all of it meant to be
        // readable; in landlock-only mode "/" is the host's and stays out of reach.
        if namespaces { rules.append(LandlockRule(path: "/", access: llRead)) }
        rules.append(
            LandlockRule(path: req.workspace, access: llRead | llWrite | (canExec(req.workspace) ? llExecute : 0)))
        for p in fs.readWrite.map(PathTools.normalize) {
            rules.append(LandlockRule(path: p, access: llRead | llWrite | (exec.names(p) ? llExecute : 0)))
        }
        // Files the run creates in scratch space are not executable unless filesystem.exec names
        // the place: a downloaded payload cannot be run from /tmp (Landlock for execve, the
        // noexec mount for mmap(PROT_EXEC), on top of the gate).
        if namespaces {
            for p in fs.tmpfs.map(PathTools.normalize) {
                rules.append(LandlockRule(path: p, access: llRead | llWrite | (exec.names(p) ? llExecute : 0)))
            }
            rules.append(
                LandlockRule(path: "/dev/shm", access: llRead | llWrite | (exec.names("/dev/shm") ? llExecute : 0)))
        }
        rules.append(LandlockRule(path: "/dev", access: llRead | llWriteFile | llTruncate | llIoctlDev))
        rules.append(LandlockRule(path: "/proc", access: llRead))
        return rules
    }
}

/// The id maps of the user namespace cordon runs in.
enum IDMap {
    /// Whether `/proc/self/{uid,gid}_map` maps `id` (lines of "inside outside count").
    static func maps(_ id: UInt32, file: String) -> Bool {
        guard let text = try? String(contentsOfFile: file) else { return true }
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ").compactMap { UInt64($0) }
            if f.count == 3, UInt64(id) >= f[0], UInt64(id) < f[0] + f[2] { return true }
        }
        return false
    }

    /// setgroups(2) is allowed here: "deny" in /proc/self/setgroups (an unprivileged user
    /// namespace, bwrap) makes it fail with EPERM whatever our capabilities.
    static func setgroupsAllowed() -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/self/setgroups") else { return true }
        return text.trimmingNewline() != "deny"
    }
}
