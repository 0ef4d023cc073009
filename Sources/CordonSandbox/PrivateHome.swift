// The command's HOME: a private, writable directory made for the run and removed after it,
// holding copies of the harmless configuration a tool needs from the caller's home
// (`sandbox.home.copy`: ~/.gitconfig, ~/.config/git/, ...), so `git commit` has the caller's
// identity. Copies, not binds: what the command writes there (`git config --global`) never
// reaches the caller's files. A file is never copied when it is hidden
// (`filesystem.hide`) or when it holds credentials (CredentialMarkers), and a name that
// looks like a credential store (credentials, *token*, ...) is skipped whatever it holds.
import CSandbox
import CordonBase
import CordonPolicy
import Glibc

public struct PrivateHome: Sendable {
    public let path: String
    /// What was copied and what was left out (and why), relative to the caller's home.
    public var copied: [String] = []
    public var skipped: [(String, String)] = []

    /// What the copies were made from: the caller's home, the hidden paths, and for every path
    /// visited its inode, size and modification time. The same fingerprint means the same
    /// copies (a changed file or directory changes its mtime).
    var fingerprint: [String] = []

    /// Creates the directory (0700, in the host's /tmp), or takes `existing` (a prepared
    /// sandbox's), and copies what the policy lists. `reuse`: the copies a prepared sandbox's
    /// HOME already holds, kept when nothing they came from changed, else made again.
    static func make(_ req: SandboxRequest, into existing: String? = nil, reuse: PrivateHome? = nil)
        throws(SandboxError) -> PrivateHome
    {
        var home: PrivateHome
        if let e = existing {
            home = PrivateHome(path: e)
        } else {
            // Named after this cordon, so a later one can remove what a killed one left (sweepStale).
            var template = Array("/tmp/cordon-home-\(getpid())-\(pidNamespace)-XXXXXX".utf8CString)
            guard let p = mkdtemp(&template) else {
                throw SandboxError(.setup("mkdtemp /tmp/cordon-home-\(getpid())-XXXXXX"), errno: .current)
            }
            home = PrivateHome(path: String(cString: p))
        }
        if let prev = reuse, prev.path == home.path {
            var check = home
            check.fill(req, writing: false)
            if check.fingerprint == prev.fingerprint { return prev }
            // Emptied in place: the prepared sandbox has this very directory bound.
            for name in FileIO.list(home.path) { _ = cs_remove_tree(home.path + "/" + name) }
        }
        home.fill(req, writing: true)
        return home
    }

    /// The copies (or, not `writing`, only the fingerprint they would have).
    mutating func fill(_ req: SandboxRequest, writing: Bool) {
        guard let callerHome = req.hostEnvironment["HOME"].flatMap(PathTools.real) else { return }
        let hidden = (req.policy.sandbox.filesystem.hide + req.hide).compactMap { h -> String? in
            guard let e = PathTools.expandHome(h, home: callerHome) else { return nil }
            return PathTools.real(e) ?? PathTools.normalize(e)
        }
        fingerprint = [callerHome] + hidden
        for entry in req.policy.sandbox.home.copy {
            guard let host = PathTools.expandHome(entry, home: callerHome) else { continue }
            copy(PathTools.normalize(host), callerHome: callerHome, hidden: hidden, depth: 0, writing: writing)
        }
    }

