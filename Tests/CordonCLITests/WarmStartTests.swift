// `cordon serve --warm`: `cordon run` handed to a runner with a prepared sandbox (issue 19).
// Each test starts a real server on a throwaway workspace and checks, through the warm path,
// what a direct run guarantees: the caller's stdio, status, directory and environment, the same
// isolation, signals, and that nothing but this user's own cordon is ever handed a run.
import CordonBase
import CordonTestSupport
import Foundation
import Testing

/// `cordon serve --warm 1` for a workspace (its .cordon), stopped at the end.
private final class WarmServer: @unchecked Sendable {
    let ws: Workspace
    let process = Process()
    var logDir: String { ws.path + "/.cordon" }

    init(_ ws: Workspace, env: [String: String] = [:], warm: Int = 1) throws {
        self.ws = ws
        process.executableURL = URL(fileURLWithPath: Binaries.cordon)
        process.arguments = ["serve", "--warm", String(warm)]
        process.currentDirectoryURL = URL(fileURLWithPath: ws.path)
        var e = ProcessInfo.processInfo.environment
        e["CORDON_HOME"] = nil
        for (k, v) in env { e[k] = v }
        process.environment = e
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        guard KillCordon.poll(seconds: 20, { self.preparedRunner() != nil }) else {
            throw CocoaError(.fileNoSuchFile)
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The server's runners, busy or idle (its children; a prepared sandbox is a runner's child).
    var runners: Int {
        TestProcess.run(["/usr/bin/pgrep", "-P", String(process.processIdentifier)]).stdout
            .split(separator: "\n").count
    }

    /// The pid of an idle runner whose sandbox is prepared (it has a child), or nil.
    func preparedRunner() -> Int32? {
        let runners = TestProcess.run(["/usr/bin/pgrep", "-f", "warm-runner --log-dir \(logDir)"]).stdout
        for line in runners.split(separator: "\n") {
            guard let pid = Int32(line) else { continue }
            if !TestProcess.run(["/usr/bin/pgrep", "-P", String(pid)]).stdout.isEmpty { return pid }
        }
        return nil
    }

    var gateLog: String { (try? String(contentsOfFile: logDir + "/gate.log", encoding: .utf8)) ?? "" }

    /// The pid gate.log names for the last run's end (the process that ran it).
    var lastRunPid: String? {
        gateLog.split(separator: "\n").last { $0.contains("source=run") }?.split(separator: " ")
            .first { $0.hasPrefix("pid=") }.map { String($0.dropFirst(4)) }
    }
}

@Suite(
    "warm start (cordon serve --warm)", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
struct WarmStartTests {
    @Test("a run handed to a warm runner gets the caller's stdin, stdout, status, directory and environment")
    func sameRun() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        let r = try ws.run(
            ["sh", "-c", "cat; echo \"$WARM_MARK\"; pwd; echo to-stderr >&2; exit 7"],
            options: ["--env-pass", "WARM_MARK"], env: ["WARM_MARK": "from-the-caller"], stdin: "from stdin\n")
        #expect(r.status == 7, "\(r.stderr)")
        #expect(r.stdout == "from stdin\nfrom-the-caller\n\(ws.path)\n")
        #expect(r.stderr.contains("to-stderr"))
        // The run was the runner's (gate.log names the process that ran it), not a direct one.
        #expect(server.lastRunPid == String(runner), "\(server.gateLog)")
    }

    @Test(
        "a warm sandbox is as closed as a fresh one: same view, unprivileged, no capabilities, no network, no evidence")
    func sameIsolation() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        let script = """
            id -u
            cat /etc/shadow >/dev/null 2>&1 && echo shadow-read
            echo x > /etc/cordon-warm 2>/dev/null && echo etc-written
            test -e .cordon/gate.log && echo evidence-visible
            cat /proc/self/status | grep -E '^(Cap|NoNewPrivs|Seccomp)'
            grep -E ':(memory|pids):' /proc/self/cgroup | sed 's/cordon-[0-9-]*/cordon-N/'
            ls /
            python3 -c 'import socket; socket.create_connection(("1.1.1.1", 53), 2)' 2>/dev/null && echo net-reached
            exit 0
            """
        try ws.write("probe.sh", script)
        let r = try ws.run(["sh", "./probe.sh"], options: ["--no-monitor"])
        #expect(server.lastRunPid == String(runner), "\(server.gateLog)")
        // The same probe in a fresh sandbox sees exactly the same.
        let direct = try ws.run(["sh", "./probe.sh"], options: ["--no-monitor"], env: ["CORDON_WARM": "0"])
        #expect(server.lastRunPid != String(runner))
        #expect(r.stdout == direct.stdout)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first != "0", "the command ran as root: \(r.stdout)")
        if geteuid() == 0 {
            // The prepared child joined its run's groups when it was made (spawn.c, child_main).
            #expect(lines.filter { $0.hasSuffix(":/cordon-N") }.count == 2, "\(r.stdout)")
        }
        #expect(r.status == 0, "\(r.stderr)")
        for leak in ["shadow-read", "etc-written", "evidence-visible", "net-reached"] {
            #expect(!lines.contains(leak), "\(leak): \(r.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/etc/cordon-warm"))
    }

    @Test("a run's part larger than a socket buffer (400 KB of environment) reaches the prepared sandbox whole")
    func largeRun() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        var env: [String: String] = [:]
        for i in 0..<4 { env["WARM_BIG_\(i)"] = String(repeating: Character(String(i)), count: 100_000) }
        let script = "for v in \"$WARM_BIG_0\" \"$WARM_BIG_1\" \"$WARM_BIG_2\" \"$WARM_BIG_3\"; do echo ${#v}; done"
        let r = try ws.run(
            ["sh", "-c", script], options: (0..<4).flatMap { ["--env-pass", "WARM_BIG_\($0)"] }, env: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "100000\n100000\n100000\n100000\n")
        #expect(server.lastRunPid == String(runner), "\(server.gateLog)")
    }

