// The handoff between `cordon run` and a warm runner of `cordon serve --warm` (docs/serve.md,
// "Warm start"), over the server's unix socket LOG_DIR/warm.sock:
//   run -> runner:  "CWR1", argc, envc, payload bytes (u32 each, little-endian), with SCM_RIGHTS
//                   [stdin, stdout, stderr, the caller's directory (O_PATH)]; then the payload:
//                   argc + envc NUL-terminated strings (argv from "run" on, then environ).
//   runner -> run:  'D' (declined: nothing ran, run directly), 'R' and a reason up to EOF (the
//                   caller refused: confined otherwise than the runner; run directly, saying
//                   why), or 'A' (accepted: the run starts) followed by 'S' and the exit status
//                   (i32) once the run has ended.
import CSandbox
import CordonBase
import CordonSandbox

#if canImport(Glibc)
    import Glibc
#endif

enum WarmHandoff {
    static let magic: [UInt8] = Array("CWR1".utf8)
    static let headerSize = 16
    /// Largest payload accepted: far above ARG_MAX (2 MiB of argv and environment together).
    static let maxPayload = 16 << 20
    static let socketName = "warm.sock"

    /// The request's bytes: header and payload.
    static func encode(argv: [String], environment: [String]) -> [UInt8] {
        var payload: [UInt8] = []
        for s in argv + environment {
            payload += s.utf8
            payload.append(0)
        }
        var out = magic
        for v in [UInt32(argv.count), UInt32(environment.count), UInt32(payload.count)] {
            withUnsafeBytes(of: v.littleEndian) { out += $0 }
        }
        return out + payload
    }

    /// How long a caller has to send its whole request. `cordon run` sends it in one go right
    /// after it connects; a peer that connects and then sends nothing (or a byte at a time)
    /// would otherwise hold its runner, and that runner's prepared sandbox, cgroups and HOME,
    /// for ever: the server counts it busy, starts another, and never ends it (`stop` leaves
    /// busy runners to finish their run).
    static let requestSeconds = 5.0

    /// Reads one request; nil when it is malformed, late (`requestSeconds`) or the peer went
    /// away (nothing then runs).
    static func receive(_ fd: Int32) -> (argv: [String], environment: [String], fds: [Int32])? {
        let deadline = Sandbox.monotonicNow() + requestSeconds
        var header = [UInt8](repeating: 0, count: headerSize)
        var fds = [Int32](repeating: -1, count: Int(CS_MAX_PASSED))
        var nfds: Int32 = 0
        guard readable(fd, by: deadline) else { return nil }
        let n = header.withUnsafeMutableBytes { cs_recv_with_fds(fd, $0.baseAddress, headerSize, &fds, 4, &nfds) }
        let got = Array(fds.prefix(Int(max(nfds, 0))))
        func reject() -> (argv: [String], environment: [String], fds: [Int32])? {
            for f in got { close(f) }
            return nil
        }
        guard n > 0, nfds == 4 else { return reject() }
        guard readFull(fd, &header, from: n, by: deadline), Array(header.prefix(4)) == magic else { return reject() }
        func word(_ at: Int) -> Int {
            Int(
                UInt32(header[at]) | UInt32(header[at + 1]) << 8 | UInt32(header[at + 2]) << 16 | UInt32(header[at + 3])
                    << 24)
        }
        let argc = word(4)
        let envc = word(8)
        let size = word(12)
        guard argc >= 1, size <= maxPayload, argc + envc <= size else { return reject() }
        var payload = [UInt8](repeating: 0, count: size)
        guard readFull(fd, &payload, from: 0, by: deadline) else { return reject() }
        var strings: [String] = []
        var start = 0
        for i in 0..<size where payload[i] == 0 {
            strings.append(String(decoding: payload[start..<i], as: UTF8.self))
            start = i + 1
        }
        guard start == size, strings.count == argc + envc else { return reject() }
        return (Array(strings.prefix(argc)), Array(strings.dropFirst(argc)), got)
    }

    /// Whether `fd` has something to read (or EOF) before `deadline` (monotonic seconds).
    static func readable(_ fd: Int32, by deadline: Double) -> Bool {
        while true {
            let left = deadline - Sandbox.monotonicNow()
            if left <= 0 { return false }
            var p = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            let r = poll(&p, 1, Int32(left * 1000) + 1)
            if r > 0 { return true }
            if r < 0 && errno != EINTR { return false }
        }
    }

