// One run's alerts: what raises them (a critical block, tamper, an approval waiting too long,
// and the anomaly detector through `raise`), what each carries (the run's identity, its last
// decisions, its trace and the commands to see more), and their evidence: an `alert` trace
// event and a gate.log line `source=alert` when raised, an `alert_failed` event and line when a
// channel did not take it. Sending happens on the dispatcher's threads, never on the run's path.
//
//   runner.alerts.raise(.anomaly, level: .high, summary: "...", score: 0.93, reasons: [...])
import CordonAlerts
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import Synchronization

public final class RunAlerts: Sendable {
    /// nil when the policy names no channel: then nothing is raised (the decisions that would
    /// have raised one are in gate.log and the trace anyway).
    let dispatcher: AlertDispatcher?
    let recorder: RunRecorder
    let triggers: AlertTriggers
    let agent: String
    let session: String
    let project: String
    let logDirectory: String
    let recent = Mutex<[AlertDecision]>([])
    let counter = Atomic<Int>(0)
    /// The first alert event that could not be written (the run goes on: alerts are not the
    /// evidence of record, the decisions are).
    let lost = Mutex<String?>(nil)

    static let keptDecisions = 5

    init(policy: Policy, recorder: RunRecorder, start: RunStart, logDirectory: String, cwd: String) {
        self.recorder = recorder
        triggers = policy.monitor.alertOn
        agent = start.agent
        session = start.session
        project = start.project
        self.logDirectory = logDirectory
        let channels = policy.monitor.alertChannels
        dispatcher =
            channels.isEmpty
            ? nil
            : AlertDispatcher(channels: channels, delivery: policy.monitor.alertDelivery, cwd: cwd) { failure in
                RunAlerts.recordFailure(failure, recorder: recorder)
            }
    }

    /// Whether alerts go anywhere: callers may skip building one when not.
    public var enabled: Bool { dispatcher != nil }

    /// Raises an alert: recorded at once (trace and gate.log), queued for the channels whose
    /// `min_level` it reaches, and sent on their threads. Returns without waiting for any of it
    /// to be delivered. `score` is 0..1.
    public func raise(
        _ kind: AlertKind, level: AlertLevel, summary: String, score: Double? = nil, reasons: [String] = []
    ) {
        guard let dispatcher else { return }
        let n = counter.add(1, ordering: .relaxed).newValue
        let alert = Alert(
            id: "al-\(n)-\(recorder.run.dropFirst(2))", time: Timestamp.now().description, kind: kind, level: level,
            summary: summary, agent: agent, project: project, run: recorder.run, session: session, score: score,
            reasons: reasons, lastDecisions: recent.withLock { $0 }, tracePath: recorder.tracePath,
            logDirectoryOption: logDirectory)
        let channels = dispatcher.channels(for: level)
        var fields: [(String, JSONValue)] = [
            ("id", .string(alert.id)), ("kind", .string(kind.rawValue)), ("level", .string(level.rawValue)),
            ("summary", .string(summary)),
        ]
        if let score { fields.append(("score", .number((score * 1000).rounded() / 1000))) }
        fields.append(("reasons", .array(reasons.map { .string($0) })))
        fields.append(("channels", .array(channels.map { .string($0) })))
        do throws(AuditError) {
            try recorder.event(.alert, fields)
            try recorder.log(
                LogRecord(
                    decision: "alert", score: Int(((score ?? 0) * 100).rounded()), level: level.rawValue,
                    action: alert.id, source: "alert", pid: getpid(), rule: kind.rawValue,
                    command: Array(summary.utf8), reasons: reasons + ["channels=\(channels.joined(separator: ","))"]))
        } catch {
            lost.withLock { if $0 == nil { $0 = "an alert: \(error)" } }
        }
        dispatcher.send(alert)
    }

