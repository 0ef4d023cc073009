// Signals, limits and outcomes that are true (issue 13, section 4): a Ctrl-C reaches the
// command as SIGINT (and the other terminal signals as themselves), each limit hit is a
// `limit` event, a stderr line naming the policy key and the `run_end` outcome, the signal
// recorded is the one that ended the run, a failed run says why, and gate.log gets a line per
// run end.
import CordonTestSupport
import Foundation
import Testing

/// A `cordon run` in the background, to send it signals as a terminal would.
final class BackgroundRun {
    let process = Process()
    let out = Pipe()
    let err = Pipe()

    init(_ ws: Workspace, _ command: [String], options: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Binaries.cordon)
        process.arguments = ["run", "--workspace", ws.path, "--approval", "deny"] + options + ["--"] + command
        process.currentDirectoryURL = URL(fileURLWithPath: ws.path)
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    func signal(_ s: Int32) { kill(process.processIdentifier, s) }

    /// Waits (at most `limit` seconds, then SIGKILL) and returns cordon's exit status (128+N
    /// when cordon itself died of signal N), stdout and stderr.
    func finish(limit: Double = 20) -> (status: Int32, stdout: String, stderr: String) {
        let done = KillCordon.poll(seconds: limit) { !process.isRunning }
        if !done { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, o, e)
    }
}

enum RunEvidence {
    /// The events of the newest trace in the workspace's .cordon/traces, after checking the
    /// file against docs/trace.schema.json.
    static func lastTrace(_ ws: Workspace) throws -> [[String: Any]] {
        let dir = ws.path + "/.cordon/traces"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jsonl") }.sorted()
        let path = dir + "/" + (names.last ?? "none")
        let v = try Shell.run("/usr/bin/env", TraceSchema.validatorArguments(trace: path))
        #expect(v.status == 0, "trace does not match docs/trace.schema.json: \(v.stdout)\(v.stderr)")
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }

    static func events(_ trace: [[String: Any]], _ type: String) -> [[String: Any]] {
        trace.filter { $0["type"] as? String == type }
    }

    static func runEnd(_ trace: [[String: Any]]) -> [String: Any] { events(trace, "run_end").last ?? [:] }

    /// gate.log's `source=run` lines.
    static func runLines(_ ws: Workspace) throws -> [String] {
        try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8).split(separator: "\n")
            .map(String.init).filter { $0.contains(" source=run ") }
    }

    static func waitForFile(_ path: String) -> Bool {
        KillCordon.poll(seconds: 10) { FileManager.default.fileExists(atPath: path) }
    }
}

@Suite(
    "cordon run signals, limits and outcomes", .serialized,
    .enabled(if: SandboxSupport.available, SandboxSupport.skipReason), .timeLimit(.minutes(10)))
struct RunOutcomeTests {
    // Regression (security issue E.14): as an ordinary user, limits.memory is RLIMIT_AS per
    // process (six 2 GiB processes passed a 4 GiB limit) and nothing said so.
    @Test("run_start says whether the memory and process limits bound the whole run or each process alone")
    func limitsScope() throws {
        let ws = try Workspace()
        _ = try ws.run(["true"])
        let start = RunEvidence.events(try RunEvidence.lastTrace(ws), "run_start").first
        let sandbox = start?["sandbox"] as? [String: Any]
        let scope = sandbox?["limits_scope"] as? String ?? ""
        #expect(scope.hasPrefix("run (cgroup)") || scope.hasPrefix("process (rlimits only: "), "\(scope)")
        // cgroup limits need root here (cgroup v1, or v2 without delegation).
        if geteuid() != 0 { #expect(scope.hasPrefix("process"), "\(scope)") }
    }

    // Regression: Ctrl-C reached the command as SIGTERM, so Python's KeyboardInterrupt
    // handler never ran.
    @Test(
        "Ctrl-C reaches the command as SIGINT: a Python KeyboardInterrupt handler runs and its exit status comes back")
    func ctrlCIsSIGINT() throws {
        let ws = try Workspace()
        try ws.write(
            "k.py",
            """
            import time
            try:
                # Inside the try: a SIGINT sent the moment "ready" exists must meet the handler.
                open("ready", "w").close()
                time.sleep(30)
            except KeyboardInterrupt:
                print("KeyboardInterrupt handled", flush=True)
                raise SystemExit(7)
            """)
        let run = try BackgroundRun(ws, ["python3", "k.py"])
        #expect(RunEvidence.waitForFile(ws.path + "/ready"))
        run.signal(SIGINT)
        let r = run.finish()
        #expect(r.status == 7, "\(r.stderr)")
        #expect(r.stdout == "KeyboardInterrupt handled\n")
        #expect(!r.stderr.contains("interrupted"), "one Ctrl-C is the command's to handle: \(r.stderr)")
        let end = RunEvidence.runEnd(try RunEvidence.lastTrace(ws))
        #expect(end["outcome"] as? String == "exited")
        #expect(end["exitCode"] as? Int == 7)
        #expect(end["forwardedSignals"] as? [Int] == [Int(SIGINT)])
    }

    @Test("SIGUSR1, SIGWINCH and SIGHUP sent to cordon reach the command as themselves")
    func otherSignalsAsThemselves() throws {
        let ws = try Workspace()
        try ws.write(
            "s.sh",
            """
            trap 'echo USR1' USR1
            trap 'echo WINCH' WINCH
            trap 'echo HUP; exit 3' HUP
            touch ready
            while :; do sleep 0.05; done
            """)
        let run = try BackgroundRun(ws, ["sh", "./s.sh"])
        #expect(RunEvidence.waitForFile(ws.path + "/ready"))
        run.signal(SIGUSR1)
        usleep(300_000)
        run.signal(SIGWINCH)
        usleep(300_000)
        run.signal(SIGHUP)
        let r = run.finish()
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stdout == "USR1\nWINCH\nHUP\n")
        let end = RunEvidence.runEnd(try RunEvidence.lastTrace(ws))
        #expect(end["forwardedSignals"] as? [Int] == [Int(SIGUSR1), Int(SIGWINCH), Int(SIGHUP)])
    }

