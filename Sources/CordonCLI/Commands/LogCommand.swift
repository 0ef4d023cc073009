import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
// `cordon log`: read, filter, summarise, follow and verify gate.log; `cordon log append`
// records a decision made elsewhere (and drives the concurrency tests and benchmarks).
import CordonRun

#if canImport(Glibc)
    import Glibc
#endif

enum LogCommand: Subcommand {
    static let name = "log"
    static let summary = "read, filter, follow and verify gate.log"
    static let helpText = HelpText(
        usage: [
            "cordon log [FILE...] [filters] [--json | --stats] [--follow]", "cordon log verify [FILE...] [--json]",
            "cordon log append --decision D [--score N] [--cmd TEXT] [fields] [--repeat N]",
        ],
        about: """
            Reads gate.log and its rotated files (gate.log.N ... gate.log.1, gate.log) from the log
            directory, or the FILEs given, and prints the matching lines as they are.
            verify checks the hash chain: exit 0, or 1 naming the first line that was edited,
            dropped, inserted, reordered or truncated, and why. append writes decision lines (for
            harnesses that decide elsewhere).
            """,
        sections: [
            (
                "filters (repeat an option to accept several values)",
                [
                    .value("agent", "ID", "lines of this agent"), .value("session", "ID", "lines of this session"),
                    .value("run", "RUN", "lines of this run: its id or a unique prefix (as 'cordon runs' lists)"),
                    .value("rule", "ID", "lines decided by this rule"),
                    .value("decision", "D", "allow | requires_approval | block"),
                    .value("level", "L", "this level and above: safe | low | medium | high | critical"),
                    .value("source", "S", "gate | monitor | inspect | validate | check"),
                    .value("since", "T", "RFC 3339 (2026-11-21T12:00:00Z), a date, or an age: 30s, 15m, 2h, 3d"),
                    .value("until", "T", "the same forms as --since"),
                    .value("grep", "TEXT", "substring of the command, the reasons or the line"),
                ]
            ),
            (
                "output",
                [
                    .flag("json", "one JSON object per line (verify: one report object)"),
                    .flag(
                        "stats",
                        "counts by decision, level, rule and agent; top blocked commands;\nfirst and last timestamp (with --json: one object)"
                    ),
                    .flag(
                        "follow",
                        "after the existing lines, print new ones as they are written;\nsurvives rotation and waits if the file disappears",
                        short: "f"),
                ]
            ),
            (
                "append",
                [
                    .value("decision", "D", "allow | requires_approval | block (required)"),
                    .value("score", "N", "0-100"), .value("level", "L", "default: from the score"),
                    .value("agent", "ID", "agent id"), .value("session", "ID", "session id"),
                    .value("run", "ID", "run id"),
                    .value("action", "ID", "action id"), .value("source", "S", "who decided (default: external)"),
                    .value("pid", "N", "process id"), .value("rule", "ID", "the rule that decided"),
                    .value("reason", "TEXT", "a reason (repeatable)"), .value("cmd", "TEXT", "the command"),
                    .value("repeat", "N", "write the line N times"),
                    .value("max-size", "BYTES", "rotate gate.log past this size"),
                    .value("keep", "N", "rotated files to keep"),
                ]
            ),
            ("common", [.value("log-dir", "DIR", "the log directory (default: $CORDON_HOME, else ./.cordon)")]),
        ],
        footer: """
            example: what did agent X try in the last hour, and what was blocked?
              cordon log --agent X --since 1h --stats     (counts by decision, the blocked commands)
              cordon log --agent X --since 1h             (every line)
            """)
    static let filterOptions =
        helpText.options("filters (repeat an option to accept several values)")
        + helpText.options("output") + helpText.options("common")
    static let verifyOptions = helpText.options("output").filter { $0.name == "json" } + helpText.options("common")
    static let appendOptions = helpText.options("append") + helpText.options("common")

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        switch args.first {
        case "verify": return try verify(Array(args.dropFirst()), ctx)
        case "append": return try append(Array(args.dropFirst()), ctx)
        default: return try query(args, ctx)
        }
    }

    static func directory(_ p: ParsedArguments, _ ctx: Context) -> LogDirectory {
        LogDirectory.resolve(option: p.value("log-dir"), environment: ctx.environment)
    }

    /// The files to read: the ones given (ordered as a rotated set), or the directory's set.
    static func files(_ p: ParsedArguments, _ ctx: Context, allowMissing: Bool = false) throws(CLIError) -> [String] {
        if !p.positionals.isEmpty { return LogDirectory.orderAsSet(p.positionals) }
        let d = directory(p, ctx)
        let set = d.logFiles()
        if set.isEmpty && !allowMissing {
            throw CLIError(
                .failure, "read \(d.gateLog): no gate.log in \(d.path)",
                hint: "pass FILE, --log-dir DIR or set CORDON_HOME")
        }
        return set
    }

    static func parseFilter(_ p: ParsedArguments, _ ctx: Context) throws(CLIError) -> LogFilter {
        var f = LogFilter()
        f.agents = p.all("agent")
        f.sessions = p.all("session")
        f.runs = try p.all("run").map { r throws(CLIError) in try runID(r, p, ctx) }
        f.rules = p.all("rule")
        f.sources = p.all("source")
        f.decisions = p.all("decision")
        for d in f.decisions where DecisionKind(rawValue: d) == nil {
            throw .usage("--decision \(d): expected allow, requires_approval or block", command: name)
        }
        if let l = p.value("level") {
            guard let level = Level(rawValue: l) else {
                throw .usage("--level \(l): expected safe, low, medium, high or critical", command: name)
            }
            f.minLevel = level
        }
        for (opt, keyPath) in [("since", \LogFilter.since), ("until", \LogFilter.until)] {
            guard let v = p.value(opt) else { continue }
            guard let t = LogFilter.parseTime(v) else {
                throw .usage(
                    "--\(opt) \(v): expected RFC 3339 (2026-11-21T12:00:00Z), a date or an age like 15m, 2h, 3d",
                    command: name)
            }
            f[keyPath: keyPath] = t
        }
        f.grep = p.value("grep")
        return f
    }

    /// `--run`: a whole run id is taken as it is (gate.log can name runs whose traces are
    /// elsewhere or gone); a prefix is completed from the log directory's traces.
    static func runID(_ text: String, _ p: ParsedArguments, _ ctx: Context) throws(CLIError) -> String {
        if text.count == 28, RunIndex.startTime(ofRunID: text) != nil { return text }
        return try RunsCommand.trace(of: text, in: directory(p, ctx)).run
    }

    static func query(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let p = try ArgumentParser.parse(args, options: filterOptions, command: name)
        let filter = try parseFilter(p, ctx)
        let json = p.flag("json")
        let statsMode = p.flag("stats")
        let follow = p.flag("follow")
        if statsMode && follow { throw .usage("--stats and --follow do not go together", command: name) }
        let paths = try files(p, ctx, allowMissing: follow)
        var stats = LogStats()
        var malformed = 0
        func emit(_ e: LogEntry) {
            guard filter.matches(e) else { return }
            if statsMode {
                stats.add(e.record)
            } else if json {
                ctx.output.out(e.json.serialized() + "\n")
            } else {
                ctx.output.out(String(decoding: e.raw, as: UTF8.self) + "\n")
            }
        }
        func warn(_ e: AuditError) {
            malformed += 1
            ctx.output.err("cordon: warning: \(e.message) (line skipped)\n")
        }
        do {
            try LogReader.read(files: paths, onError: warn, emit)
        } catch {
            throw CLIError(.failure, error.message)
        }
        if statsMode {
            ctx.output.out(json ? stats.json().serialized() + "\n" : stats.text())
        }
        if follow {
            // Follow the live file: the newest of the set, or the one FILE given last.
            let live = p.positionals.last ?? directory(p, ctx).gateLog
            let follower = LogFollower(path: live)
            var lineNumber = 0
            while true {
                let (lines, warnings) = follower.poll()
                for w in warnings { ctx.output.err("cordon: warning: \(w)\n") }
                for l in lines {
                    lineNumber += 1
                    if let e = LogReader.parseEntry(l[...], file: live, line: lineNumber, onError: warn) { emit(e) }
                }
                var ts = timespec(tv_sec: 0, tv_nsec: 200_000_000)
                nanosleep(&ts, nil)
            }
        }
        return malformed > 0 && !statsMode ? ExitCode.failure.rawValue : ExitCode.success.rawValue
    }

    static func verify(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let p = try ArgumentParser.parse(
            args, options: verifyOptions, command: "log verify")
        let paths = try files(p, ctx)
        let report: VerifyReport
        do {
            report = try LogVerifier.verify(files: paths)
        } catch {
            throw CLIError(.failure, error.message)
        }
        for n in report.notes { ctx.output.err("cordon: note: \(n)\n") }
        if p.flag("json") {
            var pairs: [(String, JSONValue)] = [
                ("ok", .bool(report.ok)), ("files", .array(paths.map { .string($0) })),
                ("lines", .number(Double(report.lines))),
            ]
            if let pr = report.problem {
                pairs.append(
                    (
                        "problem",
                        .object([
                            ("file", .string(pr.file)), ("line", .number(Double(pr.line))),
                            ("reason", .string(pr.reason)),
                        ])
                    ))
            }
            ctx.output.out(JSONValue.object(pairs).serialized() + "\n")
        } else if let pr = report.problem {
            ctx.output.err("cordon: error: \(pr)\n")
        } else {
            ctx.output.out(
                "ok: \(report.lines) lines in \(paths.count) file\(paths.count == 1 ? "" : "s"), chain intact\n")
        }
        return report.ok ? ExitCode.success.rawValue : ExitCode.failure.rawValue
    }

    static func append(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let cmdName = "log append"
        let p = try ArgumentParser.parse(args, options: appendOptions, command: cmdName)
        guard let d = p.value("decision"), DecisionKind(rawValue: d) != nil else {
            throw .usage("--decision allow|requires_approval|block is required", command: cmdName)
        }
        func int(_ k: String, _ def: Int) throws(CLIError) -> Int {
            guard let v = p.value(k) else { return def }
            guard let n = Int(v), n >= 0 else {
                throw .usage("--\(k) \(v): expected a non-negative number", command: cmdName)
            }
            return n
        }
        let score = try int("score", 0)
        guard score <= 100 else { throw .usage("--score \(score): expected 0-100", command: cmdName) }
        let repeatCount = try int("repeat", 1)
        let level = p.value("level") ?? Level(score: score).rawValue
        let policy = LogPolicy()
        let maxSize = UInt64(try int("max-size", Int(policy.maxSize)))
        let keep = try int("keep", policy.keep)
        let writer: GateLogWriter
        do {
            writer = try GateLogWriter(directory: directory(p, ctx), maxSize: maxSize, keep: keep)
        } catch {
            throw CLIError(.runnerFailed, error.message)
        }
        let pid = p.value("pid").flatMap { Int32($0) } ?? getpid()
        for i in 0..<repeatCount {
            let r = LogRecord(
                decision: d, score: score, level: level, agent: p.value("agent") ?? "",
                session: p.value("session") ?? "",
                run: p.value("run") ?? "", action: p.value("action") ?? (repeatCount > 1 ? "a-\(i + 1)" : ""),
                source: p.value("source") ?? "external", pid: pid, rule: p.value("rule") ?? "",
                command: Array((p.value("cmd") ?? "").utf8), reasons: p.all("reason"))
            do {
                try writer.append(r)
            } catch {
                throw CLIError(.runnerFailed, error.message)
            }
        }
        return ExitCode.success.rawValue
    }
}

