// The JSON requests harnesses send (`cordon inspect`, `cordon validate`, `cordon check --batch`,
// and later the HTTP API) turned into Actions, and decisions turned back into each shape's
// answer. One adapter, so every entry point reads a request the same way.
import CordonBase
import CordonPolicy

/// A request that is not one: what is missing or wrong (exit 65 on the CLI).
public struct RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public enum ActionRequest {
    // MARK: - AgentSec `inspect`

    /// `{id, agentId, agentName, actionType, description, context, timestamp, environment}`:
    /// the action type is the tool name, the context its arguments (and the rules' context).
    public static func inspect(_ request: JSONValue, environment: String?) throws(RequestError) -> Action {
        guard let actionType = request["actionType"]?.stringValue, !actionType.isEmpty else {
            throw RequestError("inspect: the request has no actionType")
        }
        let context = request["context"] ?? .object([])
        let id =
            request["id"]?.stringValue ?? "a-"
            + String(SHA256.hex(actionType + (request["description"]?.stringValue ?? "")).prefix(12))
        var action = Action(id: id, payload: .tool(name: actionType, args: context))
        action.actionType = actionType
        action.environment = request["environment"]?.stringValue ?? environment
        action.agentId = request["agentId"]?.stringValue
        action.context = strings(context)
        action.source = "inspect"
        return action
    }

    /// `{actionId, decision, policyRule, riskAssessment: {level, score, reasons}, approvalId,
    /// approvalUrl, message}`.
    /// `approvalId`: the pending approval a requires_approval answer waits in (`cordon actions
    /// show ID` polls it); its URL is `cordon://approvals/ID` until an HTTP server serves it.
    public static func inspectResponse(_ d: Decision, approvalId: String? = nil) -> JSONValue {
        let verb: String
        switch d.decision {
        case .allow: verb = "Action allowed."
        case .requiresApproval: verb = "Action requires human approval."
        case .block: verb = "Action blocked."
        }
        return .object([
            ("actionId", .string(d.actionId)),
            ("decision", .string(d.decision.rawValue)),
            ("policyRule", d.policyRule.map(JSONValue.string) ?? .null),
            (
                "riskAssessment",
                .object([
                    ("level", .string(d.level.rawValue)), ("score", .number(Double(d.score))),
                    ("reasons", .array(d.reasons.map(JSONValue.string))),
                ])
            ),
            ("approvalId", approvalId.map(JSONValue.string) ?? .null),
            ("approvalUrl", approvalId.map { .string("cordon://approvals/\($0)") } ?? .null),
            ("message", .string("\(verb) Risk score: \(d.score)/100 (\(d.level.rawValue.uppercased())).")),
        ])
    }

    // MARK: - Agent Security API `validate`

    /// `{tool_name, tool_args, agent_id, session_id, project_id}`.
    public static func validate(_ request: JSONValue, environment: String?) throws(RequestError) -> Action {
        guard let tool = request["tool_name"]?.stringValue, !tool.isEmpty else {
            throw RequestError("validate: the request has no tool_name")
        }
        let toolArgs = request["tool_args"] ?? .object([])
        var action = Action(
            id: "a-" + String(SHA256.hex(tool + toolArgs.serialized()).prefix(12)),
            payload: .tool(name: tool, args: toolArgs))
        action.environment = environment
        action.agentId = request["agent_id"]?.stringValue
        action.sessionId = request["session_id"]?.stringValue
        if let p = request["project_id"]?.stringValue { action.context["project_id"] = p }
        action.source = "validate"
        return action
    }

    /// `{allowed, decision, risk_level, risk_score (0.0-1.0), reasons, policy_rule}`.
    public static func validateResponse(_ d: Decision, approvalId: String? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("allowed", .bool(d.decision == .allow)),
            ("decision", .string(d.decision.rawValue)),
            ("risk_level", .string(d.level.rawValue)),
            ("risk_score", .number(Double(d.score) / 100)),
            ("reasons", .array(d.reasons.map(JSONValue.string))),
            ("policy_rule", d.policyRule.map(JSONValue.string) ?? .null),
        ]
        if d.decision == .requiresApproval { fields.append(("approval_id", approvalId.map(JSONValue.string) ?? .null)) }
        return .object(fields)
    }

    // MARK: - `check --batch` lines

    /// What a batch line inherits when it does not say (`check --env/--agent/--session`).
    public struct BatchDefaults: Sendable {
        public var environment: String?
        public var agent: String?
        public var session: String?
        public init(environment: String? = nil, agent: String? = nil, session: String? = nil) {
            self.environment = environment
            self.agent = agent
            self.session = session
        }
    }

    /// A line that is not an action: the error object it answers with.
    public struct BatchFailure: Error, Sendable {
        public var json: JSONValue
    }

    /// A JSON object naming a command, an argv or a tool call; the action, or the error object
    /// the line answers with.
    public static func batchLine(_ line: [UInt8], number: Int, defaults: BatchDefaults)
        -> Result<(id: JSONValue, action: Action), BatchFailure>
    {
        let value: JSONValue
        do throws(JSONError) {
            value = try JSONValue.parse(line)
        } catch {
            return .failure(batchFailure(.null, "line \(number): malformed JSON: \(error)"))
        }
        guard case .object = value else {
            return .failure(batchFailure(.null, "line \(number): expected a JSON object"))
        }
        let id = value["id"] ?? .null
        let payload: Action.Payload
        if let c = value["command"]?.stringValue {
            payload = .shell(c)
        } else if let items = value["argv"]?.arrayValue {
            let argv = items.compactMap(\.stringValue)
            guard argv.count == items.count, !argv.isEmpty else {
                return .failure(batchFailure(id, "line \(number): argv must be a non-empty array of strings"))
            }
            payload = .argv(argv)
        } else if let tool = value["tool"]?.stringValue {
            payload = .tool(name: tool, args: value["args"] ?? .object([]))
        } else {
            return .failure(
                batchFailure(id, "line \(number): needs one of command (string), argv (array) or tool (string)"))
        }
        let actionId: String
        switch id {
        case .string(let s): actionId = s
        case .number(let n): actionId = n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        default: actionId = "line-\(number)"
        }
        var action = Action(id: actionId, payload: payload)
        action.environment = value["environment"]?.stringValue ?? defaults.environment
        action.actionType = value["actionType"]?.stringValue ?? value["action_type"]?.stringValue
        action.agentId = value["agentId"]?.stringValue ?? defaults.agent
        action.sessionId = value["sessionId"]?.stringValue ?? defaults.session
        if let ctx = value["context"]?.objectValue {
            for (k, v) in ctx { if let s = v.stringValue { action.context[k] = s } }
        }
        return .success((id, action))
    }

    /// The Decision JSON with the line's `id` first.
    public static func batchResponse(id: JSONValue, decision d: Decision) -> JSONValue {
        guard case .object(let fields) = d.jsonValue else { return d.jsonValue }
        return .object([("id", id)] + fields)
    }

    static func batchFailure(_ id: JSONValue, _ message: String) -> BatchFailure {
        BatchFailure(json: .object([("id", id), ("error", .string(message))]))
    }

    /// Top-level string, number and bool fields of an object, as strings (rule context matching).
    public static func strings(_ v: JSONValue) -> [String: String] {
        var out: [String: String] = [:]
        for (k, x) in v.objectValue ?? [] {
            switch x {
            case .string(let s): out[k] = s
            case .bool(let b): out[k] = b ? "true" : "false"
            case .number: out[k] = JSONValue.array([x]).serialized().dropFirst().dropLast().description
            default: break
            }
        }
        return out
    }
}
