import CordonAudit
// `cordon run`: gate the command, then run it inside the sandbox.
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun
import CordonSandbox
import Glibc

enum RunCommand: Subcommand {
    static let name = "run"
    static let summary = "gate a command and run it inside the sandbox"
    static let helpText = HelpText(
        usage: ["cordon run [options] [--] CMD [ARG...]"],
        about: """
            Scores CMD with the gate, then runs it under namespaces, seccomp, Landlock, limits
            and a timeout. Exit status: the command's own, 128+N if killed by signal N, 124 on
            timeout, 77 if blocked or rejected, 75 if approval was needed and not given in time,
            125 if the sandbox
            could not be set up, 126/127 if CMD is not executable / not found.
            """,
        sections: [
            (
                "options",
                [
                    .value("policy", "FILE", "policy file (default: the embedded default policy)"),
                    .value("workspace", "DIR", "read-write directory, mounted at its own path (default: .)"),
                    .value("timeout", "DUR", "wall-clock limit, e.g. 90s, 10m (overrides sandbox.timeout)"),
                    .value("network", "MODE", "none | host | domains (overrides sandbox.network)"),
                    .value("env-pass", "VAR", "pass the host variable VAR through (repeatable)"),
                    .value(
                        "approval", "MODE",
                        "prompt | queue | deny: when the gate requires approval, ask on the terminal,\nwait for 'cordon approvals approve ID', or refuse (exit 75)\n(default: prompt on a terminal, queue otherwise)"
                    ),
                    .value(
                        "approval-timeout", "DUR",
                        "how long a queued approval waits (overrides approvals.timeout; 0: no wait)"),
                    .flag("unsandboxed", "run WITHOUT any sandbox (the gate still decides); loud"),
                    .value("agent", "ID", "agent id for gate.log and the trace (default: the policy's agent_id)"),
                    .value("session", "ID", "session id (default: a new one per run)"),
                    .value("project", "NAME", "project name (default: the directory name)"),
                    .value("log-dir", "DIR", "where gate.log and traces/ go (default: ./.cordon, or $CORDON_HOME)"),
                    .value("trace", "FILE", "write this run's JSON trace to FILE instead of the log directory"),
                    .flag("no-monitor", "do not gate execs inside the sandbox (same as monitor.enabled: false)"),
                    .flag(
                        "pty",
                        "give the command its own pseudo-terminal (default when cordon runs in a terminal's foreground)"
                    ),
                    .flag("no-pty", "let the command use cordon's stdin as it is, even on a terminal"),
                    .flag("summary", "print what the run did (programs, endpoints, files, denials) on stderr"),
                ]
            )
        ],
        footer: """
            environment:
              CORDON_DISABLE=userns,landlock,seccomp,cgroups   pretend a layer is unavailable
            """)
    static let options = helpText.options

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        PhaseTimer.shared.mark("start")
        // `cordon serve --warm` keeps runners with a sandbox ready: hand the run to one.
        if !WarmRunner.isRunner, let code = WarmClient.run(args, ctx) { return code }
        // The gate's tables (program names, families, kinds) are built on first use, about a
        // millisecond of one thread, and the evidence thread asked the gate only after the
        // policy was loaded and the evidence opened. Built here on a thread of their own while
        // this one parses the options and loads the policy (the other core is idle until then),
        // by a decision on a throwaway action under an empty policy: the gate is pure, so this
        // decides and records nothing, and the run's own decision then finds them made.
        if !WarmRunner.isRunner {
            _ = Alongside.detached { _ = Gate.evaluate(Action(id: "a-0", payload: .argv(["true"])), policy: Policy()) }
        }
        let parsed = try ArgumentParser.parse(args, options: options, command: name, stopAtPositional: true)
        let request = try self.request(parsed, ctx)
        defer { EarlySandbox.finish() }
        let printer = StderrObserver(ctx.output)
        do throws(RunFailure) {
            // The sandbox is prepared on this thread while another opens the evidence and asks
            // the gate; the command's part goes to it only after the gate allowed it.
            let result = try Runner.run(request, observer: printer, alongside: { EarlySandbox.alongside(request, ctx) })
            if parsed.flag("summary"), let summary = result.summary { ctx.output.err(summary.text) }
            return result.exitCode
        } catch {
            throw CLIError(error.code, error.message, hint: error.hint)
        }
    }

    /// The options, checked and resolved into what the Runner needs.
    static func request(_ parsed: ParsedArguments, _ ctx: Context) throws(CLIError) -> RunRequest {
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
                throw .usage("--network: '\(n)' is not one of none, host, domains", command: name)
            }
            if mode == .domains, policy.sandbox.networkDomains.allow.isEmpty, policy.sandbox.networkDomains.ask.isEmpty
            {
                throw .usage(
                    "--network domains: the policy lists no domains (add sandbox.network_domains.allow to it)",
                    command: name)
            }
            policy.sandbox.network = mode
        }
        if parsed.flag("no-monitor") { policy.monitor.enabled = false }
        let approvalName = parsed.value("approval") ?? (ctx.stdinIsTTY ? "prompt" : "queue")
        guard let approval = ApprovalMode(rawValue: approvalName) else {
            throw .usage("--approval: '\(approvalName)' is not one of prompt, queue, deny", command: name)
        }
        if let t = parsed.value("approval-timeout") {
            guard let secs = PolicyUnits.parseDuration(t), secs >= 0 else {
                throw .usage("--approval-timeout: '\(t)' is not a duration (examples: 0, 30s, 15m)", command: name)
            }
            policy.approvals.timeout = secs
        }
        let cwd = FileIO.cwd()
        let wsArg = parsed.value("workspace") ?? policy.sandbox.filesystem.workspace
        guard let workspace = PathResolution.realDirectory(wsArg.hasPrefix("/") ? wsArg : cwd + "/" + wsArg) else {
            throw CLIError(
                .usage, "--workspace: \(wsArg): no such directory", hint: "create it, or pass an existing directory")
        }
        // Commands start in the caller's directory when it is inside the workspace (relative
        // paths keep working), else at the workspace root.
        let realCwd = PathResolution.realDirectory(cwd) ?? cwd
        let startDir = realCwd == workspace || realCwd.hasPrefix(workspace + "/") ? realCwd : workspace
        var request = RunRequest(
            argv: argv, policy: policy,
            policyFile: parsed.value("policy").map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 },
            workspace: workspace, startDirectory: startDir,
            // Evidence belongs to the workspace (its `.cordon/`), not to wherever cordon was
            // started, unless --log-dir or CORDON_HOME says otherwise.
            logDirectory: LogDirectory.resolve(
                option: parsed.value("log-dir"), environment: ctx.environment, cwd: workspace),
            tracePath: parsed.value("trace"), agent: parsed.value("agent") ?? policy.agentId ?? "unknown",
            session: parsed.value("session") ?? RunID.make(prefix: "s-"), project: parsed.value("project"),
            approval: approval, terminal: ctx.stdinIsTTY, hostEnvironment: ctx.environment,
            probe: Probe(environment: ctx.environment))
        if parsed.flag("pty") && parsed.flag("no-pty") {
            throw .usage("--pty and --no-pty contradict each other: pick one", command: name)
        }
        if parsed.flag("pty") && !(isatty(0) == 1 && isatty(1) == 1) {
            throw .usage("--pty needs a terminal on stdin and stdout (both are what the pty relays)", command: name)
        }
        // On by default in a terminal's foreground: from the background, switching the terminal
        // to raw mode would stop cordon with SIGTTOU. (tcgetpgrp fails when the terminal is not
        // cordon's controlling terminal: then there is no job control to stop it either.)
        let group = tcgetpgrp(0)
        let foreground = isatty(0) == 1 && isatty(1) == 1 && (group < 0 || group == getpgrp())
        request.pty = parsed.flag("pty") || (!parsed.flag("no-pty") && foreground)
        request.envPass = parsed.all("env-pass")
        request.unsandboxed = parsed.flag("unsandboxed")
        return request
    }
}

/// The Runner's messages, on cordon's stderr.
final class StderrObserver: RunObserver {
    let output: OutputSink
    init(_ output: OutputSink) { self.output = output }
    func notice(_ text: String) { output.err(text) }
}

enum PathResolution {
    /// The real path of a directory, or nil when it is not one.
    static func realDirectory(_ path: String) -> String? {
        guard let p = FileIO.realPath(path), FileIO.isDirectory(p) else { return nil }
        return p
    }
}
