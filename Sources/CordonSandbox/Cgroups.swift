// Memory and pids limits through cgroups when cordon runs as root: cgroup v2 when the unified
// hierarchy has the controllers, else v1, nested under cordon's own cgroup in each hierarchy.
// rlimits alone cannot bound a tree's total memory (RLIMIT_AS is per process) or its process
// count precisely (RLIMIT_NPROC counts per user).
import CordonBase
import Glibc
import Synchronization

/// The cgroup counters that tell a limit was hit.
struct CgroupEvents: Sendable, Equatable {
    /// Processes the OOM killer ended under memory.max (memory.limit_in_bytes).
    var oomKills: Int?
    /// Forks refused at pids.max.
    var pidsMax: Int?
}

struct CgroupSet: Sendable {
    var dirs: [String]
    /// v1: each group's `tasks` file, open for the child to join by itself (see create).
    var joinFDs: [Int32] = []
    /// v2: the cgroup.procs files the parent writes the child's pid into.
    var procsFiles: [String] = []

    static func ownPath(controller: String?) -> String? {
        guard let f = fopen("/proc/self/cgroup", "r") else { return nil }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), f) != nil {
            let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .trimmingNewline()
            // "ID:controllers:path"
            let parts = s.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if let c = controller {
                if parts[1].split(separator: ",").contains(Substring(c)) { return String(parts[2]) }
            } else if parts[0] == "0" && parts[1].isEmpty {
                return String(parts[2])
            }
        }
        return nil
    }

    static func exists(_ p: String) -> Bool { access(p, F_OK) == 0 }

    /// Whether cgroup limits can be applied here (root, and a usable hierarchy).
    static func available() -> Bool {
        guard geteuid() == 0 else { return false }
        if let c = try? String(contentsOfFile: "/sys/fs/cgroup/cgroup.controllers"), c.contains("memory"),
            c.contains("pids")
        {
            return true
        }
        return exists("/sys/fs/cgroup/memory/memory.limit_in_bytes") && exists("/sys/fs/cgroup/pids")
    }

    /// Whether cordon can really limit a run here: creates a group where a run's would go and
    /// writes its limits. A read-only cgroup mount (Docker's default), a delegated tree we do
    /// not own or missing controllers fail here, by doing, instead of at the first run. nil
    /// when it works, else what failed. The groups it made are kept for this process's first
    /// run (`spare`): making and removing memory and pids groups twice per `cordon run` cost
    /// about a fifth of a millisecond (perf: 1.3 % of a run's CPU in the probe).
    static func probe() -> String? {
        guard geteuid() == 0 else { return "needs root" }
        guard available() else { return "no cgroup v2 with memory+pids, nor v1 memory and pids hierarchies" }
        do throws(SandboxError) {
            // Named with our own pid: the stale-group sweep never takes it for a live cordon's.
            guard let set = try create(memory: 64 << 20, pids: 64, joined: false) else { return "nothing to create" }
            keepSpare(set)
            return nil
        } catch {
            return error.description
        }
    }

    /// The probe's groups until a run takes them. Removed at exit when none did (a refused
    /// command, `cordon doctor`); a cordon killed before that leaves them to the stale sweep,
    /// like a run's.
    static let spare = Mutex<CgroupSet?>(nil)

    static func keepSpare(_ set: CgroupSet) {
        let old = spare.withLock { s -> CgroupSet? in
            defer { s = set }
            return s
        }
        old?.remove()
        _ = atexitOnce
    }

    static let atexitOnce: Void = { atexit { CgroupSet.spare.withLock { $0 }?.remove() } }()

    /// The spare groups with a run's limits, and on v1 their `tasks` files opened for the child;
    /// nil when there is no spare or it does not fit (the run wants no memory or no process
    /// limit: then it is removed and the run makes its own).
    static func takeSpare(memory: UInt64?, pids: Int?) throws(SandboxError) -> CgroupSet? {
        guard
            var set = spare.withLock({ s -> CgroupSet? in
                defer { s = nil }
                return s
            })
        else { return nil }
        guard let memory, let pids else {
            set.remove()
            return nil
        }
        do throws(SandboxError) {
            for dir in set.dirs {
                if !set.procsFiles.isEmpty {
                    try Sandbox.writeFile(dir + "/memory.max", "\(memory)")
                    try Sandbox.writeFile(dir + "/pids.max", "\(pids)")
                } else if dir.hasPrefix("/sys/fs/cgroup/memory/") {
                    try Sandbox.writeFile(dir + "/memory.limit_in_bytes", "\(memory)")
                    try openJoin(dir, into: &set)
                } else {
                    try Sandbox.writeFile(dir + "/pids.max", "\(pids)")
                    try openJoin(dir, into: &set)
                }
            }
        } catch {
            set.closeJoinFDs()
            set.remove()
            throw error
        }
        return set
    }

    /// v1: the group's `tasks` file, write-only and close-on-exec, for the child to join by
    /// itself. The child's copy is closed by the child right after its write (and every
    /// descriptor it does not need goes before execve anyway).
    static func openJoin(_ dir: String, into set: inout CgroupSet) throws(SandboxError) {
        let fd = open(dir + "/tasks", O_WRONLY | O_CLOEXEC)
        if fd < 0 { throw SandboxError(.setup("open \(dir)/tasks"), errno: .current) }
        set.joinFDs.append(fd)
    }

    /// Counts this process's groups, for their names: `cordon-<our pid>-<n>`. The groups are
    /// made before the clone (the child joins them itself), so the child's pid is not known yet.
    /// Atomic: the probe may make its groups on the evidence thread while a run makes its own.
    static let made = Atomic<Int>(0)

    /// Makes the run's groups with their limits, before the clone. On cgroup v1 each group's
    /// `tasks` file is opened here, as root, for the child to join by writing "0" to it
    /// (`joinFDs`, cs_plan.cgroup_fds: the reason is in spawn.c's child_main); on v2 the
    /// parent moves the child with `attach(pid:)` after the clone. `joined: false` (the probe)
    /// opens no `tasks` file; a run takes the probe's groups when there are some (takeSpare).
    static func create(memory: UInt64?, pids: Int?, joined: Bool = true) throws(SandboxError) -> CgroupSet? {
        guard memory != nil || pids != nil else { return nil }
        if joined, let kept = try takeSpare(memory: memory, pids: pids) { return kept }
        let name = "cordon-\(getpid())-\(made.add(1, ordering: .relaxed).newValue)"
        var set = CgroupSet(dirs: [])
        func mk(_ dir: String) throws(SandboxError) {
            sweepStale(in: String(dir[..<(dir.lastIndex(of: "/") ?? dir.endIndex)]))
            if mkdir(dir, 0o755) != 0 && errno != EEXIST {
                throw SandboxError(.setup("cgroup mkdir \(dir)"), errno: .current)
            }
            set.dirs.append(dir)
        }
        func put(_ file: String, _ value: String) throws(SandboxError) {
            try Sandbox.writeFile(file, value)
        }
        func join(_ dir: String) throws(SandboxError) { try openJoin(dir, into: &set) }
        do throws(SandboxError) {
            if let c = try? String(contentsOfFile: "/sys/fs/cgroup/cgroup.controllers"), c.contains("memory") {
                let dir = "/sys/fs/cgroup" + (ownPath(controller: nil) ?? "") + "/" + name
                try mk(dir)
                if let m = memory {
                    try put(dir + "/memory.max", "\(m)")
                    try put(dir + "/memory.swap.max", "0")
                }
                if let p = pids { try put(dir + "/pids.max", "\(p)") }
                // v2 has no per-thread `tasks` file outside threaded subtrees: the parent writes
                // the child's pid into cgroup.procs (attach).
                set.procsFiles.append(dir + "/cgroup.procs")
            } else {
                if let m = memory {
                    let dir = "/sys/fs/cgroup/memory" + (ownPath(controller: "memory") ?? "") + "/" + name
                    try mk(dir)
                    try put(dir + "/memory.limit_in_bytes", "\(m)")
                    if joined { try join(dir) }
                }
                if let p = pids {
                    let dir = "/sys/fs/cgroup/pids" + (ownPath(controller: "pids") ?? "") + "/" + name
                    try mk(dir)
                    try put(dir + "/pids.max", "\(p)")
                    if joined { try join(dir) }
                }
            }
        } catch {
            set.closeJoinFDs()
            set.remove()
            throw error
        }
        return set
    }

    /// The run's groups with their limits (as root, with namespaces), made before the clone:
    /// the child joins them first thing (v1), so no process of the sandbox ever runs outside
    /// them. Their `tasks` descriptors move to `attachments`, closed with it after the clone.
    static func forRun(_ plan: SpawnPlan, _ attachments: inout Sandbox.Attachments) throws(SandboxError)
        -> CgroupSet?
    {
        guard plan.hostIsRoot, plan.layers.cgroups, plan.layers.namespaces else { return nil }
        var set = try create(memory: plan.memoryLimit, pids: plan.processLimit)
        attachments.cgroupFDs = set?.joinFDs ?? []
        set?.joinFDs = []
        return set
    }

    /// The v2 move, by the parent, once the child exists (v1 groups were joined by the child).
    func attach(pid: Int32) throws(SandboxError) {
        for f in procsFiles { try Sandbox.writeFile(f, "\(pid)") }
    }

    /// The parent's copies of the `tasks` files, closed once the child holds its own.
    mutating func closeJoinFDs() {
        for fd in joinFDs { close(fd) }
        joinFDs = []
    }

    /// What the kernel counted against the limits: read before the groups are removed.
    func events() -> CgroupEvents {
        var ev = CgroupEvents()
        for d in dirs {
            // v2: memory.events and pids.events; v1: memory.oom_control and pids.events.
            for file in ["memory.events", "memory.oom_control"] {
                if let n = Self.counter(d + "/" + file, "oom_kill") { ev.oomKills = (ev.oomKills ?? 0) + n }
            }
            if let n = Self.counter(d + "/pids.events", "max") { ev.pidsMax = (ev.pidsMax ?? 0) + n }
        }
        return ev
    }

    /// The value of `key N` in a flat-keyed cgroup file, or nil.
    static func counter(_ path: String, _ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: path) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == key { return Int(parts[1]) }
        }
        return nil
    }

    /// Removes groups left by a cordon that was killed before it could clean up (SIGKILL gives
    /// it no chance): `cordon-<pid>-<n>` whose <pid> no longer exists. Their tasks died with
    /// that cordon's pid namespace, so they are empty and rmdir succeeds.
    static func sweepStale(in parent: String) {
        for name in FileIO.list(parent) where name.hasPrefix("cordon-") {
            let parts = name.split(separator: "-")
            guard parts.count == 3, let owner = Int32(parts[1]), owner != getpid() else { continue }
            if kill(owner, 0) != 0 && errno == ESRCH { _ = rmdir(parent + "/" + name) }
        }
    }

    /// Removed once the command has ended, at once or on a thread of its own (Teardown).
    static func removeSoon(_ c: CgroupSet) { Teardown.remove { c.remove() } }

    /// rmdir succeeds once the group is empty; the pid namespace is gone by the time we get
    /// here, but the kernel may need a moment to finish tearing tasks down.
    func remove() {
        for d in dirs.reversed() {
            for _ in 0..<50 {
                if rmdir(d) == 0 || errno == ENOENT { break }
                usleep(2000)
            }
        }
    }
}

extension String {
    func trimmingNewline() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    init(contentsOfFile path: String) throws(SandboxError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw SandboxError(.setup("open \(path)"), errno: .current) }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        self = String(decoding: out, as: UTF8.self)
    }
}