    /// Called from a channel's thread (RunRecorder is thread-safe).
    static func recordFailure(_ f: AlertFailure, recorder: RunRecorder) {
        var fields: [(String, JSONValue)] = [
            ("id", .string(f.alert.id)), ("kind", .string(f.alert.kind.rawValue)), ("channel", .string(f.channel)),
            ("error", .string(f.error)), ("attempts", .number(Double(f.attempts))),
        ]
        if f.dropped > 0 { fields.append(("dropped", .number(Double(f.dropped)))) }
        try? recorder.event(.alertFailed, fields)
        _ = try? recorder.log(
            LogRecord(
                decision: "alert_failed", score: 0, level: f.alert.level.rawValue, action: f.alert.id,
                source: "alert", pid: getpid(), rule: f.alert.kind.rawValue, command: Array(f.channel.utf8),
                reasons: [f.error, "attempts=\(f.attempts)"]))
    }

    /// At the run's end: what is still queued gets at most `monitor.alert_delivery.drain`.
    func drain() { dispatcher?.drain() }

    // MARK: what raises alerts

    /// Every gate decision of the run passes here: the last few go into alerts, and a block at
    /// critical level raises one (`monitor.alert_on.critical_block`).
    func decided(_ d: Decision, _ action: Action) {
        guard dispatcher != nil else { return }
        let command = Self.command(action)
        recent.withLock { list in
            list.append(
                AlertDecision(
                    action: d.actionId, decision: d.decision.rawValue, score: d.score, level: d.level.rawValue,
                    rule: d.policyRule, command: command))
            if list.count > Self.keptDecisions { list.removeFirst(list.count - Self.keptDecisions) }
        }
        guard triggers.criticalBlock, d.decision == .block, d.level == .critical else { return }
        let why = d.reasons.first.map { ": \($0)" } ?? ""
        raise(
            .criticalBlock, level: .critical,
            summary:
                "cordon blocked \(d.source == "monitor" ? "inside the sandbox" : "a command") at critical level (score \(d.score))\(why): \(TerminalText.line(String(command.prefix(300))))",
            score: Double(d.score) / 100, reasons: d.reasons)
    }

    /// The monitor saw tampering (`monitor.alert_on.tamper`).
    func tamper(_ detail: String) {
        guard triggers.tamper else { return }
        raise(
            .tamper, level: .critical, summary: "tampering inside the sandbox: \(detail); the process was killed",
            reasons: [detail])
    }

    /// An approval has waited `seconds` for a person (`monitor.alert_on.approval_wait`).
    func approvalWaiting(_ id: String, seconds: Double, decision d: Decision?, command: String, hint: String) {
        let level = max(AlertLevel.medium, AlertLevel(gateScore: d?.score ?? 0))
        var reasons = [
            "waiting for approval for \(PolicyUnits.formatDuration(seconds.rounded())) (monitor.alert_on.approval_wait is \(PolicyUnits.formatDuration(triggers.approvalWait ?? 0)))"
        ]
        reasons += d?.reasons ?? []
        reasons.append("approve with: cordon approvals approve \(id)\(hint)")
        raise(
            .approvalWait, level: level,
            summary:
                "approval \(id) has waited \(PolicyUnits.formatDuration(seconds.rounded())) for a person: \(TerminalText.line(String(command.prefix(300))))",
            score: d.map { Double($0.score) / 100 }, reasons: reasons)
    }

    static func command(_ a: Action) -> String {
        String(decoding: ActionCoding.commandBytes(a), as: UTF8.self)
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// The anomaly detector's alert responses go out through the run's channels
/// (monitor.alert_channels), like every other alert: queued here, sent off the monitor thread.
extension RunAlerts: AnomalyAlerting {
    public func alert(_ a: AnomalyAlert) {
        let level: AlertLevel = a.response == "kill" ? .critical : a.response == "require_approval" ? .high : .medium
        raise(.anomaly, level: level, summary: a.summary, score: a.score, reasons: a.findings.map(\.reason))
    }
}
