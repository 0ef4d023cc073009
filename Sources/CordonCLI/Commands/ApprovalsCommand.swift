import CordonAudit
// `cordon approvals`: list, show and decide the approvals in `.cordon/state.db`, watch for new
// ones, make the approver key, and list or forget remembered rules. `cordon actions show` is the
// AgentSec polling shape of one approval.
import CordonBase
import CordonPolicy
import CordonRun
import CordonServe
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

enum ApprovalsCommand: Subcommand {
    static let name = "approvals"
    static let summary = "list, show, approve or reject pending approvals"
    static let subcommands = ["list", "show", "approve", "reject", "watch", "key", "rules", "forget"]
    static let helpText = HelpText(
        usage: [
            "cordon approvals [list] [--status pending|approved|rejected|expired|cancelled|all] [--agent A] [--json]",
            "cordon approvals show ID [--json]",
            "cordon approvals approve ID [--note TEXT] [--remember once|session|agent|project] [--prefix WORDS] [--key FILE]",
            "cordon approvals reject ID [--note TEXT] [--key FILE]",
            "cordon approvals watch", "cordon approvals key [--output FILE]", "cordon approvals rules [--json]",
            "cordon approvals forget RULE_ID",
        ],
        about: """
            A run (or an exec inside one, or an inspect request) that needs approval waits in the
            state store (.cordon/state.db next to gate.log) until a person decides. Only a person
            decides: approve/reject need the controlling terminal (you type the approval id back)
            or --key FILE, the approver key made by 'cordon approvals key'. Every transition is a
            gate.log line (source=approval).
            --remember session|agent|project also allows later actions of that scope that start
            with the same program and leading arguments (shown; --prefix changes them), unless
            they score higher or are blocked. Exit status: 0 done, 64 no terminal and no key,
            65 unknown id or already decided.
            """,
        sections: [
            (
                "options",
                [
                    .value("status", "S", "list: pending (default), approved, rejected, expired, cancelled or all"),
                    .value("agent", "A", "list: only this agent's approvals"),
                    .flag("json", "JSON (list and rules: one object per line)"),
                    .value("note", "TEXT", "approve/reject: a note kept with the decision"),
                    .value("remember", "SCOPE", "approve: once (default), session, agent or project"),
                    .value("prefix", "WORDS", "approve --remember: the leading words to allow, e.g. 'git push'"),
                    .value("key", "FILE", "approve/reject: decide with the approver key instead of the terminal"),
                    .value("output", "FILE", "key: where to write it (default ~/.config/cordon/approver.key)"),
                    .value("policy", "FILE", "approve --remember: the policy that judged it (default: embedded)"),
                    .value("log-dir", "DIR", "the log directory holding state.db (default ./.cordon, or $CORDON_HOME)"),
                ]
            )
        ])

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        var rest = args
        var sub = "list"
        if let first = rest.first, !first.hasPrefix("-") {
            sub = first
            rest.removeFirst()
        }
        let parsed = try ArgumentParser.parse(rest, options: helpText.options, command: "\(name) \(sub)")
        if parsed.flag("help") {
            ctx.output.out(help)
            return ExitCode.success.rawValue
        }
        let dir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment, cwd: FileIO.cwd())
        let args = parsed.positionals + parsed.rest
        switch sub {
        case "list": return try list(parsed, dir, ctx)
        case "show": return try show(try one(args, sub), parsed, dir, ctx)
        case "approve", "reject": return try decide(try one(args, sub), approve: sub == "approve", parsed, dir, ctx)
        case "watch": return try watch(dir, parsed, ctx)
        case "key": return try key(parsed, dir, ctx)
        case "rules": return try rules(parsed, dir, ctx)
        case "forget": return try forget(try one(args, sub), dir, ctx)
        default:
            let hint = Suggest.closest(sub, in: subcommands).map { "did you mean 'cordon approvals \($0)'?" }
            throw CLIError(
                .usage, "approvals: unknown subcommand '\(sub)'", hint: hint ?? "see 'cordon approvals --help'")
        }
    }

    static func one(_ args: [String], _ sub: String) throws(CLIError) -> String {
        guard args.count == 1 else {
            throw .usage("approvals \(sub): give exactly one id", command: name)
        }
        return args[0]
    }

    /// The store, for reading (nil: no approval was ever made here) or writing.
    static func desk(_ dir: LogDirectory, create: Bool, reading: Bool = true) throws(CLIError) -> ApprovalDesk? {
        do throws(ApprovalError) {
            let d = try ApprovalDesk.open(dir, create: create)
            // Whoever looks closes what nobody will decide (timeouts, runs that were killed).
            try d?.sweep()
            return d
        } catch {
            throw CLIError(
                reading ? .malformedInput : .runnerFailed, "\(error)",
                hint: "the state store is \(dir.path)/state.db (--log-dir, CORDON_HOME)")
        }
    }

    static func call<T>(_ body: () throws(ApprovalError) -> T) throws(CLIError) -> T {
        do throws(ApprovalError) { return try body() } catch { throw CLIError(.malformedInput, "\(error)") }
    }

    // MARK: reading

    static func json(_ a: Approval) -> JSONValue {
        let command: JSONValue =
            a.commandKind == "tool" ? ((try? JSONValue.parse(a.command)) ?? .string(a.command)) : .string(a.command)
        func time(_ t: Double?) -> JSONValue {
            t.map { .string(Timestamp(milliseconds: Int64(($0 * 1000).rounded())).description) } ?? .null
        }
        return .object([
            ("id", .string(a.id)), ("status", .string(a.status.rawValue)), ("actionId", .string(a.actionId)),
            ("runId", .string(a.runId)), ("session", .string(a.session)), ("agent", .string(a.agent)),
            ("project", .string(a.project)), ("command", command), ("score", .number(Double(a.score))),
            ("level", .string(a.level)), ("rule", a.rule.isEmpty ? .null : .string(a.rule)),
            ("reasons", .array(a.reasons.map { .string($0) })), ("createdAt", time(a.createdAt)),
            ("decidedAt", time(a.decidedAt)), ("decidedBy", a.decidedBy.map { .string($0) } ?? .null),
            ("note", a.note.map { .string($0) } ?? .null),
            ("remember", a.remember.map { .string($0.rawValue) } ?? .null),
            ("source", .string(a.source)), ("expiresAt", time(a.deadline)),
        ])
    }

    static func age(_ t: Double) -> String {
        let s = Int(max(0, Double(Timestamp.now().milliseconds) / 1000 - t))
        return s < 60 ? "\(s)s" : s < 3600 ? "\(s / 60)m" : s < 86400 ? "\(s / 3600)h" : "\(s / 86400)d"
    }

    static func list(_ parsed: ParsedArguments, _ dir: LogDirectory, _ ctx: Context) throws(CLIError) -> Int32 {
        let statusName = parsed.value("status") ?? "pending"
        var status: ApprovalStatus?
        if statusName != "all" {
            guard let s = ApprovalStatus(rawValue: statusName) else {
                throw .usage(
                    "--status: '\(statusName)' is not one of pending, approved, rejected, expired, cancelled, all",
                    command: name)
            }
            status = s
        }
        guard let desk = try desk(dir, create: false) else {
            if !parsed.flag("json") { ctx.output.err("cordon: no approvals in \(dir.path) yet\n") }
            return ExitCode.success.rawValue
        }
        let items = try call { () throws(ApprovalError) in try desk.list(status: status, agent: parsed.value("agent")) }
        if parsed.flag("json") {
            for a in items { ctx.output.out(json(a).serialized() + "\n") }
            return ExitCode.success.rawValue
        }
        if items.isEmpty {
            ctx.output.err("cordon: no \(status?.rawValue ?? "") approvals\n")
            return ExitCode.success.rawValue
        }
        ctx.output.out("ID       STATUS     AGE   SCORE  AGENT            COMMAND\n")
        for a in items {
            ctx.output.out(
                a.id.padding(to: 9) + a.status.rawValue.padding(to: 11) + age(a.createdAt).padding(to: 6)
                    + "\(a.score) \(a.level)".padding(to: 7)
                    + TerminalText.line(a.agent, limit: 16).padding(to: 17)
                    + TerminalText.line(a.command, limit: 120) + "\n")
        }
        return ExitCode.success.rawValue
    }

    static func describe(_ a: Approval) -> String {
        var s = "approval \(a.id): \(a.status.rawValue)\n"
        s += "  command:  \(TerminalText.line(a.command))\n"
        s += "  score:    \(a.score) (\(a.level))\(a.rule.isEmpty ? "" : ", rule \(TerminalText.line(a.rule))")\n"
        for r in a.reasons { s += "    - \(TerminalText.line(r))\n" }
        s += "  agent:    \(TerminalText.line(a.agent))   session: \(TerminalText.line(a.session))"
        s += "   project: \(TerminalText.line(a.project))\n"
        s += "  action:   \(TerminalText.line(a.actionId)) (\(a.source))   run: \(TerminalText.line(a.runId))\n"
        s += "  created:  \(Timestamp(milliseconds: Int64(a.createdAt * 1000)))"
        if let d = a.deadline, a.status == .pending { s += "   expires: \(Timestamp(milliseconds: Int64(d * 1000)))" }
        s += "\n"
        if let d = a.decidedAt {
            s += "  decided:  \(Timestamp(milliseconds: Int64(d * 1000))) by \(TerminalText.line(a.decidedBy ?? "?"))\n"
        }
        if let n = a.note { s += "  note:     \(TerminalText.line(n))\n" }
        if let r = a.remember { s += "  remember: \(r.rawValue)\n" }
        return s
    }

    static func show(_ id: String, _ parsed: ParsedArguments, _ dir: LogDirectory, _ ctx: Context) throws(CLIError)
        -> Int32
    {
        guard let desk = try desk(dir, create: false),
            let a = try call({ () throws(ApprovalError) in try desk.find(id) })
        else {
            throw CLIError(
                .malformedInput, "no approval \(id) in \(dir.path)", hint: "see 'cordon approvals list --status all'")
        }
        ctx.output.out(parsed.flag("json") ? json(a).serialized() + "\n" : describe(a))
        return ExitCode.success.rawValue
    }

    // MARK: deciding

    /// Who decides, or exit 64: the key, or the person at the terminal typing the id back.
    static func authorise(_ a: Approval, verb: String, _ parsed: ParsedArguments, _ desk: ApprovalDesk, _ ctx: Context)
        throws(CLIError) -> String
    {
        if let key = parsed.value("key") {
            let ok = try call { () throws(ApprovalError) in try Approver.checkKey(key, desk: desk) }
            guard ok else {
                throw CLIError(
                    .usage, "key \(key) is not an approver key of \(desk.directory.path)",
                    hint: "register it here with 'cordon approvals key --output \(key)' (run by the approver)")
            }
            return "key (\(Person.current()))"
        }
        guard let tty = Approver.openTerminal() else {
            throw CLIError(
                .usage, "approvals \(verb): no terminal to confirm on, and no --key",
                hint:
                    "run it on a terminal (you will type the approval id back), or pass --key FILE made by 'cordon approvals key'"
            )
        }
        defer { close(tty) }
        let answer = Approver.ask(tty, describe(a) + "type the approval id (\(a.id)) to \(verb) it: ")
        guard let answer, ShortID.normalise(answer) == a.id else {
            throw CLIError(.usage, "approvals \(verb): the id typed did not match \(a.id); nothing was decided")
        }
        return Person.current()
    }

    static func decide(
        _ id: String, approve: Bool, _ parsed: ParsedArguments, _ dir: LogDirectory, _ ctx: Context
    ) throws(CLIError) -> Int32 {
        let verb = approve ? "approve" : "reject"
        var scope = RememberScope.once
        if let r = parsed.value("remember") {
            guard approve, let s = RememberScope(rawValue: r) else {
                throw .usage(
                    approve
                        ? "--remember: '\(r)' is not one of once, session, agent, project"
                        : "--remember goes with approve", command: name)
            }
            scope = s
        }
        guard let desk = try desk(dir, create: false, reading: true),
            let a = try call({ () throws(ApprovalError) in try desk.find(id) })
        else {
            throw CLIError(.malformedInput, "no approval \(id) in \(dir.path)", hint: "see 'cordon approvals list'")
        }
        guard a.status == .pending else {
            throw CLIError(
                .malformedInput,
                "approval \(a.id) is already \(a.status.rawValue)\(a.decidedBy.map { " (by \(TerminalText.line($0)))" } ?? ""); the first decision stands"
            )
        }
        let by = try authorise(a, verb: verb, parsed, desk, ctx)
        let policy = try loadPolicy(path: parsed.value("policy"), environment: ctx.environment)
        let prefix = parsed.value("prefix").map { $0.split(separator: " ").map(String.init) }
        let rule = try call { () throws(ApprovalError) in
            try desk.rule(for: a, scope: scope, prefix: prefix, by: by, policy: policy)
        }
        let decision = ApprovalDecision(
            status: approve ? .approved : .rejected, by: by, at: Double(Timestamp.now().milliseconds) / 1000,
            note: parsed.value("note"), remember: approve ? scope : nil, rule: rule)
        let result: TransitionResult
        do throws(ApprovalError) { result = try desk.decide(a.id, decision) } catch {
            throw CLIError(.runnerFailed, "\(error)")
        }
        switch result {
        case .done(let now):
            ctx.output.out("approval \(now.id) \(now.status.rawValue) by \(now.decidedBy ?? by)\n")
            if let r = rule {
                ctx.output.out(
                    "remembered as \(r.id): '\(r.prefix.joined(separator: " "))' for this \(r.scope.rawValue) (up to score \(r.maxScore)); forget with: cordon approvals forget \(r.id)\n"
                )
            }
            return ExitCode.success.rawValue
        case .alreadyDecided(let now):
            throw CLIError(
                .malformedInput, "approval \(now.id) was \(now.status.rawValue) first; the first decision stands")
        case .unknown:
            throw CLIError(.malformedInput, "no approval \(id) in \(dir.path)")
        }
    }

    // MARK: watch, key, rules

    static func watch(_ dir: LogDirectory, _ parsed: ParsedArguments, _ ctx: Context) throws(CLIError) -> Int32 {
        guard let tty = Approver.openTerminal() else {
            throw CLIError(
                .usage, "approvals watch needs a terminal", hint: "use 'cordon approvals list' and approve --key")
        }
        defer { close(tty) }
        guard let desk = try desk(dir, create: true, reading: false) else { return ExitCode.runnerFailed.rawValue }
        let policy = try loadPolicy(path: parsed.value("policy"), environment: ctx.environment)
        var seen: Set<String> = []
        ctx.output.err("cordon: watching \(dir.path) for approvals (Ctrl-C to stop)\n")
        while true {
            _ = try? desk.sweep()
            let pending = try call { () throws(ApprovalError) in try desk.list(status: .pending, agent: nil) }
            for a in pending where !seen.contains(a.id) {
                seen.insert(a.id)
                guard
                    let answer = Approver.ask(
                        tty, describe(a) + "approve? [y]es / [n]o / [a]lways for this agent / [s]kip: ")
                else { return ExitCode.success.rawValue }
                let c = answer.lowercased().first
                guard c == "y" || c == "n" || c == "a" else { continue }
                let by = Person.current()
                let rule =
                    c == "a"
                    ? try call({ () throws(ApprovalError) in
                        try desk.rule(for: a, scope: .agent, prefix: nil, by: by, policy: policy)
                    }) : nil
                let d = ApprovalDecision(
                    status: c == "n" ? .rejected : .approved, by: by, at: Double(Timestamp.now().milliseconds) / 1000,
                    remember: c == "a" ? .agent : (c == "y" ? .once : nil), rule: rule)
                let r = try call { () throws(ApprovalError) in try desk.decide(a.id, d) }
                if case .done(let now) = r {
                    ctx.output.err("cordon: approval \(now.id) \(now.status.rawValue)\n")
                } else {
                    ctx.output.err("cordon: approval \(a.id) was decided elsewhere first\n")
                }
            }
            usleep(200_000)
        }
    }

    static func key(_ parsed: ParsedArguments, _ dir: LogDirectory, _ ctx: Context) throws(CLIError) -> Int32 {
        let path = parsed.value("output") ?? Approver.defaultKeyPath(environment: ctx.environment)
        guard let desk = try desk(dir, create: true, reading: false) else { return ExitCode.runnerFailed.rawValue }
        let created = try call { () throws(ApprovalError) in
            try Approver.makeKey(at: path, desk: desk, by: Person.current())
        }
        ctx.output.out(
            "\(path): \(created ? "new approver key (mode 0600)" : "existing key") registered with \(dir.path)/state.db\n"
        )
        ctx.output.err(
            "cordon: whoever can read \(path) can approve; keep it from unsandboxed agents (docs/approvals.md)\n")
        return ExitCode.success.rawValue
    }

    static func rules(_ parsed: ParsedArguments, _ dir: LogDirectory, _ ctx: Context) throws(CLIError) -> Int32 {
        guard let desk = try desk(dir, create: false) else { return ExitCode.success.rawValue }
        let rules = try call { () throws(ApprovalError) in try desk.rules() }
        let unsealed = rules.filter { !$0.sealed }.count
        if unsealed > 0 {
            ctx.output.err(
                "cordon: \(unsealed) rule(s) in \(dir.path)/state.db are not signed with this user's store key (~/.config/cordon/store.key) and are ignored: an older cordon, another user, or something other than cordon wrote them. 'cordon approvals forget ID' removes one; approve again to remember it (docs/approvals.md)\n"
            )
        }
        for r in rules {
            if parsed.flag("json") {
                ctx.output.out(
                    JSONValue.object([
                        ("id", .string(r.id)), ("scope", .string(r.scope.rawValue)),
                        ("prefix", .array(r.prefix.map { .string($0) })), ("maxScore", .number(Double(r.maxScore))),
                        ("session", .string(r.session)), ("agent", .string(r.agent)), ("project", .string(r.project)),
                        ("approvalId", .string(r.approvalId)), ("createdBy", .string(r.createdBy)),
                        ("createdAt", .string(Timestamp(milliseconds: Int64(r.createdAt * 1000)).description)),
                        ("sealed", .bool(r.sealed)),
                    ]).serialized() + "\n")
            } else {
                let key = r.scope == .session ? r.session : r.scope == .agent ? r.agent : r.project
                ctx.output.out(
                    "\(r.id)  \(r.scope.rawValue) \(TerminalText.line(key))  '\(TerminalText.line(r.prefix.joined(separator: " ")))' up to score \(r.maxScore)  (approval \(r.approvalId) by \(TerminalText.line(r.createdBy)))\(r.sealed ? "" : "  IGNORED: not signed by this user's cordon")\n"
                )
            }
        }
        return ExitCode.success.rawValue
    }

    static func forget(_ id: String, _ dir: LogDirectory, _ ctx: Context) throws(CLIError) -> Int32 {
        guard let desk = try desk(dir, create: false),
            let r = try call({ () throws(ApprovalError) in try desk.forget(id, by: Person.current()) })
        else {
            throw CLIError(.malformedInput, "no remembered rule \(id)", hint: "see 'cordon approvals rules'")
        }
        ctx.output.out("forgot \(r.id) ('\(r.prefix.joined(separator: " "))', \(r.scope.rawValue))\n")
        return ExitCode.success.rawValue
    }
}