    @Test("a second Ctrl-C tears the run down: SIGTERM to the tree, exit 130, outcome interrupted")
    func secondCtrlC() throws {
        let ws = try Workspace()
        try ws.write("s.sh", "trap 'echo got INT' INT\ntouch ready\nwhile :; do sleep 0.05; done\n")
        let run = try BackgroundRun(ws, ["sh", "./s.sh"])
        #expect(RunEvidence.waitForFile(ws.path + "/ready"))
        run.signal(SIGINT)
        usleep(300_000)
        run.signal(SIGINT)
        let r = run.finish()
        #expect(r.status == 130, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("got INT\n"))
        #expect(r.stderr.contains("interrupted by signal 2"))
        let end = RunEvidence.runEnd(try RunEvidence.lastTrace(ws))
        #expect(end["outcome"] as? String == "interrupted")
        #expect(end["interruptedBy"] as? Int == Int(SIGINT))
        // The shell died of the SIGTERM cordon sent, not of a SIGKILL.
        #expect(end["signal"] as? Int == Int(SIGTERM), "\(end)")
    }

    // Regression: the trace said `signal: 9` even when SIGTERM ended the run.
    @Test("a timeout records the signal that ended the run: SIGTERM when it sufficed, SIGKILL only when needed")
    func timeoutSignal() throws {
        let ws = try Workspace()
        let r = try ws.run(["sleep", "30"], options: ["--timeout", "1"], limit: 20)
        #expect(r.status == 124)
        var trace = try RunEvidence.lastTrace(ws)
        #expect(RunEvidence.events(trace, "timeout").first?["signal"] as? Int == Int(SIGTERM))
        var end = RunEvidence.runEnd(trace)
        #expect(end["outcome"] as? String == "timeout")
        #expect(end["signal"] as? Int == Int(SIGTERM), "\(end)")

        try ws.write("p.yaml", "extends: default\nsandbox:\n  grace: 1\n")
        try ws.write("s.sh", "trap '' TERM\nsleep 30\n")
        let stubborn = try ws.run(
            ["sh", "./s.sh"], options: ["--timeout", "1", "--policy", ws.path + "/p.yaml"], limit: 20)
        #expect(stubborn.status == 124)
        #expect(stubborn.stderr.contains("SIGKILL"))
        trace = try RunEvidence.lastTrace(ws)
        #expect(RunEvidence.events(trace, "timeout").first?["signal"] as? Int == Int(SIGKILL))
        end = RunEvidence.runEnd(trace)
        #expect(end["signal"] as? Int == Int(SIGKILL), "\(end)")
    }

