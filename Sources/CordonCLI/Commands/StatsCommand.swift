import CordonAudit
import CordonBase
// `cordon stats`: per agent, its actions and their decisions, approvals and the time to decide
// them, the programs and tools it used and had blocked, and the monitor's denials, from
// gate.log and its rotated files (the Agent Security API's agent stats).
import CordonRun

enum StatsCommand: Subcommand {
    static let name = "stats"
    static let summary = "per-agent actions, decisions, approvals and top programs from gate.log"
    static let helpText = HelpText(
        usage: ["cordon stats [FILE...] [--agent A] [--since T] [--json] [--log-dir DIR]"],
        about: """
            Reads gate.log and its rotated files (gate.log.N ... gate.log.1, gate.log) from the log
            directory, or the FILEs given, and prints per agent and in total: actions (gate
            decisions from the gate, the monitor, inspect, validate, check and hooks), how many
            were allowed, required approval or were blocked, and their shares; approvals
            requested, approved, rejected, expired and cancelled, and the median time from a
            request to its decision; the 10 programs and tools used most and blocked most; and
            the monitor's denials. Malformed lines are reported on stderr (file:line) and skipped.
            Exit 0; 64 on a usage error; 65 when a log file cannot be read. A log directory with
            no gate.log yet gives zero counts.
            """,
        sections: [
            (
                "options",
                [
                    .value("agent", "ID", "this agent only (repeat to keep several)"),
                    .value("since", "T", "RFC 3339 (2026-11-21T12:00:00Z), a date, or an age: 30s, 15m, 24h, 7d"),
                    .flag("json", "one JSON object: since, files, lines, malformed, agents[], total"),
                    .value("log-dir", "DIR", "the log directory (default: $CORDON_HOME, else ./.cordon)"),
                ]
            )
        ],
        footer: """
            example: what did each agent do today, and how long did approvals wait?
              cordon stats --since 24h
              cordon stats --agent ci-agent --since 7d --json
            """)

    /// Warnings about malformed lines printed one by one before they are only counted.
    static let warningsShown = 20

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let p = try ArgumentParser.parse(args, options: helpText.options, command: name)
        var query = AgentStatsQuery(agents: Set(p.all("agent")))
        if let v = p.value("since") {
            guard let t = LogFilter.parseTime(v) else {
                throw .usage(
                    "--since \(v): expected RFC 3339 (2026-11-21T12:00:00Z), a date or an age like 15m, 24h, 7d",
                    command: name)
            }
            query.since = t
        }
        let files: [String]
        if p.positionals.isEmpty {
            let dir = LogDirectory.resolve(option: p.value("log-dir"), environment: ctx.environment)
            files = dir.logFiles()
            if files.isEmpty { ctx.output.err("cordon: note: no gate.log in \(dir.path) yet: zero counts\n") }
        } else {
            files = LogDirectory.orderAsSet(p.positionals)
        }
        var malformed = 0
        let report: AgentStatsReport
        do {
            report = try AgentStatsTally.read(files: files, query: query) { e in
                malformed += 1
                if malformed <= warningsShown { ctx.output.err("cordon: warning: \(e.message) (line skipped)\n") }
            }
        } catch {
            throw CLIError(
                .malformedInput, error.message, hint: "pass readable FILEs, --log-dir DIR or set CORDON_HOME")
        }
        if malformed > warningsShown {
            ctx.output.err(
                "cordon: warning: \(malformed - warningsShown) more malformed lines skipped (\(malformed) in all)\n")
        }
        ctx.output.out(p.flag("json") ? report.json.serialized() + "\n" : report.text)
        return ExitCode.success.rawValue
    }
}
