// The gate's answer, the same shape everywhere: `check --json`, the trace, `inspect`.
import CordonBase
import CordonPolicy

/// Risk level by score: safe 0-19, low 20-39, medium 40-59, high 60-79, critical 80-100.
public enum Level: String, Sendable, Equatable, Comparable, CaseIterable {
    case safe, low, medium, high, critical

    public init(score: Int) {
        switch score {
        case ..<20: self = .safe
        case 20..<40: self = .low
        case 40..<60: self = .medium
        case 60..<80: self = .high
        default: self = .critical
        }
    }

    var rank: Int { Level.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
}

/// What one detector saw: its id, its score, and the span of input that triggered it.
public struct Finding: Sendable, Equatable {
    public var detector: String
    public var score: Int
    public var evidence: String
    /// A sentence a person understands.
    public var reason: String
    public init(detector: String, score: Int, evidence: String, reason: String) {
        self.detector = detector
        self.score = score
        self.evidence = evidence
        self.reason = reason
    }
}

public struct Decision: Sendable, Equatable {
    public var actionId: String
    public var decision: DecisionKind
    /// 0-100.
    public var score: Int
    public var level: Level
    /// The rule (policy rule id, list entry, or detector id) that set the decision.
    public var policyRule: String?
    public var reasons: [String]
    public var findings: [Finding]
    public var agentId: String?
    public var sessionId: String?
    /// gate | monitor | inspect | validate | replay
    public var source: String

    public init(
        actionId: String, decision: DecisionKind, score: Int, policyRule: String?, reasons: [String],
        findings: [Finding], agentId: String? = nil, sessionId: String? = nil, source: String = "gate"
    ) {
        self.actionId = actionId
        self.decision = decision
        self.score = score
        self.level = Level(score: score)
        self.policyRule = policyRule
        self.reasons = reasons
        self.findings = findings
        self.agentId = agentId
        self.sessionId = sessionId
        self.source = source
    }
}

/// Something an agent wants to do, as the gate sees it.
public struct Action: Sendable, Equatable {
    public enum Payload: Sendable, Equatable {
        /// A shell command line (`cordon check --shell`, a tool's `command` argument).
        case shell(String)
        /// An argv as `cordon run` received it (not re-split; may itself be `sh -c ...`).
        case argv([String])
        /// A named tool call with JSON arguments (`inspect`, `validate`, `check --batch`).
        case tool(name: String, args: JSONValue)
    }
    public var id: String
    public var payload: Payload
    /// AgentSec `actionType`, e.g. `production_deploy`.
    public var actionType: String?
    /// Overrides the policy's environment when set.
    public var environment: String?
    /// Request context fields, matched by `rules[].match.context`.
    public var context: [String: String] = [:]
    public var agentId: String?
    public var sessionId: String?
    /// Who asked: gate (cordon run/check), monitor, inspect, validate.
    public var source = "gate"
    /// The sandbox the action will run in, when it is known (`cordon run`, the monitor,
    /// `check --sandboxed`): findings whose effect it already prevents do not ask a person.
    public var sandbox: SandboxFacts?

    public init(id: String, payload: Payload) {
        self.id = id
        self.payload = payload
    }
}
