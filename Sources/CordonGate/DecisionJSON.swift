// The Decision's JSON shape (DESIGN "Decision"), in one place so `check --json`, `check
// --batch`, the trace writer and replay all print the same thing. Key order is fixed.
import CordonBase
import CordonPolicy

extension Finding {
    public var jsonValue: JSONValue {
        .object([
            ("detector", .string(detector)), ("score", .number(Double(score))),
            ("evidence", .string(evidence)),
            ("reason", .string(reason)),
        ])
    }
}

extension Decision {
    /// `{"actionId", "decision", "score", "level", "policyRule", "reasons", "findings",
    /// "agentId", "sessionId", "source"}`; absent optionals are `null`.
    public var jsonValue: JSONValue {
        .object([
            ("actionId", .string(actionId)),
            ("decision", .string(decision.rawValue)),
            ("score", .number(Double(score))),
            ("level", .string(level.rawValue)),
            ("policyRule", policyRule.map(JSONValue.string) ?? .null),
            ("reasons", .array(reasons.map(JSONValue.string))),
            ("findings", .array(findings.map(\.jsonValue))),
            ("agentId", agentId.map(JSONValue.string) ?? .null),
            ("sessionId", sessionId.map(JSONValue.string) ?? .null),
            ("source", .string(source)),
        ])
    }

    /// One line of compact JSON, no trailing newline.
    public var json: String { jsonValue.serialized() }

    /// The human form: `block score=95 level=critical rule=remote-code-execution`, then one
    /// reason per line.
    public var summary: String {
        var s = "\(decision.rawValue) score=\(score) level=\(level.rawValue)"
        if let policyRule { s += " rule=\(policyRule)" }
        for r in reasons { s += "\n  - \(r)" }
        return s
    }
}
