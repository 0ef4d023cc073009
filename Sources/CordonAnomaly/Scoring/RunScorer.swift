// Scores a run (finished, or as far as it has got) against its agent's profile. Two kinds of
// evidence:
//  - novelty: items of a family (programs, shapes, endpoints, ports, folders) the profile has
//    never seen. How unlikely k new items are follows from how often this agent brings new
//    items at all (Good-Turing rate x items this run shows, Poisson tail).
//  - size: a per-run number (deletes in 2 s, CPU, execs, ...) beyond everything in the
//    profile, judged on a log scale against the profile's median and spread (robust z), so
//    "140 deletes where 6 was the most" is very unlikely and "7 where 6 was" is not.
// Deterministic: the same profile and events always give the same findings and score.

public struct RunScorer: Sendable {
    public let profile: Profile
    /// Per metric, computed once: a live run is judged on every event that could matter.
    struct Digest: Sendable {
        var most: Double
        var median: Double
        var spread: Double
        var p99: Double
    }
    let digests: [String: Digest]

    public init(profile: Profile) {
        self.profile = profile
        var d: [String: Digest] = [:]
        for m in Self.judged + [("sequence_surprise", 0.5, "", true, 0)] {
            let history = profile.values(m.0)
            guard history.count >= Self.minimumMetricRuns, let most = history.max() else { continue }
            let scaled = m.0 == "sequence_surprise" ? history : history.map { log1p(max(0, $0)) }
            d[m.0] = Digest(
                most: most, median: Robust.median(scaled), spread: max(Robust.mad(scaled), m.1),
                p99: Robust.percentile(history, 0.99))
        }
        digests = d
    }

    /// The largest value of a metric in the profile (nil: not judged yet).
    public func most(_ metric: String) -> Double? { digests[metric]?.most }

    /// Metrics judged, with the smallest spread assumed on the log scale (a profile of nearly
    /// identical runs must not make a small change look huge), the unit in reasons, and the
    /// least probability a finding of it may have (`least`).
    /// Duration gets a wide floor: a busy machine stretches it several times over. Wall time is
    /// also the machine's as much as the agent's: the same normal run took 4x its median while a
    /// test suite ran beside it (377 ms where the profile's median was under 100), and the
    /// spread's floor cannot tell load from behaviour. So its findings are at least 0.12 likely:
    /// wall time alone never crosses any sensitivity's threshold (at most 1 - 0.12 < 0.9,
    /// `high`'s); beside other evidence it still counts.
    static let judged: [(name: String, floor: Double, what: String, final: Bool, least: Double)] = [
        ("delete_burst", 0.4, "files deleted within 2 s", false, 0),
        ("deletes", 0.4, "files deleted", false, 0),
        ("exec_burst", 0.5, "programs started within 2 s", false, 0),
        ("execs", 0.5, "programs started", false, 0),
        ("writes", 0.5, "file writes", false, 0),
        ("connects", 0.5, "connections", false, 0),
        ("gate_score_max", 0.3, "highest gate score", false, 0),
        ("cpu_ms", 0.5, "ms of CPU", true, 0),
        ("max_rss_kib", 0.4, "KiB of peak memory", true, 0),
        ("duration_ms", 0.9, "ms of wall time", true, 0.12),
    ]

    /// Fewer runs than this and a metric is not judged (its spread means nothing yet).
    static let minimumMetricRuns = 5

    public func score(_ o: RunObservation) -> AnomalyResult { AnomalyResult(findings: findings(o)) }

    public func findings(_ o: RunObservation) -> [AnomalyFinding] {
        var out: [AnomalyFinding] = []
        novelty(o, into: &out)
        for m in Self.judged where !m.final || o.ended {
            guard let v = o.metrics.first(where: { $0.0 == m.name })?.1 else { continue }
            if let f = size(m.name, v, what: m.what, least: m.least) { out.append(f) }
        }
        if o.ended, let f = sequence(o) { out.append(f) }
        return out
    }

    var runsText: String { "\(profile.runs) run\(profile.runs == 1 ? "" : "s")" }

