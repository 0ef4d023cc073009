// Placeholder entry point; the real gate (parser, detectors, scoring) replaces this body.
import CordonPolicy

public enum Gate {
    /// Deterministic: the same action and policy always give the same decision.
    public static func evaluate(_ action: Action, policy: Policy) -> Decision {
        Decision(actionId: action.id, decision: .allow, score: 0, policyRule: nil, reasons: [], findings: [],
                 agentId: action.agentId, sessionId: action.sessionId, source: action.source)
    }
}

/// A rule example that the rule does not honour: a `match` example the rule does not match,
/// or a `not_match` example it does. A policy with any of these does not load (exit 78).
public struct ExampleViolation: Sendable, Equatable, CustomStringConvertible {
    public var ruleId: String
    public var example: RuleExample
    /// true: listed under `match` but did not match; false: listed under `not_match` but matched.
    public var expectedMatch: Bool
    public var location: SourceLocation?
    public init(ruleId: String, example: RuleExample, expectedMatch: Bool, location: SourceLocation?) {
        self.ruleId = ruleId
        self.example = example
        self.expectedMatch = expectedMatch
        self.location = location
    }
    public var description: String {
        let ex: String
        switch example {
        case .command(let c): ex = "'\(c)'"
        case .fields(let f): ex = "{" + f.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
        let loc = location.map { "\($0): " } ?? ""
        return expectedMatch
            ? "\(loc)rule '\(ruleId)': example \(ex) is listed under match but the rule does not match it"
            : "\(loc)rule '\(ruleId)': example \(ex) is listed under not_match but the rule matches it"
    }
}

extension Gate {
    /// Checks every rule's examples against the rule (DESIGN: policies contradicting their own
    /// examples do not load). Placeholder until the rule matcher exists.
    public static func exampleViolations(in policy: Policy) -> [ExampleViolation] { [] }
}
