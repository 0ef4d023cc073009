// Turns signals and policy into one Decision (the algorithm is summarised in Gate.swift and
// docs/gate.md). Kept apart from the detectors so policy semantics are one file.
import CordonPolicy

/// One way the policy could decide; the strictest wins.
struct Candidate {
    var decision: DecisionKind
    var score: Int
    var rule: String?
    /// 2 = explicit rule, 1 = tool or command list, 0 = thresholds over detector scores.
    var explicitness: Int
    /// Prepended to `rule` for the winner only (`tool:`, `command:`): only the winner's rule is
    /// reported, so the prefixed string is built once, not for every candidate. Choosing the
    /// winner never reads `rule`, so the decision and its rule (`rulePrefix + rule`) are the
    /// same as if every candidate carried the prefixed string.
    var rulePrefix: String = ""
}

/// The candidates folded as they come instead of collected: the strictest decision wins; among
/// equals an explicit rule beats a list or the thresholds, then the higher score; on a full tie
/// the earlier candidate stays (same order as listed in Gate.swift). No array is built: this
/// runs for every decision, and most have one or two candidates.
struct Verdict {
    var winner: Candidate
    /// Why, in the order found: exceptions, then list and rule reasons.
    var reasons: [String]
    /// The combined detector score, and the thresholds that turn it into a floor for lists.
    let score: Int
    let thresholds: Thresholds

    mutating func consider(_ c: Candidate) {
        if c.decision != winner.decision {
            if c.decision > winner.decision { winner = c }
            return
        }
        let ck = c.explicitness == 2 ? 1 : 0
        let wk = winner.explicitness == 2 ? 1 : 0
        if ck > wk || (ck == wk && c.score > winner.score) { winner = c }
    }

    /// A tool list (globs on the tool name; `shell` for commands): the first matching entry.
    mutating func toolList(_ list: [String], _ kind: DecisionKind, tool: String) {
        // An index loop, not `first(where:)`, which retains and releases every entry it passes.
        // Most entries differ from the tool name in the first byte, so that is tested before
        // reaching the bytes of both strings. It must stay globMatch's own first step (an entry
        // not starting with `*`, `?` or the tool name's first byte cannot match), so the entry
        // found is the one `first(where:)` with globMatch would find.
        let t0 = tool.utf8.first
        var found: Int?
        if tool != "shell" {
            // A tool call: entries compared in canonical form too (`Bash` in a policy is `bash`).
            found = list.indices.first { globMatch(list[$0], tool) || globMatch(ToolNames.canonical(list[$0]), tool) }
        } else {
            for i in list.indices {
                if let p0 = list[i].utf8.first, p0 != UInt8(ascii: "*"), p0 != UInt8(ascii: "?"), p0 != t0 {
                    continue
                }
                if globMatch(list[i], tool) {
                    found = i
                    break
                }
            }
        }
        guard let found else { return }
        consider(
            Candidate(
                decision: kind, score: Gate.floor(kind, score, thresholds), rule: list[found], explicitness: 1,
                rulePrefix: "tool:"))
        if kind != .allow { reasons.append("tool '\(tool)' is listed under gate.\(Gate.listName(kind))") }
    }

    /// A command list, on every program that would run: each entry that matches some program.
    mutating func commandList(_ list: [String], _ kind: DecisionKind, analysis: Analysis) {
        for entry in list {
            let pattern = CommandPattern.cached(entry)
            guard let k = analysis.invocations.indices.first(where: { pattern.matches(analysis.invocations[$0]) })
            else { continue }
            consider(
                Candidate(
                    decision: kind, score: Gate.floor(kind, score, thresholds), rule: entry, explicitness: 1,
                    rulePrefix: "command:"))
            if kind != .allow {
                reasons.append(
                    "'\(analysis.invocations[k].program)' matches gate.commands.\(Gate.listName(kind)) entry '\(entry)'"
                )
            }
        }
    }
}