    static func readFull(_ fd: Int32, _ buf: inout [UInt8], from: Int, by deadline: Double? = nil) -> Bool {
        var off = from
        while off < buf.count {
            if let d = deadline, !readable(fd, by: d) { return false }
            let r = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress! + off, $0.count - off) }
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { return false }
            off += r
        }
        return true
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let r = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { return false }
            off += r
        }
        return true
    }

    /// Whether two paths name the same file (for /proc links: the same binary or namespace).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat()
        var y = stat()
        return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// Whether the peer of a connected unix socket is this user's cordon, running this same
    /// binary in this process's user, pid and mount namespaces: never a process inside a
    /// sandbox (a command there could bind a socket at this path in a directory it can write)
    /// nor another user's. Returns the peer's pid, or why not.
    struct Untrusted: Error { var why: String }

    /// `confinement`: also compare what confines the two processes (`confinement(_:)`). The
    /// runner does, for its caller; `cordon run` need not for the server: having checked that
    /// the server runs this very binary as this user in these namespaces, it knows the runner
    /// makes the same comparison (an equality, so the same answer) before it reads anything,
    /// and refuses with the reason ('R'). That is eight /proc reads off every served run.
    static func trustedPeer(_ fd: Int32, confinement compare: Bool = true) -> Result<Int32, Untrusted> {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        guard cs_peer_cred(fd, &pid, &uid) == 0, pid > 0 else { return .failure(Untrusted(why: "no peer credentials")) }
        guard uid == geteuid() else { return .failure(Untrusted(why: "its owner is uid \(uid), not \(geteuid())")) }
        // SO_PEERCRED's pid is a number taken at connect(). Once that process exits the kernel
        // gives the number to the next process it starts (pid_max is 32768 on many machines: a
        // few seconds of forks), and /proc/PID is then that process. A confined caller could
        // connect, hand the socket to a child and exit, and have its pid reused by a process
        // that passes every check below: a warm runner the server starts (this very runner
        // checking itself), after which the request read from the socket runs outside the
        // caller's limits. So the peer is pinned: the kernel's pidfd for the connecting process
        // (SO_PEERPIDFD, Linux 6.5), /proc/PID opened and only then the pidfd found alive (so
        // the directory is that process's), every read made through that directory (reads of a
        // process that exits fail, ESRCH), and the pidfd found alive again after the last one.
        // A kernel without SO_PEERPIDFD cannot name the peer: no run is handed over.
        let pidfd = cs_peer_pidfd(fd)
        if pidfd == -ESRCH { return .failure(Untrusted(why: "it has exited (its pid may name another process now)")) }
        guard pidfd >= 0 else {
            return .failure(
                Untrusted(why: "the kernel cannot pin the peer process (SO_PEERPIDFD, Linux 6.5): \(Errno(-pidfd))"))
        }
        defer { close(pidfd) }
        let dir = open("/proc/\(pid)", O_DIRECTORY | O_RDONLY | O_CLOEXEC)
        guard dir >= 0 else { return .failure(Untrusted(why: "it has exited")) }
        defer { close(dir) }
        let here = "/proc/self/fd/\(dir)"
        func gone() -> Bool { cs_pidfd_exited(pidfd) != 0 }
        guard !gone() else { return .failure(Untrusted(why: "it has exited (its pid may name another process now)")) }
        for ns in ["user", "pid", "mnt"] where !sameFile("\(here)/ns/\(ns)", "/proc/self/ns/\(ns)") {
            return .failure(Untrusted(why: "it runs in another \(ns) namespace"))
        }
        guard sameFile("\(here)/exe", "/proc/self/exe") else {
            return .failure(Untrusted(why: "it runs another cordon binary (restart cordon serve after an upgrade)"))
        }
        // A caller in a chroot (same mount namespace, another root) would have its run's
        // paths (the policy, the workspace, every bind) resolved from the runner's root, and
        // its sandbox built from the host's (a chroot cannot make a user namespace, so its
        // direct run has none). The mount counts too: a chroot into a bind of / is the same
        // directory without the mounts below it.
        guard cs_same_file_and_mount("\(here)/root", "/proc/self/root") == 1 else {
            return .failure(Untrusted(why: "it runs under another root directory (chroot)"))
        }
        guard !compare || confinement(here, pid: pid) == confinement("/proc/self", pid: getpid()) else {
            return .failure(
                Untrusted(
                    why:
                        "it is confined differently (ids and groups, capabilities, seccomp, no_new_privs, cgroup, resource limits, priority, umask or LSM label)"
                ))
        }
        guard !gone() else { return .failure(Untrusted(why: "it has exited (its pid may name another process now)")) }
        return .success(pid)
    }

    /// What confines a process besides its namespaces: a run handed to a runner must not
    /// escape its caller's own limits. A caller under seccomp or Landlock (both need
    /// no_new_privs unless privileged), with fewer capabilities, in another cgroup (its memory
    /// and pids accounting), with lower rlimits or another LSM label, runs directly instead.
    /// So does one with other ids or supplementary groups (the runner would open the caller's
    /// policy, log directory and workspace with the server's groups: a confused deputy), a
    /// lower CPU or I/O priority (nice and the scheduling policy cannot be raised back without
    /// privilege: `nice -n 10 cordon run` served ran its command at nice 0), or another umask
    /// (the sandbox inherits the runner's: files a caller under umask 077 made came out 0644).
    /// `dir`: the process's /proc directory (pinned by trustedPeer); `pid` for ioprio_get.
    static func confinement(_ dir: String, pid: Int32) -> [String] {
        let status = (try? FileIO.readFile("\(dir)/status")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let keys = [
            "Uid:", "Gid:", "Groups:", "Umask:", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:",
            "Seccomp:", "Seccomp_filters:",
        ]
        var out = status.split(separator: "\n").filter { line in keys.contains { line.hasPrefix($0) } }.map(String.init)
        for f in ["cgroup", "limits", "attr/current"] {
            out.append((try? FileIO.readFile("\(dir)/\(f)")).map { String(decoding: $0, as: UTF8.self) } ?? "-")
        }
        // /proc/PID/stat after the command name: priority, nice (fields 18, 19), rt_priority
        // and policy (40, 41).
        let stat = (try? FileIO.readFile("\(dir)/stat")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let fields = stat.split(separator: ")").last.map { $0.split(separator: " ") } ?? []
        out.append(fields.count > 38 ? [15, 16, 37, 38].map { String(fields[$0]) }.joined(separator: " ") : "-")
        // I/O priority (ioprio_get(IOPRIO_WHO_PROCESS)); by number, so trustedPeer checks the
        // pidfd again after this.
        out.append("ioprio \(cs_ioprio_get(pid))")
        return out
    }
}