    // Regression: `dd` past limits.file_size died with 153 and no explanation.
    @Test(
        "a file past limits.file_size is a limit event, a stderr line naming sandbox.limits.file_size, and run_end outcome limit",
        arguments: [["dd", "if=/dev/zero", "of=big", "bs=64k", "count=64"], ["sh", "./dd.sh"]])
    func fileSize(command: [String]) throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    file_size: 1MiB\n")
        // Through a shell that reports the child's death as 128+25, as shells do.
        try ws.write("dd.sh", "dd if=/dev/zero of=big bs=64k count=64 2>/dev/null\nexit $?\n")
        let r = try ws.run(command, options: ["--policy", ws.path + "/p.yaml"])
        #expect(r.status == 128 + SIGXFSZ)
        #expect(r.stderr.contains("file size limit of 1MiB reached (sandbox.limits.file_size)"), "\(r.stderr)")
        #expect(r.stderr.contains("raise sandbox.limits.file_size"))
        let trace = try RunEvidence.lastTrace(ws)
        let limit = RunEvidence.events(trace, "limit")
        #expect(limit.count == 1)
        #expect(limit.first?["limit"] as? String == "file_size")
        let end = RunEvidence.runEnd(trace)
        #expect(end["outcome"] as? String == "limit")
        #expect(end["limits"] as? [String] == ["file_size"])
        let line = try RunEvidence.runLines(ws).last ?? ""
        #expect(line.contains("decision=limit") && line.contains("limits=file_size"), "\(line)")
    }

    @Test("CPU time past limits.cpu (SIGXCPU) is a limit event and a stderr line naming sandbox.limits.cpu")
    func cpu() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    cpu: 1\n")
        let r = try ws.run(["sh", "-c", "while :; do :; done"], options: ["--policy", ws.path + "/p.yaml"], limit: 30)
        #expect(r.status == 128 + SIGXCPU)
        #expect(r.stderr.contains("(sandbox.limits.cpu)"), "\(r.stderr)")
        let trace = try RunEvidence.lastTrace(ws)
        #expect(RunEvidence.events(trace, "limit").first?["limit"] as? String == "cpu")
        #expect(RunEvidence.runEnd(trace)["signal"] as? Int == Int(SIGXCPU))
    }

    // Regression: with the output cap reached cordon exited 0 and the trace said `exited`.
    @Test("output past limits.output keeps the command's exit status but is a limit event and run_end outcome limit")
    func output() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    output: 1000\n")
        let r = try ws.run(["sh", "-c", "yes | head -c 100000; exit 4"], options: ["--policy", ws.path + "/p.yaml"])
        #expect(r.status == 4, "the exit status stays the command's own (docs/environment.md)")
        #expect(r.stdout.utf8.count == 1000)
        #expect(r.stderr.components(separatedBy: "sandbox.limits.output").count == 3, "one line: \(r.stderr)")
        let trace = try RunEvidence.lastTrace(ws)
        #expect(RunEvidence.events(trace, "limit").map { $0["limit"] as? String } == ["output"])
        let end = RunEvidence.runEnd(trace)
        #expect(end["outcome"] as? String == "limit")
        #expect(end["exitCode"] as? Int == 4)
    }

    @Test("too many open files past limits.open_files is a limit event when the command reports EMFILE")
    func openFiles() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    open_files: 32\n")
        try ws.write("f.py", "fs = [open('/dev/null') for _ in range(100)]\n")
        let r = try ws.run(["python3", "f.py"], options: ["--policy", ws.path + "/p.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("open files limit of 32 reached (sandbox.limits.open_files)"), "\(r.stderr)")
        let trace = try RunEvidence.lastTrace(ws)
        #expect(RunEvidence.events(trace, "limit").first?["limit"] as? String == "open_files")
        #expect(RunEvidence.runEnd(trace)["limits"] as? [String] == ["open_files"])
    }

    @Test("memory past limits.memory is a limit event naming sandbox.limits.memory")
    func memory() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    memory: 64MiB\n")
        try ws.write("m.py", "x = bytearray(512 * 1024 * 1024)\n")
        let r = try ws.run(["python3", "m.py"], options: ["--policy", ws.path + "/p.yaml"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("(sandbox.limits.memory)"), "\(r.stderr)")
        let trace = try RunEvidence.lastTrace(ws)
        #expect(RunEvidence.events(trace, "limit").first?["limit"] as? String == "memory")
    }

    @Test("processes past limits.processes is a limit event naming sandbox.limits.processes")
    func processes() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    processes: 8\n")
        try ws.write("s.sh", "for i in $(seq 1 40); do sleep 2 & done; wait\n")
        let r = try ws.run(["sh", "./s.sh"], options: ["--policy", ws.path + "/p.yaml"], limit: 30)
        let trace = try RunEvidence.lastTrace(ws)
        // What the run did, should it not end (seen once in a full suite: killed at 30 s).
        let events = trace.suffix(12).map { e in "\(e["type"] ?? "?") \(e["cmd"] ?? e["limit"] ?? "")" }
        #expect(r.stderr.contains("(sandbox.limits.processes)"), "status \(r.status), \(r.stderr), \(events)")
        #expect(RunEvidence.events(trace, "limit").contains { $0["limit"] as? String == "processes" })
    }

    @Test("a run that hits no limit records none, and its outcome is its own")
    func noLimit() throws {
        let ws = try Workspace()
        let r = try ws.run(["sh", "-c", "echo fine; exit 3"])
        #expect(r.status == 3)
        #expect(!r.stderr.contains("limit"))
        let trace = try RunEvidence.lastTrace(ws)
        #expect(RunEvidence.events(trace, "limit").isEmpty)
        let end = RunEvidence.runEnd(trace)
        #expect(end["outcome"] as? String == "exited")
        #expect(end["limits"] == nil)
        let line = try RunEvidence.runLines(ws).last ?? ""
        #expect(line.contains("decision=exited") && line.contains("exit=3") && line.contains("duration_ms="), "\(line)")
    }

    @Test("run_end of a failed run carries the error, and gate.log has one run-end line per run")
    func failedRunSaysWhy() throws {
        let ws = try Workspace()
        _ = try ws.run(["true"])
        let r = try ws.run(["no-such-command-xyz"])
        #expect(r.status == 127)
        let end = RunEvidence.runEnd(try RunEvidence.lastTrace(ws))
        #expect(end["outcome"] as? String == "failed")
        #expect((end["error"] as? String)?.contains("command not found") == true, "\(end)")
        let lines = try RunEvidence.runLines(ws)
        #expect(lines.count == 2)
        #expect(lines.last?.contains("decision=failed") == true)
        #expect(lines.last?.contains("command not found") == true)
        // The log still verifies with the new lines in its chain.
        let v = try Shell.cordon(["log", "verify"], cwd: ws.path)
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    }
}

