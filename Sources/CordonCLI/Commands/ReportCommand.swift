import CordonAudit
// `cordon report`: a self-contained HTML page from one trace.
import CordonBase
import CordonRun

#if canImport(Glibc)
    import Glibc
#endif

enum ReportCommand: Subcommand {
    static let name = "report"
    static let summary = "write an HTML incident report (summary, timeline, evidence) for a run"
    static let helpText = HelpText(
        usage: ["cordon report TRACE|RUN [--output FILE] [--log-dir DIR]"],
        about: """
            Writes one self-contained HTML file (no scripts, no network, no external assets): the
            run's summary (who, what, when, policy and its SHA-256, isolation layers, exit), a
            timeline of decisions and events coloured by level, the blocked and approval items with
            their reasons and evidence, and the tree of processes and execs.
            RUN is a run id or a unique prefix of one (see 'cordon runs'), looked up in the log
            directory's traces/; a path that exists is always read as a trace file.
            Exit 0; 64 on a usage error or an ambiguous prefix (the candidates are listed); 65
            when no run matches or the trace is malformed.
            """,
        sections: [
            (
                "options",
                [
                    .value("output", "FILE", "where to write (default: report.html; '-' for stdout)", short: "o"),
                    .value("log-dir", "DIR", "where RUN is looked up (default: $CORDON_HOME, else ./.cordon)"),
                ]
            )
        ])

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let p = try ArgumentParser.parse(args, options: helpText.options, command: name)
        guard p.positionals.count == 1, let arg = p.positionals.first else {
            throw .usage("give exactly one trace file or run id", command: name)
        }
        let path = try RunsCommand.tracePath(
            arg, in: LogDirectory.resolve(option: p.value("log-dir"), environment: ctx.environment))
        let trace: Trace
        do {
            trace = try TraceReader.read(path)
        } catch {
            throw CLIError(
                error.kind == .malformed ? .malformedInput : .failure, "report: \(error.message)",
                hint: error.kind == .malformed ? nil : "give a trace file, or a run id or prefix from 'cordon runs'")
        }
        guard !trace.events.isEmpty else { throw CLIError(.malformedInput, "report: \(path): no events") }
        for w in trace.warnings { ctx.output.err("cordon: warning: \(w)\n") }
        let html = RunReport.html(trace, generator: "cordon \(CordonCommand.version)")
        let out = p.value("output") ?? "report.html"
        if out == "-" {
            ctx.output.out(html)
            return ExitCode.success.rawValue
        }
        let fd = FileIO.open(out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CLIError(.failure, "report: open \(out): \(Errno.current)") }
        defer { close(fd) }
        let (_, failed) = Array(html.utf8).withUnsafeBytes { FileIO.writeAll(fd, $0) }
        if failed != 0 { throw CLIError(.failure, "report: write \(out): \(Errno(failed))") }
        ctx.output.err("wrote \(out)\n")
        return ExitCode.success.rawValue
    }
}
