// The escape suite: each case is one way out of the sandbox, attempted from inside by
// `cordon-try`, which prints the errno it got. A case passes only when the attempt was made
// (the helper's line is there) and failed the expected way.
import CordonBase
import Foundation
import Testing

@Suite(
    "escape suite", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason),
    .timeLimit(.minutes(10)))
struct EscapeSuiteTests {
    struct Attempt: CustomStringConvertible, Sendable {
        var args: [String]
        var expected: String
        var description: String { args.joined(separator: " ") }
    }

    static let syscallAttempts: [Attempt] = [
        // ptrace of pid 1 (init, a process the command did not create) and of the host's pid 1.
        Attempt(args: ["ptrace", "1"], expected: "errno=EPERM"),
        Attempt(args: ["mount"], expected: "errno=EPERM"),
        Attempt(args: ["umount", "/usr"], expected: "errno=EPERM"),
        Attempt(args: ["unshare"], expected: "errno=EPERM"),
        Attempt(args: ["setns"], expected: "errno=EPERM"),
        Attempt(args: ["clone-newuser"], expected: "errno=EPERM"),
        // clone3's flags are in memory BPF cannot read: ENOSYS sends libc back to clone.
        Attempt(args: ["clone3"], expected: "errno=ENOSYS"),
        Attempt(args: ["kexec_load"], expected: "errno=EPERM"),
        Attempt(args: ["bpf"], expected: "errno=EPERM"),
        Attempt(args: ["keyctl"], expected: "errno=EPERM"),
        Attempt(args: ["perf_event_open"], expected: "errno=EPERM"),
        Attempt(args: ["io_uring_setup"], expected: "errno=EPERM"),
        // TIOCSTI with junk in the upper 32 bits of the command: the filter must still match.
        Attempt(args: ["tiocsti"], expected: "errno=EPERM"),
        Attempt(args: ["read", "/etc/shadow"], expected: "errno=EACCES"),
        Attempt(args: ["write", "/usr/cordon-escape"], expected: "errno=EROFS"),
        Attempt(args: ["write", "/etc/passwd"], expected: "errno="),
        Attempt(args: ["write", "/proc/sys/kernel/hostname"], expected: "errno="),
        Attempt(args: ["write", "/proc/sysrq-trigger"], expected: "errno="),
        Attempt(args: ["mknod", "/tmp/blk"], expected: "errno="),
        Attempt(args: ["rawsock"], expected: "errno=EPERM"),
    ]

    @Test("an attempt from inside fails", arguments: syscallAttempts)
    func attempt(_ a: Attempt) throws {
        let ws = try Workspace()
        let r = try ws.attempt(a.args)
        let line = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(line.hasPrefix(a.args[0] + ": "), "the helper did not run: \(r.stderr)")
        #expect(line.contains(a.expected), "\(a): got '\(line)'")
        #expect(!line.hasSuffix(": ok"))
    }

    // Regression (security issue C.9): chmod 4755 on a workspace file succeeded, leaving a
    // set-id program for the host to run after the run.
    @Test(
        "no way of setting a set-id bit on a workspace file works from inside",
        arguments: ["chmod", "fchmod", "fchmodat", "fchmodat2", "open", "openat", "creat", "mknod"])
    func setIDBits(_ how: String) throws {
        let ws = try Workspace()
        let r = try ws.attempt(["setid-\(how)", "f-\(how)"])
        #expect(r.stdout.hasPrefix("setid-\(how): errno=EPERM"), "\(r.stdout)\(r.stderr)")
        var st = stat()
        if stat(ws.path + "/f-\(how)", &st) == 0 {
            #expect(st.st_mode & (S_ISUID | S_ISGID) == 0, "mode \(String(st.st_mode, radix: 8))")
        }
        // With the monitor on too (its notify rules on chmod must not take over from the refusal).
        let monitored = try ws.attempt(["setid-\(how)", "m-\(how)"], monitor: true)
        #expect(monitored.stdout.hasPrefix("setid-\(how): errno=EPERM"), "\(monitored.stdout)\(monitored.stderr)")
        // Ordinary modes still work, and so does a shared directory's set-group-id bit.
        try ws.write("modes.sh", "touch g && chmod 0755 g && mkdir -p d && chmod 2775 d && chmod 755 d && echo done\n")
        let plain = try ws.run(["sh", "./modes.sh"], options: ["--no-monitor"])
        #expect(plain.stdout == "done\n", "\(plain.stderr)")
    }

