// The AgentSec polling shape of one approval: `cordon actions show --json` and
// `GET /api/runtime/actions/:id` print the same object.
import CordonAudit
import CordonBase
import CordonStore

public enum ActionStatus {
    static func stamp(_ t: Double) -> String { Timestamp(milliseconds: Int64((t * 1000).rounded())).description }

    /// `{approvalId, actionId, status: pending|approved|rejected, riskLevel, decidedAt,
    /// decisionNote, auditSummary[]}`; expired and cancelled approvals are rejected, with a
    /// note saying why.
    public static func agentSec(_ a: Approval) -> JSONValue {
        var note = a.note
        switch a.status {
        case .expired: note = "expired: not decided in time" + (a.note.map { "; \($0)" } ?? "")
        case .cancelled:
            note = "cancelled: \(a.decidedBy ?? "the waiting run ended")" + (a.note.map { "; \($0)" } ?? "")
        default: break
        }
        var audit: [JSONValue] = [
            .string(
                "\(stamp(a.createdAt)) requested by \(a.agent.isEmpty ? "an agent" : a.agent) (\(a.source)): score \(a.score), \(a.level)"
            )
        ]
        if let d = a.decidedAt {
            audit.append(
                .string("\(stamp(d)) \(a.status.rawValue) by \(a.decidedBy ?? "?")" + (a.note.map { ": \($0)" } ?? "")))
        }
        return .object([
            ("approvalId", .string(a.id)), ("actionId", .string(a.actionId)), ("status", .string(a.status.agentSec)),
            ("riskLevel", .string(a.level)), ("decidedAt", a.decidedAt.map { .string(stamp($0)) } ?? .null),
            ("decisionNote", note.map { .string($0) } ?? .null), ("auditSummary", .array(audit)),
        ])
    }
}
