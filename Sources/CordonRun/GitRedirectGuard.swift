// After a sandboxed run: a `.git/commondir` the command created in the workspace's repository
// is moved aside before any git on the host can read it.
//
// `filesystem.protect` keeps `.git/config` and `.git/hooks` read-only, but the rest of `.git/`
// must stay writable (commits write objects, refs and the index). git reads one more file
// there that redirects everything: `commondir`, a path to the directory holding the shared
// parts of a repository (linked worktrees use it in `.git/worktrees/NAME/`, never in the main
// `.git/`). A command that writes `.git/commondir` naming a directory of its own makes the
// host's next `git status` read that directory's `config` and `hooks`, so its
// `core.fsmonitor` (or a hook, a filter driver, a pager) runs on the host outside any sandbox.
// A read-only mount cannot cover a file that does not exist yet, so the check is after the
// run: a new or changed `.git/commondir` is renamed to `commondir.cordon-quarantine-RUN` (kept
// for inspection, ignored by git), with a `violation` trace event, a gate.log line
// (`source=tamper`) and a notice. A git started on the host *during* the run could still read
// it; docs/architecture.md ("Escape-suite coverage") says so.
import CordonAudit
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

struct GitRedirectGuard {
    /// `WORKSPACE/.git`, when it is a real directory (a linked worktree's `.git` file points
    /// elsewhere, and its repository is not this workspace's to guard).
    let gitDir: String
    /// `commondir`'s bytes when the run started (nil: there was none).
    let before: [UInt8]?

    static let name = "commondir"

    init?(workspace: String) {
        let dir = workspace + "/.git"
        var st = stat()
        guard lstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return nil }
        gitDir = dir
        before = Self.read(dir + "/" + Self.name)
    }

    /// The file's bytes (at most 4 KiB: a path), nil when it is missing or not a regular file.
    static func read(_ path: String) -> [UInt8]? {
        // O_NOFOLLOW: a symlink in its place is read as "something is there" below, not followed.
        let fd = FileIO.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return try? FileIO.readAll(fd, name: path, limit: 4096)
    }

    /// Moves a new or changed `commondir` aside; returns what was done, for the evidence.
    func check(run: String) -> String? {
        let path = gitDir + "/" + Self.name
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        if (st.st_mode & S_IFMT) == S_IFREG, let now = Self.read(path), now == before { return nil }
        let aside = path + ".cordon-quarantine-" + run
        // rename(2) of the entry itself: a symlink is moved, never followed.
        guard rename(path, aside) == 0 else {
            return
                "the command wrote \(path), which makes git on the host read another directory's config and hooks; moving it aside failed (\(Errno(errno))): remove it before running git in this workspace"
        }
        let target = Self.read(aside).map { String(decoding: $0, as: UTF8.self) }?.trimmingBlanks() ?? "?"
        return
            "the command wrote \(path) (pointing to '\(TerminalText.line(target))'), which makes git on the host read that directory's config and hooks: moved aside to \(aside)"
    }
}

/// Submodules the command populated: a gitlink in the index (mode 160000) whose working tree
/// has a `.git` made or changed during the run. The host's `git status` runs a git inside every
/// populated submodule, which reads that `.git`'s config (core.fsmonitor, hooks, filters): a
/// command that stages a gitlink in front of a repository it made gets that config run on the
/// host, and `.git/config`'s protection does not cover it. Such a `.git` is moved aside after
/// the run (`.git.cordon-quarantine-RUN`; the submodule then reads as not checked out), with
/// the same evidence as `commondir`.
struct GitSubmoduleGuard {
    let workspace: String
    /// The run's start on the clock that stamps files (the kernel's coarse realtime clock, so
    /// a file changed after this moment never carries an earlier time).
    let since: timespec
    /// The index as the run found it: unchanged after the run, nothing was staged (and a
    /// submodule the user added on the host just before the run is not the command's).
    let index: (ino: UInt, size: Int, ctime: timespec)?

    init?(workspace: String) {
        var st = stat()
        guard lstat(workspace + "/.git", &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return nil }
        self.workspace = workspace
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        since = now
        index = lstat(workspace + "/.git/index", &st) == 0 ? (UInt(st.st_ino), Int(st.st_size), st.st_ctim) : nil
    }

