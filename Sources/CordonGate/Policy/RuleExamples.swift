// Rule examples are checked when a policy loads: a policy that contradicts its own examples
// does not load (Codex execpolicy's idea).
import CordonPolicy

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
        case .fields(let f):
            ex =
                "{" + f.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                + "}"
        }
        let loc = location.map { "\($0): " } ?? ""
        return expectedMatch
            ? "\(loc)rule '\(ruleId)': example \(ex) is listed under match but the rule does not match it"
            : "\(loc)rule '\(ruleId)': example \(ex) is listed under not_match but the rule matches it"
    }
}

extension Gate {
    /// Checks every rule's examples against the rule (DESIGN: policies contradicting their own
    /// examples do not load). A command example is analysed as a shell command run through
    /// `cordon run` (tool `shell`); a fields example sets `action_type`, `environment`, `tool`,
    /// and the remaining keys as request context.
    public static func exampleViolations(in policy: Policy) -> [ExampleViolation] {
        var out: [ExampleViolation] = []
        for rule in policy.gate.rules {
            for (examples, expected) in [(rule.examplesMatch, true), (rule.examplesNotMatch, false)] {
                for ex in examples where matches(rule, example: ex, policy: policy) != expected {
                    out.append(
                        ExampleViolation(
                            ruleId: rule.id, example: ex, expectedMatch: expected, location: rule.location))
                }
            }
        }
        return out
    }

    static func matches(_ rule: GateRule, example: RuleExample, policy: Policy) -> Bool {
        var action: Action
        switch example {
        case .command(let c):
            action = Action(id: "example", payload: .shell(c))
        case .fields(let f):
            var rest = f
            let tool = rest.removeValue(forKey: "tool") ?? "shell"
            let command = rest.removeValue(forKey: "command")
            action = Action(
                id: "example", payload: command.map { .shell($0) } ?? .tool(name: tool, args: .object([])))
            action.actionType = rest.removeValue(forKey: "action_type")
            action.environment = rest.removeValue(forKey: "environment")
            action.context = rest
        }
        let subject = Subject(action)
        return ruleMatches(
            rule, action: action, subject: subject, analysis: subject.analysis,
            environment: action.environment ?? policy.environment)
    }
}
