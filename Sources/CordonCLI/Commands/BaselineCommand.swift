// `cordon baseline learn|show|reset|train|score`: the agents' behaviour profiles (learned from
// run traces, kept in state.db) and the research mode on plain token sequences.
import CordonAnomaly
import CordonAudit
import CordonBase
import CordonRun
import CordonStore

enum BaselineCommand: Subcommand {
    static let name = "baseline"
    static let summary = "learn, show and reset agents' behaviour profiles; score token traces"
    static let helpText = HelpText(
        usage: [
            "cordon baseline learn [--agent A] [--project P] [TRACE...]",
            "cordon baseline show [--agent A] [--project P] [--json]",
            "cordon baseline reset [--agent A] [--project P]",
            "cordon baseline train --tokens DIR... --model OUT [--order N]",
            "cordon baseline score --model M --tokens FILE... [--json]",
        ],
        about: """
            A profile holds what one agent normally does in one project: the programs it runs
            and their argument shapes (paths reduced to workspace, tmp, system, home, hidden),
            the order of its execs, where it connects, where it writes and deletes, and its
            per-run numbers (execs, writes, deletes, bursts, CPU, memory, duration, gate
            scores). Runs are scored against it as they go (monitor.anomaly in the policy;
            docs/anomaly.md). learn folds finished traces in (all of traces/ when none are
            named; each run once; flagged and unfinished runs are left out); show says what is
            normal in words (--json: the profile itself); reset forgets it.
            train and score are the research mode: one trace per file, tokens separated by
            white space (system-call numbers or names); train reads every file under each DIR
            and writes a model; score prints one line per file (--json:
            {"file": ..., "score": 0..1}).
            Exit 0; 1 when nothing could be learned or read; 64 on a usage error; 65 for a bad
            model or trace file.
            """,
        sections: [
            (
                "options",
                [
                    .value("agent", "A", "one agent's profile (default: every agent)"),
                    .value("project", "P", "the project (default: the current directory's name)"),
                    .flag("json", "machine-readable output"),
                    .value("tokens", "PATH", "train: folders of token traces; score: token trace files"),
                    .value("model", "FILE", "the research model to write (train) or read (score)"),
                    .value("order", "N", "train: n-gram order (default \(TokenModel.defaultOrder))"),
                    .value("log-dir", "DIR", "the log directory (default: $CORDON_HOME, else ./.cordon)"),
                ]
            )
        ],
        footer: """
            example: learn from the runs so far, then check what cordon thinks is normal
              cordon baseline learn --agent ci-agent
              cordon baseline show --agent ci-agent
              cordon baseline train --tokens ADFA-LD/Training_Data_Master --model adfa.model
              cordon baseline score --model adfa.model --tokens ADFA-LD/Attack_Data_Master/*/*.txt --json
            """)

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        guard let verb = args.first else {
            throw .usage("baseline needs learn, show, reset, train or score", command: name)
        }
        let p = try ArgumentParser.parse(Array(args.dropFirst()), options: helpText.options, command: name)
        switch verb {
        case "learn": return try learn(p, ctx)
        case "show": return try show(p, ctx)
        case "reset": return try reset(p, ctx)
        case "train": return try BaselineTokens.train(p, ctx)
        case "score": return try BaselineTokens.score(p, ctx)
        default:
            throw .usage("baseline: unknown action '\(verb)' (learn, show, reset, train, score)", command: name)
        }
    }

    static func store(_ p: ParsedArguments, _ ctx: Context, create: Bool) throws(CLIError) -> SQLiteStore? {
        let dir = LogDirectory.resolve(option: p.value("log-dir"), environment: ctx.environment)
        if create && !FileIO.isDirectory(dir.path) {
            throw CLIError(
                .failure, "baseline: no log directory \(dir.path)", hint: "run 'cordon run --agent A -- ...' first")
        }
        do throws(StoreError) {
            return try SQLiteStore.open(directory: dir.path, create: create)
        } catch {
            throw CLIError(.failure, "baseline: \(error)")
        }
    }

    static func project(_ p: ParsedArguments) -> String {
        p.value("project") ?? RunStart.defaultProject(cwd: FileIO.cwd())
    }

    static func learn(_ p: ParsedArguments, _ ctx: Context) throws(CLIError) -> Int32 {
        let dir = LogDirectory.resolve(option: p.value("log-dir"), environment: ctx.environment)
        var traces = p.positionals
        if traces.isEmpty {
            traces = FileIO.list(dir.traces).filter { $0.hasSuffix(RunIndex.traceSuffix) }.sorted().map {
                dir.traces + "/" + $0
            }
        }
        guard !traces.isEmpty else {
            throw CLIError(
                .failure, "baseline learn: no traces in \(dir.traces)",
                hint: "run 'cordon run --agent A -- ...' first, or name traces")
        }
        guard let s = try store(p, ctx, create: true) else { return ExitCode.failure.rawValue }
        let o: BaselineLearning.Outcome
        do throws(StoreError) {
            o = try BaselineLearning.learn(
                traces: traces, store: s, agent: p.value("agent"), project: p.value("project"),
                home: ctx.environment["HOME"])
        } catch {
            throw CLIError(.failure, "baseline learn: \(error)")
        }
        for u in o.unreadable { ctx.output.err("cordon: warning: skipped \(u)\n") }
        for u in o.unsealed {
            ctx.output.err(
                "cordon: warning: the profile of \(u) was not signed with this user's store key (an older cordon, another user, or not cordon wrote it): replaced, learned again from the traces\n"
            )
        }
        var text = ""
        for l in o.learned {
            text +=
                "learned \(l.runs) run\(l.runs == 1 ? "" : "s") into \(l.agent) (project \(l.project)): \(l.total) in its profile\n"
        }
        if o.learned.isEmpty { text += "nothing new to learn\n" }
        var notes: [String] = []
        if o.alreadyLearned > 0 { notes.append("\(o.alreadyLearned) already learned") }
        if o.flagged > 0 { notes.append("\(o.flagged) flagged as anomalous (left out)") }
        if o.unfinished > 0 { notes.append("\(o.unfinished) unfinished") }
        if o.otherAgent > 0 { notes.append("\(o.otherAgent) of other agents or projects") }
        if !notes.isEmpty { text += "skipped: " + notes.joined(separator: ", ") + "\n" }
        ctx.output.out(text)
        return o.learned.isEmpty && !o.unreadable.isEmpty ? ExitCode.failure.rawValue : ExitCode.success.rawValue
    }

    static func show(_ p: ParsedArguments, _ ctx: Context) throws(CLIError) -> Int32 {
        let proj = project(p)
        guard let s = try store(p, ctx, create: false) else {
            ctx.output.err("cordon: note: no profiles yet (no state store)\n")
            return ExitCode.failure.rawValue
        }
        var stored: [StoredProfile]
        do throws(StoreError) {
            stored = try s.profiles(project: proj)
        } catch {
            throw CLIError(.failure, "baseline show: \(error)")
        }
        if let a = p.value("agent") { stored = stored.filter { $0.agent == a } }
        guard !stored.isEmpty else {
            ctx.output.err(
                "cordon: note: no profile for \(p.value("agent").map { "agent \($0) in " } ?? "")project \(proj)\n")
            return ExitCode.failure.rawValue
        }
        var out = ""
        for sp in stored {
            if !sp.sealed {
                ctx.output.err(
                    "cordon: warning: the profile of \(sp.agent) is not signed with this user's store key (an older cordon, another user, or not cordon wrote it): it is not used for scoring, and the next learning replaces it\n"
                )
            }
            guard let json = try? JSONValue.parse(sp.json), let profile = try? Profile(json: json) else {
                throw CLIError(
                    .malformedInput, "baseline show: the profile of \(sp.agent) is damaged",
                    hint: "cordon baseline reset --agent \(sp.agent)")
            }
            if p.flag("json") {
                let thresholds = Sensitivity.allCases.map { ($0.rawValue, JSONValue.number(profile.threshold($0))) }
                out +=
                    JSONValue.object([
                        ("project", .string(sp.project)), ("agent", .string(sp.agent)),
                        ("sealed", .bool(sp.sealed)), ("thresholds", .object(thresholds)),
                        ("profile", profile.json),
                    ]).serialized() + "\n"
            } else {
                out += profile.summary(agent: sp.agent, project: sp.project).joined(separator: "\n") + "\n"
            }
        }
        ctx.output.out(out)
        return ExitCode.success.rawValue
    }

    static func reset(_ p: ParsedArguments, _ ctx: Context) throws(CLIError) -> Int32 {
        let proj = project(p)
        guard let s = try store(p, ctx, create: false) else {
            ctx.output.out("no profiles to reset\n")
            return ExitCode.success.rawValue
        }
        do throws(StoreError) {
            let n = try s.resetProfiles(project: proj, agent: p.value("agent"))
            ctx.output.out("removed \(n) profile\(n == 1 ? "" : "s") of project \(proj)\n")
        } catch {
            throw CLIError(.failure, "baseline reset: \(error)")
        }
        return ExitCode.success.rawValue
    }
}
