// The `gate:` section: tool lists, command lists, thresholds, rules with their examples,
// and detector exceptions. Command patterns and examples are kept as written (no `${VAR}`
// expansion): `${HOME}` there is shell text the gate has to see.

extension PolicyDecoder {
    static let gateKeys = [
        "allow", "require_approval", "block", "commands", "on_block", "thresholds", "rules", "exceptions",
    ]
    static let onBlockActions = ["raise", "raise_and_alert", "log"]
    static let decisions = DecisionKind.allCases.map(\.rawValue)

    mutating func gate(_ node: YAMLNode) -> GatePolicy {
        var g = GatePolicy()
        guard let f = fields(node, "gate", known: Self.gateKeys) else { return g }
        assign(&g.allow, f["allow"]) { $0.strings($1, "gate.allow") }
        assign(&g.requireApproval, f["require_approval"]) { $0.strings($1, "gate.require_approval") }
        assign(&g.block, f["block"]) { $0.strings($1, "gate.block") }
        if let n = f["commands"] { g.commands = commands(n) }
        assignOptional(&g.onBlock, f["on_block"]) { $0.choice($1, "gate.on_block", Self.onBlockActions) }
        if let n = f["thresholds"] { g.thresholds = thresholds(n) }
        assign(&g.rules, f["rules"]) { d, n in d.list(n, "gate.rules") { d, item, path in d.rule(item, path) } }
        // On the nodes, not the decoded rules: a rule with another error still has its id.
        var seen: [String: SourceLocation] = [:]
        for item in f["rules"]?.sequence ?? [] {
            guard let idNode = item["id"], let id = idNode.scalar, !idNode.isNull else { continue }
            if let first = seen[id] {
                errors.append(
                    PolicyError(
                        idNode.location,
                        "duplicate rule id '\(id)' (first at line \(first.line), column \(first.column))"))
            } else {
                seen[id] = idNode.location
            }
        }
        assign(&g.exceptions, f["exceptions"]) { d, n in
            d.list(n, "gate.exceptions") { d, item, path in d.exception(item, path) }
        }
        return g
    }

    mutating func commands(_ node: YAMLNode) -> CommandLists {
        var c = CommandLists()
        guard let f = fields(node, "gate.commands", known: ["allow", "require_approval", "block"]) else { return c }
        assign(&c.allow, f["allow"]) { $0.patterns($1, "gate.commands.allow") }
        assign(&c.requireApproval, f["require_approval"]) { $0.patterns($1, "gate.commands.require_approval") }
        assign(&c.block, f["block"]) { $0.patterns($1, "gate.commands.block") }
        return c
    }

    /// Command patterns: non-empty, kept as written.
    mutating func patterns(_ node: YAMLNode, _ path: String) -> [String]? {
        list(node, path) { d, item, p in d.pattern(item, p) }
    }

    mutating func pattern(_ node: YAMLNode, _ path: String) -> String? {
        guard let s = string(node, path, expand: false) else { return nil }
        guard !s.trimmingSpaces.isEmpty else {
            fail(node, "\(path) must not be empty (an empty pattern would match every command)")
            return nil
        }
        return s
    }

    mutating func thresholds(_ node: YAMLNode) -> Thresholds {
        var t = Thresholds()
        guard let f = fields(node, "gate.thresholds", known: ["require_approval", "block"]) else { return t }
        let before = errors.count
        assign(&t.requireApproval, f["require_approval"]) { $0.int($1, "gate.thresholds.require_approval", 0...100) }
        assign(&t.block, f["block"]) { $0.int($1, "gate.thresholds.block", 0...100) }
        if errors.count == before, t.requireApproval > t.block {
            fail(
                f["require_approval"] ?? f["block"] ?? node,
                "gate.thresholds.require_approval (\(t.requireApproval)) must not be above gate.thresholds.block (\(t.block))"
            )
        }
        return t
    }

    static let ruleKeys = ["id", "match", "decision", "score", "reason", "examples"]
    static let matchKeys = ["tool", "action_type", "environment", "context", "command"]

