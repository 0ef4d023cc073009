// What of the caller's environment the command gets (docs/environment.md, "The user's
// environment"): the variables `sandbox.env.inherit` names, the caller's PATH reduced to the
// entries the sandbox can see, and the toolchains on it (`sandbox.env.toolchains`) made
// visible read-only, so `swift`, pyenv's python or cargo are the caller's, not whatever
// /usr/bin holds. Hidden paths (`filesystem.hide`, cordon's own state) are never made visible
// and never on PATH. Pure computation over the host's filesystem metadata.
import CordonPolicy
import Glibc
import Synchronization

struct CallerEnvironment: Equatable {
    /// PATH inside the sandbox.
    var path: String
    /// Host directories bound read-only (at their own path) for the PATH entries under them.
    var toolchains: [String]
    /// Inherited variables besides PATH, then what the toolchains need now that HOME is not
    /// the caller's (PYENV_ROOT, RUSTUP_HOME, NVM_DIR).
    var variables: [(String, String)]

    static func == (a: CallerEnvironment, b: CallerEnvironment) -> Bool {
        a.path == b.path && a.toolchains == b.toolchains
            && a.variables.map { $0.0 + "=" + $0.1 }
                == b.variables.map { $0.0 + "=" + $0.1 }
    }

    static func resolve(_ req: SandboxRequest, namespaces: Bool) -> CallerEnvironment {
        // A warm runner resolved the same when it prepared (hundreds of path lookups): by the
        // inputs the answer depends on, the policy's parts, the request's and the variables read.
        guard PreparedSandbox.reusesWork else { return compute(req, namespaces: namespaces) }
        let sb = req.policy.sandbox
        let env = req.hostEnvironment
        let read = ["HOME", "PATH", "PYENV_ROOT", "NVM_DIR", "RUSTUP_HOME", "TMPDIR"].map { env[$0] ?? "\u{0}" }
        let inherited = env.filter { k, _ in
            sb.env.inherit.contains { $0.hasSuffix("_*") ? k.hasPrefix(String($0.dropLast())) : k == $0 }
        }.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value }
        // Joined by hand, not "\(array)": describing a collection or an enum goes through the
        // runtime's reflection, which costs milliseconds the first time in a process.
        let lists =
            [sb.env.inherit, sb.env.toolchains, sb.filesystem.hide, sb.filesystem.readOnly]
            + [sb.filesystem.readWrite, req.hide]
        let key =
            lists.map { $0.joined(separator: "\u{1}") }
            + [sb.mode.rawValue, req.workspace, namespaces ? "ns" : "-", String(geteuid())] + read + inherited
        if let m = memo.withLock({ $0?.key == key ? $0?.value : nil }) { return m }
        let value = compute(req, namespaces: namespaces)
        memo.withLock { $0 = (key, value) }
        return value
    }

    static let memo = Mutex<(key: [String], value: CallerEnvironment)?>(nil)

    static func compute(_ req: SandboxRequest, namespaces: Bool) -> CallerEnvironment {
        let sb = req.policy.sandbox
        let env = req.hostEnvironment
        let home = env["HOME"]
        var out = CallerEnvironment(path: PlanBuilder.sandboxPATH, toolchains: [], variables: [])
        for pattern in sb.env.inherit where pattern != "PATH" && pattern != "TMPDIR" {
            if pattern.hasSuffix("_*") {
                let prefix = String(pattern.dropLast())
                for (k, v) in env.sorted(by: { $0.key < $1.key }) where k.hasPrefix(prefix) {
                    out.variables.append((k, v))
                }
            } else if let v = env[pattern] {
                out.variables.append((pattern, v))
            }
        }
        // An image root (mode rootfs) has its own programs: the host's PATH means nothing there.
        guard sb.mode != .rootfs, sb.env.inherit.contains("PATH"), let callerPATH = env["PATH"] else { return out }

        let hidden = (sb.filesystem.hide + req.hide).compactMap { h -> String? in
            guard let e = PathTools.expandHome(h, home: home) else { return nil }
            return PathTools.real(e) ?? PathTools.normalize(e)
        }
        func isHidden(_ p: String) -> Bool { hidden.contains { PathTools.isUnder(p, $0) } }
        // What the sandbox shows of the host, at the same paths.
        var visible = sb.filesystem.readOnly.map { PathTools.real($0) ?? PathTools.normalize($0) }
        visible.append(req.workspace)
        visible += sb.filesystem.readWrite.compactMap { PathTools.real($0) }
        let roots = sb.env.toolchains.compactMap { t -> String? in
            guard let e = PathTools.expandHome(t, home: home) else { return nil }
            return PathTools.real(e)
        }

        var entries: [String] = []
        var seen: Set<String> = []
        func add(_ entry: String, real: String) {
            if seen.insert(real).inserted { entries.append(entry) }
        }
        // Without namespaces there are no binds: the command sees the host's tree through its
        // own uid, which as root is an unprivileged one that cannot walk into /root.
        let reachable = { (p: String) in namespaces || geteuid() != 0 || Self.othersCanSearch(p) }
        for raw in callerPATH.split(separator: ":").map(String.init) {
            // Relative entries (".", "") would search wherever the command happens to be.
            guard raw.hasPrefix("/"), let real = PathTools.real(raw), case .directory = PathTools.lkind(real),
                !isHidden(real), reachable(real)
            else { continue }
            if visible.contains(where: { PathTools.isUnder(real, $0) }) {
                add(visible.contains { PathTools.isUnder(PathTools.normalize(raw), $0) } ? raw : real, real: real)
                continue
            }
            guard let root = roots.first(where: { PathTools.isUnder(real, $0) }) else { continue }
            // Under /opt (or another system-like root) only the one toolchain's directory.
            var bind = root
            if root == "/opt" || !(home.map { PathTools.isUnder(root, PathTools.real($0) ?? $0) } ?? false) {
                let rest = real.dropFirst(root == "/" ? 1 : root.count + 1)
                if let first = rest.split(separator: "/").first { bind = root + "/" + first }
            }
            guard !isHidden(bind) else { continue }
            if !out.toolchains.contains(bind) { out.toolchains.append(bind) }
            visible.append(bind)
            add(real, real: real)
        }
        // The usual system directories stay findable after the caller's own.
        for d in PlanBuilder.sandboxPATH.split(separator: ":").map(String.init) {
            add(d, real: PathTools.real(d) ?? d)
        }
        out.path = entries.joined(separator: ":")

        // Toolchain managers find their root through HOME by default, and HOME is private now.
        func homePath(_ rel: String) -> String? { home.flatMap { PathTools.real($0 + "/" + rel) } }
        if let py = homePath(".pyenv"), out.toolchains.contains(py), env["PYENV_ROOT"] == nil {
            out.variables.append(("PYENV_ROOT", py))
        }
        if let nvm = homePath(".nvm"), out.toolchains.contains(nvm), env["NVM_DIR"] == nil {
            out.variables.append(("NVM_DIR", nvm))
        }
        // rustup's proxies in ~/.cargo/bin need its toolchains in ~/.rustup.
        if let cargo = homePath(".cargo/bin"), out.toolchains.contains(cargo), let rustup = homePath(".rustup"),
            !isHidden(rustup), reachable(rustup)
        {
            out.toolchains.append(rustup)
            if env["RUSTUP_HOME"] == nil { out.variables.append(("RUSTUP_HOME", rustup)) }
        }
        for (k, v) in env where ["PYENV_ROOT", "NVM_DIR", "RUSTUP_HOME"].contains(k) {
            if let r = PathTools.real(v), out.toolchains.contains(where: { PathTools.isUnder(r, $0) }) {
                out.variables.append((k, v))
            }
        }
        // TMPDIR only where the command can write it.
        if sb.env.inherit.contains("TMPDIR"), let t = env["TMPDIR"], let r = PathTools.real(t) {
            let writable = [req.workspace] + sb.filesystem.readWrite.compactMap { PathTools.real($0) }
            if writable.contains(where: { PathTools.isUnder(r, $0) }) && !isHidden(r) {
                out.variables.append(("TMPDIR", r))
            }
        }
        return out
    }

    /// Whether every directory from / down to `path` may be searched by anyone (o+x).
    static func othersCanSearch(_ path: String) -> Bool {
        var cur = ""
        for c in path.split(separator: "/") {
            cur += "/" + c
            var st = stat()
            if stat(cur, &st) != 0 || st.st_mode & S_IXOTH == 0 { return false }
        }
        return true
    }
}
