import CordonAudit
// `cordon report`: a self-contained HTML page from one trace.
import CordonRun

#if canImport(Glibc)
    import Glibc
#endif

enum ReportCommand: Subcommand {
    static let name = "report"
    static let summary = "write an HTML incident report (summary, timeline, evidence) for a trace"
    static let help = """
        usage: cordon report TRACE [--output FILE]

        Writes one self-contained HTML file (no scripts, no network, no external assets): the
        run's summary (who, what, when, policy and its SHA-256, isolation layers, exit), a
        timeline of decisions and events coloured by level, the blocked and approval items with
        their reasons and evidence, and the tree of processes and execs.

          --output FILE, -o FILE   where to write (default: report.html; '-' for stdout)

        """

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let p = try ArgumentParser.parse(args, options: [OptionSpec("output", short: "o")], command: name)
        guard p.positionals.count == 1, let path = p.positionals.first else {
            throw .usage("give exactly one trace file", command: name)
        }
        let trace: Trace
        do {
            trace = try TraceReader.read(path)
        } catch {
            throw CLIError(error.kind == .malformed ? .malformedInput : .failure, "report: \(error.message)")
        }
        guard !trace.events.isEmpty else { throw CLIError(.malformedInput, "report: \(path): no events") }
        for w in trace.warnings { ctx.output.err("cordon: warning: \(w)\n") }
        let html = RunReport.html(trace, generator: "cordon \(CordonCommand.version)")
        let out = p.value("output") ?? "report.html"
        if out == "-" {
            ctx.output.out(html)
            return ExitCode.success.rawValue
        }
        let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError(.failure, "report: open \(out): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes = Array(html.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress.map { $0 + off }, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError(.failure, "report: write \(out): \(String(cString: strerror(errno)))")
            }
            off += n
        }
        ctx.output.err("wrote \(out)\n")
        return ExitCode.success.rawValue
    }
}
