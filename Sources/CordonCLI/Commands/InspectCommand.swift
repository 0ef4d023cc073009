// `cordon inspect`: the AgentSec-style request/response for non-shell tool calls.
// Request:  {id, agentId, agentName, actionType, description, context, timestamp, environment}
// Response: {actionId, decision, policyRule, riskAssessment: {level, score, reasons},
//            approvalId, approvalUrl, message}
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun

enum InspectCommand: Subcommand {
    static let name = "inspect"
    static let summary = "score an AgentSec-style action request (JSON in, JSON out)"
    static let helpText = HelpText(
        usage: ["cordon inspect [--policy FILE] [--env NAME] [--request FILE]"],
        about: """
            Reads one request (stdin by default):
              {"id":"act-1","agentId":"a","agentName":"deployer","actionType":"production_deploy",
               "description":"...","context":{...},"timestamp":"...","environment":"production"}
            and prints one response:
              {"actionId":"act-1","decision":"requires_approval","policyRule":"...",
               "riskAssessment":{"level":"critical","score":85,"reasons":[...]},
               "approvalId":"A-7K2Q9","approvalUrl":"cordon://approvals/A-7K2Q9",
               "message":"Action requires human approval. ..."}
            A requires_approval answer is queued as a pending approval in the state store
            (.cordon/state.db, or --log-dir): poll it with 'cordon actions show ID',
            decide it with 'cordon approvals approve|reject ID'.
            The actionType is matched as the tool name (gate.allow/require_approval/block) and by
            rules' match.action_type; a command in context.command is analysed as shell.
            The answer ends with anomaly_score (0..1): the agent's current session anomaly
            score (docs/anomaly.md).
            Exit status: 0 allow, 75 requires_approval, 77 block, 65 malformed request.
            """,
        sections: [("options", RequestInput.options(environment: "environment when the request has none"))])

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let (parsed, policy, request) = try RequestInput.prepare(args, ctx, command: name, options: helpText.options)
        var action = try RequestInput.action(command: name) { () throws(RequestError) in
            try ActionRequest.inspect(request, environment: parsed.value("env"))
        }
        RequestInput.applySandbox(&action, parsed, policy: policy, ctx)
        let d = Gate.evaluate(action, policy: policy)
        try DecisionLog.open(parsed, ctx, policy: policy)?.append(d, for: action)
        let approval = try RequestApproval.queue(d, action, parsed, ctx, policy: policy)
        let anomaly = AnomalyScoreLookup.score(action, parsed, ctx)
        let response = AnomalyScoreLookup.adding(anomaly, to: ActionRequest.inspectResponse(d, approvalId: approval))
        ctx.output.out(response.serialized() + "\n")
        return ExitCode.of(d.decision).rawValue
    }
}

/// Reads one JSON object from a file or stdin; anything else is malformed input (exit 65).
enum RequestInput {
    /// The options inspect and validate share (`environment` says what --env means to each).
    static func options(environment: String) -> [OptionSpec] {
        [.value("policy", "FILE", "policy file (default: the embedded default policy)")] + DecisionLog.options + [
            .value("env", "NAME", environment),
            .value("request", "FILE", "read the request from FILE instead of stdin"),
            RequestInput.sandboxedOption,
        ]
    }

    static let sandboxedOption = OptionSpec.flag(
        "sandboxed",
        "judge as if run by `cordon run` in the policy's sandbox: findings it prevents (network with network: none, writes to read-only paths, reads of hidden paths) do not ask"
    )

    /// `--sandboxed`: the policy's sandbox, for a run in the current directory (SandboxFacts).
    static func applySandbox(_ action: inout Action, _ parsed: ParsedArguments, policy: Policy, _ ctx: Context) {
        guard parsed.flag("sandboxed") else { return }
        action.sandbox = SandboxFacts(policy: policy, workspace: FileIO.cwd(), home: ctx.environment["HOME"])
    }

    /// What inspect and validate both do first: parse the options (no positionals), load the
    /// policy, read the request object from --request or stdin.
    static func prepare(_ args: [String], _ ctx: Context, command: String, options: [OptionSpec]) throws(CLIError)
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

    /// The request as an Action (ActionRequest); a request that is not one is malformed input.
    static func action(command: String, _ read: () throws(RequestError) -> Action) throws(CLIError) -> Action {
        do throws(RequestError) {
            return try read()
        } catch {
            throw CLIError(.malformedInput, error.message, hint: "see 'cordon \(command) --help'")
        }
    }
}

/// A requires_approval answer of inspect or validate waits as a pending approval in the store
/// (nobody's process waits for it: it expires after approvals.timeout, if that is not 0).
enum RequestApproval {
    static func queue(_ d: Decision, _ action: Action, _ parsed: ParsedArguments, _ ctx: Context, policy: Policy)
        throws(CLIError) -> String?
    {
        guard d.decision == .requiresApproval else { return nil }
        let dir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment, cwd: FileIO.cwd())
        do throws(ApprovalError) {
            guard let desk = try ApprovalDesk.open(dir, create: true, logPolicy: policy.log) else { return nil }
            var a = action
            if a.sessionId == nil { a.sessionId = d.sessionId }
            let project = a.context["project_id"] ?? RunStart.defaultProject(cwd: FileIO.cwd())
            return try desk.request(
                d, action: a, run: "", project: project, waiter: nil, timeout: policy.approvals.timeout
            )
            .id
        } catch {
            throw CLIError(
                .runnerFailed, "cannot queue the approval: \(error)",
                hint: "check that the log directory is writable (--log-dir, CORDON_HOME)")
        }
    }
}