enum ActionsCommand: Subcommand {
    static let name = "actions"
    static let summary = "the AgentSec polling view of an approval (actions show ID)"
    static let helpText = HelpText(
        usage: ["cordon actions show ID [--json] [--log-dir DIR]"],
        about: """
            ID is an approval id (A-7K2Q9) or the id an inspect request carried. --json prints
            {"approvalId","actionId","status":"pending|approved|rejected","riskLevel","decidedAt",
             "decisionNote","auditSummary":[...]}; expired and cancelled approvals are rejected,
            with a note saying why. Exit status: 0, or 65 for an unknown id.
            """,
        sections: [
            (
                "options",
                [
                    .flag("json", "the AgentSec shape"),
                    .value("log-dir", "DIR", "the log directory holding state.db (default ./.cordon, or $CORDON_HOME)"),
                ]
            )
        ])

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let parsed = try ArgumentParser.parse(args, options: helpText.options, command: name)
        if parsed.flag("help") {
            ctx.output.out(help)
            return ExitCode.success.rawValue
        }
        let rest = parsed.positionals + parsed.rest
        guard rest.count == 2, rest[0] == "show" else {
            throw .usage("actions: usage: cordon actions show ID", command: name)
        }
        let dir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment, cwd: FileIO.cwd())
        guard let desk = try ApprovalsCommand.desk(dir, create: false),
            let a = try ApprovalsCommand.call({ () throws(ApprovalError) in try desk.find(rest[1]) })
        else {
            throw CLIError(.malformedInput, "no action or approval \(rest[1]) in \(dir.path)")
        }
        let shape = ActionStatus.agentSec(a)
        if parsed.flag("json") {
            ctx.output.out(shape.serialized() + "\n")
        } else {
            ctx.output.out(ApprovalsCommand.describe(a))
        }
        return ExitCode.success.rawValue
    }
}
