// `cordon hook DIALECT`: the gate as a harness's pre-tool-call hook. Reads the harness's JSON
// on stdin, judges the call (a shell tool's command as shell, any other tool by its name and
// arguments), writes the decision to gate.log with the harness's session id, and answers in
// the harness's format. On cordon's own failure it answers in the harness's blocking form:
// each of these harnesses lets the call through when a hook fails any other way.
// `cordon hook install` is in HookInstall.swift.
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun
import CordonServe
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

enum HookCommand: Subcommand {
    static let name = "hook"
    static let summary = "answer a harness's tool-call hook (Claude Code, Codex, Gemini CLI, Cline)"
    static let helpText = HelpText(
        usage: [
            "cordon hook claude|codex|gemini|cline [options]   (the harness's JSON on stdin)",
            "cordon hook install claude|codex|gemini [--project|--user] [--print] [--command CMD]",
        ],
        about: """
            Judges the tool call a harness is about to make and answers in its format:
              claude  Claude Code PreToolUse (and PermissionRequest): permissionDecision
                      allow | deny | ask; requires_approval asks the user
              codex   Codex CLI PreToolUse: only deny is enforced, so requires_approval is
                      denied with a queued approval id and the command that approves it
              gemini  Gemini CLI BeforeTool: {"decision":"allow|deny","reason":...}
              cline   Cline's PreToolUse hook file: {"cancel":true|false,"errorMessage":...}
            A shell tool (Bash, run_shell_command, execute_command, Codex's shell) is judged by
            its command as shell text (as 'cordon check' judges a shell string); any other tool
            (Write, Read, WebFetch, mcp__server__tool, ...) by its name and the paths, URLs and SQL
            in its arguments.
            Every decision is a gate.log line (source=hook, session = the harness's session id).
            Fails closed: if cordon cannot read the payload, load the policy or write gate.log, it
            blocks in the harness's blocking form (exit 2 with the reason on stderr; Cline:
            cancel) because every harness lets the call through when a hook fails otherwise.
            Exit status: 0 answered (the answer is on stdout), 2 blocked on cordon's own error,
            64 unknown harness.
            """,
        sections: [
            (
                "options",
                [
                    .value("policy", "FILE", "policy file (default: the embedded default policy)"),
                    .value("log-dir", "DIR", "gate.log's directory (default ./.cordon or $CORDON_HOME)"),
                    .value("env", "NAME", "environment (e.g. production; overrides the policy's)"),
                    .value("agent", "ID", "agent id recorded (default: the payload's agent_id, else the harness)"),
                    .value(
                        "approval", "MODE",
                        """
                        requires_approval: ask (claude's default: the harness asks its user),
                        deny (the others' default: queue an approval, refuse now, name it),
                        queue (queue an approval and wait for 'cordon approvals approve|reject')
                        """),
                    .value(
                        "wait", "SECONDS", "queue: answer deny after this long (default 540, under the hook timeout)"),
                    .value(
                        "allow-answer", "A",
                        """
                        claude: what an allow says: allow (default: skips Claude Code's own
                        prompt) or none (no answer: Claude Code's permission rules still ask)
                        """),
                    .value("input", "FILE", "read the payload from FILE instead of stdin"),
                    RequestInput.sandboxedOption,
                ]
            ),
            ("install", HookInstall.options),
        ],
        footer: """
            Claude Code (.claude/settings.json, or 'cordon hook install claude'):
              {"hooks":{"PreToolUse":[{"matcher":"*","hooks":[
                {"type":"command","command":"cordon hook claude","timeout":600}]}]}}
            See docs/hooks.md for each harness.
            """)

