// `cordon inspect`: the AgentSec-style request/response for non-shell tool calls.
// Request:  {id, agentId, agentName, actionType, description, context, timestamp, environment}
// Response: {actionId, decision, policyRule, riskAssessment: {level, score, reasons},
//            approvalId, approvalUrl, message}
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun
import CordonServe

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
        try RequestInput.answer(.inspect, args, ctx, options: helpText.options)
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

    /// What inspect and validate do: parse the options (no positionals), load the policy, read
    /// the request from --request or stdin, and answer it through the pipeline `cordon serve`
    /// uses too (RequestService), so both give the same bytes.
    static func answer(_ shape: RequestShape, _ args: [String], _ ctx: Context, options: [OptionSpec])
        throws(CLIError) -> Int32
    {
        let command = shape.rawValue
        let parsed = try ArgumentParser.parse(args, options: options, command: command)
        guard parsed.positionals.isEmpty else {
            throw .usage("\(command): unexpected argument '\(parsed.positionals[0])'", command: command)
        }
        let policy = try loadPolicy(path: parsed.value("policy"), environment: ctx.environment)
        let bytes = try InputFile.read(parsed.value("request"))
        let service = try RequestApproval.service(parsed, ctx, policy: policy)
        do throws(RequestFailure) {
            let a = try service.answer(shape, body: bytes, what: parsed.value("request") ?? "<stdin>")
            ctx.output.out(a.bytes)
            return a.exitCode.rawValue
        } catch {
            throw CLIError(error)
        }
    }
}

/// The request pipeline of inspect, validate and hook: gate.log only with --log or --log-dir;
/// a requires_approval answer waits as a pending approval in the state store of the log
/// directory (nobody's process waits for it: it expires after approvals.timeout, if not 0).
enum RequestApproval {
    static func service(_ parsed: ParsedArguments, _ ctx: Context, policy: Policy) throws(CLIError)
        -> RequestService
    {
        let cwd = FileIO.cwd()
        let dir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment, cwd: cwd)
        let sandbox =
            parsed.flag("sandboxed") ? SandboxFacts(policy: policy, workspace: cwd, home: ctx.environment["HOME"]) : nil
        var log: SharedGateLog?
        if parsed.flag("log") || parsed.value("log-dir") != nil {
            do throws(RequestFailure) { log = try SharedGateLog(directory: dir, policy: policy.log) } catch {
                throw CLIError(error)
            }
        }
        return RequestService(
            policy: policy, directory: dir, log: log, environment: parsed.value("env"), sandbox: sandbox,
            project: RunStart.defaultProject(cwd: cwd))
    }

    static func queue(_ d: Decision, _ action: Action, _ parsed: ParsedArguments, _ ctx: Context, policy: Policy)
        throws(CLIError) -> String?
    {
        let s = try service(parsed, ctx, policy: policy)
        do throws(RequestFailure) {
            return try s.queue(d, action)
        } catch {
            throw CLIError(error)
        }
    }
}

extension CLIError {
    init(_ f: RequestFailure) { self.init(f.code, f.message, hint: f.hint) }
}
