// The seam where anomaly responses of level `alert` (or stronger) leave the run: the alert
// dispatcher (monitor.alert_channels) implements this protocol. It is called on the monitor's
// thread, so an implementation must only hand the alert over (queue it) and return; sending
// happens elsewhere, never from inside the sandbox.
import CordonAnomaly

public struct AnomalyAlert: Sendable {
    /// The response that fired: alert, require_approval or kill.
    public var response: String
    public var run: String
    public var agent: String
    public var session: String
    public var project: String
    public var score: Double
    /// The score above which this agent's runs are flagged at the policy's sensitivity.
    public var threshold: Double
    public var sessionScore: Double?
    public var findings: [AnomalyFinding]
    public var tracePath: String
    /// False while the run goes on; true for the score at its end.
    public var final: Bool

    /// What happened, in one sentence.
    public var summary: String {
        let top = findings.first?.reason ?? "unusual behaviour"
        return "agent \(agent) in \(project): run \(run) scored \(score) (flag line \(threshold)): \(top)"
    }
}

public protocol AnomalyAlerting: AnyObject {
    func alert(_ alert: AnomalyAlert)
}

/// No channel connected: the trace and gate.log already carry the finding.
public final class SilentAnomalyAlerting: AnomalyAlerting {
    public init() {}
    public func alert(_ alert: AnomalyAlert) {}
}
