// The routes of `cordon serve`: AgentSec's runtime API (inspect, action polling, approval
// pages) and the Agent Security API (validate, agent stats, alerts). Each answer is what the
// CLI command of the same name prints; errors are JSON objects `{"error":..., "hint":...}`.
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

/// Who may call: over TCP every request carries `Authorization: Bearer TOKEN`; over the unix
/// socket its mode (0600) is the check. Deciding an approval always needs a token: the
/// server's, or an approver key registered with `cordon approvals key` (a person's secret,
/// which an agent reaching the socket does not have when the key is kept from it).
public struct ServeAccess: Sendable {
    /// The bearer token (`--token-file`), nil on a unix socket without one.
    public var token: String?
    /// True when every route needs the token (TCP).
    public var tokenForAll: Bool
    public init(token: String?, tokenForAll: Bool) {
        self.token = token
        self.tokenForAll = tokenForAll
    }
}

/// One worker's router: its own RequestService (gate.log writer, state store connection).
public final class ServeRoutes: HTTPHandler {
    let service: RequestService
    let access: ServeAccess
    let log: SharedGateLog

    public init(service: RequestService, access: ServeAccess, log: SharedGateLog) {
        self.service = service
        self.access = access
        self.log = log
    }

    public func handle(_ r: HTTPRequest) -> HTTPResponse {
        let parts = r.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if access.tokenForAll && !bearerMatches(r) && !pageTokenMatches(r) {
            refused(r, "missing or wrong bearer token")
            return Self.error(
                401, "unauthorized: \(r.method) \(r.path) needs 'Authorization: Bearer TOKEN'",
                hint: "the token is the content of the file given to 'cordon serve --token-file'")
        }
        let p = parts + ["", "", "", "", ""]
        let route: (method: String, answer: () -> HTTPResponse)
        switch (parts.count, p[0], p[1], p[2], p[4]) {
        case (3, "api", "runtime", "inspect", _): route = ("POST", { self.answer(.inspect, r) })
        case (2, "v1", "validate", _, _): route = ("POST", { self.answer(.validate, r) })
        case (4, "api", "runtime", "actions", _): route = ("GET", { self.action(p[3]) })
        case (2, "approvals", _, _, _): route = ("GET", { ApprovalPage.render(id: p[1], approval: self.lookup(p[1])) })
        case (3, "approvals", _, "approve", _), (3, "approvals", _, "reject", _):
            route = ("POST", { self.decide(p[1], approve: p[2] == "approve", r) })
        case (4, "v1", "agents", _, _) where p[3] == "stats": route = ("GET", { self.stats(p[2]) })
        case (2, "v1", "alerts", _, _):
            route = (
                "GET",
                {
                    Self.error(
                        404, "alerts are not served yet: anomaly detection has not landed in this build of cordon",
                        hint: "until then, 'cordon stats' and 'cordon log' show what each agent did")
                }
            )
        default:
            return Self.error(
                404, "no route \(r.method) \(r.path)",
                hint:
                    "routes: POST /api/runtime/inspect, GET /api/runtime/actions/:id, GET /approvals/:id, POST /approvals/:id/approve|reject, POST /v1/validate, GET /v1/agents/:id/stats"
            )
        }
        guard r.method == route.method || (r.method == "HEAD" && route.method == "GET") else {
            return Self.error(405, "\(r.method) \(r.path): this route takes \(route.method)")
        }
        return route.answer()
    }

    static func error(_ status: Int32, _ message: String, hint: String? = nil) -> HTTPResponse {
        var fields: [(String, JSONValue)] = [("error", .string(message))]
        if let hint { fields.append(("hint", .string(hint))) }
        return HTTPResponse(status: status, json: .object(fields))
    }

    func answer(_ shape: RequestShape, _ r: HTTPRequest) -> HTTPResponse {
        do throws(RequestFailure) {
            let a = try service.answer(shape, body: r.body, what: "body")
            return HTTPResponse(status: 200, body: Array(a.bytes.utf8))
        } catch {
            return Self.error(error.code == .malformedInput ? 400 : 500, error.message, hint: error.hint)
        }
    }

    func lookup(_ id: String) -> Result<Approval?, RequestFailure> {
        do throws(RequestFailure) {
            guard let desk = try service.approvals(create: false) else { return .success(nil) }
            do throws(ApprovalError) {
                // Whoever looks closes what nobody will decide (timeouts, runs that were killed).
                _ = try desk.sweep()
                return .success(try desk.find(id))
            } catch {
                throw RequestFailure(.runnerFailed, "cannot read the state store: \(error)")
            }
        } catch {
            return .failure(error)
        }
    }

    func action(_ id: String) -> HTTPResponse {
        switch lookup(id) {
        case .failure(let f): return Self.error(500, f.message, hint: f.hint)
        case .success(nil):
            return Self.error(
                404, "no action or approval \(id) in \(service.directory.path)",
                hint: "ids are the approvalId of an inspect answer, or the id the request carried")
        case .success(let a?): return HTTPResponse(status: 200, json: ActionStatus.agentSec(a))
        }
    }

    func stats(_ agent: String) -> HTTPResponse {
        do throws(AuditError) {
            let report = try AgentStatsTally.read(
                files: service.directory.logFiles(), query: AgentStatsQuery(agents: [agent]), threads: 1
            ) { _ in }
            return HTTPResponse(status: 200, json: report.json)
        } catch {
            return Self.error(500, "cannot read gate.log: \(error.message)")
        }
    }
}
