// The monitor reports to the Runner through this sink: decisions and events go to gate.log and
// the trace, refusals are told to the person, and requires-approval execs go to the run's
// approvals (asked on the terminal, or held in execve while queued).
import CordonAudit
import CordonBase
import CordonGate
import CordonMonitor

final class EvidenceSink: MonitorSink {
    let recorder: RunRecorder
    let observer: RunObserver
    /// The run's approvals: asked, queued or refused as `--approval` says.
    let approvals: RunApprovals
    /// Critical blocks and tamper raise alerts (RunAlerts); sent off the monitor's thread.
    let alerts: RunAlerts
    /// The first write failure: the monitor then stops the run (fail closed), since every later
    /// exec, connect or write would go unrecorded.
    var recordFailure: String?
    /// `sandbox.network: none`: the first attempt to reach the network is worth one line on
    /// stderr, since the command itself only sees DNS failures or ENETUNREACH and retries.
    let networkOff: Bool
    var toldNetworkOff = false
    /// The run's anomaly detection, fed every decision and event.
    var anomaly: AnomalyWatch?

    var stopRequest: String? { anomaly?.stopRequest }
    var approvalRequired: String? { anomaly?.approvalRequired }
    /// `sandbox.network: domains`: a direct connection is refused; the proxy is the way out.
    let networkDomains: Bool
    /// Shared with the proxy's threads, which ask about `ask` hosts through the same approvals.
    let lock: ApprovalsLock
    /// The proxy's first failure to record (its threads cannot stop the run themselves).
    var networkFailure: () -> String? = { nil }

    var evidenceFailure: String? {
        recordFailure ?? lock.with { approvals.failure } ?? networkFailure()
    }

    init(
        recorder: RunRecorder, observer: RunObserver, approvals: RunApprovals, alerts: RunAlerts,
        networkOff: Bool = false, networkDomains: Bool = false, lock: ApprovalsLock = ApprovalsLock()
    ) {
        self.recorder = recorder
        self.observer = observer
        self.approvals = approvals
        self.alerts = alerts
        self.networkOff = networkOff
        self.networkDomains = networkDomains
        self.lock = lock
    }

    func monitorDecided(_ d: Decision, for a: Action, pid: Int32) {
        do throws(AuditError) { try recorder.record(d, for: a, pid: pid) } catch { lost("a monitor decision", error) }
        alerts.decided(d, a)
        anomaly?.observe("decision", [("decision", .object([("score", .number(Double(d.score)))]))])
        if d.decision == .block {
            let cmd: String
            if case .argv(let v) = a.payload { cmd = TerminalText.command(v) } else { cmd = TerminalText.line(a.id) }
            let rule = TerminalText.escaped(d.policyRule ?? "-")
            let reason = TerminalText.line(d.reasons.first ?? "")
            observer.notice(
                "cordon: refused inside the sandbox: \(cmd) (score \(d.score), \(d.level.rawValue), \(rule): \(reason))\n"
            )
        }
    }

    func monitorObserved(_ type: TraceEventType, _ fields: [(String, JSONValue)]) {
        do throws(AuditError) { try recorder.event(type, fields) } catch { lost("a monitor event", error) }
        if type == .violation, fields.contains(where: { $0.0 == "kind" && $0.1.stringValue == "tamper" }) {
            alerts.tamper(fields.first { $0.0 == "detail" }?.1.stringValue ?? "an exec changed after approval")
        }
        anomaly?.observe(type.rawValue, fields)
        if type == .connect && networkOff && !toldNetworkOff && Self.reachesOut(fields) {
            toldNetworkOff = true
            observer.notice(
                "cordon: network is off in this sandbox (policy sandbox.network: none): use --network host or a network allow-list\n"
            )
        }
        // Under `domains` the sandbox's DNS (port 53 of its own) and connections by name are
        // allowed connects: only a refused one is worth the sentence.
        let refused = fields.contains { $0.0 == "decision" && $0.1.stringValue == "block" }
        if type == .connect && networkDomains && refused && !toldNetworkOff && Self.reachesOut(fields) {
            toldNetworkOff = true
            observer.notice(
                "cordon: network: only cordon's proxy leads out of this sandbox (sandbox.network: domains); the connection to an address was refused. Tools that read HTTPS_PROXY / ALL_PROXY (set inside) go through it; others reach the hosts the policy allows by name (cordon answers the sandbox's DNS)\n"
            )
        }
    }

    /// A connect that needs a network: an internet address other than loopback, or any DNS
    /// server (a resolver on 127.0.0.53 is the host's, not reachable from the sandbox's own
    /// loopback). Loopback servers the command started itself are fine.
    static func reachesOut(_ fields: [(String, JSONValue)]) -> Bool {
        func value(_ k: String) -> JSONValue? { fields.first { $0.0 == k }?.1 }
        guard let family = value("family")?.stringValue, family == "inet" || family == "inet6" else { return false }
        if value("port")?.intValue == 53 { return true }
        guard let address = value("address")?.stringValue else { return false }
        let loopback = address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
        return !loopback
    }

    func monitorNeedsApproval(_ d: Decision, for a: Action, argv: [String], pid: Int32) -> ApprovalAnswer {
        let answer = lock.with { approvals.execNeedsApproval(d, a, argv: argv) }
        switch answer {
        case .allow: return .allow
        case .deny:
            observer.notice(
                "cordon: refused inside the sandbox: \(TerminalText.command(argv)) (score \(d.score), \(d.level.rawValue): not approved)\n"
            )
            return .deny
        case .pending(let id): return .pending(id)
        }
    }

    func monitorApprovalState(_ id: String) -> ApprovalAnswer {
        switch lock.with({ approvals.state(id) }) {
        case .allow: return .allow
        case .deny: return .deny
        case .pending(let id): return .pending(id)
        }
    }

    func monitorHoldAbandoned(_ id: String) { lock.with { approvals.abandoned(id) } }

    func lost(_ what: String, _ error: AuditError) {
        guard recordFailure == nil else { return }
        recordFailure = "\(what): \(error)"
    }
}
