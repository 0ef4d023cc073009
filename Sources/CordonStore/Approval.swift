// What the store keeps about approvals and remembered decisions. Plain values: the store
// reads and writes them, the Runner and the CLI decide what they mean.

public enum ApprovalStatus: String, Sendable, CaseIterable {
    case pending, approved, rejected, expired, cancelled

    /// The AgentSec polling shape knows pending, approved and rejected only.
    public var agentSec: String {
        switch self {
        case .pending: return "pending"
        case .approved: return "approved"
        case .rejected, .expired, .cancelled: return "rejected"
        }
    }
}

/// How far an approval is remembered: `once` remembers nothing.
public enum RememberScope: String, Sendable, CaseIterable {
    case once, session, agent, project
}

/// The process that waits for an approval: when it is gone (killed, even with SIGKILL), the
/// approval is cancelled by the next reader instead of staying pending forever. Identified by
/// pid and start time (pids are reused) on this boot.
public struct Waiter: Sendable, Equatable {
    public var pid: Int32
    /// Field 22 of /proc/PID/stat: clock ticks after boot when the process started.
    public var startTicks: UInt64
    public var bootID: String

    public init(pid: Int32, startTicks: UInt64, bootID: String) {
        self.pid = pid
        self.startTicks = startTicks
        self.bootID = bootID
    }
}

public struct Approval: Sendable, Equatable {
    /// Short and typeable: `A-7K2Q9`.
    public var id: String
    public var actionId: String
    public var runId: String
    public var session: String
    public var agent: String
    public var project: String
    /// The command line as written, or the tool call as JSON.
    public var command: String
    /// `argv`, `shell` or `tool`: what `command` holds.
    public var commandKind: String
    public var score: Int
    public var level: String
    public var rule: String
    public var reasons: [String]
    /// Where the action came from: gate (before a run), monitor (an exec inside), inspect, validate.
    public var source: String
    public var status: ApprovalStatus
    /// Unix seconds.
    public var createdAt: Double
    /// When a pending approval expires (nil: it waits until decided).
    public var deadline: Double?
    public var decidedAt: Double?
    /// `alice (uid 1000)`, `key alice (uid 1000)`, or why nobody decided (`timeout`, `run ended`).
    public var decidedBy: String?
    public var note: String?
    public var remember: RememberScope?
    public var waiter: Waiter?

    public init(
        id: String, actionId: String, runId: String, session: String, agent: String, project: String,
        command: String, commandKind: String, score: Int, level: String, rule: String, reasons: [String],
        source: String, status: ApprovalStatus = .pending, createdAt: Double, deadline: Double? = nil,
        waiter: Waiter? = nil
    ) {
        self.id = id
        self.actionId = actionId
        self.runId = runId
        self.session = session
        self.agent = agent
        self.project = project
        self.command = command
        self.commandKind = commandKind
        self.score = score
        self.level = level
        self.rule = rule
        self.reasons = reasons
        self.source = source
        self.status = status
        self.createdAt = createdAt
        self.deadline = deadline
        self.waiter = waiter
    }
}

/// A decision to record on a pending approval.
public struct ApprovalDecision: Sendable {
    public var status: ApprovalStatus
    public var by: String
    public var at: Double
    public var note: String?
    public var remember: RememberScope?
    /// The rule to store with it (`remember` session, agent or project).
    public var rule: RememberedRule?

    public init(
        status: ApprovalStatus, by: String, at: Double, note: String? = nil, remember: RememberScope? = nil,
        rule: RememberedRule? = nil
    ) {
        self.status = status
        self.by = by
        self.at = at
        self.note = note
        self.remember = remember
        self.rule = rule
    }
}

/// What a transition found.
public enum TransitionResult: Sendable, Equatable {
    /// This call moved it from pending; the approval as it is now.
    case done(Approval)
    /// Somebody (or something) decided first; the approval as it stands.
    case alreadyDecided(Approval)
    case unknown
}

/// "The same program and the same leading arguments, in this scope, up to this score": allowed
/// without asking again. Never applies to a block.
public struct RememberedRule: Sendable, Equatable {
    /// `R-...`
    public var id: String
    public var scope: RememberScope
    /// The scope's key: the session id, the agent id, or the project.
    public var session: String
    public var agent: String
    public var project: String
    /// Program (basename) and leading arguments.
    public var prefix: [String]
    /// The approved action's score: a later action scoring higher still asks.
    public var maxScore: Int
    public var approvalId: String
    public var createdAt: Double
    public var createdBy: String
    /// Whether this user's cordon wrote it (StoreSeal.swift). An unsealed rule never applies.
    public var sealed = true

    public init(
        id: String, scope: RememberScope, session: String, agent: String, project: String, prefix: [String],
        maxScore: Int, approvalId: String, createdAt: Double, createdBy: String
    ) {
        self.id = id
        self.scope = scope
        self.session = session
        self.agent = agent
        self.project = project
        self.prefix = prefix
        self.maxScore = maxScore
        self.approvalId = approvalId
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// Whether an action by (session, agent, project) falls in this rule's scope.
    public func covers(session s: String, agent a: String, project p: String) -> Bool {
        guard p == project else { return false }
        switch scope {
        case .once: return false
        case .session: return s == session && a == agent
        case .agent: return a == agent
        case .project: return true
        }
    }
}
