// `cordon run`: gate the command, then run it inside the sandbox.
import CordonBase
import CordonAudit
import CordonGate
import CordonMonitor
import CordonPolicy
import CordonSandbox
import Glibc

enum RunCommand: Subcommand {
    static let name = "run"
    static let summary = "gate a command and run it inside the sandbox"
    static let help = """
        usage: cordon run [options] [--] CMD [ARG...]

        Scores CMD with the gate, then runs it under namespaces, seccomp, Landlock, limits
        and a timeout. Exit status: the command's own, 128+N if killed by signal N, 124 on
        timeout, 77 if blocked, 75 if approval was needed and not given, 125 if the sandbox
        could not be set up, 126/127 if CMD is not executable / not found.

        options:
          --policy FILE         policy file (default: the embedded default policy)
          --workspace DIR       read-write directory, mounted at its own path (default: .)
          --timeout DUR         wall-clock limit, e.g. 90s, 10m (overrides sandbox.timeout)
          --network MODE        none | host (overrides sandbox.network)
          --env-pass VAR        pass the host variable VAR through (repeatable)
          --approval MODE       prompt | deny: what to do when the gate requires approval
                                (default: prompt on a terminal, deny otherwise)
          --unsandboxed         run WITHOUT any sandbox (the gate still decides); loud
          --agent ID            agent id for gate.log and the trace (default: the policy's agent_id)
          --session ID          session id (default: a new one per run)
          --project NAME        project name (default: the directory name)
          --log-dir DIR         where gate.log and traces/ go (default: ./.cordon, or $CORDON_HOME)
          --trace FILE          write this run's JSON trace to FILE instead of the log directory
          --no-monitor          do not gate execs inside the sandbox (same as monitor.enabled: false)
          --summary             print what the run did (programs, endpoints, files, denials) on stderr
          -h, --help            this help

        environment:
          CORDON_DISABLE=userns,landlock,seccomp,cgroups   pretend a layer is unavailable

        """

    static let options = [
        OptionSpec("policy"), OptionSpec("workspace"), OptionSpec("timeout"), OptionSpec("network"),
        OptionSpec("env-pass"), OptionSpec("approval"), OptionSpec("unsandboxed", value: false),
        OptionSpec("agent"), OptionSpec("session"), OptionSpec("project"), OptionSpec("log-dir"), OptionSpec("trace"),
        OptionSpec("no-monitor", value: false), OptionSpec("summary", value: false),
    ]

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        PhaseTimer.shared.mark("start")
        let parsed = try ArgumentParser.parse(args, options: options, command: name, stopAtPositional: true)
        let argv = parsed.rest
        guard !argv.isEmpty else { throw .usage("run: no command given", command: name) }
        var policy = try loadPolicy(path: parsed.value("policy"), environment: ctx.environment)
        PhaseTimer.shared.mark("policy loaded")
        if let t = parsed.value("timeout") {
            guard let secs = PolicyUnits.parseDuration(t), secs > 0 else {
                throw .usage("--timeout: '\(t)' is not a duration (examples: 30, 90s, 10m, 1h)", command: name)
            }
            policy.sandbox.timeout = secs
        }
        if let n = parsed.value("network") {
            guard let mode = NetworkMode(rawValue: n), mode != .allowList else {
                throw .usage("--network: '\(n)' is not one of none, host", command: name)
            }
            policy.sandbox.network = mode
        }
        let approval = parsed.value("approval") ?? (ctx.stdinIsTTY ? "prompt" : "deny")
        guard approval == "prompt" || approval == "deny" else {
            throw .usage("--approval: '\(approval)' is not one of prompt, deny", command: name)
        }
        let cwd = currentDirectory()
        let wsArg = parsed.value("workspace") ?? policy.sandbox.filesystem.workspace
        guard let workspace = PathResolution.real(wsArg.hasPrefix("/") ? wsArg : cwd + "/" + wsArg) else {
            throw CLIError(.usage, "--workspace: \(wsArg): no such directory", hint: "create it, or pass an existing directory")
        }
        // Commands start in the caller's directory when it is inside the workspace (relative
        // paths keep working), else at the workspace root.
        let realCwd = PathResolution.real(cwd) ?? cwd
        let startDir = realCwd == workspace || realCwd.hasPrefix(workspace + "/") ? realCwd : workspace
        let probe = Probe(environment: ctx.environment)
        let unsandboxed = parsed.flag("unsandboxed")
        if parsed.flag("no-monitor") { policy.monitor.enabled = false }