    func novelty(_ o: RunObservation, into out: inout [AnomalyFinding]) {
        let items = Profile.items(o)
        for family in Profile.familyNames {
            guard let set = items[family], !set.isEmpty else { continue }
            let known = profile.families[family] ?? [:]
            let new = set.filter { known[$0] == nil }.sorted()
            guard !new.isEmpty else { continue }
            let lambda = profile.noveltyRate(family) * Double(set.count)
            let p = Robust.poissonTail(new.count, lambda: lambda)
            // One finding per family, naming what is new; shapes outside the workspace and
            // self-made programs get their own sentences below.
            let shown = new.prefix(3).map { "`\($0)`" }.joined(separator: ", ") + (new.count > 3 ? ", ..." : "")
            let reason: String
            switch family {
            case "programs": reason = "first time this agent ran \(shown) (0 of \(runsText))"
            case "shapes": reason = "new way of running a program: \(shown) (0 of \(runsText))"
            case "endpoints": reason = "connected to \(shown), never seen (0 of \(runsText))"
            case "ports": reason = "connected to port \(shown), never used by this agent (0 of \(runsText))"
            case "write_dirs": reason = "wrote in \(shown), never written in before (0 of \(runsText))"
            case "commands":
                reason = "first time this agent's run command was \(shown) (0 of \(commandRunsText) with a command)"
            case "command_shapes": reason = "new way of running its command: \(shown) (0 of \(commandRunsText))"
            default: reason = "deleted in \(shown), never deleted in before (0 of \(runsText))"
            }
            out.append(AnomalyFinding(kind: "new_\(family)", probability: p, reason: reason))
            if family == "shapes" { outside(new.compactMap { o.shapes[$0] }, p, runsText, into: &out) }
            if family == "command_shapes", let c = o.command { outside([c], p, commandRunsText, into: &out) }
        }
        for path in o.selfMadePrograms {
            // An agent that builds and runs its own programs shows it in its profile: the
            // same shape (program name) then is not new, and this finding is as likely as that.
            let name = path.split(separator: "/").last.map(String.init) ?? path
            let seen = profile.families["programs"]?[name] ?? 0
            let p = Double(seen + 1) / Double(profile.runs + 2) * 0.5
            out.append(
                AnomalyFinding(
                    kind: "self_made_program", probability: p,
                    reason: "ran \(path), a file written earlier in this run (downloaded or copied, then executed)"))
        }
    }

    var commandRunsText: String {
        let n = profile.commandRuns
        return "\(n) run\(n == 1 ? "" : "s")"
    }

    /// New shapes that name paths outside the workspace: said plainly, with the path.
    func outside(_ new: [ExecShape], _ p: Double, _ runs: String, into out: inout [AnomalyFinding]) {
        for shape in new {
            guard let path = shape.outsidePaths.first else { continue }
            let cls = shape.pathClasses.filter { [.system, .home, .hidden, .other].contains($0) }
            let classes = cls.map(\.rawValue).joined(separator: ", ")
            out.append(
                AnomalyFinding(
                    kind: "outside_workspace", probability: p,
                    reason:
                        "\(shape.program) read outside the workspace: \(path) (\(classes)); this agent never did (0 of \(runs))"
                ))
        }
    }

    func size(_ name: String, _ v: Double, what: String, least: Double) -> AnomalyFinding? {
        guard let d = digests[name], v > d.most else { return nil }
        let p = Robust.normalTail((log1p(v) - d.median) / d.spread)
        guard p < 0.5 else { return nil }
        return AnomalyFinding(
            kind: name, probability: max(p, least),
            reason: "\(Self.number(v)) \(what) in this run; this agent's 99th percentile is \(Self.number(d.p99))")
    }

    /// The order of execs, against the surprise of the agent's own runs when they were learned.
    func sequence(_ o: RunObservation) -> AnomalyFinding? {
        guard o.shapeSequence.count >= 3, profile.runs >= Profile.warmUp else { return nil }
        let s = profile.sequences.surprise(profile.shapeTokens(o.shapeSequence))
        guard let d = digests["sequence_surprise"], s > d.most else { return nil }
        let p = Robust.normalTail((s - d.median) / d.spread)
        guard p < 0.5 else { return nil }
        return AnomalyFinding(
            kind: "sequence", probability: p,
            reason:
                "its programs ran in an unusual order: \(Self.number(s, digits: 2)) nats per exec; this agent's 99th percentile is \(Self.number(d.p99, digits: 2))"
        )
    }

    static func number(_ v: Double, digits: Int = 0) -> String {
        if digits == 0 { return String(Int(v.rounded())) }
        let f = pow(10, Double(digits))
        return "\((v * f).rounded() / f)"
    }
}

#if canImport(Glibc)
    import Glibc
#endif
