import CordonBase
import CordonPolicy
// `cordon scan`: the pre-deploy scanner. Parses options, runs CordonScan over the paths, writes
// the report (text, JSON, SARIF or HTML) and exits 0 when the thresholds are met, 1 when not.
import CordonRun
import CordonScan

#if canImport(Glibc)
    import Glibc
#endif

enum ScanCommand: Subcommand {
    static let name = "scan"
    static let summary = "scan agent code and config for security risks; trust score, CI exit codes"
    static let helpText = HelpText(
        usage: [
            "cordon scan PATH... [--recursive] [--min-score N] [--fail-on CRITICAL,HIGH] [--output FILE]",
            "            [--format text|json|sarif|html] [--baseline FILE] [--exclude GLOB] [--policy FILE]",
        ],
        about: """
            Reads Python, JavaScript/TypeScript, shell scripts, MCP server configs, .env files,
            Dockerfiles, compose files and cordon policies, and reports what lets a model's output
            run code, reach files or URLs, or leak secrets (docs/scan.md lists every rule). Each
            file gets a trust score (100 minus its findings' penalties); the project's is its
            lowest file's. Secrets are masked in every output. A line with
            `# cordon: ignore[RULE] reason` suppresses that finding (still listed).
            Exit 0 when every file meets --min-score and no finding has a --fail-on severity
            (with --baseline: when no finding is new), 1 when not, 64 on a usage error, 65 when a
            path or the baseline cannot be read.
            """,
        sections: [
            (
                "options",
                [
                    .flag("recursive", "descend into directories (not .git, node_modules, .venv, ...)", short: "r"),
                    .value("min-score", "N", "fail when a file's trust score is below N (0-100)"),
                    .value("fail-on", "LEVELS", "fail on any finding of these severities: CRITICAL,HIGH,MEDIUM,LOW"),
                    .value(
                        "output", "FILE",
                        "also write the report to FILE; its format from the extension\n(.html, .sarif, .json) or --format",
                        short: "o"),
                    .value("format", "FMT", "text | json | sarif | html on stdout (default: text)"),
                    .flag("json", "same as --format json"),
                    .value("baseline", "FILE", "a previous JSON report: report and fail on new findings only"),
                    .value("exclude", "GLOB", "skip files whose path or name matches (repeatable)"),
                    .value("policy", "FILE", "take min_score and fail_on from the policy's scan: section"),
                    .value("cache", "DIR", "reuse results for unchanged content from DIR/scan-cache.jsonl"),
                ]
            )
        ],
        footer: """
            examples:
              cordon scan agents/ --recursive --min-score 75
              cordon scan . -r --fail-on CRITICAL,HIGH --output report.sarif
              cordon scan . -r --json > baseline.json; cordon scan . -r --baseline baseline.json
            """)

    static let formats = ["text", "json", "sarif", "html"]

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let p = try ArgumentParser.parse(args, options: helpText.options, command: name)
        let paths = p.positionals + p.rest
        guard !paths.isEmpty else { throw .usage("scan: give at least one PATH (a file or directory)", command: name) }
        var t = ScanThresholds()
        if let file = p.value("policy") {
            let policy = try loadPolicy(path: file, environment: ctx.environment)
            t.minScore = policy.scan.minScore
            t.failOn = Set(policy.scan.failOn.compactMap(Severity.init(name:)))
        }
        if let v = p.value("min-score") {
            guard let n = Int(v), (0...100).contains(n) else {
                throw .usage("--min-score: '\(v)' is not a number from 0 to 100", command: name)
            }
            t.minScore = n
        }
        for v in p.all("fail-on") {
            for item in v.split(separator: ",") {
                guard let s = Severity(name: String(item).trimmingWhitespace()) else {
                    throw .usage("--fail-on: '\(item)' is not one of CRITICAL, HIGH, MEDIUM, LOW", command: name)
                }
                t.failOn.insert(s)
            }
        }
        let format = p.flag("json") ? "json" : (p.value("format") ?? "text")
        guard formats.contains(format) else {
            let hint = Suggest.closest(format, in: formats).map { " (did you mean \($0)?)" } ?? ""
            throw .usage("--format: '\(format)' is not one of text, json, sarif, html\(hint)", command: name)
        }
        var outputFormat: String?
        if let out = p.value("output") {
            let ext = out.split(separator: ".").last.map { $0.lowercased() } ?? ""
            outputFormat =
                ["html": "html", "htm": "html", "sarif": "sarif", "json": "json", "txt": "text"][ext]
                ?? (p.value("format") ?? (p.flag("json") ? "json" : nil))
            guard outputFormat != nil else {
                throw .usage("--output \(out): name it .html, .sarif or .json, or give --format", command: name)
            }
        }
        var baseline: Baseline?
        if let b = p.value("baseline") {
            let bytes: [UInt8]
            do throws(SystemError) {
                bytes = try FileIO.readFile(b, limit: 512 << 20)
            } catch {
                throw CLIError(
                    .malformedInput, "scan: baseline \(error)",
                    hint: "pass the JSON a previous 'cordon scan --json' wrote")
            }
            do throws(ScanError) {
                baseline = try Baseline.parse(bytes, source: b)
            } catch {
                throw CLIError(.malformedInput, "scan: \(error.message)", hint: error.hint)
            }
        }

        var request = ScanRequest(paths: paths)
        request.recursive = p.flag("recursive")
        request.excludes = p.all("exclude")
        request.cacheDirectory = p.value("cache")
        let showProgress = ctx.stdoutIsTTY && format == "text"
        var report: ScanReport
        do throws(ScanError) {
            report = try ProjectScanner.scan(request) { done, total in
                if showProgress && total > 1000 { ctx.output.err("\rscanning \(done)/\(total) files") }
            }
        } catch {
            throw CLIError(.malformedInput, error.message, hint: error.hint)
        }
        if showProgress && report.files.count > 1000 { ctx.output.err("\r\u{1B}[K") }
        baseline?.apply(to: &report)
        let verdict = Verdict.of(report, t, baseline: baseline)
        let generator = "cordon \(CordonCommand.version)"
        func render(_ f: String) -> String {
            switch f {
            case "json": report.json(t, verdict, generator: generator).serialized() + "\n"
            case "sarif": report.sarif(generator: "cordon", version: CordonCommand.version).serialized() + "\n"
            case "html": report.html(t, verdict, generator: generator)
            default:
                report.text(t, verdict, color: ctx.stdoutIsTTY && ctx.environment["NO_COLOR"] == nil && f == format)
            }
        }
        if let out = p.value("output"), let f = outputFormat {
            try write(render(f), to: out)
            ctx.output.err("wrote \(out)\n")
        }
        ctx.output.out(render(format))
        return verdict.passed ? ExitCode.success.rawValue : ExitCode.failure.rawValue
    }

    static func write(_ text: String, to path: String) throws(CLIError) {
        let fd = FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw CLIError(
                .failure, "scan: open \(path): \(Errno.current)", hint: "check the directory exists and is writable")
        }
        defer { close(fd) }
        let (_, failed) = Array(text.utf8).withUnsafeBytes { FileIO.writeAll(fd, $0) }
        if failed != 0 { throw CLIError(.failure, "scan: write \(path): \(Errno(failed))") }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