/// `--log` on check, inspect and validate: their decisions go to gate.log too, through one
/// writer for the whole process (a batch of 30,000 lines takes the lock once per line, not a
/// new file handle each). Fails closed: if gate.log cannot be written the command exits 125
/// instead of answering without evidence.
final class DecisionLog {
    let writer: GateLogWriter

    private init(_ writer: GateLogWriter) { self.writer = writer }

    /// nil unless `--log` (or `--log-dir`) was given.
    static func open(_ parsed: ParsedArguments, _ ctx: Context, policy: Policy) throws(CLIError) -> DecisionLog? {
        guard parsed.flag("log") || parsed.value("log-dir") != nil else { return nil }
        let dir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment)
        do throws(AuditError) {
            return DecisionLog(try GateLogWriter(directory: dir, maxSize: policy.log.maxSize, keep: policy.log.keep))
        } catch {
            throw failure(error)
        }
    }

    func append(_ d: Decision, for a: Action) throws(CLIError) {
        do throws(AuditError) { _ = try writer.append(d, for: a) } catch { throw Self.failure(error) }
    }

    static func failure(_ e: AuditError) -> CLIError {
        CLIError(
            .runnerFailed, "cannot write gate.log: \(e.message)",
            hint: "check that the log directory is writable (--log-dir, CORDON_HOME)")
    }

    static let options: [OptionSpec] = [
        .flag("log", "also append the decision to gate.log (exit 125 if it cannot)"),
        .value("log-dir", "DIR", "gate.log's directory (default ./.cordon or $CORDON_HOME)"),
    ]
}
