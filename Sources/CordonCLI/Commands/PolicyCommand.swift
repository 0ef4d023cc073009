import CordonAlerts
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun

enum PolicyCommand: Subcommand {
    static let name = "policy"
    static let summary = "lint, show or trust policy files"
    static let helpText = HelpText(
        usage: [
            "cordon policy lint [--json] FILE...", "cordon policy show [--json] [FILE]",
            "cordon policy trust [--log-dir DIR] FILE...",
        ],
        about: """
            lint   check each file; print 'FILE: ok' for each good one, or exit 78 with every
                   error on stderr as FILE:LINE:COL: message (rule examples are checked too)
            show   print the effective policy (after extends and defaults) as YAML;
                   without FILE, the embedded default policy
            trust  accept each policy as it is now: a policy that lies where the command can
                   write (the workspace) runs only as it was when first run or trusted; after a
                   change, `cordon run` refuses it (exit 78) until it is trusted again
            """,
        sections: [
            (
                "options",
                [
                    .flag(
                        "json",
                        """
                        lint: one JSON object per file on stdout, {"file", "ok", "errors": [{"file",
                        "line", "column", "message"}]}; show: the policy as JSON (loads as a .json policy)
                        """),
                    .value("log-dir", "DIR", "trust: where the pins are kept (default ./.cordon, or $CORDON_HOME)"),
                ]
            )
        ],
        footer: "${VAR} in a policy is expanded from cordon's environment. See docs/policy.md.")

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        guard let sub = args.first else { throw .usage("policy: missing subcommand (lint or show)", command: name) }
        let parsed = try ArgumentParser.parse(
            Array(args.dropFirst()), options: helpText.options, command: "\(name) \(sub)")
        let json = parsed.flag("json")
        let files = parsed.positionals + parsed.rest
        switch sub {
        case "lint":
            if parsed.flag("help") {
                ctx.output.out(help)
                return ExitCode.success.rawValue
            }
            guard !files.isEmpty else { throw .usage("policy lint: no files given", command: name) }
            return json ? lintJSON(files, ctx) : lint(files, ctx)
        case "show":
            if parsed.flag("help") {
                ctx.output.out(help)
                return ExitCode.success.rawValue
            }
            guard files.count <= 1 else { throw .usage("policy show: give at most one file", command: name) }
            let policy = try loadPolicy(path: files.first, environment: ctx.environment)
            ctx.output.out(json ? PolicyDocument.tree(policy).serialized() + "\n" : PolicyYAML.render(policy))
            return ExitCode.success.rawValue
        case "trust":
            guard !files.isEmpty else { throw .usage("policy trust: no files given", command: name) }
            let directory = LogDirectory.resolve(
                option: parsed.value("log-dir"), environment: ctx.environment, cwd: FileIO.cwd())
            for file in files {
                let policy = try loadPolicy(path: file, environment: ctx.environment)
                do throws(AuditError) {
                    try PolicyPins.trust(policy, in: directory)
                } catch {
                    throw CLIError(.runnerFailed, "cannot record the trust: \(error)")
                }
                ctx.output.out("\(file): trusted (sha256 \(policy.source.sha256.prefix(16)))\n")
            }
            return ExitCode.success.rawValue
        default:
            let hint = Suggest.closest(sub, in: ["lint", "show", "trust"]).map { "did you mean 'cordon policy \($0)'?" }
            throw CLIError(.usage, "policy: unknown subcommand '\(sub)'", hint: hint ?? "see 'cordon policy --help'")
        }
    }

    /// Checks every file (one bad file does not hide the next) and lists every error.
    static func lint(_ files: [String], _ ctx: Context) -> Int32 {
        var failed = 0
        for file in files {
            do {
                let policy = try loadPolicy(path: file, environment: ctx.environment)
                ctx.output.out("\(file): ok\n")
                // Valid, but a channel this machine cannot use (email without sendmail).
                for w in AlertChannelWarnings.of(policy.monitor.alertChannels) {
                    ctx.output.err("\(file): warning: \(w)\n")
                }
            } catch {
                failed += 1
                // The message's first line is a summary; the rest are FILE:LINE:COL lines.
                let lines = error.message.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
                ctx.output.err(lines.joined(separator: "\n") + "\n")
            }
        }
        if failed > 0 {
            ctx.output.err(
                "cordon: error: \(failed) of \(files.count) polic\(files.count == 1 ? "y" : "ies") invalid\n")
            return ExitCode.invalidPolicy.rawValue
        }
        return ExitCode.success.rawValue
    }

    /// Machine-readable lint: the same checks, one JSON object per file, errors split into
    /// fields. The exit code is the same as without --json.
    static func lintJSON(_ files: [String], _ ctx: Context) -> Int32 {
        var failed = false
        for file in files {
            var errors: [JSONValue] = []
            do throws(InvalidPolicy) {
                _ = try CheckedPolicy.load(path: file, environment: ctx.environment)
            } catch {
                errors = error.problems.map { p in
                    PolicyCommand.error(p.location ?? SourceLocation(file: file, line: 1, column: 1), p.message)
                }
            }
            failed = failed || !errors.isEmpty
            let line: JSONValue = .object([
                ("file", .string(file)), ("ok", .bool(errors.isEmpty)), ("errors", .array(errors)),
            ])
            ctx.output.out(line.serialized() + "\n")
        }
        return failed ? ExitCode.invalidPolicy.rawValue : ExitCode.success.rawValue
    }

    static func error(_ at: SourceLocation, _ message: String) -> JSONValue {
        .object([
            ("file", .string(at.file)), ("line", .number(Double(at.line))), ("column", .number(Double(at.column))),
            ("message", .string(message)),
        ])
    }
}
