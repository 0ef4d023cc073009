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
        let target = Self.read(aside).map { String(decoding: $0, as: UTF8.self) }?.trimmingCharacters() ?? "?"
        return
            "the command wrote \(path) (pointing to '\(TerminalText.line(target))'), which makes git on the host read that directory's config and hooks: moved aside to \(aside)"
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        var s = Substring(self)
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        return String(s)
    }
}