    func check(run: String) -> [String] {
        var st = stat()
        let path = workspace + "/.git/index"
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return [] }
        if let i = index, i.ino == UInt(st.st_ino), i.size == Int(st.st_size), i.ctime.tv_sec == st.st_ctim.tv_sec,
            i.ctime.tv_nsec == st.st_ctim.tv_nsec
        {
            return []
        }
        // An index cordon cannot read (a SHA-256 repository, a format after version 4, over
        // 256 MiB) is not passed as checked: the caller is told to look before running git.
        guard let bytes = try? FileIO.readFile(path, limit: 256 << 20), let links = Self.gitlinks(bytes) else {
            return [
                "the command changed \(path), which cordon could not read to check for submodules it staged: look ('git ls-files -s | grep ^160000') before running git in this workspace"
            ]
        }
        var out: [String] = []
        for rel in links where !rel.split(separator: "/").contains("..") && !Self.throughSymlink(workspace, rel) {
            let dotGit = workspace + "/" + rel + "/.git"
            guard lstat(dotGit, &st) == 0, Self.changedSince(dotGit, st, since) else { continue }
            let aside = dotGit + ".cordon-quarantine-" + run
            if rename(dotGit, aside) == 0 {
                out.append(
                    "the command staged submodule '\(TerminalText.line(rel))' with a git directory it made or changed (\(dotGit)), whose config the host's git status would run: moved aside to \(aside)"
                )
            } else {
                out.append(
                    "the command staged submodule '\(TerminalText.line(rel))' with a git directory it made or changed (\(dotGit)); moving it aside failed (\(Errno(errno))): remove it before running git in this workspace"
                )
            }
        }
        return out
    }

    /// Whether a component of `rel` (or its `.git`) is a symbolic link: cordon may run as root,
    /// and a rename through a link the command planted would move a directory elsewhere on the
    /// host. git itself does not look into a submodule beyond a symbolic link.
    static func throughSymlink(_ workspace: String, _ rel: String) -> Bool {
        var cur = workspace
        var st = stat()
        for comp in rel.split(separator: "/").map(String.init) + [".git"] {
            cur += "/" + comp
            if lstat(cur, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK { return true }
        }
        return false
    }

    static func after(_ t: timespec, _ since: timespec) -> Bool {
        t.tv_sec > since.tv_sec || (t.tv_sec == since.tv_sec && t.tv_nsec >= since.tv_nsec)
    }

    /// The `.git` itself, or (a directory) its config or hooks, or (a `gitdir:` file) the
    /// directory it names and that directory's config, changed since the run began.
    static func changedSince(_ dotGit: String, _ st: stat, _ since: timespec) -> Bool {
        if after(st.st_ctim, since) { return true }
        var dir = dotGit
        if (st.st_mode & S_IFMT) == S_IFREG {
            guard let text = try? FileIO.readFile(dotGit, limit: 4096) else { return true }
            let line = String(decoding: text, as: UTF8.self).split(separator: "\n").first ?? ""
            guard line.hasPrefix("gitdir:") else { return true }
            let named = line.dropFirst("gitdir:".count).trimmingPrefix(while: { $0 == " " })
            let parent = String(dotGit.dropLast("/.git".count))
            dir = named.hasPrefix("/") ? String(named) : parent + "/" + named
        }
        var s = stat()
        for p in [dir, dir + "/config", dir + "/hooks"] where lstat(p, &s) == 0 && after(s.st_ctim, since) {
            return true
        }
        return false
    }

    /// Paths of the index's gitlink entries (git's index format, versions 2-4, SHA-1 names);
    /// nil when the file is not an index this reader understands.
    static func gitlinks(_ b: [UInt8]) -> [String]? {
        func u32(_ i: Int) -> UInt32 {
            UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
        }
        guard b.count >= 12, b[0] == 0x44, b[1] == 0x49, b[2] == 0x52, b[3] == 0x43 else { return nil }
        let version = u32(4)
        guard (2...4).contains(version) else { return nil }
        let count = Int(u32(8))
        var at = 12
        var previous: [UInt8] = []
        var out: [String] = []
        for _ in 0..<count {
            // ctime, mtime (8 each), dev, ino, mode, uid, gid, size (4 each), the object name (20).
            guard at + 62 <= b.count else { return nil }
            let mode = u32(at + 24)
            let flags = UInt16(b[at + 60]) << 8 | UInt16(b[at + 61])
            var p = at + 62
            if flags & 0x4000 != 0 {
                guard version >= 3 else { return nil }
                p += 2
            }
            var name: [UInt8]
            if version == 4 {
                // The number of bytes to drop from the previous name (git's offset varint), then
                // the rest of the name up to a NUL; no padding.
                guard p < b.count else { return nil }
                var c = b[p]
                p += 1
                var drop = Int(c & 127)
                while c & 128 != 0 {
                    guard p < b.count, drop < 1 << 24 else { return nil }
                    c = b[p]
                    p += 1
                    drop = ((drop + 1) << 7) + Int(c & 127)
                }
                guard drop <= previous.count, let nul = b[p...].firstIndex(of: 0) else { return nil }
                name = Array(previous.dropLast(drop)) + b[p..<nul]
                at = nul + 1
            } else {
                guard let nul = b[p...].firstIndex(of: 0) else { return nil }
                name = Array(b[p..<nul])
                // Entries are padded with 1-8 NULs to a multiple of 8 bytes.
                at += (p - at + name.count + 8) & ~7
            }
            previous = name
            if mode & 0o170000 == 0o160000 { out.append(String(decoding: name, as: UTF8.self)) }
        }
        return out
    }
}