    @Test("a socket at warm.sock served by anything but this user's cordon is never handed a run")
    func fakeRunnerGetsNothing() throws {
        let ws = try Workspace()
        let fakeDir = ws.path + "/fake"
        try FileManager.default.createDirectory(atPath: fakeDir, withIntermediateDirectories: true)
        let fake = try FakeRunner(fakeDir + "/warm.sock")
        let r = try ws.run(["sh", "-c", "echo ran; exit 3"], options: ["--log-dir", fakeDir], stdin: "secret input\n")
        // The run went ahead directly, and said why it did not use the socket.
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stdout == "ran\n")
        #expect(r.stderr.contains("not using the warm runner"), "\(r.stderr)")
        // The impostor accepted the connection but was sent nothing: no bytes, no descriptors.
        let got = fake.take()
        #expect(got.connected)
        #expect(got.bytes == 0, "the impostor received \(got.bytes) bytes")
    }

    @Test("Ctrl-C or SIGTERM to the caller reaches the run; a killed caller takes the sandbox with it")
    func signalsAndDeath() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        let (p, marker) = try sleeper(ws)
        #expect(try KillCordon.waitFor(marker, present: true, seconds: 10))
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus != 0)
        #expect(try KillCordon.waitFor(marker, present: false, seconds: 5), "SIGTERM did not end the warm run")
        // The run was the runner's, and the signal went to it: the server still serves (the
        // caller's peer on warm.sock is the server, which listens, not the runner).
        // (The runner writes the run's end after the caller has gone.)
        #expect(KillCordon.poll(seconds: 5) { server.lastRunPid == String(runner) }, "\(server.gateLog)")
        #expect(server.process.isRunning, "the caller's SIGTERM reached the server")

        #expect(KillCordon.poll(seconds: 20) { server.preparedRunner() != nil })
        let (q, marker2) = try sleeper(ws)
        #expect(try KillCordon.waitFor(marker2, present: true, seconds: 10))
        kill(q.processIdentifier, SIGKILL)
        q.waitUntilExit()
        #expect(try KillCordon.waitFor(marker2, present: false, seconds: 5), "the run outlived its killed caller")
    }

    /// `cordon run -- sh ./sleep-N.sh` in the background, with no terminal. The script runs
    /// `sleep 30.<digits>`: that, the marker, is in no cordon's command line, so the marker is
    /// seen only while the command itself runs.
    func sleeper(_ ws: Workspace, env: [String: String] = [:]) throws -> (Process, String) {
        let digits = String(UInt32.random(in: 100_000...999_999))
        let marker = "sleep 30.\(digits)"
        try ws.write("sleep-\(digits).sh", "exec \(marker)\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binaries.cordon)
        p.arguments = ["run", "--workspace", ws.path, "--", "sh", "./sleep-\(digits).sh"]
        p.currentDirectoryURL = URL(fileURLWithPath: ws.path)
        if !env.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 } }
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return (p, marker)
    }

    @Test(
        "the sandbox's pid 1 holds no descriptor of cordon's but its status pipe, warm or direct (no warm.sock listener inside)"
    )
    func initHoldsOnlyItsStatusPipe() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        for warm in [true, false] {
            let (p, marker) = try sleeper(ws, env: warm ? [:] : ["CORDON_WARM": "0"])
            defer {
                p.terminate()
                p.waitUntilExit()
            }
            var command: String?
            _ = KillCordon.poll(seconds: 15) {
                command = TestProcess.run(["/usr/bin/pgrep", "-f", "^\(marker)$"]).stdout
                    .split(separator: "\n").first.map(String.init)
                return command != nil
            }
            let pid = try #require(command, "the command never ran (warm \(warm))")
            // The command's parent is the sandbox's init (the worker exec'd the command).
            let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
            let initPid = String(fields[1])
            let initParent = String(
                try String(contentsOfFile: "/proc/\(initPid)/stat", encoding: .utf8)
                    .split(separator: ")").last!.split(separator: " ")[1])
            if warm { #expect(initParent == String(runner), "the run did not go to the prepared runner") }
            let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(initPid)/fd")
                .compactMap { Int($0) }.filter { $0 > 2 }
            let targets = fds.map { fd in
                "\(fd) -> "
                    + ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(initPid)/fd/\(fd)")) ?? "?")
            }
            // One pipe: the worker's wait status, for cordon. Nothing else: no socket (warm.sock,
            // the tail), none of cordon's pipe ends, no report pipe of the server's.
            #expect(fds.count == 1, "warm \(warm): init holds \(targets)")
            #expect(targets.allSatisfy { $0.contains("pipe:") }, "warm \(warm): init holds \(targets)")
        }
    }

    @Test(
        "the next runner is started when a short run ends, not beside it; a long run holds it back at most WarmPool.deferLimit"
    )
    func replacementWaitsForTheRun() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws, warm: 2)
        #expect(KillCordon.poll(seconds: 20) { server.runners == 2 }, "never 2 runners: \(server.runners)")
        let (p, marker) = try sleeper(ws)
        defer {
            p.terminate()
            p.waitUntilExit()
        }
        let running = { !TestProcess.run(["/usr/bin/pgrep", "-f", "^\(marker)$"]).stdout.isEmpty }
        #expect(KillCordon.poll(seconds: 15, running))
        // One runner has the run, one waits: a third, started at once, would prepare its
        // sandbox beside the run (what made served runs slower than direct ones).
        let began = Date()
        var most = 0
        while Date().timeIntervalSince(began) < 1.2 {
            most = max(most, server.runners)
            usleep(50_000)
        }
        #expect(most == 2, "runners while the run was young: \(most)")
        // Past the limit a long run no longer holds the pool back.
        #expect(KillCordon.poll(seconds: 10) { server.runners == 3 }, "runners: \(server.runners)")
        p.terminate()
        p.waitUntilExit()
        #expect(KillCordon.poll(seconds: 10) { server.runners == 2 }, "runners after the run: \(server.runners)")
    }

    @Test("the HOME copies a warm sandbox was prepared with are made again when the caller's files changed")
    func homeCopiesFollowTheCaller() throws {
        let ws = try Workspace()
        let home = ws.path + "/callerhome"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try "[user]\n\tname = first\n".write(toFile: home + "/.gitconfig", atomically: false, encoding: .utf8)
        let server = try WarmServer(ws, env: ["HOME": home])
        var runner = try #require(server.preparedRunner())
        // Unchanged: the copy made when the sandbox was prepared is the one the run sees.
        let same = try ws.run(["sh", "-c", "cat \"$HOME/.gitconfig\""], env: ["HOME": home])
        #expect(server.lastRunPid == String(runner), "\(server.gateLog)")
        #expect(same.stdout.contains("name = first"), "\(same.stdout) \(same.stderr)")
        // Changed after the next sandbox was prepared: the run sees the new content.
        runner = try #require(
            KillCordon.poll(seconds: 20) { server.preparedRunner() != nil } ? server.preparedRunner() : nil)
        try "[user]\n\tname = second\n".write(toFile: home + "/.gitconfig", atomically: false, encoding: .utf8)
        let changed = try ws.run(["sh", "-c", "cat \"$HOME/.gitconfig\""], env: ["HOME": home])
        #expect(server.lastRunPid == String(runner), "\(server.gateLog)")
        #expect(changed.stdout.contains("name = second"), "\(changed.stdout) \(changed.stderr)")
        #expect(!changed.stdout.contains("name = first"))
    }

    @Test("a caller confined more than the server (here no_new_privs, as under seccomp or Landlock) runs directly")
    func confinedCallerRunsDirectly() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        let r = try Shell.run(
            "/usr/bin/setpriv",
            [
                "--no-new-privs", Binaries.cordon, "run", "--workspace", ws.path, "--", "sh", "-c",
                "echo confined; exit 5",
            ],
            cwd: ws.path)
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.stdout == "confined\n")
        #expect(r.stderr.contains("confined differently"), "\(r.stderr)")
        #expect(server.lastRunPid != String(runner), "\(server.gateLog)")
    }

    @Test(
        "a caller at a lower CPU priority, with another umask or other groups runs directly, and its command keeps them"
    )
    func callerStateIsNeverShed() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        let run = [Binaries.cordon, "run", "--workspace", ws.path, "--approval", "deny", "--"]
        // nice cannot be lowered again without privilege: served, the command ran at nice 0.
        let niced = try Shell.run(
            "/usr/bin/nice", ["-n", "7"] + run + ["sh", "-c", "cut -d' ' -f19 /proc/self/stat"], cwd: ws.path)
        #expect(niced.stdout == "7\n", "\(niced.stdout) \(niced.stderr)")
        #expect(niced.stderr.contains("confined differently"), "\(niced.stderr)")
        #expect(server.lastRunPid != String(runner), "\(server.gateLog)")
        // The sandbox inherits the umask of the process that cloned it: served, 0022.
        let masked = try Shell.run(
            "/bin/sh", ["-c", "umask 077; exec \"$@\"", "sh"] + run + ["sh", "-c", "umask"], cwd: ws.path)
        #expect(masked.stdout == "0077\n", "\(masked.stdout) \(masked.stderr)")
        #expect(masked.stderr.contains("confined differently"), "\(masked.stderr)")
        #expect(server.lastRunPid != String(runner), "\(server.gateLog)")
        // Other supplementary groups: the runner would open the caller's files with its own.
        if geteuid() == 0 {
            let grouped = try Shell.run("/usr/bin/setpriv", ["--groups", "4"] + run + ["true"], cwd: ws.path)
            #expect(grouped.status == 0, "\(grouped.stderr)")
            #expect(grouped.stderr.contains("confined differently"), "\(grouped.stderr)")
            #expect(server.lastRunPid != String(runner), "\(server.gateLog)")
        }
        // The same caller without the difference is still served (each refusal used a runner).
        let next = try #require(
            KillCordon.poll(seconds: 20) { server.preparedRunner() != nil } ? server.preparedRunner() : nil)
        let plain = try Shell.run(run[0], Array(run.dropFirst()) + ["true"], cwd: ws.path)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(server.lastRunPid == String(next), "\(server.gateLog)")
    }

    @Test("a served command's /proc status (signals ignored, ids, groups, umask, capabilities) is a direct one's")
    func servedStatusIsDirectStatus() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        let show = [
            "sh", "-c", "grep -E '^(SigIgn|SigBlk|Uid|Gid|Groups|Umask|Cap|NoNewPrivs|Seccomp)' /proc/self/status",
        ]
        let served = try ws.run(show)
        #expect(server.lastRunPid == String(runner), "\(server.gateLog)")
        let direct = try ws.run(show, env: ["CORDON_WARM": "0"])
        #expect(server.lastRunPid != String(runner), "\(server.gateLog)")
        #expect(served.stdout.contains("SigIgn:"), "\(served.stdout) \(served.stderr)")
        #expect(served.stdout == direct.stdout)
    }

    @Test(
        "a caller under another root directory (chroot into a bind of /) runs directly",
        .enabled(if: geteuid() == 0, "mounts and chroot")
    )
    func chrootedCallerRunsDirectly() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        var template = Array("/tmp/cordon-jail-XXXXXX".utf8CString)
        let jail = String(cString: try #require(mkdtemp(&template)))
        // The same files (/ has the workspace, the binaries and their libraries) without the
        // mounts below /, but /proc and /dev, which cordon needs.
        var mounted: [String] = []
        defer {
            for m in mounted.reversed() { umount2(m, Int32(MNT_DETACH)) }
            rmdir(jail)
        }
        for (source, target) in [("/", jail), ("/proc", jail + "/proc"), ("/dev", jail + "/dev")] {
            try #require(mount(source, target, nil, UInt(MS_BIND), nil) == 0, "bind \(source): \(Errno.current)")
            mounted.append(target)
        }
        let r = try Shell.run(
            "/usr/sbin/chroot",
            [
                jail, "/bin/sh", "-c", "cd \"$1\" && exec \"$0\" run --approval deny -- sh -c 'echo jailed; exit 6'",
                Binaries.cordon, ws.path,
            ])
        #expect(r.status == 6, "\(r.stderr)")
        #expect(r.stdout == "jailed\n")
        #expect(r.stderr.contains("another root directory"), "\(r.stderr)")
        #expect(server.lastRunPid != String(runner), "\(server.gateLog)")
    }

    @Test("a peer that connects and never sends its request gives its runner back within WarmHandoff.requestSeconds")
    func silentCallerReleasesItsRunner() throws {
        let ws = try Workspace()
        let listener = try LoneListener()
        // The peer connects, then becomes a direct `cordon run` (the same binary, so it passes
        // the runner's checks) holding the connection and sending nothing.
        let peer = Process()
        peer.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        peer.arguments = [
            "-c",
            "import os, socket, sys\ns = socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\n"
                + "os.set_inheritable(s.fileno(), True)\n"
                + "os.execv(sys.argv[2], [sys.argv[2], 'run', '--workspace', sys.argv[3], '--', 'sleep', '40'])",
            listener.path, Binaries.cordon, ws.path,
        ]
        peer.currentDirectoryURL = URL(fileURLWithPath: ws.path)
        peer.environment = ProcessInfo.processInfo.environment.merging(["CORDON_WARM": "0"]) { $1 }
        peer.standardError = FileHandle.nullDevice
        try peer.run()
        defer {
            peer.terminate()
            peer.waitUntilExit()
        }
        let pid = peer.processIdentifier
        #expect(KillCordon.poll(seconds: 10) { LoneListener.isCordon(pid) }, "the peer never became cordon")
        // Only now a runner: the connection waits in the backlog until it accepts.
        let runner = try LoneRunner(listener, ws)
        #expect(KillCordon.poll(seconds: 25) { runner.exited }, "the runner still waits for a request")
        #expect(!runner.stderr.contains("refused"), "\(runner.stderr)")
        #expect(peer.isRunning, "the peer went away: the test proved nothing")
    }

    @Test(
        "a caller's pid reused by another process (a cordon, confined as the runner) never vouches for the caller",
        .enabled(if: geteuid() == 0, "sets /proc/sys/kernel/ns_last_pid")
    )
    func reusedPidIsNotTheCaller() throws {
        let ws = try Workspace()
        let listener = try LoneListener()
        // The caller connects and exits; its connection waits in the backlog.
        let caller = try Shell.run(
            "/usr/bin/python3",
            [
                "-c",
                "import os, socket, sys\ns = socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\nprint(os.getpid())",
                listener.path,
            ])
        let old = try #require(Int32(caller.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(caller)")
        // Its pid goes to a cordon process: the kernel hands out ns_last_pid + 1 next (other
        // processes on the machine may take it first: tried again).
        var impostor: Process?
        for _ in 0..<200 where impostor == nil {
            try String(old - 1).write(toFile: "/proc/sys/kernel/ns_last_pid", atomically: false, encoding: .utf8)
            let p = Process()
            let gate = Pipe()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = [
                "-c", "read x && exec \"$0\" run --workspace \"$1\" -- sleep 40", Binaries.cordon, ws.path,
            ]
            p.currentDirectoryURL = URL(fileURLWithPath: ws.path)
            p.environment = ProcessInfo.processInfo.environment.merging(["CORDON_WARM": "0"]) { $1 }
            p.standardInput = gate
            p.standardError = FileHandle.nullDevice
            try p.run()
            if p.processIdentifier == old {
                gate.fileHandleForWriting.write("go\n".data(using: .utf8)!)
                impostor = p
            } else {
                try gate.fileHandleForWriting.close()
                p.waitUntilExit()
            }
        }
        let p = try #require(impostor, "pid \(old) was never handed out again")
        defer {
            p.terminate()
            p.waitUntilExit()
        }
        #expect(KillCordon.poll(seconds: 10) { LoneListener.isCordon(old) })
        let runner = try LoneRunner(listener, ws)
        #expect(KillCordon.poll(seconds: 25) { runner.exited })
        #expect(runner.stderr.contains("refused a caller: it has exited"), "\(runner.stderr)")
    }

    @Test("a caller whose CORDON_ settings differ from the server's runs directly, with the same result")
    func differentSettingsRunDirectly() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        let r = try ws.run(["sh", "-c", "echo direct; exit 4"], env: ["CORDON_DISABLE": "cgroups"])
        #expect(r.status == 4, "\(r.stderr)")
        #expect(r.stdout == "direct\n")
        #expect(server.lastRunPid != String(runner), "\(server.gateLog)")
    }

    /// A warm runner reads the anomaly store and the agent's profile while it waits
    /// (AnomalyPreload). Here a direct run learns after the runner read the profile: the served
    /// run that follows must score against the profile as it is then (one run learned), never
    /// the one read ahead (none), and both runs must end up learned.
    @Test("a served run sees the anomaly profile as it is when it runs, not as the runner read it ahead")
    func anomalyProfileReadAheadStaysCurrent() throws {
        let ws = try Workspace()
        let server = try WarmServer(ws)
        let runner = try #require(server.preparedRunner())
        let direct = try ws.run(["true"], env: ["CORDON_WARM": "0"])
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(server.lastRunPid != String(runner), "\(server.gateLog)")
        let served = try ws.run(["true"])
        #expect(served.status == 0, "\(served.stderr)")
        #expect(server.lastRunPid == String(runner), "\(server.gateLog)")
        // What each run's run_end says of the profile it was scored against, in the runs' order.
        let traces = ws.path + "/.cordon/traces"
        let files = try FileManager.default.contentsOfDirectory(atPath: traces).sorted()
        let seen = try files.compactMap { name -> Int? in
            let text = try String(contentsOfFile: traces + "/" + name, encoding: .utf8)
            guard let end = text.split(separator: "\n").last(where: { $0.contains("\"run_end\"") }),
                let range = end.range(of: "\"profileRuns\":")
            else { return nil }
            return Int(end[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(seen.sorted() == [0, 1], "\(files) \(seen)")
        let shown = try Shell.cordon(["baseline", "show", "--agent", "unknown", "--json"], cwd: ws.path)
        #expect(shown.status == 0, "\(shown.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect((json?["profile"] as? [String: Any])?["runs"] as? Int == 2, "\(shown.stdout)")
    }
}

/// A unix stream socket bound at `path` and listening (backlog 8), close-on-exec.
private func listenUnix(_ path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    var a = sockaddr_un()
    a.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &a.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    let ok = withUnsafePointer(to: &a) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
        }
    }
    guard ok, listen(fd, 8) == 0 else {
        let e = Errno.current
        close(fd)
        throw e
    }
    return fd
}