extension Gate {
    static func decide(
        action: Action, subject: Subject, analysis: Analysis?, policy: Policy, environment: String?
    ) -> Decision {
        let gate = policy.gate
        var hits = analysis?.hits ?? []
        var reasons: [String] = []
        if let analysis, !gate.exceptions.isEmpty {
            hits = silenced(hits, by: gate.exceptions, analysis: analysis, reasons: &reasons)
        }
        let t = gate.thresholds
        // The sandbox-aware decision: what the sandbox prevents is reported, not asked about.
        // Only below the block threshold: a block is never downgraded.
        var prevented: [Hit] = []
        if let sb = action.sandbox, !hits.isEmpty,
            combinedScore(hits, production: environment == "production") < t.block
        {
            var kept: [Hit] = []
            for h in hits {
                if let why = sb.prevents(h), h.score >= t.requireApproval {
                    prevented.append(h)
                    reasons.append("would need approval; not asked: \(why) (\(h.reason))")
                } else {
                    kept.append(h)
                }
            }
            hits = kept
        }
        let score = combinedScore(hits, production: environment == "production")
        let byScore: DecisionKind =
            score >= t.block ? .block : (score >= t.requireApproval ? .requiresApproval : .allow)
        var verdict = Verdict(
            winner: Candidate(
                decision: byScore, score: score, rule: strongest(hits).map { hits[$0].signal.detector },
                explicitness: 0),
            reasons: reasons, score: score, thresholds: t)
        verdict.toolList(gate.block, .block, tool: subject.tool)
        verdict.toolList(gate.requireApproval, .requiresApproval, tool: subject.tool)
        verdict.toolList(gate.allow, .allow, tool: subject.tool)
        if let analysis {
            verdict.commandList(gate.commands.block, .block, analysis: analysis)
            verdict.commandList(gate.commands.requireApproval, .requiresApproval, analysis: analysis)
            verdict.commandList(gate.commands.allow, .allow, analysis: analysis)
        }
        // Rules: every matching rule is reported.
        // By index, and rules for an action type skipped at once when the action has none (a
        // shell command): a `for rule in` copy of each rule retains every field it holds.
        for i in gate.rules.indices
        where (action.actionType != nil || gate.rules[i].match.actionType == nil)
            && ruleMatches(
                gate.rules[i], action: action, subject: subject, analysis: analysis, environment: environment)
        {
            let rule = gate.rules[i]
            let s = rule.score ?? floor(rule.decision, score, t)
            verdict.consider(Candidate(decision: rule.decision, score: s, rule: rule.id, explicitness: 2))
            verdict.reasons.append(rule.reason ?? "matched rule \(rule.id)")
        }
        var d = decision(verdict, hits: hits, gate: gate, action: action)
        d.findings += prevented.map {
            Finding(detector: $0.signal.detector, score: $0.score, evidence: $0.evidence, reason: $0.reason)
        }
        return d
    }

    /// Exceptions: the only way to quiet a detector. The hits left, each silenced one noted.
    static func silenced(_ hits: [Hit], by exceptions: [GateException], analysis: Analysis, reasons: inout [String])
        -> [Hit]
    {
        hits.filter { h in
            for e in exceptions where e.detector == h.signal.detector || e.detector == h.signal.rawValue {
                if exceptionMatches(e, hit: h, analysis: analysis) {
                    reasons.append(
                        "exception: \(h.signal.detector) silenced for '\(e.match)'"
                            + (e.reason.map { " (\($0))" } ?? ""))
                    return false
                }
            }
            return true
        }
    }

    /// The Decision: rule reasons first (they are what the policy author wrote, the winning
    /// rule's own first), then detector reasons by score; findings by score; the rule named
    /// when it decided something.
    static func decision(_ verdict: Verdict, hits: [Hit], gate: GatePolicy, action: Action) -> Decision {
        let winner = verdict.winner
        var reasons = verdict.reasons
        let sortedHits = hits.count > 1 ? hits.sorted(by: { $0.score > $1.score }) : hits
        var detectorReasons: [String] = []
        for h in sortedHits where h.score >= 20 && !detectorReasons.contains(h.reason) {
            detectorReasons.append(h.reason)
        }
        if reasons.isEmpty {
            reasons = detectorReasons
        } else {
            reasons += detectorReasons
        }
        if winner.explicitness == 2,
            let i = reasons.firstIndex(where: { r in
                gate.rules.first(where: { $0.id == winner.rule })?.reason == r
            }), i != 0
        {
            reasons.insert(reasons.remove(at: i), at: 0)
        }
        let findings = sortedHits.map {
            Finding(detector: $0.signal.detector, score: $0.score, evidence: $0.evidence, reason: $0.reason)
        }
        let policyRule =
            winner.explicitness > 0 || winner.decision != .allow || winner.score >= 20
            ? winner.rule.map { winner.rulePrefix + $0 } : nil
        return Decision(
            actionId: action.id, decision: winner.decision, score: winner.score, policyRule: policyRule,
            reasons: reasons, findings: findings, agentId: action.agentId, sessionId: action.sessionId,
            source: action.source)
    }

