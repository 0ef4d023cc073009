// The state store's seal: which rows of a `.cordon/state.db` this user's cordon wrote.
//
// A state store is an ordinary file in the project, so cordon cannot tell from the file alone
// who made it. Two ways a store cordon never wrote reaches a later run:
// - it came with the code: a repository that commits `.cordon/state.db` (the `.gitignore` of
//   `*` cordon writes is the attacker's to leave out) with a remembered rule for the project's
//   name, which is the directory's last component and so known in advance;
// - a sandboxed command made it: the sandbox hides only the current workspace's `.cordon/`, so
//   a command may write `sub/.cordon/state.db` for a later run whose workspace is `sub/`.
// Either would turn approval into a formality (a remembered `curl`, `git push` or `sh` up to
// score 100) or teach the anomaly detector that the attack is normal.
//
// So every row that grants something (a remembered rule, an approver key) or defines normal
// (an anomaly profile) carries an HMAC-SHA256 tag under a per-user key kept at
// `~/.config/cordon/store.key` (mode 0600, directory 0700). That directory is in the default
// `hide:` list, so no sandboxed command reads the key, and cordon makes the key before any
// sandbox of a run is built (`ensure()`), so a command cannot plant a key of its own there when
// the workspace is the home directory. Rows without a valid tag are kept in the file but never
// used: rules and approver keys do not apply, a profile is learned again from scratch. The
// tag binds the row to the store's directory too, so a row copied from one project's store into
// another's is refused. What this cannot stop: an agent running *unsandboxed* as the same user
// (it can read the key, as it can the approver key; docs/approvals.md).
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public struct StoreSeal: Sendable {
    let key: [UInt8]

    /// `~/.config/cordon/store.key` of `home` (never `XDG_CONFIG_HOME`: only this path is in the
    /// default `hide:` list, and a key outside it could be read by a sandboxed command).
    public static func keyPath(home: String) -> String { home + "/.config/cordon/store.key" }

    /// The process's seal, loaded (made, the first time) from `$HOME`'s key on first use;
    /// the error says why there is none.
    public static let shared: Result<StoreSeal, StoreError> = load(home: processHome(), create: true)

    /// Makes the key before a sandbox can see the home directory (cordon run's first step).
    /// A failure is reported where a seal is needed, not here.
    public static func ensure() { _ = shared }

    static func processHome() -> String {
        if let h = getenv("HOME"), h[0] != 0 { return String(cString: h) }
        if let pw = getpwuid(geteuid()), let d = pw.pointee.pw_dir { return String(cString: d) }
        return "/root"
    }

    public init(key: [UInt8]) { self.key = key }

    /// Reads the key at `home`'s path, making it (32 random bytes as hex) when it is missing
    /// and `create` is set.
    public static func load(home: String, create: Bool) -> Result<StoreSeal, StoreError> {
        let path = keyPath(home: home)
        do throws(StoreError) {
            if let key = try read(path, home: home) { return .success(StoreSeal(key: key)) }
            guard create else { return .failure(StoreError(.unreadable, "no store key yet", path: path)) }
            try make(path)
            guard let key = try read(path, home: home) else {
                return .failure(StoreError(.unreadable, "store key vanished after it was made", path: path))
            }
            return .success(StoreSeal(key: key))
        } catch {
            return .failure(error)
        }
    }

    /// The key's bytes, or nil when there is no key file. A key that is not the caller's own
    /// regular file with mode 0600 is refused: another user who could write it could forge rows.
    /// As root, the home directory's owner's key is the caller's too (`sudo cordon` keeps the
    /// user's `$HOME`, and root made it for that user: `make`); that user owns the home and
    /// everything cordon would read there anyway.
    static func read(_ path: String, home: String) throws(StoreError) -> [UInt8]? {
        // O_NOFOLLOW: a symbolic link in the key's place is refused, not followed.
        let fd = FileIO.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw StoreError(.unreadable, "store key: \(Errno(errno))", path: path)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw StoreError(.unreadable, "store key is not a regular file", path: path)
        }
        var homeStat = stat()
        let homeOwner = stat(home, &homeStat) == 0 ? homeStat.st_uid : geteuid()
        guard st.st_uid == geteuid() || (geteuid() == 0 && st.st_uid == homeOwner) else {
            throw StoreError(
                .unreadable, "store key belongs to uid \(st.st_uid), not to this user (\(geteuid())); remove it",
                path: path)
        }
        guard st.st_mode & 0o077 == 0 else {
            throw StoreError(
                .unreadable,
                "store key can be read or written by other users (mode \(String(st.st_mode & 0o777, radix: 8))); run 'chmod 600 \(path)'",
                path: path)
        }
        let bytes: [UInt8]
        do throws(SystemError) { bytes = try FileIO.readAll(fd, name: path, limit: 4096) } catch {
            throw StoreError(.unreadable, "store key: \(error)", path: path)
        }
        let text = bytes.filter { $0 != 0x0A && $0 != 0x20 }
        guard text.count >= 64 else { throw StoreError(.unreadable, "store key is too short (remove it)", path: path) }
        return text
    }

    /// Writes a new key under a temporary name and links it into place, so two cordons making
    /// it at once both end up with the one that won the link (never half a key). As root, what
    /// is made takes the owner of the directory it is made in (FileIO.adoptOwner): root running
    /// with a user's `$HOME` must not leave a root-owned `~/.config` the user cannot write, nor
    /// a directory the sandbox (which acts as the workspace's owner) cannot reach to cover it.
    static func make(_ path: String) throws(StoreError) {
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        var prefix = ""
        var parent = "/"
        let comps = dir.split(separator: "/")
        for (i, comp) in comps.enumerated() {
            prefix += "/" + comp
            // `~/.config` as `mkdir -p` with the usual umask makes it (0755): the sandbox's setup
            // must be able to pass through it to cover `cordon/` when the home is visible; only
            // `cordon/` itself is private.
            if mkdir(prefix, i == comps.count - 1 ? 0o700 : 0o755) == 0 {
                FileIO.adoptOwner(of: prefix, directory: parent)
            } else if errno != EEXIST {
                throw StoreError(.unreadable, "create \(prefix) for the store key: \(Errno(errno))", path: path)
            }
            parent = prefix
        }
        var g = SystemRandomNumberGenerator()
        let text = Array(newKeyText().utf8)
        let temp = path + ".new-\(getpid())-\(g.next() as UInt32)"
        let fd = FileIO.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 { throw StoreError(.unreadable, "create the store key: \(Errno(errno))", path: path) }
        let dirFD = FileIO.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            FileIO.adoptOwner(fd, directory: dirFD)
            close(dirFD)
        }
        let (_, err) = text.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        let synced = fsync(fd) == 0
        close(fd)
        defer { unlink(temp) }
        guard err == 0, synced else {
            throw StoreError(.unreadable, "write the store key: \(Errno(err != 0 ? err : errno))", path: path)
        }
        if link(temp, path) != 0 && errno != EEXIST {
            throw StoreError(.unreadable, "put the store key in place: \(Errno(errno))", path: path)
        }
    }

    /// A new key's text: 32 random bytes (getrandom(2), through the stdlib generator) as hex
    /// and a newline. The approver key is made the same way.
    public static func newKeyText() -> String {
        var g = SystemRandomNumberGenerator()
        var raw: [UInt8] = []
        for _ in 0..<4 {
            let r: UInt64 = g.next()
            for k in 0..<8 { raw.append(UInt8(truncatingIfNeeded: r >> (8 * k))) }
        }
        return SHA256.hexOf(raw) + "\n"
    }

    /// The tag of a row: HMAC-SHA256 over its fields, each preceded by its length, so no two
    /// different rows give the same message (`a|bc` and `ab|c`).
    public func tag(_ fields: [String]) -> String {
        var message: [UInt8] = []
        for f in fields {
            let bytes = Array(f.utf8)
            message += Array("\(bytes.count):".utf8) + bytes
        }
        return SHA256.hexOf(SHA256.hmac(key: key, message: message))
    }

    /// Whether `tag` is this key's tag of `fields`, compared in constant time (no early exit
    /// that would let a forger learn the tag byte by byte through timing).
    public func verifies(_ tag: String?, _ fields: [String]) -> Bool {
        guard let tag else { return false }
        let want = Array(self.tag(fields).utf8)
        let got = Array(tag.utf8)
        guard want.count == got.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<want.count { diff |= want[i] ^ got[i] }
        return diff == 0
    }
}
