import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
// `cordon replay`: what would this policy have decided about everything we have seen?
import CordonRun
import CordonSandbox

#if canImport(Glibc)
    import Glibc
#endif

enum ReplayCommand: Subcommand {
    static let name = "replay"
    static let summary = "re-score recorded actions under a policy and show what changed"
    static let helpText = HelpText(
        usage: [
            "cordon replay TRACE_OR_LOG_OR_DIR_OR_RUN... [--run RUN]... [--policy FILE] [--json] [--fail-on-change]"
        ],
        about: """
            Re-scores every recorded action (decision events of traces, lines of gate.log files)
            under the policy (default: the embedded default policy) and prints the actions whose
            decision changed (old -> new, score, rule, command, where it was recorded), then
            totals per old/new decision.
            A directory means every *.jsonl trace in it. Traces replay exactly what the gate saw
            (argv or tool call). gate.log lines replay the cmd field as a shell line; commands cut
            at 4 KiB are skipped (replay the trace).
            A RUN (as an argument that is not an existing path, or with --run) is a run id or a
            unique prefix of one (see 'cordon runs'): that run's trace in the log directory. An
            ambiguous prefix exits 64 listing the candidates; one that matches nothing exits 65.
            """,
        sections: [
            (
                "options",
                [
                    .value("policy", "FILE", "the policy to score under"),
                    .flag("json", "one JSON object: totals and every change"),
                    .flag("fail-on-change", "exit 1 when any decision changed (for CI)"),
                    .value("run", "RUN", "the trace of this run: an id or a unique prefix (repeatable)"),
                    .value("log-dir", "DIR", "where runs are looked up (default: $CORDON_HOME, else ./.cordon)"),
                ]
            )
        ],
        footer: """
            example: does the new policy change anything we have seen this week?
              cordon replay .cordon/traces --policy policies/strict.yaml --fail-on-change
            """)

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let p = try ArgumentParser.parse(args, options: helpText.options, command: name)
        guard !p.positionals.isEmpty || !p.all("run").isEmpty else {
            throw .usage("give at least one trace or gate.log file, or --run RUN", command: name)
        }
        let logDir = LogDirectory.resolve(option: p.value("log-dir"), environment: ctx.environment)
        // CORDON_DEBUG_TIMING=1 shows where a long replay spends its time.
        PhaseTimer.shared.mark("replay: start")
        let policy = try loadPolicy(path: p.value("policy"), environment: ctx.environment)
        PhaseTimer.shared.mark("replay: policy loaded")
        var actions: [RecordedAction] = []
        var skipped: [String] = []
        // A directory stands for the traces in it (`cordon replay .cordon/traces`), oldest first.
        var inputs: [String] = []
        for run in p.all("run") { inputs.append(try RunsCommand.trace(of: run, in: logDir).path) }
        for arg in p.positionals {
            let path = try RunsCommand.tracePath(arg, in: logDir)
            var st = stat()
            if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                let traces = TestCommand.listFiles(path, suffixes: [".jsonl"])
                if traces.isEmpty { throw CLIError(.failure, "replay: \(path): no *.jsonl traces in this directory") }
                inputs += traces
            } else {
                inputs.append(path)
            }
        }
        for path in inputs {
            do {
                let input = try ReplayReader.read(path)
                for w in input.warnings { ctx.output.err("cordon: warning: \(w)\n") }
                // The first file's actions are taken over, not copied (a copy retains and
                // later releases every string of every action, on this one thread).
                if actions.isEmpty { actions = input.actions } else { actions += input.actions }
                skipped += input.skipped
            } catch {
                throw CLIError(error.kind == .malformed ? .malformedInput : .failure, "replay: \(error.message)")
            }
        }
        for s in skipped { ctx.output.err("cordon: note: \(s)\n") }
        PhaseTimer.shared.mark("replay: \(actions.count) actions read from \(inputs.count) files")
        let result = Replay.run(actions, policy: policy)
        PhaseTimer.shared.mark("replay: re-scored (\(result.changed.count) changed)")
        if p.flag("json") {
            ctx.output.out(json(result, policy: policy, skipped: skipped.count).serialized() + "\n")
        } else {
            ctx.output.out(text(result, policy: policy, files: inputs.count, skipped: skipped.count))
        }
        PhaseTimer.shared.mark("replay: printed")
        return p.flag("fail-on-change") && !result.changed.isEmpty
            ? ExitCode.failure.rawValue : ExitCode.success.rawValue
    }

    static let order = ["allow", "requires_approval", "block"]

    static func sortedTransitions(_ r: ReplayResult) -> [(String, String, Int)] {
        func rank(_ s: String) -> Int { order.firstIndex(of: s) ?? order.count }
        var out: [(String, String, Int)] = []
        for (old, news) in r.transitions { for (new, n) in news { out.append((old, new, n)) } }
        return out.sorted { (rank($0.0), rank($0.1), $0.0, $0.1) < (rank($1.0), rank($1.1), $1.0, $1.1) }
    }

    static func text(_ r: ReplayResult, policy: Policy, files: Int, skipped: Int) -> String {
        var s = "replayed \(r.total) action\(r.total == 1 ? "" : "s") from \(files) file\(files == 1 ? "" : "s") under "
        s += "\(policy.source.path) (sha256 \(policy.source.sha256.prefix(12)))"
        if skipped > 0 { s += "; \(skipped) skipped" }
        s += "\n\n"
        if r.changed.isEmpty {
            s += "no decision changed\n"
        } else {
            s += "\(r.changed.count) changed:\n"
            var rows = [["OLD", "", "NEW", "SCORE", "RULE", "COMMAND", "RECORDED AT"]]
            for c in r.changed {
                let rule = c.new.policyRule ?? "-"
                rows.append([
                    c.recorded.oldDecision, "->", c.new.decision.rawValue, "\(c.recorded.oldScore)->\(c.new.score)",
                    rule,
                    shown(c.recorded.command, max: 60), c.recorded.origin,
                ])
            }
            s += table(rows)
        }
        s += "\ntotals (old -> new):\n"
        for (old, new, n) in sortedTransitions(r) {
            s +=
                "  " + old.padding(to: 18) + "-> " + new.padding(to: 18) + String(n).leftPad(8)
                + (old == new ? "" : "  changed") + "\n"
        }
        return s
    }

    static func json(_ r: ReplayResult, policy: Policy, skipped: Int) -> JSONValue {
        .object([
            ("policy", .object([("path", .string(policy.source.path)), ("sha256", .string(policy.source.sha256))])),
            ("total", .number(Double(r.total))), ("changed", .number(Double(r.changed.count))),
            ("skipped", .number(Double(skipped))),
            (
                "transitions",
                .array(
                    sortedTransitions(r).map {
                        .object([("old", .string($0.0)), ("new", .string($0.1)), ("count", .number(Double($0.2)))])
                    })
            ),
            (
                "changes",
                .array(
                    r.changed.map { c in
                        .object([
                            ("recordedAt", .string(c.recorded.origin)), ("actionId", .string(c.recorded.action.id)),
                            ("command", .string(c.recorded.command)),
                            (
                                "old",
                                .object([
                                    ("decision", .string(c.recorded.oldDecision)),
                                    ("score", .number(Double(c.recorded.oldScore))),
                                    ("policyRule", c.recorded.oldRule.map { .string($0) } ?? .null),
                                ])
                            ),
                            (
                                "new",
                                .object([
                                    ("decision", .string(c.new.decision.rawValue)),
                                    ("score", .number(Double(c.new.score))),
                                    ("level", .string(c.new.level.rawValue)),
                                    ("policyRule", c.new.policyRule.map { .string($0) } ?? .null),
                                    ("reasons", .array(c.new.reasons.map { .string($0) })),
                                ])
                            ),
                        ])
                    })
            ),
        ])
    }
}

