// The escape suite, session 14: guarantees the docs made that no escape test checked yet, each
// attempted from inside a real run, with a control showing the attempt works without the sandbox
// (docs/architecture.md, "Escape-suite coverage", lists which test holds which guarantee).
import CordonBase
import CordonTestSupport
import Foundation
import Testing

@Suite(
    "escape suite: coverage", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason),
    .timeLimit(.minutes(10)))
struct EscapeSuiteCoverageTests {
    static let isRoot = geteuid() == 0

    // Regression: a read-only bind pins a dentry, not a name. `mv .git .git-old && mkdir .git`
    // carried the bind of .git/config away with its directory, and the fresh .git/config the
    // command wrote (core.fsmonitor) ran on the host at the next `git status`, as whoever ran it.
    @Test("a protected path cannot be swapped by moving its directory: .git, .github and .vscode stay put")
    func protectedParentsPinned() throws {
        let script = """
            if mv .git .git-old; then
              echo GIT-MOVED
              mkdir .git && cp -r .git-old/HEAD .git-old/objects .git-old/refs .git/
              printf '[core]\\n\\trepositoryformatversion = 0\\n\\tfsmonitor = "touch fsmonitor-ran; false"\\n' > .git/config
            fi
            mv .github .github-old && echo GITHUB-MOVED
            mv .vscode .vscode-old && echo VSCODE-MOVED
            mv .git/info .git/info-old && echo INFO-MOVED
            ln .git/config cfg && echo LINKED
            exec 3<.git/config
            echo x >> /proc/self/fd/3 && echo REOPENED
            echo notes > notes.txt && git add notes.txt && git -c user.email=a@b.c -c user.name=a commit -qm m && echo COMMITTED

            """
        /// A repository with a CI file and editor tasks, owned by the sandbox user as root.
        func repository() throws -> Workspace {
            let ws = try Workspace()
            let git = try Shell.run("/usr/bin/git", ["init", "-q", ws.path])
            try #require(git.status == 0, "git init: \(git.stderr)")
            for dir in [".github/workflows", ".vscode"] {
                try FileManager.default.createDirectory(atPath: ws.path + "/" + dir, withIntermediateDirectories: true)
            }
            try ws.write(".github/workflows/ci.yml", "on: push\n")
            try ws.write(".vscode/tasks.json", "{}\n")
            try ws.write(".git/info/attributes", "*.txt text\n")
            try ws.write("attempt.sh", script)
            if Self.isRoot { _ = try Shell.run("/bin/chown", ["-R", "65534:65534", ws.path]) }
            return ws
        }
        /// `git status` on the host, as the person would run it after the run.
        func hostStatus(_ ws: Workspace) throws {
            _ = try Shell.run("/usr/bin/git", ["-c", "safe.directory=*", "-C", ws.path, "status", "--short"])
        }
        // Control: without the sandbox the swap works, and the host's git runs the planted monitor.
        let control = try repository()
        let c = try control.run(["sh", "./attempt.sh"], options: ["--unsandboxed"])
        #expect(c.stdout.contains("GIT-MOVED") && c.stdout.contains("GITHUB-MOVED"), "\(c.stdout)\(c.stderr)")
        try hostStatus(control)
        #expect(
            FileManager.default.fileExists(atPath: control.path + "/fsmonitor-ran"),
            "control: the host's git did not run the planted core.fsmonitor")