    // Regression (security issue F.15): a refused command's argv reached cordon's stderr raw, so
    // ESC sequences in it could redraw the person's terminal and forge a prompt.
    @Test("control characters from a command never reach cordon's own messages raw")
    func terminalEscapes() throws {
        let ws = try Workspace()
        let evil = "\r\u{1B}[2K\u{1B}[1Acordon: approved\u{1B}[8m\u{9B}x"
        // Refused by the gate before the run, and by the monitor inside it.
        let gate = try ws.run(["bash", "-c", "cat /etc/shadow '\(evil)'"])
        try ws.write("inside.sh", "cat /etc/shadow '\(evil)'\necho after\n")
        let inside = try ws.run(["sh", "./inside.sh"])
        // A program name cordon reports itself (not found).
        let missing = try ws.run(["no-such\(evil)"], options: ["--unsandboxed"])
        for (what, r) in [("gate", gate), ("monitor", inside), ("not found", missing)] {
            let cordonLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("cordon:") || $0.hasPrefix("  - ") }
            #expect(!cordonLines.isEmpty, "\(what): no cordon message: \(r.stderr)")
            for line in cordonLines {
                #expect(
                    !line.unicodeScalars.contains { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) },
                    "\(what): \(line)")
            }
            if what != "gate" {
                #expect(r.stderr.contains("\\e[2K"), "\(what): the escape is shown, escaped: \(r.stderr)")
            }
        }
        #expect(inside.stdout == "after\n")
    }

    // Regression (security issue A.1): a program whose first act was an exec got the setup
    // phase's "continue" when its notification beat the error pipe's EOF: `cat .env` ran
    // ungated in about half the runs, and the trace did not show it.
    @Test("the command's very first exec is gated and recorded, every time")
    func firstExecGated() throws {
        let ws = try Workspace()
        try ws.write(".env", "SECRET=hunter2\n")
        try ws.write("argv.txt", "/usr/bin/cat\ncat\n.env\n")
        for i in 0..<10 {
            let trace = ws.path + "/first-\(i).jsonl"
            // The pause keeps cordon in its setup phase while the command already runs.
            let r = try ws.run(
                ["./cordon-try", "exec-file", "argv.txt"], options: ["--trace", trace],
                env: ["CORDON_TEST_SETUP_PAUSE_MS": "100"])
            #expect(!r.stdout.contains("hunter2"), "run \(i): the secret was printed")
            #expect(r.stdout.contains("exec-file: errno=EPERM"), "run \(i): \(r.stdout)\(r.stderr)")
            let t = try String(contentsOfFile: trace, encoding: .utf8)
            #expect(
                t.contains("\"type\":\"exec\"") && t.contains("\".env\""), "run \(i): the exec is not in the trace")
        }
    }

    // Regression (security issue B.5): sendto(MSG_FASTOPEN) on a TCP socket reached a port the
    // allow-list forbids without any connect() for the monitor to check.
    @Test("TCP Fast Open cannot connect around the network allow-list")
    func fastOpenRefused() throws {
        let ws = try Workspace()
        try ws.write(
            "net.yaml", "extends: default\nsandbox:\n  network: allow-list\n  network_allow: [\"127.0.0.1:1\"]\n")
        let r = try ws.attempt(
            ["fastopen", "127.0.0.1", "9"], options: ["--policy", ws.path + "/net.yaml"], monitor: true)
        #expect(r.stdout.hasPrefix("fastopen: errno=EPERM"), "\(r.stdout)\(r.stderr)")
    }

    @Test("the command's very first connect is checked against the allow-list and recorded")
    func firstConnectChecked() throws {
        let ws = try Workspace()
        try ws.write(
            "net.yaml", "extends: default\nsandbox:\n  network: allow-list\n  network_allow: [\"127.0.0.1:1\"]\n")
        for i in 0..<5 {
            let trace = ws.path + "/connect-\(i).jsonl"
            let r = try ws.run(
                ["./cordon-try", "connect", "127.0.0.1", "9"],
                options: ["--policy", ws.path + "/net.yaml", "--trace", trace],
                env: ["CORDON_TEST_SETUP_PAUSE_MS": "100"])
            #expect(r.stdout.hasPrefix("connect: errno=EPERM"), "run \(i): \(r.stdout)\(r.stderr)")
            let t = try String(contentsOfFile: trace, encoding: .utf8)
            #expect(t.contains("\"type\":\"connect\"") && t.contains("\"decision\":\"block\""), "run \(i): \(t)")
        }
    }

    // Regression (security issue C.8): with the workspace at $HOME, `read -r l < .git-credentials`
    // printed tokens: a shell builtin is no command for the gate, and the file was not hidden.
    @Test(
        "with the workspace at $HOME, credential files, registry tokens and shell histories are hidden",
        arguments: [".git-credentials", ".config/gh/hosts.yml", ".npmrc", ".pypirc", ".bash_history", ".pgpass"])
    func credentialsHidden(_ file: String) throws {
        let ws = try Workspace()
        let dir = (ws.path + "/" + file).split(separator: "/").dropLast().joined(separator: "/")
        try FileManager.default.createDirectory(atPath: "/" + dir, withIntermediateDirectories: true)
        try ws.write(file, "https://user:tok-\(file.count)-secret@git.example.com\n")
        // In a script, so the gate sees only `sh ./read.sh`: the filesystem must hold.
        try ws.write("read.sh", "read -r l < '\(file)'; echo \"got:$l\"\n")
        let r = try ws.run(["sh", "./read.sh"], env: ["HOME": ws.path])
        #expect(r.stdout.hasPrefix("got:"), "the script did not run: \(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("secret"), "\(file) was readable: \(r.stdout)")
    }

    // Regression (security issue E.14): /tmp and /dev/shm were tmpfs without size=, so a run
    // could fill half of the host's RAM per mount, outside every rlimit.
    @Test("each scratch tmpfs holds no more than limits.tmpfs")
    func tmpfsSized() throws {
        let ws = try Workspace()
        try ws.write("small.yaml", "extends: default\nsandbox:\n  limits:\n    tmpfs: 8MiB\n")
        try ws.write(
            "fill.sh",
            """
            for d in /tmp /dev/shm; do
              if dd if=/dev/zero of=$d/fill bs=1M count=16 2>/dev/null; then echo "$d: filled"; else echo "$d: full"; fi
            done
            """)
        let r = try ws.run(["sh", "./fill.sh"], options: ["--policy", ws.path + "/small.yaml"])
        #expect(r.stdout == "/tmp: full\n/dev/shm: full\n", "\(r.stdout)\(r.stderr)")
    }

    // Regression (security issue A.4): Landlock's execute right covers execve only, so the
    // dynamic loader ran a program copied to /tmp (`ld.so /tmp/x` maps it with mmap(PROT_EXEC)).
    #if arch(x86_64)
        @Test("nothing the run writes to scratch space runs, not even through the dynamic loader")
        func scratchNoExec() throws {
            let ws = try Workspace()
            try ws.write(
                "ldso.sh",
                """
                for d in /tmp /dev/shm; do
                  cp /bin/true $d/t
                  if /lib64/ld-linux-x86-64.so.2 $d/t 2>/dev/null; then echo "$d: ran"; else echo "$d: refused"; fi
                done
                cp /bin/true ./mytool && ./mytool && echo "workspace: ran"
                """)
            let r = try ws.run(["sh", "./ldso.sh"])
            #expect(r.stdout == "/tmp: refused\n/dev/shm: refused\nworkspace: ran\n", "\(r.stdout)\(r.stderr)")
            // A policy whose filesystem.exec leaves the workspace out: not through the loader either.
            try ws.write(
                "noexec.yaml", "extends: default\nsandbox:\n  filesystem:\n    exec: [/usr, /bin, /lib, /lib64]\n")
            try ws.write("ws.sh", "/lib64/ld-linux-x86-64.so.2 ./mytool 2>/dev/null && echo ran || echo refused\n")
            let narrowed = try ws.run(["sh", "./ws.sh"], options: ["--policy", ws.path + "/noexec.yaml"])
            #expect(narrowed.stdout == "refused\n", "\(narrowed.stdout)\(narrowed.stderr)")
        }
    #endif

    // Regression (security issue E.13): a write loop made a 66 MB trace in 10 s, and 40 refused
    // execs with 1.2 MB argvs made cordon write 48 MB to stderr.
    @Test("what cordon writes for a run is bounded: the trace by limits.trace, messages by length")
    func boundedEvidence() throws {
        let ws = try Workspace()
        try ws.write("small.yaml", "extends: default\nsandbox:\n  limits:\n    trace: 64KiB\n")
        try ws.write("loop.sh", "i=0; while [ $i -lt 3000 ]; do echo x > f$i; i=$((i+1)); done; echo done\n")
        let trace = ws.path + "/bounded.jsonl"
        let r = try ws.run(["sh", "./loop.sh"], options: ["--policy", ws.path + "/small.yaml", "--trace", trace])
        #expect(r.stdout == "done\n", "\(r.stderr)")
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(text.utf8.count < 72 * 1024, "trace is \(text.utf8.count) bytes")
        #expect(text.contains("\"limit\":\"trace\""), "no limit event")
        let end = text.split(separator: "\n").last ?? ""
        #expect(end.contains("\"type\":\"run_end\"") && end.contains("\"droppedEvents\":"), "\(end)")
        // Refusals of execs with a 1 MB argument: each message is cut, with the length and a hash.
        try ws.write(
            "big.sh",
            "a=$(head -c 100000 /dev/zero | tr '\\0' a); i=0; while [ $i -lt 10 ]; do cat /etc/shadow $a $a $a $a $a $a $a $a $a $a$i 2>/dev/null; i=$((i+1)); done; echo end\n"
        )
        let big = try ws.run(["sh", "./big.sh"])
        #expect(big.stdout == "end\n", "\(big.stderr.prefix(500))")
        #expect(big.stderr.utf8.count < 64 * 1024, "stderr is \(big.stderr.utf8.count) bytes")
        #expect(big.stderr.contains("[cut: 10000"), "\(big.stderr.prefix(3000))")
        #expect(big.stderr.components(separatedBy: "refused inside the sandbox").count == 11, "one message per refusal")
    }

    // Regression (security issue F.16): `stty -echo -icanon` and `stty cols 7 rows 3` inside
    // stayed on the caller's terminal after cordon exited.
    @Test("the caller's terminal is as it was when the run ends (echo, line mode, window size)")
    func terminalRestored() throws {
        let ws = try Workspace()
        // A pseudo-terminal from python3 stands in for the person's terminal.
        let script = """
            import fcntl, os, pty, struct, subprocess, sys, termios
            master, slave = pty.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            p = subprocess.run(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave)
            lflag = termios.tcgetattr(slave)[3]
            rows, cols = struct.unpack("HHHH", fcntl.ioctl(slave, termios.TIOCGWINSZ, bytes(8)))[:2]
            print("echo=%d icanon=%d size=%dx%d rc=%d" % (bool(lflag & termios.ECHO), bool(lflag & termios.ICANON), rows, cols, p.returncode))
            """
        try ws.write("change.sh", "stty -echo -icanon; stty cols 7 rows 3\n")
        for extra in [[], ["--unsandboxed"]] {
            let r = try Shell.run(
                "/usr/bin/env",
                ["python3", "-c", script, Binaries.cordon, "run", "--workspace", ws.path] + extra + [
                    "--", "sh", "./change.sh",
                ],
                cwd: ws.path)
            #expect(r.stdout == "echo=1 icanon=1 size=24x80 rc=0\n", "\(extra): \(r.stdout)\(r.stderr)")
        }
    }

    // Regression (security issue F.17): an exec's approval prompt that nobody answered blocked
    // the supervisor in a read of /dev/tty: `--timeout 3s` was not enforced (a heartbeat ran 25 s
    // past it) and every other exec inside hung until someone typed.
    @Test("an unanswered approval prompt blocks nothing: other execs go on and the timeout still ends the run")
    func promptNeverBlocks() throws {
        let ws = try Workspace()
        try ws.write("x", "")
        // The heartbeat execs /bin/true and writes a line every 100 ms while chmod waits.
        try ws.write(
            "agent.sh",
            "(while :; do /bin/true; echo b >> beat; sleep 0.1; done) &\nchmod 600 x\necho after-chmod\nwait\n")
        let start = Date()
        // script(1) gives cordon a terminal (/dev/tty) that nobody types on.
        let r = try Shell.run(
            "/usr/bin/script",
            [
                "-qec",
                "\(Binaries.cordon) run --workspace \(ws.path) --approval prompt --timeout 3s -- sh ./agent.sh",
                "/dev/null",
            ], cwd: ws.path)
        let elapsed = Date().timeIntervalSince(start)
        #expect(r.stdout.contains("wants to run 'chmod 600 x'") && r.stdout.contains("allow it? [y/N]"), "\(r.stdout)")
        #expect(r.stdout.contains("timed out after 3s"), "\(r.stdout)")
        #expect(elapsed < 10, "the run outlived its 3 s timeout by \(elapsed - 3) s")
        let beats = ((try? String(contentsOfFile: ws.path + "/beat", encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(beats.count >= 10, "execs inside hung while the question waited: \(beats.count) heartbeats")
        #expect(!r.stdout.contains("after-chmod"))
    }

    /// Runs argv[1:] with cordon's own files limited to 64 KiB (RLIMIT_FSIZE, SIGXFSZ
    /// ignored), so its evidence writes fail partway through a run.
    static let smallFiles = """
        import resource, signal, os, sys
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, resource.RLIM_INFINITY))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        os.execv(sys.argv[1], sys.argv[1:])
        """

    // Regression (security issue D.11): when the trace could no longer be written mid-run, cordon
    // said so once and let the run go on, unrecorded.
    @Test("when evidence cannot be written any more, the run is stopped, not continued unrecorded")
    func evidenceFailClosed() throws {
        let ws = try Workspace()
        try ws.write("loop.sh", "i=0; while [ $i -lt 3000 ]; do echo x > f$i; i=$((i+1)); done; echo finished\n")
        // cordon's own files may not grow past 64 KiB (RLIMIT_FSIZE, SIGXFSZ ignored): the trace
        // hits that partway through the loop. The sandbox sets its own limit from the policy.
        let script = Self.smallFiles
        let r = try Shell.run(
            "/usr/bin/env",
            ["python3", "-c", script, Binaries.cordon, "run", "--workspace", ws.path, "--", "sh", "./loop.sh"],
            cwd: ws.path)
        #expect(r.status == 125, "\(r.status): \(r.stderr)")
        #expect(r.stderr.contains("cannot record evidence"), "\(r.stderr)")
        #expect(!r.stdout.contains("finished"), "the loop ran to its end unrecorded")
    }

    // An allowed exec's trace event is written while the kernel loads the new image (issue 19):
    // when that write fails, the image must be killed at its stop, before its first instruction.
    @Test("an exec whose event cannot be recorded never runs: every program that ran is in the trace")
    func execEventFailClosed() throws {
        let ws = try Workspace()
        // The same argv every time (the gate's decision is cached, so no decision event), and a
        // directory per run as its mark (mkdir is not a monitored file event): each iteration
        // writes one event, its exec, so the trace fills up on an exec event.
        try ws.write(
            "loop.sh", "i=0; while [ $i -lt 3000 ]; do /usr/bin/mktemp -d -p .; i=$((i+1)); done; echo finished\n")
        let trace = ws.path + "/t.jsonl"
        let script = Self.smallFiles
        let r = try Shell.run(
            "/usr/bin/env",
            [
                "python3", "-c", script, Binaries.cordon, "run", "--workspace", ws.path, "--trace", trace, "--", "sh",
                "./loop.sh",
            ],
            cwd: ws.path)
        #expect(r.status == 125, "\(r.status): \(r.stderr)")
        #expect(!r.stdout.contains("finished"), "the loop ran to its end unrecorded")
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        // Only whole lines were recorded; a torn last line is not evidence.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        let recorded = lines.filter { $0.contains("\"type\":\"exec\"") && $0.contains("/mktemp") }.count
        let ran = try FileManager.default.contentsOfDirectory(atPath: ws.path).filter { $0.hasPrefix("tmp.") }.count
        #expect(ran > 0, "the loop never started: \(r.stderr)")
        #expect(ran <= recorded, "\(ran) mktemps ran, \(recorded) exec events recorded")
    }

    // Regression (security issue D.11): with cwd in a workspace subdirectory, the sandbox renamed
    // that directory and planted a fresh .cordon/ with a forged chain; later decisions went into
    // the planted file and `cordon log verify` said ok.
    @Test("renaming the directory that holds .cordon mid-run does not redirect the evidence")
    func evidenceNotRedirected() throws {
        let ws = try Workspace()
        let sub = ws.path + "/sub"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        if geteuid() == 0 { chown(sub, 65534, 65534) }
        try ws.write(
            "sub/swap.sh",
            """
            cd .. && mv sub moved && mkdir -p sub/.cordon && echo forged > sub/.cordon/gate.log
            /bin/echo after-swap
            """)
        // Evidence goes to the workspace's .cordon/ by default, whose directory (the workspace
        // root, a mount point) the sandbox cannot rename; --log-dir puts it in a subdirectory
        // the sandbox can, which is the case the directory descriptor must cover.
        let r = try Shell.cordon(
            [
                "run", "--workspace", ws.path, "--log-dir", sub + "/.cordon", "--approval", "deny", "--", "sh",
                "./swap.sh",
            ],
            cwd: sub)
        #expect(r.stdout.contains("after-swap"), "\(r.stdout)\(r.stderr)")
        let planted = (try? String(contentsOfFile: sub + "/.cordon/gate.log", encoding: .utf8)) ?? ""
        #expect(planted == "forged\n", "cordon wrote into the planted log: \(planted)")
        let real = try String(contentsOfFile: ws.path + "/moved/.cordon/gate.log", encoding: .utf8)
        #expect(real.contains("after-swap") || real.contains("/bin/echo"), "the later decision is missing: \(real)")
        let verify = try Shell.cordon(["log", "verify", ws.path + "/moved/.cordon/gate.log"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("a .cordon (or traces) symlink in place of the log directory is refused before anything runs")
    func evidenceSymlinkRefused() throws {
        let ws = try Workspace()
        let elsewhere = ws.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere + "/traces", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: ws.path + "/.cordon", withDestinationPath: elsewhere)
        let r = try ws.run(["/bin/echo", "ran"])
        #expect(r.status == 125, "\(r.status) \(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("is a symbolic link"), "\(r.stderr)")
        #expect(!r.stdout.contains("ran"))
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/gate.log"), "a log was written through the link")
        // The same for traces/ inside a real .cordon.
        try FileManager.default.removeItem(atPath: ws.path + "/.cordon")
        try FileManager.default.createDirectory(atPath: ws.path + "/.cordon", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: ws.path + "/.cordon/traces", withDestinationPath: elsewhere + "/traces")
        let t = try ws.run(["/bin/echo", "ran"])
        #expect(t.status == 125 && t.stderr.contains("is a symbolic link"), "\(t.status) \(t.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: elsewhere + "/traces")) ?? []).isEmpty)
    }

    // Regression (security issue A.3): a program was judged by its name only, so running it
    // through the dynamic loader, or as the interpreter of a `#!` line, went around the gate.
    @Test("the monitor judges what really runs: the loader's program, a script's interpreter")
    func judgedByWhatRuns() throws {
        let ws = try Workspace()
        try ws.write("zap", "#!/bin/cat /etc/shadow\n")
        chmod(ws.path + "/zap", 0o755)
        try ws.write(
            "run.sh",
            """
            /lib64/ld-linux-x86-64.so.2 /usr/bin/cat /etc/shadow 2>/dev/null; echo "loader rc=$?"
            ./zap 2>/dev/null; echo "script rc=$?"
            /lib64/ld-linux-x86-64.so.2 /bin/echo plain-ok
            """)
        let r = try ws.run(["sh", "./run.sh"])
        #expect(
            r.stdout.contains("plain-ok"), "an ordinary program through the loader still runs: \(r.stdout)\(r.stderr)")
        let refusals = r.stderr.split(separator: "\n").filter { $0.contains("refused inside the sandbox") }
        #expect(refusals.contains { $0.contains("ld-linux") && $0.contains("/etc/shadow") }, "\(r.stderr)")
        #expect(refusals.contains { $0.contains("zap") }, "\(r.stderr)")
        #expect(!r.stdout.contains("loader rc=0") && !r.stdout.contains("script rc=0"), "\(r.stdout)")
    }

    // Regression (security issue A.3): a program was judged by its name only. A copy of dd named
    // ./tool wrote to a block device, a copy of rm named bin/ls deleted, and a program run from a
    // memfd (fexecve, any argv[0]) was judged by the name it chose.
    @Test("a renamed copy of a system program is judged as that program; a program run from a memfd is refused")
    func judgedByContent() throws {
        let ws = try Workspace()
        try FileManager.default.createDirectory(atPath: ws.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/usr/bin/dd", toPath: ws.path + "/tool")
        try FileManager.default.copyItem(atPath: "/usr/bin/rm", toPath: ws.path + "/bin/ls")
        try ws.write("victim", "keep me\n")
        try ws.write(
            "run.sh",
            """
            ./tool if=/dev/zero of=/dev/sda count=1 2>/dev/null; echo "dd-copy rc=$?"
            bin/ls -rf victim 2>/dev/null; echo "rm-copy rc=$?"
            ./cordon-try memfd-exec /usr/bin/cat cat victim
            ./cordon-try memfd-exec /usr/bin/rm ls -f victim
            bin/ls --version >/dev/null; echo "harmless-copy rc=$?"
            """)
        let r = try ws.run(["sh", "./run.sh"], options: ["--approval", "deny"])
        let refusals = r.stderr.split(separator: "\n").filter { $0.contains("refused inside the sandbox") }
        #expect(refusals.contains { $0.contains("/usr/bin/dd") && $0.contains("/dev/sda") }, "\(r.stderr)")
        #expect(r.stdout.contains("dd-copy rc=126") && r.stdout.contains("rm-copy rc=126"), "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "memfd-exec: errno=EPERM").count == 3, "\(r.stdout)")
        #expect(!r.stdout.contains("keep me"), "the memfd program ran")
        #expect(FileManager.default.fileExists(atPath: ws.path + "/victim"))
        // A copy is judged as its original, not refused for being a copy.
        #expect(r.stdout.contains("harmless-copy rc=0"), "\(r.stdout)")
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("monitor:memfd-exec"))
    }

    // Regression (security issue D.12): dropping the last lines of gate.log, emptying it, or
    // rewriting it with a recomputed chain all passed `cordon log verify`.
    @Test("a gate.log cut short, emptied or rewritten with a recomputed chain fails verify, even after later runs")
    func logTruncationDetected() throws {
        func chain(_ prev: String, _ body: String) -> String { String(SHA256.hex(prev + body).prefix(16)) }
        func verify(_ ws: Workspace) throws -> Result {
            try Shell.cordon(["log", "verify", ws.path + "/.cordon/gate.log"])
        }
        func fresh() throws -> (Workspace, [String]) {
            let ws = try Workspace()
            for _ in 0..<3 { _ = try ws.run(["true"]) }
            let lines = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8).split(
                separator: "\n"
            ).map(String.init)
            let ok = try verify(ws)
            #expect(lines.count >= 3 && ok.status == 0, "\(ok.stdout)\(ok.stderr)")
            return (ws, lines)
        }
        // Cut short: the last line dropped (the chain of what is left still holds).
        var (ws, lines) = try fresh()
        try (lines.dropLast().joined(separator: "\n") + "\n").write(
            toFile: ws.path + "/.cordon/gate.log", atomically: false, encoding: .utf8)
        var r = try verify(ws)
        #expect(r.status == 1 && r.stderr.contains("truncated"), "\(r.stdout)\(r.stderr)")
        // ... and still reported after another run appended to the cut log.
        _ = try ws.run(["true"])
        r = try verify(ws)
        #expect(r.status == 1 && r.stderr.contains("outside cordon"), "\(r.stdout)\(r.stderr)")
        // Emptied.
        (ws, lines) = try fresh()
        try "".write(toFile: ws.path + "/.cordon/gate.log", atomically: false, encoding: .utf8)
        r = try verify(ws)
        #expect(r.status == 1 && r.stderr.contains("emptied"), "\(r.stdout)\(r.stderr)")
        // Rewritten: the first decision's score changed and every chain value recomputed.
        (ws, lines) = try fresh()
        var prev = ""
        var forged: [String] = []
        for (i, l) in lines.enumerated() {
            guard let cut = l.range(of: " chain=", options: .backwards) else { continue }
            var body = String(l[..<cut.lowerBound])
            if i == 0 { body = body.replacingOccurrences(of: "score=0", with: "score=1") }
            prev = chain(prev, body)
            forged.append(body + " chain=" + prev)
        }
        try (forged.joined(separator: "\n") + "\n").write(
            toFile: ws.path + "/.cordon/gate.log", atomically: false, encoding: .utf8)
        r = try verify(ws)
        #expect(r.status == 1 && r.stderr.contains("rewritten"), "\(r.stdout)\(r.stderr)")
    }

    // Regression (security issue D.10): a policy in the workspace (or a writable extends: parent)
    // could be replaced for the next run, e.g. with network: host.
    @Test(
        "a policy the command could rewrite runs only as it was trusted; a changed one is refused until trusted again")
    func policyPinned() throws {
        let ws = try Workspace()
        try FileManager.default.createDirectory(atPath: ws.path + "/conf", withIntermediateDirectories: true)
        try ws.write("conf/base.yaml", "extends: default\n")
        try ws.write("conf/policy.yaml", "extends: ./base.yaml\nagent_id: pinned\n")
        let policy = ws.path + "/conf/policy.yaml"
        let first = try ws.run(["/bin/echo", "one"], options: ["--policy", policy])
        #expect(first.stdout == "one\n" && first.stderr.contains("trusting policy"), "\(first.stderr)")
        let second = try ws.run(["/bin/echo", "two"], options: ["--policy", policy])
        #expect(second.stdout == "two\n" && !second.stderr.contains("trusting"), "\(second.stderr)")
        // What a command could have done between runs: the parent now opens the network.
        try ws.write("conf/base.yaml", "extends: default\nsandbox:\n  network: host\n")
        let changed = try ws.run(["/bin/echo", "three"], options: ["--policy", policy])
        #expect(changed.status == 78, "\(changed.status) \(changed.stderr)")
        #expect(changed.stderr.contains("changed since it was trusted") && !changed.stdout.contains("three"))
        let trust = try Shell.cordon(["policy", "trust", policy], cwd: ws.path)
        #expect(trust.status == 0 && trust.stdout.contains("trusted"), "\(trust.stdout)\(trust.stderr)")
        let after = try ws.run(["/bin/echo", "four"], options: ["--policy", policy])
        #expect(after.stdout == "four\n", "\(after.stderr)")
        // A policy outside every writable place is not pinned.
        let outside = try ws.run(["/bin/echo", "five"])
        #expect(!outside.stderr.contains("trusting"))
    }

    @Test("openat2, whose mode BPF cannot see, is refused with ENOSYS so callers fall back to openat")
    func openat2() throws {
        let ws = try Workspace()
        let r = try ws.attempt(["openat2", "o2"])
        #expect(r.stdout.hasPrefix("openat2: errno=ENOSYS"), "\(r.stdout)\(r.stderr)")
    }

    @Test("the helper really succeeds outside the sandbox, so a failure inside is the sandbox's doing")
    func controlOutside() throws {
        let ws = try Workspace()
        let r = try Shell.run(ws.path + "/cordon-try", ["write", ws.path + "/control"])
        #expect(r.stdout == "write: ok\n")
        // Set-id bits and openat2 work on the host: the refusals inside are the filter's.
        for how in ["chmod", "fchmodat2", "openat"] {
            let s = try Shell.run(ws.path + "/cordon-try", ["setid-\(how)", ws.path + "/host-\(how)"])
            #expect(s.stdout == "setid-\(how): ok\n", "\(s.stdout)")
        }
        let o2 = try Shell.run(ws.path + "/cordon-try", ["openat2", ws.path + "/host-openat2"])
        #expect(o2.stdout == "openat2: ok\n", "\(o2.stdout)")
        if geteuid() == 0 {
            let io = try Shell.run(ws.path + "/cordon-try", ["io_uring_setup"])
            #expect(io.stdout == "io_uring_setup: ok\n")
        }
    }

    @Test("a hidden directory inside a visible tree is empty and its files are unreadable")
    func hiddenDirectory() throws {
        let ws = try Workspace()
        // A fake home inside the workspace, so its ~/.ssh is visible to the sandbox unless hidden.
        try FileManager.default.createDirectory(atPath: ws.path + "/home/.ssh", withIntermediateDirectories: true)
        try "PRIVATE KEY".write(toFile: ws.path + "/home/.ssh/id_ed25519", atomically: false, encoding: .utf8)
        let read = try ws.attempt(["read", ws.path + "/home/.ssh/id_ed25519"], env: ["HOME": ws.path + "/home"])
        #expect(read.stdout.contains("errno=ENOENT"), "\(read.stdout)\(read.stderr)")
        let list = try ws.attempt(["list", ws.path + "/home/.ssh"], env: ["HOME": ws.path + "/home"])
        #expect(list.stdout == "list: ok entries=0\n")
        let write = try ws.attempt(["write", ws.path + "/home/.ssh/authorized_keys"], env: ["HOME": ws.path + "/home"])
        #expect(write.stdout.contains("errno="))
    }

    @Test(
        "cordon's own .cordon directory in the workspace is invisible and untouchable",
        arguments: [
            ["read", ".cordon/gate.log"], ["write", ".cordon/gate.log"], ["truncate", ".cordon/gate.log"],
            ["unlink", ".cordon/gate.log"], ["rename", ".cordon/gate.log", "stolen.log"], ["write", ".cordon/new"],
        ])
    func stateHidden(_ args: [String]) throws {
        let ws = try Workspace()
        // cordon creates .cordon/gate.log itself on the first run; the second run attacks it.
        let first = try ws.run(["true"])
        #expect(first.status == 0)
        let before = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        let r = try ws.attempt(args)
        #expect(r.stdout.contains("errno="), "\(args): \(r.stdout)\(r.stderr)")
        let after = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        // Only cordon's own line for the second run was appended.
        #expect(after.hasPrefix(before))
        // Each run adds its decision and its run-end line (source=run): two runs, four lines.
        #expect(after.split(separator: "\n").count == 4)
        let verify = try Shell.cordon(["log", "verify", ws.path + "/.cordon/gate.log"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/stolen.log"))
    }

    @Test("the policy file a run uses is neither readable nor writable from inside, even in the workspace")
    func policyHidden() throws {
        let ws = try Workspace()
        try ws.write("policy.yaml", "extends: default\n")
        // Covered by an empty read-only file: the content is not there to read.
        try ws.write("show.sh", "cat policy.yaml; echo end\n")
        let read = try ws.run(["sh", "./show.sh"], options: ["--policy", "policy.yaml", "--no-monitor"])
        #expect(read.stdout == "end\n", "\(read.stdout)\(read.stderr)")
        let write = try ws.attempt(["write", "policy.yaml"], options: ["--policy", ws.path + "/policy.yaml"])
        #expect(write.stdout.contains("errno="), "\(write.stdout)")
        #expect(try String(contentsOfFile: ws.path + "/policy.yaml", encoding: .utf8) == "extends: default\n")
    }

    @Test("with --network none a listener on the host's 127.0.0.1 cannot be reached")
    func hostLoopbackUnreachable() throws {
        // A real listener on the host's loopback; the sandbox has its own, empty, loopback.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        #expect(bound)
        #expect(listen(fd, 4) == 0)
        let port = String(UInt16(bigEndian: addr.sin_port))
        let outside = try Shell.run(Binaries.tryHelper, ["connect", "127.0.0.1", port])
        #expect(outside.stdout == "connect: ok\n", "control: the listener must be reachable from the host")
        let ws = try Workspace()
        let r = try ws.attempt(["connect", "127.0.0.1", port], options: ["--network", "none"])
        #expect(r.stdout == "connect: errno=ECONNREFUSED (Connection refused)\n")
    }

    @Test("a fork bomb is stopped by the process limit and cordon returns")
    func forkBomb() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    processes: 64\n")
        let r = try ws.attempt(["forkbomb"], options: ["--policy", ws.path + "/p.yaml"], limit: 30)
        #expect(r.stdout.contains("forkbomb: errno=EAGAIN"), "\(r.stdout)")
        #expect(r.seconds < 20)
    }

    @Test("a memory bomb is stopped by the memory limit")
    func memoryBomb() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    memory: 256MiB\n")
        let r = try ws.attempt(["membomb"], options: ["--policy", ws.path + "/p.yaml"], limit: 30)
        #expect(r.stdout.contains("membomb: errno=ENOMEM") || r.status == 137, "\(r.stdout) status \(r.status)")
        #expect(!r.stdout.contains("not stopped"))
    }

    // The child joins its groups itself, before anything else (spawn.c, child_main), and every
    // process of the sandbox must descend from it inside them: were the join skipped or made
    // after init forked, the limits above would bound nothing.
    @Test("as root, the command and what it forks are in the run's memory and pids cgroups")
    func inRunCgroups() throws {
        let ws = try Workspace()
        let r = try ws.run(["sh", "-c", "cat /proc/self/cgroup; sleep 0.2 & cat /proc/$!/cgroup; wait"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        for controller in ["memory", "pids"] {
            let mine = lines.filter { $0.split(separator: ":").dropFirst().first == Substring(controller) }
            #expect(mine.count == 2, "\(r.stdout)")
            for line in mine {
                let path = line.split(separator: ":", maxSplits: 2).last.map(String.init) ?? ""
                if geteuid() == 0 {
                    #expect(path.hasPrefix("/cordon-"), "not in the run's \(controller) group: \(line)")
                } else {
                    // cgroup limits need root here: the command stays where cordon is.
                    #expect(!path.hasPrefix("/cordon-"), "\(line)")
                }
            }
        }
    }

    // The groups cgroupsProblem's probe made are the run's (CgroupSet.takeSpare) with the run's
    // limits written over the probe's 64 MiB and 64 processes: were they left, a run would be
    // bounded by the probe's limits, not the policy's.
    @Test("as root, a run's groups carry the policy's limits, not the probe's: 150 MiB and 100 processes fit")
    func runLimitsNotProbes() throws {
        let ws = try Workspace()
        try ws.write(
            "s.sh",
            """
            python3 -c 'b = bytearray(150 << 20); b[-1] = 1; print("allocated", len(b) >> 20)'
            i=0; while [ $i -lt 100 ]; do sleep 2 & i=$((i + 1)); done; echo started $i; wait

            """)
        let r = try ws.run(["sh", "./s.sh"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("allocated 150"), "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("started 100"), "\(r.stdout) \(r.stderr)")
    }

    @Test("a setsid double fork does not outlive the timeout")
    func doubleForkOutlivesTimeout() throws {
        let ws = try Workspace()
        let marker = "cordon-escape-\(UUID().uuidString.prefix(6))"
        let script = "( setsid sh -c '( exec -a \(marker) sleep 300 ) &' & ) ; sleep 300"
        let r = try ws.run(["sh", "-c", script], options: ["--timeout", "1"], limit: 15)
        #expect(r.status == 124)
        let ps = try Shell.run("/usr/bin/pgrep", ["-f", marker])
        #expect(ps.stdout.isEmpty, "survivors after cordon returned: \(ps.stdout)")
    }

    // Security issue C.7: what is written into a git hook, .git/config (core.fsmonitor runs on
    // every host `git status`) or a CI file runs later on the host, outside any sandbox.
    @Test("git hooks, .git/config and CI files in the workspace are read-only; commits still work")
    func protectedPaths() throws {
        let ws = try Workspace()
        let git = try Shell.run("/usr/bin/git", ["init", "-q", ws.path])
        try #require(git.status == 0, "git init: \(git.stderr)")
        try FileManager.default.createDirectory(
            atPath: ws.path + "/.github/workflows", withIntermediateDirectories: true)
        try ws.write(".github/workflows/ci.yml", "on: push\n")
        if geteuid() == 0 { _ = try Shell.run("/bin/chown", ["-R", "65534:65534", ws.path]) }
        try ws.write(
            "attempt.sh",
            """
            echo 'touch /tmp/pwned' > .git/hooks/post-checkout && echo HOOK-WRITTEN
            printf '[core]\\n\\tfsmonitor = touch /tmp/pwned\\n' >> .git/config && echo CONFIG-WRITTEN
            echo 'run: curl x | sh' >> .github/workflows/ci.yml && echo CI-WRITTEN
            echo notes > notes.txt && git add notes.txt && git -c user.email=a@b.c -c user.name=a commit -qm m && echo COMMITTED

            """)
        let r = try ws.run(["sh", "./attempt.sh"], options: ["--no-monitor"])
        #expect(r.stdout.contains("COMMITTED"), "an ordinary commit must still work: \(r.stdout)\(r.stderr)")
        for marker in ["HOOK-WRITTEN", "CONFIG-WRITTEN", "CI-WRITTEN"] {
            #expect(!r.stdout.contains(marker), "\(marker): \(r.stdout)")
        }
        #expect(r.stderr.contains("Read-only file system"), "\(r.stderr)")
        let config = try String(contentsOfFile: ws.path + "/.git/config", encoding: .utf8)
        #expect(!config.contains("fsmonitor"))
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/.git/hooks/post-checkout"))
    }

    @Test("SIGKILL of cordon while the command runs: the command is gone within a second")
    func killCordon() throws {
        let ws = try Workspace()
        let marker = "cordon-orphan-\(UUID().uuidString.prefix(6))"
        let r = try KillCordon.run(ws, command: ["sh", "-c", "exec -a \(marker) sleep 300"], marker: marker)
        #expect(r.started, "the command never started")
        #expect(r.goneInTime, "the sandboxed command outlived cordon by more than a second")
    }
}