/// A listening unix socket in this test process (not cordon): what a caller sends it is counted.
private final class FakeRunner {
    let fd: Int32

    init(_ path: String) throws {
        fd = try listenUnix(path)
    }

    deinit { close(fd) }

    /// The pending connection, if any, and the bytes it carries until the caller closed it.
    func take() -> (connected: Bool, bytes: Int) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let c = accept(fd, nil, nil)
        guard c >= 0 else { return (false, 0) }
        defer { close(c) }
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var total = 0
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(c, &buf, buf.count, 0)
            if n <= 0 { break }
            total += n
        }
        return (true, total)
    }
}

/// A listening socket the test makes itself (non-blocking, as WarmPool's), for a runner the
/// test starts (LoneRunner) after it has put a connection in the backlog.
private final class LoneListener {
    let dir: String
    let path: String
    let fd: Int32

    init() throws {
        var template = Array("/tmp/cordon-warm-XXXXXX".utf8CString)
        guard let d = mkdtemp(&template) else { throw Errno.current }
        dir = String(cString: d)
        path = dir + "/warm.sock"
        fd = try listenUnix(path)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(fd)
        unlink(path)
        rmdir(dir)
    }

    static func isCordon(_ pid: Int32) -> Bool {
        var a = stat()
        var b = stat()
        return stat("/proc/\(pid)/exe", &a) == 0 && stat(Binaries.cordon, &b) == 0 && a.st_ino == b.st_ino
            && a.st_dev == b.st_dev
    }
}