        let ws = try repository()
        let r = try ws.run(["sh", "./attempt.sh"])
        #expect(r.stdout.contains("COMMITTED"), "an ordinary commit must still work: \(r.stdout)\(r.stderr)")
        for marker in ["GIT-MOVED", "GITHUB-MOVED", "VSCODE-MOVED", "INFO-MOVED", "LINKED", "REOPENED"] {
            #expect(!r.stdout.contains(marker), "\(marker): \(r.stdout)\(r.stderr)")
        }
        #expect(r.stderr.contains("busy"), "the kernel's EBUSY for a mount point: \(r.stderr)")
        try hostStatus(ws)
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/fsmonitor-ran"), "the host's git ran it")
        let config = try String(contentsOfFile: ws.path + "/.git/config", encoding: .utf8)
        #expect(!config.contains("fsmonitor"))
        #expect(FileManager.default.fileExists(atPath: ws.path + "/.github/workflows/ci.yml"))
    }

    // docs: "cordon's own .cordon/ (gate.log, traces) ... covered by empty read-only mounts", and
    // `--trace FILE` may name a file in the workspace, which the command could otherwise rewrite.
    @Test("the trace file a run writes in the workspace is neither readable nor writable from inside")
    func traceFileCovered() throws {
        let ws = try Workspace()
        let trace = ws.path + "/run.jsonl"
        try ws.write("t.sh", "echo forged > \"$1\" && echo WRITTEN; cat \"$1\"; echo end\n")
        // Control: without the sandbox the same script overwrites the file cordon writes.
        let control = try ws.run(
            ["sh", "./t.sh", "control.jsonl"], options: ["--unsandboxed", "--trace", ws.path + "/control.jsonl"])
        #expect(control.stdout.contains("WRITTEN"), "control: \(control.stdout)\(control.stderr)")
        let r = try ws.run(["sh", "./t.sh", "run.jsonl"], options: ["--trace", trace])
        #expect(r.stdout == "end\n", "\(r.stdout)\(r.stderr)")
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(text.hasPrefix("{") && !text.contains("forged"), "\(text.prefix(200))")
        #expect(text.contains("\"type\":\"run_end\""))
    }

    // Regression: as root, a root-owned workspace was idmapped with root's group as the sandbox's,
    // and chmod g+s stays open (BPF cannot tell a directory from a file): `cp /usr/bin/id x &&
    // chmod g+s x` left a set-group-id-root program, and any host user who could reach it ran it
    // with egid 0.
    @Test("a file the command makes set-group-id never carries a system group on the host")
    func setGroupIDGroup() throws {
        // A workspace as `mktemp -d` makes it for whoever runs cordon (root's, group 0, as root),
        // opened to others as a project directory often is.
        var template = Array("/tmp/cordon-sgid-XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        var st = stat()
        #expect(stat(dir, &st) == 0 && (!Self.isRoot || st.st_gid == 0), "control: the directory is root's group")
        try "cp /usr/bin/id ./gid-id && chmod g+s ./gid-id && echo done\n".write(
            toFile: dir + "/s.sh", atomically: false, encoding: .utf8)
        let r = try Shell.cordon(
            ["run", "--approval", "deny", "--no-monitor", "--", "sh", "./s.sh"], cwd: dir)
        #expect(r.stdout == "done\n", "\(r.stdout)\(r.stderr)")
        #expect(stat(dir + "/gid-id", &st) == 0)
        // The bit itself may stay (a shared directory's g+s must), but only with a group that
        // grants nothing: the sandbox's own (sandbox.gid as root, the caller's own otherwise).
        #expect(st.st_mode & S_ISGID != 0, "the chmod was made")
        #expect(st.st_gid >= 1000, "set-group-id file of group \(st.st_gid) left on the host")
        if !Self.isRoot { #expect(st.st_gid == getegid()) }
    }

    /// A host process of the sandbox's own uid (65534 as root, the caller otherwise) that writes
    /// a line to `got` for every SIGURG (ignored by default, so a stray one harms nobody).
    final class Victim {
        let process = Process()
        let dir: String
        var got: String { dir + "/got" }

        init() throws {
            var template = Array("/tmp/cordon-victim-XXXXXX".utf8CString)
            guard let d = mkdtemp(&template) else { throw POSIXError(.EIO) }
            dir = String(cString: d)
            chmod(dir, 0o777)
            let script = """
                import signal, sys, time
                # Unblocked: a mask inherited from the test's thread would hold every signal
                # pending, and a victim that never counts one proves nothing.
                signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGURG])
                signal.signal(signal.SIGURG, lambda *a: open(sys.argv[1], "a").write("got\\n"))
                open(sys.argv[2], "w").write("ready")
                while True: time.sleep(1)
                """
            let python = ["/usr/bin/python3", "-c", script, dir + "/got", dir + "/ready"]
            if EscapeSuiteCoverageTests.isRoot {
                process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
                process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups"] + python
            } else {
                process.executableURL = URL(fileURLWithPath: python[0])
                process.arguments = Array(python.dropFirst())
            }
            try process.run()
            let ready = KillCordon.poll(seconds: 5) { FileManager.default.fileExists(atPath: self.dir + "/ready") }
            if !ready { throw POSIXError(.ETIMEDOUT) }
        }

        var pid: Int32 { process.processIdentifier }
        var signals: Int {
            ((try? String(contentsOfFile: got, encoding: .utf8)) ?? "").split(separator: "\n").count
        }

        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    // As an ordinary user the command runs as the caller's own uid, so only the pid namespace (or,
    // in mode landlock, Landlock's signal scope, ABI 6) keeps it from the caller's other processes.
    @Test(
        "host processes of the sandbox's own uid can be neither found nor signalled, one by one or with kill(-1)",
        arguments: ["namespaces", "landlock"])
    func hostProcessesOutOfReach(_ mode: String) throws {
        let victim = try Victim()
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  mode: \(mode)\n")
        let policy = ["--policy", ws.path + "/p.yaml"]
        let one = try ws.attempt(["signal", String(victim.pid), String(SIGURG)], options: policy)
        #expect(one.stdout.hasPrefix("signal: errno="), "\(one.stdout)\(one.stderr)")
        let all = try ws.attempt(["signal", "-1", String(SIGURG)], options: policy)
        #expect(all.stdout.hasPrefix("signal: "), "\(all.stdout)\(all.stderr)")
        if mode == "namespaces" {
            #expect(one.stdout.hasPrefix("signal: errno=ESRCH"), "\(one.stdout)")
            let seen = try ws.attempt(["read", "/proc/\(victim.pid)/cmdline"], options: policy)
            #expect(seen.stdout.hasPrefix("read: errno=ENOENT"), "the host's process is visible: \(seen.stdout)")
        }
        usleep(300_000)
        #expect(victim.signals == 0, "the host's process got \(victim.signals) signals from the sandbox")
        // Control: the process does take the signal from outside.
        kill(victim.pid, SIGURG)
        #expect(KillCordon.poll(seconds: 3) { victim.signals == 1 }, "control: the victim never counted a signal")
    }

    @Test("/dev holds only the sandbox's few devices, and /dev/pts only its own terminals")
    func devMinimal() throws {
        // A pty of the host's, so the host's /dev/pts has an entry the sandbox must not see.
        // Opening the multiplexer makes the pair; its /dev/pts entry exists from then on.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var number: UInt32 = 0
        // TIOCGPTN (_IOR('T', 0x30, unsigned int)): the pty's number, its name in /dev/pts.
        #expect(master >= 0 && ioctl(master, UInt(0x8004_5430), &number) == 0)
        defer { close(master) }
        let slave = String(number)
        let host = try FileManager.default.contentsOfDirectory(atPath: "/dev")
        let allowed: Set<String> = [
            "fd", "full", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero",
        ]
        #expect(!Set(host).subtracting(allowed).isEmpty, "control: the host's /dev has nothing more")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/dev/pts").contains(slave))
        let ws = try Workspace()
        try ws.write("dev.sh", "ls -A /dev; echo --; ls -A /dev/pts\n")
        let r = try ws.run(["sh", "./dev.sh"], options: ["--no-pty"])
        let parts = r.stdout.components(separatedBy: "--\n")
        try #require(parts.count == 2, "\(r.stdout)\(r.stderr)")
        let inside = Set(parts[0].split(separator: "\n").map(String.init))
        #expect(inside.contains("null") && inside.subtracting(allowed).isEmpty, "\(inside.subtracting(allowed))")
        let pts = parts[1].split(separator: "\n").map(String.init)
        #expect(pts == ["ptmx"], "the host's terminals are visible: \(pts)")
        #expect(!pts.contains(slave))
        let kmsg = try ws.attempt(["read", "/dev/kmsg"])
        #expect(kmsg.stdout.hasPrefix("read: errno=ENOENT"), "\(kmsg.stdout)")
    }

    @Test("the host's System V IPC objects, /dev/shm and /tmp files are another namespace's")
    func hostIPCInvisible() throws {
        let key = key_t(0x5C_0000 | (getpid() & 0xffff))
        let shm = shmget(key, 4096, IPC_CREAT | 0o666)
        let msg = msgget(key, IPC_CREAT | 0o666)
        defer {
            shmctl(shm, IPC_RMID, nil)
            msgctl(msg, IPC_RMID, nil)
        }
        try #require(shm >= 0 && msg >= 0, "control: could not make the host's objects")
        let name = "cordon-escape-\(getpid())"
        for dir in ["/dev/shm", "/tmp"] {
            try "host secret\n".write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
            chmod(dir + "/" + name, 0o644)
        }
        defer { for dir in ["/dev/shm", "/tmp"] { unlink(dir + "/" + name) } }
        let hex = "0x" + String(key, radix: 16)
        let attempts: [[String]] = [
            ["shmget", hex], ["msgget", hex], ["read", "/dev/shm/" + name], ["read", "/tmp/" + name],
        ]
        let ws = try Workspace()
        for args in attempts {
            // Control: each is there for a process of the host.
            let outside = try Shell.run(Binaries.tryHelper, args)
            #expect(outside.stdout == "\(args[0]): ok\n", "control \(args): \(outside.stdout)")
            let r = try ws.attempt(args)
            #expect(r.stdout.hasPrefix("\(args[0]): errno=ENOENT"), "\(args): \(r.stdout)\(r.stderr)")
        }
    }

    // Each of these succeeds (or fails with an errno other than EPERM) for an unprivileged process
    // outside: only the deny list stands in the way, so a missing entry fails this test.
    static let unprivilegedCalls = [
        "add_key", "request_key", "userfaultfd-user", "io_uring_enter", "io_uring_register", "quotactl_fd",
        "fsconfig", "process_vm_readv", "ptrace-traceme", "clone-newuser-hi",
    ]

    @Test("deny-list calls any unprivileged process may make are refused by the filter", arguments: unprivilegedCalls)
    func unprivilegedDenied(_ call: String) throws {
        let outside = try Shell.run(Binaries.tryHelper, [call])
        #expect(
            outside.stdout.hasPrefix(call + ": ") && !outside.stdout.contains("errno=EPERM"),
            "control: \(outside.stdout)\(outside.stderr)")
        let ws = try Workspace()
        let r = try ws.attempt([call])
        #expect(r.stdout.hasPrefix(call + ": errno=EPERM"), "\(r.stdout)\(r.stderr)")
    }

    #if arch(x86_64)
        // These need a capability the sandbox never has, so the kernel refuses them too: the test
        // holds either layer to its word (an escape test cannot tell which one answered).
        static let privilegedCalls: [(String, Int)] = [
            ("init_module", 175), ("finit_module", 313), ("delete_module", 176), ("kexec_file_load", 320),
            ("swapon", 167), ("swapoff", 168), ("reboot", 169), ("acct", 163), ("quotactl", 179), ("vhangup", 153),
            ("fspick", 433), ("fsmount", 432), ("lookup_dcookie", 212),
        ]

        @Test("deny-list calls that need a capability fail from inside", arguments: privilegedCalls.map(\.0))
        func privilegedDenied(_ call: String) throws {
            let number = Self.privilegedCalls.first { $0.0 == call }?.1 ?? -1
            let ws = try Workspace()
            let r = try ws.attempt(["syscall", String(number)])
            #expect(r.stdout.hasPrefix("syscall: errno=EPERM"), "\(call): \(r.stdout)\(r.stderr)")
        }

        // personality(READ_IMPLIES_EXEC) turns PROT_READ into PROT_EXEC for mmap; the kernel skips
        // that for files on noexec mounts, which is what keeps the loader from running scratch files.
        @Test("READ_IMPLIES_EXEC (setarch -X) does not make scratch space executable")
        func readImpliesExec() throws {
            let ws = try Workspace()
            let script = """
                cp /bin/true "$1/t"
                if setarch x86_64 -X /lib64/ld-linux-x86-64.so.2 "$1/t" 2>/dev/null; then echo ran; else echo refused; fi

                """
            try ws.write("rie.sh", script)
            let control = try Shell.run("/bin/sh", [ws.path + "/rie.sh", ws.path])
            #expect(control.stdout == "ran\n", "control: \(control.stdout)\(control.stderr)")
            for dir in ["/tmp", "/dev/shm"] {
                let r = try ws.run(["sh", "./rie.sh", dir], options: ["--no-monitor"])
                #expect(r.stdout == "refused\n", "\(dir): \(r.stdout)\(r.stderr)")
            }
        }
    #endif

    @Test("the command cannot raise the hard limits cordon set")
    func limitsStay() throws {
        // Control: root with CAP_SYS_RESOURCE (bit 24 of CapEff; some container runtimes drop it)
        // raises every one of them outside the sandbox.
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let capEff = status.split(separator: "\n").first { $0.hasPrefix("CapEff:") }.flatMap {
            UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16)
        }
        if let caps = capEff, caps & (1 << 24) != 0 {
            let control = try Shell.run(
                "/usr/bin/prlimit",
                [
                    "--nproc=64", "--nofile=64", "--fsize=1000000", "--as=4000000000", "--cpu=100", "--",
                    Binaries.tryHelper, "raise-limits",
                ])
            #expect(control.stdout.hasSuffix("raise-limits: ok\n"), "control: \(control.stdout)\(control.stderr)")
            #expect(control.stdout.components(separatedBy: "raised").count == 6, "\(control.stdout)")
        }
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    cpu: 100\n")
        let r = try ws.attempt(["raise-limits"], options: ["--policy", ws.path + "/p.yaml"])
        #expect(r.stdout == "raise-limits: errno=EPERM (Operation not permitted)\n", "\(r.stdout)\(r.stderr)")
    }
}
