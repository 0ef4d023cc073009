import CordonAudit
import CordonBase
// `cordon runs`: the runs the log directory's traces record, newest first, and the one place
// the CLI turns a run id or prefix into a trace (report, replay and log --run use it).
import CordonRun

#if canImport(Glibc)
    import Glibc
#endif

enum RunsCommand: Subcommand {
    static let name = "runs"
    static let summary = "list recorded runs (id, start, agent, outcome, decisions), newest first"
    static let helpText = HelpText(
        usage: ["cordon runs [--json] [--limit N] [--since T] [--log-dir DIR]"],
        about: """
            Lists the runs whose traces are in the log directory's traces/ (one trace per run),
            newest first: run id, start (UTC), agent, session, outcome, how many decisions
            allowed, asked for approval and blocked, duration, and the command. Outcomes:
            exit N, signal N, timeout, limit (and which), interrupted, blocked, approval
            pending, failed; running (no run_end yet, its cordon alive), unfinished (no
            run_end: cordon was killed or the trace was cut off) or damaged (no readable
            run_start either). A damaged trace is listed, marked *, with notes under the table
            saying what is wrong with it; a failed run's error is shown there too.
            Only the first line, the last lines and the decision lines of each trace are parsed.
            Every command that takes a run (report, replay, log) accepts its id or a unique
            prefix of it (r- and at least 4 digits; the r- and the case are optional).
            Exit 0; 1 when traces/ cannot be read; 64 on a usage error. No traces yet: nothing
            listed, a note on stderr.
            """,
        sections: [
            (
                "options",
                [
                    .flag(
                        "json",
                        "one JSON object per run and per line (JSON Lines), newest first:\nrun, path, start, agent, session, project, command[], outcome,\nexitCode, signal, cordonExit, limits[], error, durationMs,\ndecisions{allow,requires_approval,block}, notes[]"
                    ),
                    .value("limit", "N", "the N newest runs only (reads only their traces)", short: "n"),
                    .value(
                        "since", "T",
                        "runs started at or after T: RFC 3339, a date, or an age: 30m, 24h, 7d\n(only the traces of runs whose id is that recent are read)"
                    ),
                    .value("log-dir", "DIR", "the log directory (default: $CORDON_HOME, else ./.cordon)"),
                ]
            )
        ],
        footer: """
            example: what ran today, and what did the last run decide?
              cordon runs -n 20
              cordon report r-01M94SZ9TD -o last.html
              cordon runs --json | jq -r 'select(.decisions.block > 0) | .run'
            """)

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let p = try ArgumentParser.parse(args, options: helpText.options, command: name)
        guard p.positionals.isEmpty else {
            throw .usage("runs takes no arguments (got '\(p.positionals[0])')", command: name)
        }
        var limit: Int?
        if let v = p.value("limit") {
            guard let n = Int(v), n > 0 else { throw .usage("--limit \(v): expected a positive number", command: name) }
            limit = n
        }
        var since: Timestamp?
        if let v = p.value("since") {
            guard let t = LogFilter.parseTime(v) else {
                throw .usage(
                    "--since \(v): expected RFC 3339 (2026-11-21T12:00:00Z), a date or an age like 15m, 24h, 7d",
                    command: name)
            }
            since = t
        }
        let dir = LogDirectory.resolve(option: p.value("log-dir"), environment: ctx.environment)
        guard FileIO.isDirectory(dir.traces) else {
            ctx.output.err("cordon: note: no runs recorded in \(dir.path) yet (no \(dir.traces))\n")
            return ExitCode.success.rawValue
        }
        // FileIO.list gives nothing for a directory it cannot open: say why instead of "no runs".
        if access(dir.traces, R_OK | X_OK) != 0 {
            throw CLIError(
                .failure, "runs: read \(dir.traces): \(Errno.current)",
                hint: "run as the user whose runs these are, or pass --log-dir DIR")
        }
        let runs = RunIndex.list(dir, limit: limit, since: since)
        if runs.isEmpty {
            let when = since.map { " since \($0)" } ?? " yet"
            ctx.output.err("cordon: note: no runs recorded in \(dir.traces)\(when)\n")
        }
        if p.flag("json") {
            var s = ""
            for r in runs { s += json(r).serialized() + "\n" }
            ctx.output.out(s)
        } else if !runs.isEmpty {
            ctx.output.out(text(runs, color: ctx.stdoutIsTTY && ctx.environment["NO_COLOR"] == nil))
        }
        return ExitCode.success.rawValue
    }

    /// `run_end.outcome`; without one, `running` (its cordon is alive), `unfinished` (run_start
    /// but no run_end) or `damaged` (not even a readable run_start).
    static func outcome(_ r: RecordedRun) -> String {
        if let o = r.outcome { return o }
        if r.running { return "running" }
        return r.agent == nil && r.command == nil ? "damaged" : "unfinished"
    }

    static func json(_ r: RecordedRun) -> JSONValue {
        func int(_ v: Int?) -> JSONValue { v.map { .number(Double($0)) } ?? .null }
        func str(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
        func strings(_ v: [String]) -> JSONValue { .array(v.map { .string($0) }) }
        let d = r.decisions
        let decisions: JSONValue = .object([
            ("allow", int(d.allow)), ("requires_approval", int(d.requiresApproval)), ("block", int(d.block)),
        ])
        var fields: [(String, JSONValue)] = [("run", .string(r.run)), ("path", .string(r.path))]
        fields.append(("start", str(r.start?.description)))
        fields.append(("agent", str(r.agent)))
        fields.append(("session", str(r.session)))
        fields.append(("project", str(r.project)))
        fields.append(("command", r.command.map(strings) ?? .null))
        fields.append(("outcome", .string(outcome(r))))
        fields.append(("exitCode", int(r.exitCode)))
        fields.append(("signal", int(r.signal)))
        fields.append(("cordonExit", int(r.cordonExit)))
        fields.append(("limits", strings(r.limits)))
        fields.append(("error", str(r.error)))
        fields.append(("durationMs", r.durationMs.map { JSONValue.number($0) } ?? .null))
        fields.append(("decisions", decisions))
        fields.append(("notes", strings(r.notes)))
        return .object(fields)
    }

    /// How the run ended, in a few words: `exit 0`, `signal 9 (KILL)`, `timeout`, `limit: memory`.
    static func outcomeText(_ r: RecordedRun) -> String {
        switch r.outcome {
        case "exited": return "exit \(r.exitCode.map(String.init) ?? "?")"
        case "signaled":
            return r.signal.map { "signal \($0)" + (signalNames[$0].map { " (\($0))" } ?? "") } ?? "signaled"
        case "limit": return "limit: " + (r.limits.isEmpty ? "?" : r.limits.joined(separator: ","))
        case "approval_pending": return "approval pending"
        case .some(let o): return o
        case nil: return outcome(r)
        }
    }

    static let signalNames: [Int: String] = [
        1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 6: "ABRT", 7: "BUS", 8: "FPE", 9: "KILL", 10: "USR1", 11: "SEGV",
        12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM", 24: "XCPU", 25: "XFSZ", 31: "SYS",
    ]

    /// Green for a clean exit, red for refusals and damage, yellow for everything that was cut
    /// short: what a person scanning the list looks for first.
    static func outcomeColor(_ r: RecordedRun) -> String? {
        switch r.outcome {
        case "exited": return r.exitCode == 0 ? "32" : "33"
        case "blocked", "failed": return "31"
        case nil: return r.running ? nil : "31"
        default: return "33"
        }
    }

    static func duration(_ ms: Double?) -> String {
        guard let ms else { return "-" }
        if ms < 1000 { return "\(Int(ms.rounded()))ms" }
        let s = ms / 1000
        if s < 60 { return String(Int(s * 10) / 10) + "." + String(Int(s * 10) % 10) + "s" }
        let total = Int(s.rounded())
        let (h, m, sec) = (total / 3600, total / 60 % 60, total % 60)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h)h\(two(m))m" : "\(m)m\(two(sec))s"
    }

    /// `2026-12-06 04:32:09` (UTC, to the second: the id has the milliseconds).
    static func startText(_ t: Timestamp?) -> String {
        guard let t else { return "-" }
        let s = t.description
        return String(s.prefix(19)).replacingFirstT()
    }

    static func text(_ runs: [RecordedRun], color: Bool) -> String {
        var rows: [[String]] = [
            ["RUN", "STARTED (UTC)", "AGENT", "SESSION", "OUTCOME", "ALLOW/ASK/BLOCK", "TIME", "COMMAND"]
        ]
        var colors: [[String?]] = [Array(repeating: nil, count: 8)]
        for r in runs {
            let d = r.decisions
            rows.append([
                // Ids and names come from files anyone with the log directory could write:
                // control bytes are shown escaped, never sent to the terminal.
                shown(r.run, max: 80), startText(r.start), r.agent.map { shown($0, max: 40) } ?? "-",
                r.session.map { shown($0, max: 40) } ?? "-",
                outcomeText(r) + (r.notes.isEmpty && r.error == nil ? "" : " *"),
                "\(d.allow)/\(d.requiresApproval)/\(d.block)", duration(r.durationMs),
                r.commandLine.map { shown($0, max: 60) } ?? "-",
            ])
            colors.append([nil, nil, nil, nil, outcomeColor(r), d.block > 0 ? "31" : nil, nil, nil])
        }
        let widths = (0..<8).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var s = ""
        for (i, row) in rows.enumerated() {
            var line = ""
            for (c, cell) in row.enumerated() {
                let padded =
                    c == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[c] - cell.count + 2)
                if color, let code = colors[i][c] {
                    line += "\u{1B}[\(code)m\(cell)\u{1B}[0m" + padded.dropFirst(cell.count)
                } else {
                    line += padded
                }
            }
            s += (i == 0 && color ? "\u{1B}[1m\(line)\u{1B}[0m" : line) + "\n"
        }
        let damaged = runs.filter { !$0.notes.isEmpty || $0.error != nil }
        if !damaged.isEmpty {
            s += "\nnotes (* above):\n"
            for r in damaged {
                s += "  \(shown(r.run, max: 80)) (\(shown(r.path, max: 300)))\n"
                if let e = r.error { s += "    error: \(shown(e, max: 200))\n" }
                for n in r.notes { s += "    \(shown(n, max: 300))\n" }
            }
        }
        let n = runs.count
        s += "\n\(n) run\(n == 1 ? "" : "s")\n"
        return s
    }

    // MARK: a run named by id or prefix, for the commands that take one

    /// The trace of the run `text` names (an id or a unique prefix) in the log directory.
    /// Ambiguous: exit 64 with the candidates; unknown: exit 65 saying where it looked.
    static func trace(of text: String, in directory: LogDirectory) throws(CLIError) -> RunIndex.TraceFile {
        do throws(RunLookupError) {
            return try RunLookup.resolve(text, in: directory)
        } catch {
            throw CLIError(
                error.kind == .unknown ? .malformedInput : .usage, error.message, hint: error.hint)
        }
    }

    /// What a positional naming a trace means: an existing path as is; otherwise, when it reads
    /// as a run id or prefix, that run's trace in the log directory.
    static func tracePath(_ arg: String, in directory: LogDirectory) throws(CLIError) -> String {
        if FileIO.exists(arg) || !RunLookup.looksLikeRunID(arg) { return arg }
        do throws(RunLookupError) {
            return try RunLookup.resolve(arg, in: directory).path
        } catch {
            guard error.kind == .unknown else { throw CLIError(.usage, error.message, hint: error.hint) }
            // A mistyped file name can read as a run prefix too (letters and digits): say both.
            throw CLIError(
                .malformedInput, "'\(arg)' is neither a file nor a run: no such file, and \(error.message)",
                hint: error.hint)
        }
    }
}

extension String {
    fileprivate func replacingFirstT() -> String {
        guard let i = firstIndex(of: "T") else { return self }
        var s = self
        s.replaceSubrange(i...i, with: " ")
        return s
    }
}