/// A sandbox whose pid namespace cannot end: cordon must not wait for it for ever.
@Suite("a sandbox that cannot end", .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
struct StuckSandboxTests {
    // Regression (session 12's hang had this shape with cordon itself as the tracer): when a
    // pid namespace's init exits, the kernel kills the namespace and init waits in
    // zap_pid_ns_processes until every process is reaped; a killed process traced from outside
    // becomes a zombie reported to its tracer first, and while the tracer does not wait for it
    // init never ends. cordon waited on init's pidfd without bound and hung its caller.
    @Test("a process traced from outside keeps init from ending: cordon gives up, says why, and fails")
    func tracedZombieOutside() throws {
        let ws = try Workspace()
        let marker = "299.\(Int.random(in: 100_000...999_999))"
        let run = try BackgroundRun(ws, ["sh", "-c", "sleep \(marker) & sleep 2"])
        var sleeper: Int32 = 0
        _ = KillCordon.poll(seconds: 4) {
            let out = (try? Shell.run("/usr/bin/pgrep", ["-f", "^sleep \(marker)$"]).stdout) ?? ""
            sleeper = Int32(out.split(separator: "\n").first ?? "") ?? 0
            return sleeper > 0
        }
        try #require(sleeper > 0, "the sandboxed sleep never showed")
        // A tracer from the host: it holds the sleep's zombie until it is killed (its end
        // detaches, and init can reap the zombie and end).
        let tracer = Process()
        tracer.executableURL = URL(fileURLWithPath: Binaries.tryHelper)
        tracer.arguments = ["trace-hold", String(sleeper)]
        let tout = Pipe()
        tracer.standardOutput = tout
        try tracer.run()
        defer {
            kill(tracer.processIdentifier, SIGKILL)
            tracer.waitUntilExit()
        }
        let said = String(decoding: tout.fileHandleForReading.availableData, as: UTF8.self)
        try #require(said.hasPrefix("trace-hold: ok"), "the tracer: \(said)")
        let started = Date()
        let r = run.finish(limit: 30)
        let waited = Date().timeIntervalSince(started)
        #expect(r.status == 125, "status \(r.status): \(r.stderr)")
        #expect(waited < 20, "cordon waited \(waited) s")
        #expect(r.stderr.contains("did not end within 10 s"), "\(r.stderr)")
        #expect(
            r.stderr.contains("pid \(sleeper) (sleep)")
                && r.stderr.contains("traced by pid \(tracer.processIdentifier)"),
            "\(r.stderr)")
        let end = RunEvidence.events(try RunEvidence.lastTrace(ws), "run_end").first
        #expect(end?["outcome"] as? String == "failed", "\(String(describing: end))")
    }
}
