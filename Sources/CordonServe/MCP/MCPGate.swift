// The gate's part of the MCP proxy: a `tools/call` judged as the tool call
// `mcp__<server>__<tool>` with its arguments (paths, URLs, SQL, and a command-like argument as
// shell), `tools/list` answers with the tools the policy blocks left out, every decision a
// gate.log line (source=mcp), and requires_approval waiting in the approval queue.
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun
import CordonStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

public struct MCPGateSettings: Sendable {
    public var policy: Policy
    /// The `<server>` of `mcp__<server>__<tool>`.
    public var server: String
    public var directory: LogDirectory
    /// The agent recorded; nil: the client's name from `initialize` (clientInfo.name).
    public var agent: String?
    public var environment: String?
    public var sandbox: SandboxFacts?
    /// Seconds a call waits for a person before it is refused (0: refuse at once, queued).
    public var approvalWait: Double
    public var project: String

    public init(
        policy: Policy, server: String, directory: LogDirectory, agent: String?, environment: String?,
        sandbox: SandboxFacts?, approvalWait: Double, project: String
    ) {
        self.policy = policy
        self.server = server
        self.directory = directory
        self.agent = agent
        self.environment = environment
        self.sandbox = sandbox
        self.approvalWait = approvalWait
        self.project = project
    }
}

final class MCPGate: Sendable {
    let settings: MCPGateSettings
    let session: String
    let clientName = Mutex<String?>(nil)
    let log: SharedGateLog

    init(_ settings: MCPGateSettings) throws(RequestFailure) {
        self.settings = settings
        session = "mcp-\(getpid())-\(Timestamp.now().milliseconds)"
        log = try SharedGateLog(directory: settings.directory, policy: settings.policy.log)
    }

    enum Verdict {
        case forward
        case refuse(String)
        case approval(Decision, Action)
    }

    func toolName(_ tool: String) -> String { "mcp__\(settings.server)__\(tool)" }

    func action(id: String, tool: String, arguments: JSONValue) -> Action {
        var a = Action(id: id, payload: .tool(name: toolName(tool), args: arguments))
        a.source = "mcp"
        a.sessionId = session
        a.agentId = settings.agent ?? clientName.withLock { $0 } ?? "mcp-client"
        a.environment = settings.environment
        a.context = ["server": settings.server, "tool": tool]
        if let s = settings.sandbox { a.sandbox = s }
        return a
    }

    /// Judges `tools/call` params `{name, arguments}`; the decision is in gate.log before the
    /// call goes anywhere (a log that cannot be written refuses the call: no evidence, no call).
    func judge(callId: JSONValue, params: JSONValue?) -> Verdict {
        guard let tool = params?["name"]?.stringValue, !tool.isEmpty else {
            return .refuse("cordon: tools/call without a tool name")
        }
        let args = params?["arguments"] ?? .object([])
        let id =
            "mcp-" + String(SHA256.hex(tool + "\u{0}" + args.serialized() + "\u{0}" + callId.serialized()).prefix(12))
        let action = action(id: id, tool: tool, arguments: args)
        let d = Gate.evaluate(action, policy: settings.policy)
        if let problem = record(d, action) { return .refuse("cordon: refused: \(problem)") }
        switch d.decision {
        case .allow: return .forward
        case .block: return .refuse("cordon: blocked \(toolName(tool)) \(Self.summary(d))")
        case .requiresApproval: return .approval(d, action)
        }
    }

    /// The `tools/list` result without the tools the policy blocks by name (each hidden one a
    /// gate.log line); nil when nothing is hidden, so the server's bytes pass unchanged.
    func filter(listResult result: JSONValue) -> JSONValue? {
        guard case .object(var fields) = result, let i = fields.firstIndex(where: { $0.0 == "tools" }),
            case .array(let tools) = fields[i].1
        else { return nil }
        var kept: [JSONValue] = []
        for t in tools {
            guard let name = t["name"]?.stringValue else {
                kept.append(t)
                continue
            }
            var a = action(
                id: "mcp-list-" + String(SHA256.hex(toolName(name)).prefix(12)), tool: name, arguments: .object([]))
            // Not an action the agent took: `cordon stats` counts source=mcp, not mcp-list.
            a.source = "mcp-list"
            let d = Gate.evaluate(a, policy: settings.policy)
            if d.decision == .block {
                _ = record(d, a)
            } else {
                kept.append(t)
            }
        }
        guard kept.count != tools.count else { return nil }
        fields[i].1 = .array(kept)
        return .object(fields)
    }

    /// Appends the decision to gate.log; a message when it could not.
    func record(_ d: Decision, _ a: Action) -> String? {
        do throws(RequestFailure) {
            try log.append(d, for: a)
            return nil
        } catch {
            return error.message
        }
    }

    /// Waits for a person to decide (`cordon approvals approve|reject ID`, or the approval page
    /// of `cordon serve`); nil when approved (or a remembered approval covers it), else the text
    /// the refusal carries.
    func awaitApproval(_ d: Decision, _ action: Action) -> String? {
        let what = "\(action.payload.toolName ?? "the call") \(Self.summary(d))"
        do throws(ApprovalError) {
            guard let desk = try ApprovalDesk.open(settings.directory, create: true, logPolicy: settings.policy.log)
            else { return "cordon: needs approval \(what), and the state store cannot be opened" }
            if try desk.remembered(d, action: action, project: settings.project, policy: settings.policy) != nil {
                return nil
            }
            let wait = settings.approvalWait
            let a = try desk.request(
                d, action: action, run: "", project: settings.project,
                waiter: wait > 0 ? WaiterIdentity.current() : nil,
                timeout: settings.policy.approvals.timeout)
            let howTo = "cordon approvals approve \(a.id)"
            if wait <= 0 {
                return
                    "cordon: needs approval \(what). Queued as approval \(a.id); approve with '\(howTo)', then retry."
            }
            Stderr.write(
                "cordon mcp-proxy: \(toolName(action.context["tool"] ?? "?")) waits for approval \(a.id); approve with: \(howTo)\n"
            )
            let stop = Self.now() + wait
            while true {
                if let cur = try desk.approval(a.id), cur.status != .pending {
                    if cur.status == .approved { return nil }
                    let by = cur.decidedBy.map { " by \($0)" } ?? ""
                    let note = cur.note.flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""
                    return "cordon: approval \(a.id) \(cur.status.rawValue)\(by)\(note); \(what)"
                }
                let now = Self.now()
                if now >= stop || (a.deadline.map { now >= $0 } ?? false) {
                    _ = try desk.decide(
                        a.id, ApprovalDecision(status: .expired, by: "cordon mcp-proxy (not decided in time)", at: now))
                    continue
                }
                usleep(50_000)
            }
        } catch {
            return "cordon: needs approval \(what), and the approval queue failed: \(error)"
        }
    }

    static func now() -> Double { Double(Timestamp.now().milliseconds) / 1000 }

    static func summary(_ d: Decision) -> String { DecisionText.summary(d) }
}

extension Action.Payload {
    var toolName: String? {
        if case .tool(let n, _) = self { return n }
        return nil
    }
}

/// How a refusal or an approval names a decision, the same in hooks and the MCP proxy.
public enum DecisionText {
    /// `(score 92, critical, rule R): reason; reason`.
    public static func summary(_ d: Decision) -> String {
        var s = "(score \(d.score), \(d.level.rawValue)"
        if let r = d.policyRule, !r.isEmpty { s += ", rule \(r)" }
        s += ")"
        if !d.reasons.isEmpty { s += ": " + d.reasons.joined(separator: "; ") }
        return s
    }
}