    mutating func rule(_ node: YAMLNode, _ path: String) -> GateRule? {
        guard let f = fields(node, path, known: Self.ruleKeys) else { return nil }
        let before = errors.count
        var id: String?
        if let n = f["id"], let s = string(n, "\(path).id") {
            if s.isEmpty || s.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
                fail(n, "\(path).id must be a non-empty name without spaces, found '\(s)'")
            } else {
                id = s
            }
        } else if f["id"] == nil {
            fail(node, "\(path) needs an id")
        }
        let name = path
        var decision: DecisionKind?
        if let n = f["decision"] {
            decision = choice(n, "\(name).decision", Self.decisions).flatMap(DecisionKind.init)
        } else {
            fail(node, "\(name) needs a decision (\(Self.decisions.joined(separator: ", ")))")
        }
        var match = RuleMatch()
        if let n = f["match"] {
            match = ruleMatch(n, "\(name).match")
        } else {
            fail(node, "\(name) needs a match (one or more of \(Self.matchKeys.joined(separator: ", ")))")
        }
        var rule = GateRule(id: id ?? "", decision: decision ?? .block)
        rule.match = match
        rule.location = node.location
        assignOptional(&rule.score, f["score"]) { $0.int($1, "\(name).score", 0...100) }
        assignOptional(&rule.reason, f["reason"]) { $0.string($1, "\(name).reason") }
        if let n = f["examples"], let ex = fields(n, "\(name).examples", known: ["match", "not_match"]) {
            assign(&rule.examplesMatch, ex["match"]) { $0.examples($1, "\(name).examples.match") }
            assign(&rule.examplesNotMatch, ex["not_match"]) { $0.examples($1, "\(name).examples.not_match") }
            rule.examplesMatchLocations = ex["match"]?.sequence?.map(\.location) ?? []
            rule.examplesNotMatchLocations = ex["not_match"]?.sequence?.map(\.location) ?? []
        }
        return errors.count == before ? rule : nil
    }

    mutating func ruleMatch(_ node: YAMLNode, _ path: String) -> RuleMatch {
        var m = RuleMatch()
        guard let f = fields(node, path, known: Self.matchKeys) else { return m }
        if f.isEmpty {
            fail(
                node,
                "\(path) must name at least one of \(Self.matchKeys.joined(separator: ", ")) (an empty match would match every action)"
            )
        }
        assignOptional(&m.tool, f["tool"]) { $0.string($1, "\(path).tool") }
        assignOptional(&m.actionType, f["action_type"]) { $0.string($1, "\(path).action_type") }
        assignOptional(&m.environment, f["environment"]) { $0.string($1, "\(path).environment") }
        assign(&m.context, f["context"]) { $0.stringMap($1, "\(path).context") }
        assignOptional(&m.command, f["command"]) { $0.pattern($1, "\(path).command") }
        return m
    }

    /// Examples: a string is a shell command; a mapping gives action fields
    /// (tool, action_type, environment, command, and context keys).
    mutating func examples(_ node: YAMLNode, _ path: String) -> [RuleExample]? {
        list(node, path) { d, item, p in
            if item.mapping != nil {
                return d.stringMap(item, p, expand: false).map(RuleExample.fields)
            }
            guard let s = d.string(item, p, expand: false) else { return nil }
            return .command(s)
        }
    }

    mutating func exception(_ node: YAMLNode, _ path: String) -> GateException? {
        guard let f = fields(node, path, known: ["detector", "match", "reason"]) else { return nil }
        let before = errors.count
        var detector: String?
        var match: String?
        if let n = f["detector"] {
            detector = string(n, "\(path).detector")
        } else {
            fail(node, "\(path) needs a detector")
        }
        if let n = f["match"] {
            match = pattern(n, "\(path).match")
        } else {
            // An exception for every command would switch the detector off altogether.
            fail(node, "\(path) needs a match (the commands the detector is silenced for)")
        }
        var e = GateException(detector: detector ?? "", match: match ?? "")
        e.location = node.location
        assignOptional(&e.reason, f["reason"]) { $0.string($1, "\(path).reason") }
        return errors.count == before ? e : nil
    }
}