/// `cordon warm-runner` started as WarmPool starts one (the listening socket as fd 3, a report
/// pipe as fd 4), in the workspace, with its stderr kept.
private final class LoneRunner {
    let pid: pid_t
    let errPath: String
    private let report: Int32
    private var status: Int32?

    init(_ listener: LoneListener, _ ws: Workspace) throws {
        var p: [Int32] = [-1, -1]
        guard pipe(&p) == 0 else { throw Errno.current }
        report = p[0]
        errPath = listener.dir + "/runner.err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, listener.fd, 3)
        posix_spawn_file_actions_adddup2(&actions, p[1], 4)
        let script = "cd \"$1\" && exec \"$0\" warm-runner --log-dir \"$1/.cordon\""
        let words: [String] = ["sh", "-c", script, Binaries.cordon, ws.path]
        let argv = words.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        close(p[1])
        guard rc == 0 else { throw Errno(rc) }
        self.pid = pid
    }

    var exited: Bool {
        if status != nil { return true }
        var st: Int32 = 0
        if waitpid(pid, &st, WNOHANG) == pid { status = st }
        return status != nil
    }

    var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    deinit {
        if !exited {
            kill(pid, SIGTERM)
            var st: Int32 = 0
            waitpid(pid, &st, 0)
        }
        close(report)
        unlink(errPath)
    }
}
