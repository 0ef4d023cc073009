// Where evidence lives: `.cordon/` in the current directory, or `CORDON_HOME`, or `--log-dir`.
// It holds `gate.log` (plus `gate.log.1`...`gate.log.N` after rotation), `gate.log.lock` and
// `traces/`. Created 0700: decisions name commands, agents and sometimes secrets they tried to
// use, so other local users must not read them.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public struct LogDirectory: Sendable, Equatable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `--log-dir` wins, then `CORDON_HOME`, then `.cordon` under `cwd`.
    public static func resolve(option: String?, environment: [String: String], cwd: String? = nil) -> LogDirectory {
        if let o = option, !o.isEmpty { return LogDirectory(path: o) }
        if let h = environment["CORDON_HOME"], !h.isEmpty { return LogDirectory(path: h) }
        let base = cwd ?? FileIO.cwd()
        return LogDirectory(path: base == "/" ? "/.cordon" : base + "/.cordon")
    }

    public var gateLog: String { path + "/gate.log" }
    public var lockFile: String { path + "/gate.log.lock" }
    public var traces: String { path + "/traces" }

    /// Opens the directory itself, refusing a symbolic link in its place. Writers keep this
    /// descriptor and name their files relative to it, so a sandbox that renames a parent
    /// directory mid-run and plants a fresh `.cordon/` there cannot redirect or split the
    /// evidence, and a `.cordon` symlink left by an earlier run cannot send a root run's writes
    /// into a directory of its choosing (security issue D.11).
    public func openDirectory() throws(AuditError) -> Int32 {
        try Self.openDirectory(path, at: AT_FDCWD, name: path)
    }

    /// `traces/` under the directory open as `fd`, refusing a symbolic link the same way.
    public func openTraces(in fd: Int32) throws(AuditError) -> Int32 {
        try Self.openDirectory("traces", at: fd, name: traces)
    }

    static func openDirectory(_ path: String, at dirFD: Int32, name: String) throws(AuditError) -> Int32 {
        let fd = Errno.retryingEINTR { openat(dirFD, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        if fd >= 0 { return fd }
        let e = errno
        if e == ELOOP || e == ENOTDIR {
            var st = stat()
            if fstatat(dirFD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == S_IFLNK {
                throw AuditError(
                    .write,
                    "open log directory \(name): is a symbolic link (refused: evidence is written only to a real directory)",
                    path: name, errno: e)
            }
        }
        throw AuditError.system(.write, "open log directory", path: name, errno: e)
    }

    /// `gate.log.N`, the Nth newest rotated file.
    public func rotated(_ n: Int) -> String { "\(gateLog).\(n)" }

    /// Creates the directory (and missing parents) and `traces/`, mode 0700. An existing
    /// directory is kept as it is. A new one gets a `.gitignore` of `*`: `.cordon/` usually sits
    /// in the user's repository, and a host-side `git add -A` must not commit gate.log, traces
    /// and the approval store.
    public func create() throws(AuditError) {
        if try Self.makeDirectories(path) { Self.writeGitignore(in: path) }
        try Self.makeDirectories(traces)
        // Two makers at once (a run's early sandbox and its gate thread, or two runs in a fresh
        // workspace): the one that finds a directory already there can go on to create its files
        // between the other's mkdir and chown, while the directory is still root's, and its
        // files then stay root's (seen: a trace owned by root in a user's `.cordon/traces`). So
        // both of cordon's own directories get their owner settled here, whoever made them.
        Self.settleOwner(path, in: Self.parent(of: path))
        Self.settleOwner(traces, in: path)
    }

    /// Makes `path` as an evidence directory (0700, `.gitignore`, the parent's owner as root)
    /// without `traces/`, when it is missing; false when it is not a directory afterwards. For a
    /// workspace's `.cordon/` while the evidence goes elsewhere: it must exist to be covered.
    @discardableResult
    public static func reserve(_ path: String) -> Bool {
        if let made = try? makeDirectories(path), made {
            writeGitignore(in: path)
            settleOwner(path, in: parent(of: path))
        }
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// As root, a directory of cordon's still owned by root takes its parent's owner
    /// (FileIO.adoptOwner). Only `.cordon` and its `traces/`: a parent directory cordon did not
    /// make is never chowned.
    static func settleOwner(_ dir: String, in parent: String) {
        guard geteuid() == 0 else { return }
        var st = stat()
        guard lstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == 0 else { return }
        FileIO.adoptOwner(of: dir, directory: parent)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func writeGitignore(in dir: String) {
        // O_EXCL|O_NOFOLLOW: never through a planted link; an existing file is left alone.
        let fd = FileIO.open(dir + "/.gitignore", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let text = Array("# cordon's evidence (gate.log, traces, state.db): never committed\n*\n".utf8)
        _ = text.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        FileIO.adoptOwner(of: dir + "/.gitignore", directory: dir)
    }

    /// Makes the missing directories of `path`; true when the last one was made here. Each new
    /// one takes its parent's owner (FileIO.adoptOwner: root writing in a user's project).
    @discardableResult
    static func makeDirectories(_ path: String) throws(AuditError) -> Bool {
        if FileIO.isDirectory(path) { return false }
        var prefix = path.hasPrefix("/") ? "" : "."
        var parent = prefix.isEmpty ? "/" : "."
        for comp in path.split(separator: "/") {
            prefix += "/" + comp
            defer { parent = prefix }
            if mkdir(prefix, 0o700) == 0 {
                FileIO.adoptOwner(of: prefix, directory: parent)
            } else {
                let e = errno
                if e == EEXIST {
                    if FileIO.isDirectory(prefix) { continue }
                    throw AuditError(
                        .write, "create log directory \(path): \(prefix) exists and is not a directory", path: path,
                        errno: ENOTDIR)
                }
                throw AuditError(.write, "create log directory \(path): \(errnoString(e))", path: path, errno: e)
            }
        }
        return true
    }

    /// The gate.log set on disk, oldest first: `gate.log.N` ... `gate.log.1`, `gate.log`.
    public func logFiles() -> [String] {
        var rotatedNumbers: [Int] = []
        for name in FileIO.list(path) where name.hasPrefix("gate.log.") {
            if let n = Int(name.dropFirst("gate.log.".count)), n > 0 { rotatedNumbers.append(n) }
        }
        var out = rotatedNumbers.sorted(by: >).map { rotated($0) }
        if FileIO.exists(gateLog) { out.append(gateLog) }
        return out
    }

    /// Orders log file paths given on a command line as a rotated set: `X.3`, `X.2`, `X.1`, `X`.
    /// Files of different sets keep their relative order.
    public static func orderAsSet(_ paths: [String]) -> [String] {
        func key(_ p: String) -> (String, Int) {
            if let dot = p.lastIndex(of: "."), let n = Int(p[p.index(after: dot)...]), n > 0 {
                return (String(p[..<dot]), n)
            }
            return (p, 0)
        }
        let indexed = paths.enumerated().map { (i: $0.offset, p: $0.element, k: key($0.element)) }
        var firstIndex: [String: Int] = [:]
        for x in indexed where firstIndex[x.k.0] == nil { firstIndex[x.k.0] = x.i }
        return indexed.sorted {
            let a = firstIndex[$0.k.0] ?? 0
            let b = firstIndex[$1.k.0] ?? 0
            if a != b { return a < b }
            return $0.k.1 > $1.k.1
        }.map(\.p)
    }
}
