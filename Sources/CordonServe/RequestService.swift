// One pipeline for the JSON requests agents send, whether on a command line (`cordon inspect`,
// `cordon validate`) or over HTTP (`cordon serve`): parse, turn into an Action, judge, write
// gate.log, queue an approval for requires_approval, render the answer. The CLI and the server
// call the same function, so `curl ... /api/runtime/inspect` and `cordon inspect` give the
// same bytes for the same request.
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun
import CordonStore

/// A request that could not be answered: the exit code the CLI uses (65 malformed, 125 cordon's
/// own failure), a lower-case message naming what failed, and a hint.
public struct RequestFailure: Error, Sendable {
    public var code: ExitCode
    public var message: String
    public var hint: String?
    public init(_ code: ExitCode, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }
}

/// The two request shapes: AgentSec's inspect and the Agent Security API's validate.
public enum RequestShape: String, Sendable {
    case inspect, validate
}

/// What one request got: the response object, its decision and the exit code of the CLI.
public struct RequestAnswer: Sendable {
    public var response: JSONValue
    public var decision: Decision
    /// The response as the CLI prints it and the server sends it: one JSON line.
    public var bytes: String { response.serialized() + "\n" }
    public var exitCode: ExitCode { ExitCode.of(decision.decision) }
}

/// Judges requests under one policy. Not shared between threads: the server makes one per
/// worker (each with its own gate.log writer, whose `flock` keeps lines whole across writers).
public final class RequestService {
    public let policy: Policy
    /// Where gate.log and state.db live (approvals are queued there even without `log`).
    public let directory: LogDirectory
    /// nil: decisions are not logged (the CLI without --log).
    let log: SharedGateLog?
    /// The environment a request without one is judged in (`--env`).
    public var environment: String?
    /// `--sandboxed`: judged as if run in the policy's sandbox.
    public var sandbox: SandboxFacts?
    /// The project an approval belongs to when the request names none.
    public var project: String
    private var desk: ApprovalDesk?

    /// `log`: where decisions go (nil: not logged); the server's workers share one.
    public init(
        policy: Policy, directory: LogDirectory, log: SharedGateLog?, environment: String?, sandbox: SandboxFacts?,
        project: String
    ) {
        self.policy = policy
        self.directory = directory
        self.log = log
        self.environment = environment
        self.sandbox = sandbox
        self.project = project
    }

    /// Parses `body` (`what` names it in errors: `<stdin>`, a file, `body`) and answers it.
    public func answer(_ shape: RequestShape, body: [UInt8], what: String) throws(RequestFailure) -> RequestAnswer {
        try answer(shape, request: try Self.object(body, what: what))
    }

    /// Answers one parsed request object.
    public func answer(_ shape: RequestShape, request: JSONValue) throws(RequestFailure) -> RequestAnswer {
        var action: Action
        do throws(RequestError) {
            switch shape {
            case .inspect: action = try ActionRequest.inspect(request, environment: environment)
            case .validate: action = try ActionRequest.validate(request, environment: environment)
            }
        } catch {
            throw RequestFailure(.malformedInput, error.message, hint: "see 'cordon \(shape.rawValue) --help'")
        }
        if let sandbox { action.sandbox = sandbox }
        let d = Gate.evaluate(action, policy: policy)
        try log?.append(d, for: action)
        let approval = try queue(d, action)
        let response: JSONValue
        switch shape {
        case .inspect: response = ActionRequest.inspectResponse(d, approvalId: approval)
        case .validate: response = ActionRequest.validateResponse(d, approvalId: approval)
        }
        return RequestAnswer(response: Self.adding(anomalyScore(action), to: response), decision: d)
    }

    /// `anomaly_score` (as the Agent Security API gives it): the agent's current session score
    /// from the state store, 0..1. The session is the request's; without one, the agent's most
    /// recently scored session. No store, no profile or no scored run yet: 0 (docs/anomaly.md).
    func anomalyScore(_ action: Action) -> Double {
        guard let agent = action.agentId, !agent.isEmpty else { return 0 }
        guard let store = try? SQLiteStore.open(directory: directory.path, create: false) else { return 0 }
        let project = action.context["project_id"] ?? self.project
        if let session = action.sessionId, !session.isEmpty {
            return (try? store.sessionScore(project: project, agent: agent, session: session))??.score ?? 0
        }
        return (try? store.latestSessionScore(project: project, agent: agent))??.score ?? 0
    }

    /// The response with `anomaly_score` added last.
    static func adding(_ score: Double, to response: JSONValue) -> JSONValue {
        guard case .object(var fields) = response else { return response }
        fields.append(("anomaly_score", .number(score)))
        return .object(fields)
    }

    /// One JSON object, or a malformed-input failure saying where the JSON went wrong.
    public static func object(_ bytes: [UInt8], what: String) throws(RequestFailure) -> JSONValue {
        let value: JSONValue
        do throws(JSONError) {
            value = try JSONValue.parse(bytes)
        } catch {
            throw RequestFailure(
                .malformedInput, "request \(what):\(error)", hint: "the request must be one JSON object")
        }
        guard case .object = value else {
            throw RequestFailure(.malformedInput, "request \(what): expected a JSON object")
        }
        return value
    }

    /// The state store of this directory, opened once (created on the first approval).
    public func approvals(create: Bool) throws(RequestFailure) -> ApprovalDesk? {
        if let desk { return desk }
        do throws(ApprovalError) {
            desk = try ApprovalDesk.open(directory, create: create, logPolicy: policy.log)
        } catch {
            throw RequestFailure(
                .runnerFailed, "cannot open the state store: \(error)",
                hint: "check that the log directory is writable (--log-dir, CORDON_HOME)")
        }
        return desk
    }

    /// A requires_approval answer waits as a pending approval in the store (nobody's process
    /// waits for it: it expires after approvals.timeout, if that is not 0).
    public func queue(_ d: Decision, _ action: Action) throws(RequestFailure) -> String? {
        guard d.decision == .requiresApproval else { return nil }
        guard let desk = try approvals(create: true) else { return nil }
        var a = action
        if a.sessionId == nil { a.sessionId = d.sessionId }
        do throws(ApprovalError) {
            return try desk.request(
                d, action: a, run: "", project: a.context["project_id"] ?? project, waiter: nil,
                timeout: policy.approvals.timeout
            ).id
        } catch {
            throw RequestFailure(
                .runnerFailed, "cannot queue the approval: \(error)",
                hint: "check that the log directory is writable (--log-dir, CORDON_HOME)")
        }
    }

    static func logFailure(_ e: AuditError) -> RequestFailure {
        RequestFailure(
            .runnerFailed, "cannot write gate.log: \(e.message)",
            hint: "check that the log directory is writable (--log-dir, CORDON_HOME)")
    }
}
