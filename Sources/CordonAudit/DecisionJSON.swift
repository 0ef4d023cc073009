// TEMPORARY: the Decision's JSON shape from DESIGN, until CordonGate's own encoding is merged;
// then `decisionJSON` calls it and this body goes. Kept to exactly DESIGN's keys.
import CordonGate
import CordonPolicy

func decisionJSON(_ d: Decision) -> JSONValue {
    var pairs: [(String, JSONValue)] = [
        ("actionId", .string(d.actionId)), ("decision", .string(d.decision.rawValue)),
        ("score", .number(Double(d.score))), ("level", .string(d.level.rawValue)),
        ("policyRule", d.policyRule.map { .string($0) } ?? .null),
        ("reasons", .array(d.reasons.map { .string($0) })),
        ("findings", .array(d.findings.map {
            .object([("detector", .string($0.detector)), ("score", .number(Double($0.score))), ("evidence", .string($0.evidence)), ("reason", .string($0.reason))])
        })),
    ]
    if let a = d.agentId { pairs.append(("agentId", .string(a))) }
    if let s = d.sessionId { pairs.append(("sessionId", .string(s))) }
    pairs.append(("source", .string(d.source)))
    return .object(pairs)
}