        // Evidence first: if gate.log or the trace cannot be written, nothing runs (fail closed).
        let logDir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment, cwd: cwd)
        let rec = try evidence { () throws(AuditError) in
            try RunRecorder(directory: logDir, logPolicy: policy.log, tracePath: parsed.value("trace"))
        }
        let agent = parsed.value("agent") ?? policy.agentId ?? "unknown"
        let layers = unsandboxed ? [] : Isolation.intendedLayers(policy, probe: probe).traceNames
        let start = RunStart(
            policy: policy.source, agent: agent, session: parsed.value("session") ?? RunID.make(prefix: "s-"),
            project: parsed.value("project"), command: argv, cwd: startDir, isolation: layers,
            sandbox: sandboxSummary(policy, workspace: workspace))
        try evidence { () throws(AuditError) in try rec.start(start) }
        PhaseTimer.shared.mark("evidence opened")
        let began = Sandbox.monotonicNow()
        var monitor: Monitor?
        func finish(_ outcome: RunEnd.Outcome, exit: Int32?, signal: Int32? = nil, cordonExit: Int32, usage: rusage? = nil) throws(CLIError) -> Int32 {
            var end = RunEnd(
                exitCode: exit, signal: signal, durationMs: (Sandbox.monotonicNow() - began) * 1000,
                rusage: usage.map { ResourceUsage($0) }, outcome: outcome, cordonExit: cordonExit == exit ? nil : cordonExit)
            if let m = monitor {
                end.summary = m.summary.json
                let per = { (x: Double) in m.handled == 0 ? 0 : Int(x / Double(m.handled) * 1e6) }
                PhaseTimer.shared.mark("monitor answered \(m.handled) notifications, \(per(m.handlingSeconds)) us each (writers \(per(m.phase[0])), read \(per(m.phase[1])), gate \(per(m.phase[2])), event \(per(m.phase[3])))")
                if parsed.flag("summary") { ctx.output.err(m.summary.text) }
            }
            try evidence { () throws(AuditError) in try rec.end(end) }
            return cordonExit
        }

        // The gate decides before anything is spawned.
        var action = Action(id: "a-1", payload: .argv(argv))
        action.agentId = agent
        action.sessionId = start.session
        var decision = Gate.evaluate(action, policy: policy)
        decision.agentId = agent
        decision.sessionId = start.session
        PhaseTimer.shared.mark("gate decided")
        try evidence { () throws(AuditError) in try rec.record(decision, for: action, pid: getpid()) }
        PhaseTimer.shared.mark("decision recorded")
        switch decision.decision {
        case .block:
            ctx.output.err(describe(decision, verb: "blocked"))
            return try finish(.blocked, exit: nil, cordonExit: ExitCode.blocked.rawValue)
        case .requiresApproval:
            if approval == "deny" {
                ctx.output.err(describe(decision, verb: "requires approval") + "cordon: not approved (non-interactive; --approval deny)\n")
                return try finish(.approvalPending, exit: nil, cordonExit: ExitCode.approvalPending.rawValue)
            }
            let yes = Approval.prompt(decision, command: argv, ctx)
            try evidence { () throws(AuditError) in
                try rec.event(yes ? "approval_approved" : "approval_rejected", [("actionId", .string(action.id)), ("by", .string("terminal"))])
            }
            if !yes {
                ctx.output.err("cordon: rejected by the operator\n")
                return try finish(.blocked, exit: nil, cordonExit: ExitCode.blocked.rawValue)
            }
        case .allow:
            break
        }

        if unsandboxed {
            ctx.output.err("cordon: WARNING: --unsandboxed: running '\(argv[0])' WITHOUT any sandbox (no namespaces, seccomp, Landlock or limits); only the gate decided\n")
            let code = Unsandboxed.exec(argv, cwd: startDir)
            return try finish(code > 128 ? .signaled : .exited, exit: code > 128 ? nil : code, signal: code > 128 ? code - 128 : nil, cordonExit: code)
        }

        var req = SandboxRequest(argv: argv, policy: policy, workspace: workspace, cwd: startDir, hostEnvironment: ctx.environment)
        req.envPass = parsed.all("env-pass")
        // cordon's own state is never visible to the command, even inside the workspace: the
        // default .cordon/, a --log-dir elsewhere in a visible tree, and a --trace file's folder.
        req.hide = [workspace + "/.cordon", logDir.path]
        if let t = parsed.value("trace") { req.hide.append(t) }
        // Nor the policy it runs under (DESIGN): a policy kept in the workspace would otherwise
        // be rewritable by the command it constrains, loosening every later run.
        if let p = parsed.value("policy") { req.hide.append(p.hasPrefix("/") ? p : cwd + "/" + p) }
        // Execs inside the sandbox go back through the gate; what the monitor decides and sees
        // lands in the same gate.log and trace. A write failure there is noted once on stderr:
        // the monitor is mid-run and stopping it would leave the command unwatched.
        var evidenceLost = false
        if policy.monitor.enabled {
            monitor = Monitor(
                policy: policy, agentId: agent, sessionId: start.session, interactive: approval == "prompt" && ctx.stdinIsTTY,
                sink: Monitor.Sink(
                    decision: { d, a, pid in
                        do throws(AuditError) { try rec.record(d, for: a, pid: pid) } catch {
                            if !evidenceLost { evidenceLost = true; ctx.output.err("cordon: error: cannot record a monitor decision: \(error)\n") }
                        }
                        if d.decision != .allow {
                            let cmd: String
                            if case .argv(let v) = a.payload { cmd = v.joined(separator: " ") } else { cmd = a.id }
                            ctx.output.err("cordon: refused inside the sandbox: \(cmd) (score \(d.score), \(d.level.rawValue), \(d.policyRule ?? "-"): \(d.reasons.first ?? ""))\n")
                        }
                    },
                    event: { type, fields in
                        do throws(AuditError) { try rec.event(type, fields) } catch {
                            if !evidenceLost { evidenceLost = true; ctx.output.err("cordon: error: cannot record a monitor event: \(error)\n") }
                        }
                    }))
        }
        let result: Result<RunOutcome, SandboxError>
        do throws(SandboxError) {
            result = .success(try Isolation.run(req, probe: probe, monitor: monitor, notice: { ctx.output.err($0 + "\n") }, fallback: { used in
                try? rec.event("isolation_fallback", [
                    ("isolation", .array(used.traceNames.map { .string($0) })),
                    ("reason", .string("user namespaces refused by the kernel")),
                ])
            }))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let outcome):
            switch outcome.status {
            case .exited(let c):
                return try finish(.exited, exit: c, cordonExit: c, usage: outcome.usage)
            case .signaled(let sig):
                return try finish(.signaled, exit: nil, signal: sig, cordonExit: outcome.exitCode, usage: outcome.usage)
            case .interrupted(let sig):
                ctx.output.err("cordon: interrupted by signal \(sig); the sandbox was torn down\n")
                return try finish(.signaled, exit: nil, signal: sig, cordonExit: outcome.exitCode, usage: outcome.usage)
            case .monitorFailed(let why):
                ctx.output.err("cordon: error: monitor: \(why); the sandbox was killed (fail closed)\n")
                return try finish(.failed, exit: nil, cordonExit: ExitCode.runnerFailed.rawValue, usage: outcome.usage)
            case .timedOut:
                ctx.output.err("cordon: timed out after \(PolicyUnits.formatDuration(policy.sandbox.timeout)); the whole process tree was killed\n")
                try evidence { () throws(AuditError) in try rec.timeout(afterSeconds: policy.sandbox.timeout, signal: SIGKILL) }
                return try finish(.timeout, exit: nil, cordonExit: ExitCode.timedOut.rawValue, usage: outcome.usage)
            }
        case .failure(let error):
            if error.isExec {
                let e = error.errno ?? ENOENT
                let code: ExitCode = e == ENOENT ? .notFound : .notExecutable
                let what = e == ENOENT ? "command not found" : "command not executable"
                ctx.output.err("cordon: error: \(argv[0]): \(what) (\(Errno.text(e)))\n")
                return try finish(.failed, exit: nil, cordonExit: code.rawValue)
            }
            _ = try? finish(.failed, exit: nil, cordonExit: ExitCode.runnerFailed.rawValue)
            throw CLIError(.runnerFailed, error.description, hint: "run 'cordon doctor' to see which isolation layers work here")
        }
    }

    /// Runs an evidence step; failure to record is a runner failure (125) naming the file.
    static func evidence<T>(_ body: () throws(AuditError) -> T) throws(CLIError) -> T {
        do throws(AuditError) {
            return try body()
        } catch {
            throw CLIError(.runnerFailed, "cannot record evidence, so the command was not run: \(error)",
                           hint: "check that the log directory is writable (--log-dir, CORDON_HOME)")
        }
    }

    static func sandboxSummary(_ p: Policy, workspace: String) -> JSONValue {
        let sb = p.sandbox
        return .object([
            ("mode", .string(sb.mode.rawValue)), ("network", .string(sb.network.rawValue)),
            ("timeout", .number(sb.timeout)), ("workspace", .string(workspace)), ("seccomp", .string(sb.seccomp)),
            ("memory", sb.limits.memory.map { .number(Double($0)) } ?? .null),
            ("processes", sb.limits.processes.map { .number(Double($0)) } ?? .null),
        ])
    }

    static func describe(_ d: Decision, verb: String) -> String {
        var s = "cordon: \(verb): score \(d.score) (\(d.level.rawValue))"
        if let r = d.policyRule { s += ", rule \(r)" }
        s += "\n"
        for r in d.reasons { s += "  - \(r)\n" }
        return s
    }

    static func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buf, buf.count) != nil else { return "/" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

enum PathResolution {
    static func real(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        var st = stat()
        guard stat(p, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { return nil }
        return String(cString: p)
    }
}

/// Asks on the terminal. Reads from /dev/tty, not stdin, so a piped-in script cannot answer.
enum Approval {
    static func prompt(_ d: Decision, command: [String], _ ctx: Context) -> Bool {
        ctx.output.err(RunCommand.describe(d, verb: "requires approval"))
        ctx.output.err("cordon: run '\(command.joined(separator: " "))'? [y/N] ")
        let fd = open("/dev/tty", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buf, buf.count)
        guard n > 0 else { return false }
        let answer = String(decoding: buf[0..<n], as: UTF8.self).lowercased()
        return answer.hasPrefix("y")
    }
}

/// Only with --unsandboxed: a plain fork/exec, so the user who asked for it gets the
/// command's own exit status.
enum Unsandboxed {
    static func exec(_ argv: [String], cwd: String) -> Int32 {
        var pid: pid_t = 0
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        let old = RunCommand.currentDirectory()
        chdir(cwd)
        let rc = posix_spawnp(&pid, argv[0], nil, &attr, &cargs, environ)
        chdir(old)
        if rc != 0 { return rc == ENOENT ? ExitCode.notFound.rawValue : ExitCode.notExecutable.rawValue }
        var st: Int32 = 0
        while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
        if st & 0x7f == 0 { return (st >> 8) & 0xff }
        return 128 + (st & 0x7f)
    }
}
