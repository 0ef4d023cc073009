// `cordon run` as root (issue 13, section 1): any workspace, whoever owns it and whatever its
// mode, is writable by the unprivileged sandbox through an idmapped mount; what the command
// creates belongs to the workspace's owner; root-only files elsewhere stay unreadable; the
// evidence in `.cordon/` belongs to the workspace's owner too. Root only: as an ordinary user
// the sandbox already is the caller and none of this applies.
import Foundation
import Testing

@Suite(
    "root workspaces", .serialized,
    .enabled(if: SandboxSupport.available && geteuid() == 0, "needs root and the sandbox (CI runs as root)"))
struct RootWorkspaceTests {
    /// A fresh directory like `mktemp -d` makes: mode 0700, owned by `uid` (root by default).
    static func directory(owner uid: uid_t = 0, gid: gid_t = 0, mode: mode_t = 0o700, in base: String? = nil) throws
        -> String
    {
        let parent = base ?? FileManager.default.temporaryDirectory.path
        let path = parent + "/cordon-root-\(UUID().uuidString.prefix(8))"
        #expect(mkdir(path, mode) == 0)
        #expect(chmod(path, mode) == 0)
        #expect(chown(path, uid, gid) == 0)
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    static func owner(_ path: String) -> (uid: uid_t, gid: gid_t)? {
        var st = stat()
        return lstat(path, &st) == 0 ? (st.st_uid, st.st_gid) : nil
    }

    static func run(_ dir: String, _ script: String, env: [String: String]? = nil) throws -> Result {
        // The script is a file, so the gate sees only `sh ./s.sh`: these tests are about the
        // kernel boundary, not the gate.
        let file = dir + "/s.sh"
        try script.write(toFile: file, atomically: false, encoding: .utf8)
        return try Shell.cordon(
            ["run", "--approval", "deny", "--no-monitor", "--", "sh", "./s.sh"], cwd: dir, env: env)
    }

    @Test("a root-owned mode-0700 directory (mktemp -d) is writable and what the command makes stays root's")
    func rootOwnedPrivateDirectory() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.run(dir, "echo hi > f && mkdir d && git init -q && id -u\n")
        #expect(r.status == 0, "\(r.stderr)")
        // The sandbox is not root: it is the policy's uid, 65534.
        #expect(r.stdout.contains("65534"), "\(r.stdout)")
        // Root's, in sandbox.gid's group: never root's group, which a `chmod g+s` would hand to
        // any host user who can run the file (EscapeSuiteCoverageTests, setGroupIDGroup).
        for name in ["f", "d", ".git"] {
            let o = Self.owner(dir + "/" + name)
            #expect(o?.uid == 0 && o?.gid == 65534, "\(name) is owned by \(String(describing: o)) on the host")
        }
        #expect((try? String(contentsOfFile: dir + "/f", encoding: .utf8)) == "hi\n")
    }

    @Test("in a directory another user owns, the files the command makes are that user's, and so is .cordon/")
    func otherUsersDirectory() throws {
        let dir = try Self.directory(owner: 4242, gid: 4343, mode: 0o700)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.run(dir, "touch made && mkdir sub && touch sub/inner\n")
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["made", "sub", "sub/inner"] {
            let o = Self.owner(dir + "/" + name)
            #expect(o?.uid == 4242 && o?.gid == 4343, "\(name): \(String(describing: o))")
        }
        // The evidence belongs to the workspace's owner, or that user's next run could not
        // write its own (issue 13: "create log directory .cordon/traces: Permission denied").
        let evidence = [".cordon", ".cordon/gate.log", ".cordon/gate.log.lock", ".cordon/traces", ".cordon/.gitignore"]
        for name in evidence {
            #expect(Self.owner(dir + "/" + name)?.uid == 4242, "\(name) is not the owner's")
        }
        let traces = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/.cordon/traces")) ?? []
        #expect(!traces.isEmpty)
        for t in traces { #expect(Self.owner(dir + "/.cordon/traces/" + t)?.uid == 4242, "trace \(t)") }
    }

    @Test("root-only files stay unreadable and ~/.ssh stays hidden, with the idmapped workspace in place")
    func rootOnlyFilesStayClosed() throws {
        let home = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        #expect(mkdir(home + "/.ssh", 0o700) == 0)
        try "PRIVATE-KEY-MATERIAL\n".write(toFile: home + "/.ssh/id_ed25519", atomically: false, encoding: .utf8)
        chmod(home + "/.ssh/id_ed25519", 0o600)
        // The shell's own redirections: no exec the monitor or gate could stop, only the kernel.
        let script = """
            if read x < /etc/shadow; then echo SHADOW-READ; else echo shadow-closed; fi
            if read k < .ssh/id_ed25519; then echo "KEY-READ $k"; else echo key-closed; fi
            touch ok-written && echo wrote

            """
        let r = try Self.run(home, script, env: ["HOME": home])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("shadow-closed"), "\(r.stdout)")
        #expect(r.stdout.contains("key-closed"), "\(r.stdout)")
        #expect(!r.stdout.contains("PRIVATE-KEY-MATERIAL"))
        #expect(r.stdout.contains("wrote"), "\(r.stdout) \(r.stderr)")
        #expect(Self.owner(home + "/ok-written")?.uid == 0)
    }

    @Test("evidence goes to the workspace's .cordon/ when --workspace names another directory")
    func evidenceFollowsTheWorkspace() throws {
        let ws = try Self.directory()
        let elsewhere = try Self.directory()
        defer {
            try? FileManager.default.removeItem(atPath: ws)
            try? FileManager.default.removeItem(atPath: elsewhere)
        }
        let r = try Shell.cordon(
            ["run", "--approval", "deny", "--workspace", ws, "--", "true"], cwd: elsewhere)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws + "/.cordon/gate.log"))
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/.cordon"))
        let ignore = try String(contentsOfFile: ws + "/.cordon/.gitignore", encoding: .utf8)
        #expect(ignore.split(separator: "\n").contains("*"), "\(ignore)")
    }

    @Test("a filesystem without idmapped mounts: a clear refusal for a closed root directory, never host root")
    func filesystemWithoutIdmap() throws {
        // ramfs has no idmapped-mount support: the documented fallback must show.
        let mnt = try Self.directory(mode: 0o755)
        defer {
            _ = try? Shell.run("/bin/umount", [mnt])
            try? FileManager.default.removeItem(atPath: mnt)
        }
        let m = try Shell.run("/bin/mount", ["-t", "ramfs", "none", mnt])
        try #require(m.status == 0, "mount ramfs: \(m.stderr)")
        let closed = try Self.directory(mode: 0o700, in: mnt)
        let r = try Self.run(closed, "id -u\n")
        #expect(r.status == 125, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("cannot be idmapped"), "\(r.stderr)")
        #expect(r.stderr.contains("chown"), "the error says how to fix it: \(r.stderr)")

        // A user's directory there: the sandbox runs as that user (not root), and says so.
        let users = try Self.directory(owner: 4242, gid: 4343, mode: 0o700, in: mnt)
        let u = try Self.run(users, "id -u; touch made\n")
        #expect(u.status == 0, "\(u.stderr)")
        #expect(u.stderr.contains("runs as its owner, host uid 4242"), "\(u.stderr)")
        #expect(Self.owner(users + "/made")?.uid == 4242)
        #expect(Self.owner(users + "/made")?.gid == 4343)
    }
}
