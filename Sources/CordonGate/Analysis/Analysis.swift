// One evaluation's working state: the parsed script, the normalised invocations, and the
// signals detectors raised. Built once per action, thrown away after the decision.

/// A signal raised by a detector, before policy exceptions and scoring.
struct Hit {
    var signal: Signal
    var score: Int
    var evidence: String
    var reason: String
    /// The invocation it is about, if any (exceptions match on its command).
    var invocation: Int?
    var elevated: Bool
    /// The path or host the finding is about, when a detector knows it (the sandbox-aware
    /// decision asks whether this run's sandbox already prevents it).
    var target: String? = nil
}

/// Redirection targets that move no data anywhere.
let quietDevices: NameSet = [
    "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty", "-",
]

final class Analysis {
    /// Programs whose arguments name files they write.
    static let writers: NameSet = [
        "tee", "cp", "mv", "install", "ln", "rsync", "dd", "sed", "perl", "truncate", "touch",
    ]
    static let maxBytes = 1 << 20
    static let maxInvocations = 20_000

    let sink: ScriptSink
    var invocations: [Invocation] = []
    var inherited: [Int: Inherited] = [:]
    /// Variables with static values at the end of the top-level parse, for nested scripts.
    var variables: [String: String] = [:]
    var hits: [Hit] = []
    /// Built from an argv (`cordon run -- CMD`, an exec the monitor judges by its resolved
    /// path), not from shell text.
    private(set) var fromArgv = false
    /// Invocations whose arguments carry inline interpreter code: (invocation, language, code).
    var inlineCode: [(Int, String, String)] = []
    var writtenCache: [[String]?] = []
    /// Invocations that already have an `indirectExec` hit. `Effects.indirect` asks once per
    /// program; searching `hits` for it made a script of N programs cost N² (every unknown
    /// program adds a hit).
    var indirectExecHits = Set<Int>()
    /// Answers of `firstDownstream(of:_:)`, one array per query, built on first use.
    var downstreamAnswers: [DownstreamQuery: [Int]] = [:]
    /// Invocations per pipeline and their slots (Pipelines.swift), built on first use: after
    /// normalising, when no invocation is added any more.
    lazy var pipelineIndex: PipelineIndex = buildPipelineIndex()

    /// Borrowed in place (`_read`), not returned by a plain getter, which would copy the whole
    /// script struct (its arrays and the text, each retained and released) on every use. Read
    /// only: it is always `sink.script` itself.
    var script: ParsedScript { _read { yield sink.script } }

    /// Analyses a shell command line or script.
    init(shell text: String) {
        var text = text
        var oversized = false
        if text.utf8.count > Self.maxBytes {
            // Analyse the first MiB; the rest cannot lower the score, and the size itself is a finding.
            text = String(decoding: text.utf8.prefix(Self.maxBytes), as: UTF8.self)
            oversized = true
        }
        sink = ScriptSink(text: text)
        inputChecks(text, oversized: oversized)
        var p = ShellParser(bytes: Array(text.utf8), sink: sink, depth: 0, vars: [:])
        p.parseScript()
        variables = p.vars
        finish()
    }

    /// Analyses an argv as `cordon run` received it: no word splitting, no quote removal.
    init(argv: [String]) {
        sink = ScriptSink(text: quoteJoin(argv))
        fromArgv = true
        let joined = argv.joined(separator: " ")
        inputChecks(joined, oversized: joined.utf8.count > Self.maxBytes)
        var cmd = SimpleCommand.empty(pipeline: 0, position: 0, depth: 0)
        cmd.words = argv.map { ShellWord(value: $0) }
        cmd.text = String(decoding: sink.script.text.utf8.prefix(200), as: UTF8.self)
        sink.script.pipelineCount = 1
        sink.script.commands = [cmd]
        finish()
    }