    enum ApprovalMode: String, CaseIterable { case ask, deny, queue }

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        guard let first = args.first, !first.hasPrefix("-") else {
            throw .usage("hook: name the harness: claude, codex, gemini or cline (or 'install')", command: name)
        }
        if first == "install" { return try HookInstall.run(Array(args.dropFirst()), ctx) }
        guard let dialect = HookDialect(rawValue: first) else {
            let known = HookDialect.allCases.map(\.rawValue) + ["install"]
            let hint = Suggest.closest(first, in: known).map { "did you mean 'cordon hook \($0)'?" }
            throw CLIError(
                .usage, "hook: unknown harness '\(first)' (known: claude, codex, gemini, cline)",
                hint: hint ?? "see 'cordon hook --help'")
        }
        // From here on the harness is known: every failure is answered in its blocking form.
        do throws(CLIError) {
            return try answer(dialect, Array(args.dropFirst()), ctx)
        } catch {
            var e = error
            e.message = "hook \(dialect.rawValue): " + e.message + " (blocked: cordon fails closed)"
            CordonCommand.report(e, ctx)
            logFailure(dialect, args, e.message, ctx)
            let f = dialect.failure(e.message)
            ctx.output.out(f.stdout)
            return f.status
        }
    }

    /// cordon's own failure as a gate.log line too (decision=block, rule=hook-error), when the
    /// log can be written: a refusal nobody can find later is a refusal nobody trusts.
    static func logFailure(_ dialect: HookDialect, _ args: [String], _ message: String, _ ctx: Context) {
        var option: String?
        if let i = args.firstIndex(of: "--log-dir"), i + 1 < args.count {
            option = args[i + 1]
        } else if let a = args.first(where: { $0.hasPrefix("--log-dir=") }) {
            option = String(a.dropFirst("--log-dir=".count))
        }
        let dir = LogDirectory.resolve(option: option, environment: ctx.environment, cwd: FileIO.cwd())
        let policy = LogPolicy()
        guard let w = try? GateLogWriter(directory: dir, maxSize: policy.maxSize, keep: policy.keep) else { return }
        _ = try? w.append(
            LogRecord(
                decision: "block", score: 0, level: "safe", agent: dialect.harness, session: "", run: "", action: "",
                source: "hook", pid: getpid(), rule: "hook-error", command: [], reasons: [message]))
    }

    static func answer(_ dialect: HookDialect, _ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let parsed = try ArgumentParser.parse(args, options: helpText.options("options"), command: name)
        if parsed.flag("help") {
            ctx.output.out(help)
            return ExitCode.success.rawValue
        }
        guard parsed.positionals.isEmpty, parsed.rest.isEmpty else {
            throw .usage(
                "unexpected argument '\((parsed.positionals + parsed.rest)[0])'", command: name)
        }
        let mode = try approvalMode(parsed, dialect)
        let wait = try waitSeconds(parsed)
        let quietAllow = try allowAnswer(parsed, dialect)
        let policy = try loadPolicy(path: parsed.value("policy"), environment: ctx.environment)
        let source = parsed.value("input") ?? "<stdin>"
        let bytes = try InputFile.read(parsed.value("input"))
        let value: JSONValue
        do throws(JSONError) {
            value = try JSONValue.parse(bytes)
        } catch {
            throw CLIError(
                .malformedInput, "payload \(source):\(error)",
                hint: "the harness sends one JSON object on stdin; see docs/hooks.md")
        }
        let call: HookCall
        do throws(HookInputError) { call = try dialect.call(value) } catch {
            throw CLIError(
                .malformedInput, "payload \(source): \(error.message)",
                hint: error.wrongEvent
                    ? "register 'cordon hook \(dialect.rawValue)' for \(dialect.events.joined(separator: "/")) only; see docs/hooks.md"
                    : "this is not the \(dialect.harness) payload cordon reads; see docs/hooks.md")
        }
        var action = Action(id: actionId(call), payload: call.payload)
        action.source = "hook"
        action.sessionId = call.sessionId
        action.agentId = parsed.value("agent") ?? call.agentId ?? dialect.harness
        action.environment = parsed.value("env")
        action.context = ["harness": dialect.harness, "tool": call.tool]
        RequestInput.applySandbox(&action, parsed, policy: policy, ctx)
        let d = Gate.evaluate(action, policy: policy)
        let dir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment, cwd: FileIO.cwd())
        do throws(AuditError) {
            _ = try GateLogWriter(directory: dir, maxSize: policy.log.maxSize, keep: policy.log.keep).append(
                d, for: action)
        } catch {
            throw DecisionLog.failure(error)
        }
        let answer = try decide(
            d, action, mode: mode, wait: wait, dir: dir, parsed: parsed, policy: policy, ctx)
        var given = answer
        if quietAllow && given.kind == .allow { given.kind = .pass }
        let (out, status) = dialect.render(given, event: call.event)
        ctx.output.out(out)
        return status
    }

    /// The harness's own id for the call when it gives one, else a digest of what was asked.
    static func actionId(_ call: HookCall) -> String {
        if let id = call.toolUseId, !id.isEmpty { return id }
        let text: String
        switch call.payload {
        case .shell(let s): text = s
        case .argv(let v): text = v.joined(separator: "\u{0}")
        case .tool(let n, let a): text = n + "\u{0}" + a.serialized()
        }
        return "a-" + String(SHA256.hex(text).prefix(12))
    }

    static func approvalMode(_ parsed: ParsedArguments, _ dialect: HookDialect) throws(CLIError) -> ApprovalMode {
        guard let v = parsed.value("approval") else { return dialect.canAsk ? .ask : .deny }
        guard let m = ApprovalMode(rawValue: v) else {
            throw .usage("--approval \(v): expected ask, deny or queue", command: name)
        }
        if m == .ask && !dialect.canAsk {
            throw .usage(
                "--approval ask: \(dialect.harness) cannot ask its user from a hook; use deny or queue",
                command: name)
        }
        return m
    }

    /// `--allow-answer none`: true when an allow should leave Claude Code's prompts in place.
    static func allowAnswer(_ parsed: ParsedArguments, _ dialect: HookDialect) throws(CLIError) -> Bool {
        guard let v = parsed.value("allow-answer") else { return false }
        guard v == "allow" || v == "none" else {
            throw .usage("--allow-answer \(v): expected allow or none", command: name)
        }
        guard dialect == .claude else {
            throw .usage(
                "--allow-answer is for claude (the others' allow skips no prompt of theirs)",
                command: name)
        }
        return v == "none"
    }

    static func waitSeconds(_ parsed: ParsedArguments) throws(CLIError) -> Double {
        guard let v = parsed.value("wait") else { return 540 }
        guard let s = Double(v), s >= 0, s.isFinite else {
            throw .usage("--wait \(v): expected a number of seconds", command: name)
        }
        return s
    }

    /// `(score 92, critical, rule R): reason; reason`.
    static func summary(_ d: Decision) -> String { DecisionText.summary(d) }

    static func decide(
        _ d: Decision, _ action: Action, mode: ApprovalMode, wait: Double, dir: LogDirectory, parsed: ParsedArguments,
        policy: Policy, _ ctx: Context
    ) throws(CLIError) -> HookAnswer {
        switch d.decision {
        case .allow:
            return HookAnswer(kind: .allow, reason: "cordon: allowed \(summary(d))")
        case .block:
            return HookAnswer(kind: .deny, reason: "cordon: blocked \(summary(d))")
        case .requiresApproval:
            break
        }
        let project = RunStart.defaultProject(cwd: FileIO.cwd())
        do throws(ApprovalError) {
            // A person who approved this kind of call with --remember has answered already.
            if let desk = try ApprovalDesk.open(dir, create: false, logPolicy: policy.log),
                let rule = try desk.remembered(d, action: action, project: project, policy: policy)
            {
                return HookAnswer(
                    kind: .allow,
                    reason:
                        "cordon: allowed by remembered approval \(rule.approvalId) (\(rule.scope.rawValue): \(rule.prefix.joined(separator: " "))) \(summary(d))"
                )
            }
        } catch {
            throw CLIError(
                .runnerFailed, "cannot read the state store: \(error)",
                hint: "the state store is \(dir.path)/state.db (--log-dir, CORDON_HOME)")
        }
        let approve = { (id: String) in
            "cordon approvals approve \(id) --remember session" + (dirHint(dir).map { " --log-dir \($0)" } ?? "")
        }
        switch mode {
        case .ask:
            return HookAnswer(kind: .ask, reason: "cordon: needs your approval \(summary(d))")
        case .deny:
            guard let id = try RequestApproval.queue(d, action, parsed, ctx, policy: policy) else {
                throw CLIError(.runnerFailed, "cannot queue the approval in \(dir.path)")
            }
            return HookAnswer(
                kind: .deny,
                reason:
                    "cordon: needs approval \(summary(d)). Queued as approval \(id); a person can approve it with '\(approve(id))', then retry."
            )
        case .queue:
            return try waitForApproval(d, action, project: project, wait: wait, dir: dir, policy: policy, ctx)
        }
    }

    /// `--log-dir DIR` for the approve command, unless DIR is the default one here.
    static func dirHint(_ dir: LogDirectory) -> String? {
        LogDirectory.resolve(option: nil, environment: [:], cwd: FileIO.cwd()) == dir ? nil : dir.path
    }

    /// `--approval queue`: a pending approval this process waits for (a dead waiter is swept as
    /// cancelled), polled every 50 ms until it is decided, its deadline passes, or `wait`
    /// seconds go by: the harness kills a hook at its timeout and then lets the call through,
    /// so cordon answers deny before that.
    static func waitForApproval(
        _ d: Decision, _ action: Action, project: String, wait: Double, dir: LogDirectory, policy: Policy,
        _ ctx: Context
    ) throws(CLIError) -> HookAnswer {
        let failed = { (what: String) in
            CLIError(
                .runnerFailed, "cannot wait for the approval: \(what)",
                hint: "check that the log directory is writable (--log-dir, CORDON_HOME)")
        }
        let opened: ApprovalDesk?
        do throws(ApprovalError) { opened = try ApprovalDesk.open(dir, create: true, logPolicy: policy.log) } catch {
            throw failed("\(error)")
        }
        guard let desk = opened else { throw failed("the state store could not be created in \(dir.path)") }
        do throws(ApprovalError) {
            let a = try desk.request(
                d, action: action, run: "", project: project, waiter: WaiterIdentity.current(),
                timeout: policy.approvals.timeout)
            ctx.output.err(
                "cordon: waiting for approval \(a.id) \(summary(d)); approve with: cordon approvals approve \(a.id)"
                    + (dirHint(dir).map { " --log-dir \($0)" } ?? "") + "\n")
            let stop = now() + wait
            while true {
                let now = now()
                if let cur = try desk.approval(a.id), cur.status != .pending {
                    let by = cur.decidedBy.map { " by \($0)" } ?? ""
                    let note = cur.note.flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""
                    if cur.status == .approved {
                        return HookAnswer(kind: .allow, reason: "cordon: approval \(a.id) approved\(by)\(note)")
                    }
                    return HookAnswer(
                        kind: .deny, reason: "cordon: approval \(a.id) \(cur.status.rawValue)\(by)\(note) \(summary(d))"
                    )
                }
                if let dl = a.deadline, now >= dl {
                    _ = try desk.decide(
                        a.id, ApprovalDecision(status: .expired, by: "cordon (not decided in time)", at: now))
                    continue
                }
                if now >= stop {
                    _ = try desk.decide(
                        a.id,
                        ApprovalDecision(
                            status: .expired,
                            by: "cordon (the hook waited \(Int(wait)) s, under the harness's timeout)",
                            at: now))
                    continue
                }
                usleep(50_000)
            }
        } catch {
            throw failed("\(error)")
        }
    }

    /// Seconds since the epoch, as the approval store keeps its times.
    static func now() -> Double { Double(Timestamp.now().milliseconds) / 1000 }
}