    /// The strongest signal, plus bonuses (see ScoreTable: elevatedBonus, productionBonus).
    /// The index of the first hit with the highest score (what `max(by:)` on the scores
    /// returns), found without copying hits out of the array.
    static func strongest(_ hits: [Hit]) -> Int? {
        guard !hits.isEmpty else { return nil }
        var best = 0
        for i in hits.indices.dropFirst() where hits[i].score > hits[best].score { best = i }
        return best
    }

    static func combinedScore(_ hits: [Hit], production: Bool) -> Int {
        guard let t = strongest(hits) else { return 0 }
        var score = hits[t].score
        // Distinct detectors (other than the top one's) scoring 60 or more, other than sudo. Only
        // the first two count (+5 each, at most +10), so counting stops there; most decisions
        // have no hit at 60, and no array is built for them.
        let topDetector = hits[t].signal.detector
        var first: String?
        var distinct = 0
        for i in hits.indices where distinct < 2 && hits[i].score >= 60 && hits[i].signal != .sudo {
            let d = hits[i].signal.detector
            if d == topDetector || d == first { continue }
            if first == nil { first = d }
            distinct += 1
        }
        score += 5 * distinct
        if hits[t].elevated && hits[t].signal != .sudo && hits[t].score >= 20 {
            score += Signal.elevatedBonus.score
        }
        if production && score >= 20 { score += Signal.productionBonus.score }
        return min(100, score)
    }

    /// A list entry or rule without a score still lands at least on the threshold its decision
    /// needs, so the level and the decision agree.
    static func floor(_ kind: DecisionKind, _ score: Int, _ t: Thresholds) -> Int {
        switch kind {
        case .allow: score
        case .requiresApproval: max(score, t.requireApproval)
        case .block: max(score, t.block)
        }
    }

    static func listName(_ kind: DecisionKind) -> String {
        switch kind {
        case .allow: "allow"
        case .requiresApproval: "require_approval"
        case .block: "block"
        }
    }

    static func exceptionMatches(_ e: GateException, hit: Hit, analysis: Analysis) -> Bool {
        let pattern = CommandPattern(e.match)
        if let k = hit.invocation { return pattern.matches(analysis.invocations[k]) }
        // Script-level signals (parse errors, combinations): match any program in the script.
        return analysis.invocations.contains { pattern.matches($0) }
    }

    static func ruleMatches(
        _ rule: GateRule, action: Action, subject: Subject, analysis: Analysis?, environment: String?
    ) -> Bool {
        let m = rule.match
        if let tool = m.tool, !globMatch(tool, subject.tool), !globMatch(ToolNames.canonical(tool), subject.tool) {
            return false
        }
        // `environment: "!production"`: any environment but that one (or none). Checked before
        // the action type: it is a string compare, and the default policy's action-type rules
        // are production-only, so most requests skip their glob alternatives (perf: they were
        // 11% of a served inspect request).
        if let env = m.environment {
            if env.hasPrefix("!") {
                if String(env.dropFirst()) == environment { return false }
            } else if env != environment {
                return false
            }
        }
        // `action_type: "*deploy*|*release*"`: alternatives, each a glob.
        if let t = m.actionType {
            guard let at = action.actionType?.asciiLowercased,
                t.split(separator: "|").contains(where: { globMatch(String($0), at) })
            else { return false }
        }
        for (key, value) in m.context where action.context[key] != value { return false }
        if let c = m.command {
            guard let analysis else { return false }
            let pattern = CommandPattern(c)
            if !analysis.invocations.contains(where: { pattern.matches($0) }) { return false }
        }
        return true
    }
}