    private func inputChecks(_ text: String, oversized: Bool) {
        if oversized {
            hit(
                .oversized, evidence: "\(text.utf8.count) bytes",
                reason: "command longer than 1 MiB; only the first MiB was analysed")
        }
        // One pass over the bytes for both: a NUL, and U+FFFD (EF BF BD), which is what invalid
        // UTF-8 became when the text was made a String (String guarantees valid UTF-8).
        let (nul, replacement): (Int?, Bool) = text.withBytes { b in
            var nul: Int?
            var replacement = false
            var k = 0
            while k < b.count {
                // Eight bytes at a time while they hold neither 0x00 nor 0xEF (the usual case): the
                // zero-byte test below has no false negatives, so no NUL or U+FFFD start is skipped;
                // a flagged word is then walked byte by byte as before.
                if k + 8 <= b.count, let base = b.baseAddress {
                    let v = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: k, as: UInt64.self)
                    let e = v ^ 0xEFEF_EFEF_EFEF_EFEF
                    let ones: UInt64 = 0x0101_0101_0101_0101
                    if ((v &- ones) & ~v | (e &- ones) & ~e) & 0x8080_8080_8080_8080 == 0 {
                        k += 8
                        continue
                    }
                }
                let c = b[k]
                if c == 0 && nul == nil { nul = k }
                if c == 0xEF && k + 2 < b.count && b[k + 1] == 0xBF && b[k + 2] == 0xBD { replacement = true }
                if nul != nil && replacement { break }
                k += 1
            }
            return (nul, replacement)
        }
        if let nul {
            hit(
                .nulByte, evidence: "NUL at byte \(nul)", reason: "command contains a NUL byte, which no argv can carry"
            )
        }
        if replacement {
            hit(
                .invalidUTF8, evidence: "U+FFFD",
                reason: "command contained invalid UTF-8 (replaced before analysis)")
        }
    }

    private func finish() {
        normaliseAll()
        let before = sink.script.commands.count
        payloads()
        normaliseAll(from: before)
        for problem in sink.script.problems {
            hit(
                .parseError, evidence: problem.description,
                reason: "could not parse the command: \(problem.message) at byte \(problem.offset)")
        }
    }

    // MARK: reporting

    /// - Parameter elevated: override for signals about a redirection: in `sudo cmd > /etc/x`
    ///   the shell opens /etc/x as the user, so sudo does not make that write stronger.
    func hit(
        _ signal: Signal, _ inv: Int? = nil, evidence: String? = nil, score: Int? = nil,
        elevated: Bool? = nil, target: String? = nil, reason: String
    ) {
        let ev = evidence ?? inv.map { self.evidence($0) } ?? ""
        let elevated = elevated ?? inv.map { invocations[$0].elevated } ?? false
        if signal == .indirectExec, let inv { indirectExecHits.insert(inv) }
        hits.append(
            Hit(
                signal: signal, score: score ?? signal.score, evidence: ev, reason: reason, invocation: inv,
                elevated: elevated, target: target))
    }

    /// The source text of the command an invocation came from.
    func evidence(_ inv: Int) -> String { sink.script.commands[invocations[inv].command].text }

    /// The simple command invocation `inv` came from, borrowed in place (`_read`), not returned
    /// by a function, which would copy the command (words, redirects, assignments, text: four
    /// retains and four releases) on every use; the detectors ask for it several times per
    /// decision, mostly to read one field. Read only: it is always the command in `sink.script`.
    /// Figures: docs/benchmarks-gate.md.
    subscript(commandOf inv: Int) -> SimpleCommand {
        _read { yield sink.script.commands[invocations[inv].command] }
    }

    /// Files written by redirection (`>`, `>>`, `&>`, `>|`, `<>`).
    func outputTargets(_ inv: Int) -> [String] {
        if !invocations[inv].hasRedirects { return [] }
        return self[commandOf: inv].redirects.filter {
            $0.isOutput
                && !($0.op == ">&" && ($0.target.value == "-" || $0.target.value.allSatisfy(\.isNumber)))
        }
        .map(\.target.value).filter { !quietDevices.contains($0) }
    }

    func inputTargets(_ inv: Int) -> [String] {
        if !invocations[inv].hasRedirects { return [] }
        return self[commandOf: inv].redirects.filter { $0.op == "<" || $0.op == "<>" }
            .map(\.target.value).filter { !quietDevices.contains($0) }
    }

    /// Files an invocation writes: redirections plus the destination arguments of writers.
    /// Several detectors ask; it is computed once per invocation.
    func writtenFiles(_ k: Int) -> [String] {
        if !invocations[k].hasRedirects && !invocations[k].kind.contains(.writer) { return [] }
        if writtenCache.count != invocations.count {
            writtenCache = Array(repeating: nil, count: invocations.count)
        }
        if let w = writtenCache[k] { return w }
        let w = computeWrittenFiles(k)
        writtenCache[k] = w
        return w
    }

    private func computeWrittenFiles(_ k: Int) -> [String] {
        let inv = invocations[k]
        if !inv.hasRedirects && !inv.kind.contains(.writer) {
            return []
        }
        var out = outputTargets(k)
        let pos = inv.positionals
        switch Name(inv.program) {
        case "tee": out += pos
        case "cp", "mv", "install", "ln", "rsync":
            if let last = pos.last, pos.count >= 2 { out.append(last) }
        case "dd": out += inv.args.filter { $0.hasPrefix("of=") }.map { String($0.dropFirst(3)) }
        case "sed", "perl":
            if inv.has("-i") || inv.args.contains(where: { $0.hasPrefix("-i") }) {
                out += pos.dropFirst()
            }
        case "truncate", "touch": out += pos
        default: break
        }
        return out
    }
}
