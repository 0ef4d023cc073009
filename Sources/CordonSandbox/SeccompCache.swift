import CSandbox
// Compiled seccomp programs cached on disk: every sandboxed run needs one, and parsing the
// profile and compiling it through libseccomp cost far more than reading a compiled program
// back. The key is SHA-256 of everything the compile depends on (this cache's format, the
// architecture, the monitored events, the profile text), so a cached program is the one a
// compile would produce; `format` must change whenever the compiler's output for the same
// input does. The cache lives in the invoking user's cache directory, which the sandbox never
// mounts, so the command cannot poison it. Figures: docs/benchmarks-gate.md.
import CordonBase
import CordonPolicy
import Glibc
import Synchronization

public enum SeccompCache {
    static let format = "cordon-bpf-v2"

    static func directory(_ env: [String: String]) -> String? {
        if let x = env["XDG_CACHE_HOME"], x.hasPrefix("/") { return x + "/cordon" }
        if let h = env["HOME"], h.hasPrefix("/") { return h + "/.cache/cordon" }
        return nil
    }

    /// The compiled program for a named profile, from the cache when it holds a valid copy.
    public static func program(
        named name: String, monitor: [String] = [], network: NetworkMode = .host, internetSockets: Bool = true,
        environment: [String: String]
    ) throws(SandboxError) -> SeccompProgram {
        guard let text = EmbeddedSeccomp.profiles[name] else {
            throw SandboxError(
                .seccomp, "unknown profile '\(name)' (available: \(SeccompProfiles.names.joined(separator: ", ")))")
        }
        #if arch(x86_64)
            let arch = "x86_64"
        #else
            let arch = "other"
        #endif
        // The notified messages depend on the network (MonitorEvents.rules): part of the key.
        let messages = !monitor.isEmpty && network != .host ? "messages" : ""
        let key = SHA256.hex(
            format + "\0" + arch + "\0" + monitor.joined(separator: ",") + "\0" + messages + "\0"
                + (internetSockets ? "" : "no-inet\0") + text)
        let dir = directory(environment)
        let path = dir.map { $0 + "/seccomp-" + key + ".bpf" }
        // A warm runner reads (or compiles) it once when it prepares, and its run asks again.
        let memoKey = memoize.withLock { $0 } ? key + (path ?? "") : nil
        if let k = memoKey, let m = memo.withLock({ $0[k] }) { return m }
        if let path, let cached = read(path) {
            if let k = memoKey { memo.withLock { $0[k] = cached } }
            return cached
        }
        var profile = try SeccompProfiles.profile(named: name)
        if !internetSockets { profile.deny += noInternetSockets }
        let program = try SeccompCompiler.compile(profile, notify: MonitorEvents.rules(for: monitor, network: network))
        if let dir, let path { store(program, dir: dir, path: path) }
        if let k = memoKey { memo.withLock { $0[k] = program } }
        return program
    }

    /// `network: none` without a network namespace (mode landlock): the host's network is the
    /// sandbox's, so no AF_INET or AF_INET6 socket is made (EACCES, what Landlock answers).
    static let noInternetSockets: [SeccompRule] = [AF_INET, AF_INET6].map { family in
        SeccompRule(
            syscall: "socket", errno: EACCES,
            conditions: [.init(index: 0, mask: 0xffff_ffff, value: UInt64(family))],
            reason: "network none without a network namespace: the host's network")
    }

    /// Whether this process keeps the programs it has (a warm runner); others read the file
    /// each time, as they ask once.
    static let memoize = Mutex(false)
    /// Programs this process already has, by key and cache file.
    static let memo = Mutex<[String: SeccompProgram]>([:])

    static func read(_ path: String) -> SeccompProgram? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        let stride = MemoryLayout<sock_filter>.stride
        // A program is whole instructions, at most BPF_MAXINSNS (4096) of them; anything else
        // is a damaged file and is recompiled rather than trusted.
        guard fstat(fd, &st) == 0, st.st_size > 0, Int(st.st_size) % stride == 0, Int(st.st_size) / stride <= 4096,
            st.st_uid == geteuid()
        else { return nil }
        var insns = [sock_filter](repeating: sock_filter(), count: Int(st.st_size) / stride)
        let n = insns.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n == Int(st.st_size) else { return nil }
        return SeccompProgram(instructions: insns)
    }

    /// Best effort: a cache that cannot be written only costs the next run a compile.
    static func store(_ program: SeccompProgram, dir: String, path: String) {
        var cur = ""
        for c in dir.split(separator: "/") {
            cur += "/" + c
            _ = mkdir(cur, 0o700)
        }
        let tmp = path + ".tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        var insns = program.instructions
        let n = insns.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        // rename is atomic: a concurrent run reads the old file, the new one, or none.
        if n == program.byteCount { _ = rename(tmp, path) } else { _ = unlink(tmp) }
    }
}
