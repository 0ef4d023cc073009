import CordonBase
import CordonGate
import CordonPolicy
// `cordon inspect`: the AgentSec-style request/response for non-shell tool calls.
// Request:  {id, agentId, agentName, actionType, description, context, timestamp, environment}
// Response: {actionId, decision, policyRule, riskAssessment: {level, score, reasons},
//            approvalId, approvalUrl, message}
import CordonRun

enum InspectCommand: Subcommand {
    static let name = "inspect"
    static let summary = "score an AgentSec-style action request (JSON in, JSON out)"
    static let help = """
        usage: cordon inspect [--policy FILE] [--env NAME] [--request FILE]

        Reads one request (stdin by default):
          {"id":"act-1","agentId":"a","agentName":"deployer","actionType":"production_deploy",
           "description":"...","context":{...},"timestamp":"...","environment":"production"}
        and prints one response:
          {"actionId":"act-1","decision":"requires_approval","policyRule":"...",
           "riskAssessment":{"level":"critical","score":85,"reasons":[...]},
           "approvalId":null,"approvalUrl":null,"message":"Action requires human approval. ..."}
        The actionType is matched as the tool name (gate.allow/require_approval/block) and by
        rules' match.action_type; a command in context.command is analysed as shell.
        Exit status: 0 allow, 75 requires_approval, 77 block, 65 malformed request.

        options:
          --policy FILE    policy file (default: the embedded default policy)
          --log            also append the decision to gate.log (exit 125 if it cannot)
          --log-dir DIR    gate.log's directory (default ./.cordon or $CORDON_HOME)
          --env NAME       environment when the request has none
          --request FILE   read the request from FILE instead of stdin
          -h, --help       this help

        """

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let (parsed, policy, request) = try RequestInput.prepare(args, ctx, command: name)
        guard let actionType = request["actionType"]?.stringValue, !actionType.isEmpty else {
            throw CLIError(
                .malformedInput, "inspect: the request has no actionType",
                hint: "see 'cordon inspect --help'")
        }
        let context = request["context"] ?? .object([])
        let id =
            request["id"]?.stringValue ?? "a-"
            + String(SHA256.hex(actionType + (request["description"]?.stringValue ?? "")).prefix(12))
        var action = Action(id: id, payload: .tool(name: actionType, args: context))
        action.actionType = actionType
        action.environment = request["environment"]?.stringValue ?? parsed.value("env")
        action.agentId = request["agentId"]?.stringValue
        action.context = RequestInput.strings(context)
        action.source = "inspect"
        let d = Gate.evaluate(action, policy: policy)
        try DecisionLog.open(parsed, ctx, policy: policy)?.append(d, for: action)
        ctx.output.out(response(d).serialized() + "\n")
        return ExitCode.of(d.decision).rawValue
    }

    static func response(_ d: Decision) -> JSONValue {
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
            // Null until the approval queue exists (a later issue).
            ("approvalId", .null),
            ("approvalUrl", .null),
            (
                "message", .string("\(verb) Risk score: \(d.score)/100 (\(d.level.rawValue.uppercased())).")
            ),
        ])
    }
}

/// Reads one JSON object from a file or stdin; anything else is malformed input (exit 65).
enum RequestInput {
    /// The options inspect and validate share.
    static let options = [OptionSpec("policy"), OptionSpec("env"), OptionSpec("request")] + DecisionLog.options

    /// What inspect and validate both do first: parse the options (no positionals), load the
    /// policy, read the request object from --request or stdin.
    static func prepare(_ args: [String], _ ctx: Context, command: String) throws(CLIError)
        -> (ParsedArguments, Policy, JSONValue)
    {
        let parsed = try ArgumentParser.parse(args, options: options, command: command)
        guard parsed.positionals.isEmpty else {
            throw .usage("\(command): unexpected argument '\(parsed.positionals[0])'", command: command)
        }
        let policy = try loadPolicy(path: parsed.value("policy"), environment: ctx.environment)
        return (parsed, policy, try object(parsed.value("request"), what: "request"))
    }

    static func object(_ path: String?, what: String) throws(CLIError) -> JSONValue {
        let bytes = try InputFile.read(path)
        let value: JSONValue
        do throws(JSONError) {
            value = try JSONValue.parse(bytes)
        } catch {
            throw CLIError(
                .malformedInput, "\(what) \(path ?? "<stdin>"):\(error)",
                hint: "the \(what) must be one JSON object")
        }
        guard case .object = value else {
            throw CLIError(.malformedInput, "\(what) \(path ?? "<stdin>"): expected a JSON object")
        }
        return value
    }

    /// Top-level string, number and bool fields of an object, as strings (rule context matching).
    static func strings(_ v: JSONValue) -> [String: String] {
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
