// One alert: what a person needs to respond, in one value. The anomaly detector, the gate's
// critical blocks, tamper events and long approval waits all raise the same shape, and every
// channel renders it (AlertFormats): JSON for webhooks, commands and files, Slack's blocks,
// plain text for email and stderr.
import CordonBase

/// How urgent: the gate's levels above `safe`, lowest first. A channel's `min_level` filters.
public enum AlertLevel: String, Sendable, CaseIterable, Comparable {
    case low, medium, high, critical

    var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    public static func < (a: AlertLevel, b: AlertLevel) -> Bool { a.rank < b.rank }

    /// The band a 0-100 gate score falls in (DESIGN: low 20-39 ... critical 80-100); below 20 is low.
    public init(gateScore: Int) {
        switch gateScore {
        case 80...: self = .critical
        case 60..<80: self = .high
        case 40..<60: self = .medium
        default: self = .low
        }
    }
}

/// What raised it.
public enum AlertKind: String, Sendable, CaseIterable {
    /// The anomaly detector scored the run (or session) past the policy's response threshold.
    case anomaly
    /// The gate blocked an action at critical level, before the run or inside it.
    case criticalBlock = "critical_block"
    /// The monitor saw tampering: an exec changed after the gate approved it.
    case tamper
    /// An approval waited for a person longer than `monitor.alert_on.approval_wait`.
    case approvalWait = "approval_wait"
}

/// One of the run's recent decisions, as the alert shows it.
public struct AlertDecision: Sendable, Equatable {
    public var action: String
    public var decision: String
    public var score: Int
    public var level: String
    public var rule: String?
    public var command: String
    public init(action: String, decision: String, score: Int, level: String, rule: String?, command: String) {
        self.action = action
        self.decision = decision
        self.score = score
        self.level = level
        self.rule = rule
        self.command = command
    }
}

public struct Alert: Sendable, Equatable {
    /// `al-` and the run id's time-sortable form plus a counter: unique within the run.
    public var id: String
    /// RFC 3339 UTC, milliseconds.
    public var time: String
    public var kind: AlertKind
    public var level: AlertLevel
    /// What happened, in one sentence.
    public var summary: String
    public var agent: String
    public var project: String
    public var run: String
    public var session: String
    /// 0..1: the anomaly score, or a gate score divided by 100 (as `validate`'s risk_score).
    public var score: Double?
    /// Each a sentence with its numbers.
    public var reasons: [String]
    /// The run's last decisions, oldest first.
    public var lastDecisions: [AlertDecision]
    /// The run's JSON trace.
    public var tracePath: String
    /// `--log-dir DIR` when the run's log directory is not the one the commands find by default.
    public var logDirectoryOption: String?

    public init(
        id: String, time: String, kind: AlertKind, level: AlertLevel, summary: String, agent: String,
        project: String, run: String, session: String, score: Double? = nil, reasons: [String] = [],
        lastDecisions: [AlertDecision] = [], tracePath: String, logDirectoryOption: String? = nil
    ) {
        self.id = id
        self.time = time
        self.kind = kind
        self.level = level
        self.summary = summary
        self.agent = agent
        self.project = project
        self.run = run
        self.session = session
        self.score = score
        self.reasons = reasons
        self.lastDecisions = lastDecisions
        self.tracePath = tracePath
        self.logDirectoryOption = logDirectoryOption
    }

    /// The exact commands that show more: the run's gate.log lines, and its report.
    public var commands: [String] {
        let dir = logDirectoryOption.map { " --log-dir \(Self.shellQuoted($0))" } ?? ""
        return ["cordon log --run \(run)\(dir)", "cordon report \(run)\(dir)"]
    }

    /// A word as a POSIX shell reads it back: bare when it is plain, else in single quotes.
    static func shellQuoted(_ s: String) -> String {
        let plain =
            !s.isEmpty
            && s.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                    || "/._-+=:,@".utf8.contains(c)
            }
        return plain ? s : "'" + s.replacing("'", with: "'\\''") + "'"
    }
}