    mutating func copy(_ host: String, callerHome: String, hidden: [String], depth: Int, writing: Bool) {
        guard PathTools.isUnder(host, callerHome), host != callerHome, depth < 4 else { return }
        var st = stat()
        fingerprint.append(
            lstat(host, &st) == 0
                ? "\(host) \(st.st_mode) \(st.st_ino) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
                : "\(host) -")
        let rel = String(host.dropFirst(callerHome.count + 1))
        if hidden.contains(where: { PathTools.isUnder(host, $0) }) {
            skipped.append((rel, "hidden by sandbox.filesystem.hide"))
            return
        }
        switch PathTools.lkind(host) {
        case .directory:
            for name in FileIO.list(host).sorted() {
                copy(host + "/" + name, callerHome: callerHome, hidden: hidden, depth: depth + 1, writing: writing)
            }
        case .file:
            guard writing else { return }
            let name = String(host.split(separator: "/").last ?? "")
            if CredentialMarkers.nameLooksSecret(name) {
                skipped.append((rel, "its name is a credential store's"))
                return
            }
            // Config files are small; a big one is not configuration.
            guard let bytes = try? FileIO.readFile(host, limit: 1 << 20) else {
                skipped.append((rel, "unreadable or over 1 MiB"))
                return
            }
            if let marker = CredentialMarkers.find(bytes) {
                skipped.append((rel, "it holds credentials (\(marker))"))
                return
            }
            let dest = path + "/" + rel
            makeParents(dest)
            let fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o444)
            guard fd >= 0 else { return }
            _ = bytes.withUnsafeBytes { FileIO.writeAll(fd, $0) }
            close(fd)
            copied.append(rel)
        default:
            return
        }
    }

    func makeParents(_ file: String) {
        var cur = path
        let rel = file.dropFirst(path.count + 1).split(separator: "/").dropLast()
        for c in rel {
            cur += "/" + c
            _ = mkdir(cur, 0o700)
        }
    }

    /// As root the directory and its copies are handed to the sandbox's host uid, so the
    /// unprivileged command can write its own HOME (files stay 0444: copies, read-only by
    /// default, but the command may replace them).
    static func own(_ path: String, uid: UInt32, gid: UInt32) {
        guard geteuid() == 0 else { return }
        func walk(_ p: String) {
            _ = lchown(p, uid, gid)
            if case .directory = PathTools.lkind(p) { for n in FileIO.list(p) { walk(p + "/" + n) } }
        }
        walk(path)
    }

    func remove() { _ = cs_remove_tree(path) }

    /// This process's pid namespace, by its inode ("unknown" without /proc: then nothing is
    /// swept, since a pid could not be told from another namespace's).
    public static let pidNamespace: String = {
        var st = stat()
        return stat("/proc/self/ns/pid", &st) == 0 ? String(st.st_ino) : "unknown"
    }()

    /// Removes the HOMEs of cordons that died without cleaning up (SIGKILL gives no chance):
    /// `/tmp/cordon-home-<pid>-<pid namespace>-XXXXXX` whose <pid> no longer exists in this
    /// pid namespace. One made in another pid namespace (a container sharing /tmp) is never
    /// touched: its pid means nothing here. A live cordon's (a warm
    /// runner's waiting one too) is kept, and so is a dead one's whose pid was reused, until
    /// that process is gone. The removal walks by descriptor and never follows a link
    /// (cs_remove_tree), so a directory planted under such a name costs its owner only itself.
    ///
    /// Listing /tmp is not free where it holds thousands of entries, so a user's cordons sweep
    /// at most once per `interval` seconds (the mtime of /tmp/.cordon-home-swept-<uid>).
    public static func sweepStale(interval: Int = 60) {
        guard pidNamespace != "unknown" else { return }
        let marker = "/tmp/.cordon-home-swept-\(geteuid())"
        var st = stat()
        if lstat(marker, &st) == 0 {
            // A marker that is not our own regular file (planted) only stops the sweeping.
            guard st.st_mode & S_IFMT == S_IFREG, st.st_uid == geteuid() else { return }
            if time(nil) - st.st_mtim.tv_sec < interval { return }
            guard utimensat(AT_FDCWD, marker, nil, AT_SYMLINK_NOFOLLOW) == 0 else { return }
        } else {
            let fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return }
            close(fd)
        }
        var stale: [String] = []
        for name in FileIO.list("/tmp") where name.hasPrefix("cordon-home-") {
            let parts = name.dropFirst("cordon-home-".count).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[2].count == 6, parts[1] == Substring(pidNamespace),
                let owner = Int32(parts[0]), owner > 0, owner != getpid()
            else { continue }
            if kill(owner, 0) != 0 && errno == ESRCH { stale.append("/tmp/" + name) }
        }
        for dir in stale { _ = cs_remove_tree(dir) }
    }
}

/// How a config file gives away that it holds a secret. Lower-cased substring matches: a
/// false positive only means a harmless file is not copied (and `doctor`/stderr say so).
enum CredentialMarkers {
    static let markers = [
        "_authtoken", "_auth", "_password", "password", "passwd", "token", "secret", "extraheader",
        "authorization", "api_key", "apikey", "private key",
    ]

    static func find(_ bytes: [UInt8]) -> String? {
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        for m in markers where StderrHints.contains(lower, Array(m.utf8)) { return m }
        // A URL with a user and password in it: https://user:secret@host
        if let u = userinfoURL(lower) { return u }
        return nil
    }

    /// `scheme://user:password@`: finds "://", then a ':' and an '@' before the next '/' or space.
    static func userinfoURL(_ b: [UInt8]) -> String? {
        var i = 0
        while i + 3 < b.count {
            if b[i] == 0x3A && b[i + 1] == 0x2F && b[i + 2] == 0x2F {
                var j = i + 3
                var colon = false
                while j < b.count, ![0x2F, 0x20, 0x0A, 0x09, 0x22, 0x27].contains(b[j]) {
                    if b[j] == 0x3A { colon = true }
                    if b[j] == 0x40 && colon { return "a URL with a password" }
                    j += 1
                }
            }
            i += 1
        }
        return nil
    }

    static func nameLooksSecret(_ name: String) -> Bool {
        // ASCII names (nearly all) are lowered byte by byte: String.lowercased() goes through
        // the Unicode tables, a cost every `cordon run` paid per file in the HOME copies
        // (0.7 % of a run's CPU, perf). Anything else takes the Unicode way, as before.
        let n =
            name.utf8.allSatisfy { $0 < 0x80 }
            ? String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
            : name.lowercased()
        return n.contains("credential") || n.contains("token") || n.contains("secret") || n.hasSuffix(".pem")
            || n.hasSuffix(".key")
    }
}
