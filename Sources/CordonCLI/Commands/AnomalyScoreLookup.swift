// `anomaly_score` in the answers of `cordon validate` and `cordon inspect` (as the Agent
// Security API gives it): the agent's current session score from the state store, 0..1.
// The session is the request's; without one, the agent's most recently scored session. No
// store, no profile or no scored run yet: 0.
import CordonAudit
import CordonBase
import CordonGate
import CordonRun
import CordonStore

enum AnomalyScoreLookup {
    static func score(_ action: Action, _ parsed: ParsedArguments, _ ctx: Context) -> Double {
        guard let agent = action.agentId, !agent.isEmpty else { return 0 }
        let dir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment)
        guard let store = try? SQLiteStore.open(directory: dir.path, create: false) else { return 0 }
        let project = action.context["project_id"] ?? RunStart.defaultProject(cwd: FileIO.cwd())
        if let session = action.sessionId, !session.isEmpty {
            return (try? store.sessionScore(project: project, agent: agent, session: session))??.score ?? 0
        }
        return (try? store.latestSessionScore(project: project, agent: agent))??.score ?? 0
    }

    /// The response with `anomaly_score` added.
    static func adding(_ score: Double, to response: JSONValue) -> JSONValue {
        guard case .object(var fields) = response else { return response }
        fields.append(("anomaly_score", .number(score)))
        return .object(fields)
    }
}