/// A command for a one-line table cell: escaped like gate.log, cut to `max` characters.
func shown(_ command: String, max: Int) -> String {
    var bytes: [UInt8] = []
    Logfmt.appendValue(command, to: &bytes)
    if bytes.count >= 2 && bytes.first == UInt8(ascii: "\"") && bytes.last == UInt8(ascii: "\"") {
        // Quoted only for spaces or quotes: a table cell needs neither, only the escapes that
        // keep control bytes and line breaks visible. Every `\"` becomes `"`, left to right.
        var unquoted: [UInt8] = []
        unquoted.reserveCapacity(bytes.count - 2)
        var i = 1
        while i < bytes.count - 1 {
            if bytes[i] == UInt8(ascii: "\\") && i + 1 < bytes.count - 1 && bytes[i + 1] == UInt8(ascii: "\"") {
                unquoted.append(UInt8(ascii: "\""))
                i += 2
            } else {
                unquoted.append(bytes[i])
                i += 1
            }
        }
        bytes = unquoted
    }
    // ASCII (nearly every command): a byte is a character, so the cut needs no String walk.
    if !bytes.contains(where: { $0 >= 0x80 }) {
        return bytes.count > max
            ? String(decoding: bytes.prefix(max - 3), as: UTF8.self) + "..." : String(decoding: bytes, as: UTF8.self)
    }
    let s = String(decoding: bytes, as: UTF8.self)
    return s.count > max ? String(s.prefix(max - 3)) + "..." : s
}

/// Left-aligned columns separated by two spaces; the last column is not padded.
func table(_ rows: [[String]]) -> String {
    guard let cols = rows.first?.count else { return "" }
    // Characters are counted once per cell (counting walks the string; a replay can list
    // thousands of rows).
    let counts = rows.map { r in r.enumerated().map { i, c in i < cols - 1 ? c.count : 0 } }
    var widths = [Int](repeating: 0, count: cols)
    for r in counts { for (i, n) in r.enumerated() { widths[i] = max(widths[i], n) } }
    var s = ""
    for (r, row) in rows.enumerated() {
        s += "  "
        for (i, c) in row.enumerated() {
            s += c
            if i < cols - 1 { s += String(repeating: " ", count: widths[i] - counts[r][i] + 2) }
        }
        s += "\n"
    }
    return s
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
