import CordonBase
import CordonGate
import CordonPolicy
// `cordon check`: ask the gate about a command (argv or shell text) or a batch of actions,
// without running anything. Exit 0 allow, 75 requires_approval, 77 block.
import CordonRun

#if canImport(Glibc)
    import Glibc
#endif

enum CheckCommand: Subcommand {
    static let name = "check"
    static let summary = "score a command or a batch of actions with the gate (runs nothing)"
    static let helpText = HelpText(
        usage: [
            "cordon check [options] [--] CMD [ARG...]", "cordon check [options] --shell 'STRING'",
            "cordon check [options] --batch [--input FILE]",
        ],
        about: """
            Prints the gate's decision: a line with decision, score, level and rule, then the
            reasons (or the Decision JSON with --json). Nothing is run.
            Exit status: 0 allow, 75 requires_approval, 77 block (--batch: 0 once every line is
            answered; malformed lines get an error object in place), 64 usage, 78 invalid policy.
            """,
        sections: [
            (
                "options",
                [.value("policy", "FILE", "policy file (default: the embedded default policy)")] + DecisionLog.options
                    + [
                        .value("env", "NAME", "environment (e.g. production; overrides the policy's)"),
                        .flag("json", "print the Decision as one JSON line"),
                        .value("shell", "STRING", "score STRING as shell text (pipes, quotes, substitutions)"),
                        .flag(
                            "batch",
                            """
                            JSON Lines on stdin, one Decision JSON line out per input, in order:
                              {"id":1,"command":"rm -rf /"}
                              {"id":"b","argv":["git","push","-f"]}
                              {"id":3,"tool":"send_email","args":{"to":"x@example.com"}}
                            optional per line: environment, actionType, agentId, sessionId, context
                            """),
                        .value("input", "FILE", "read the batch from FILE instead of stdin"),
                        .value("agent", "ID", "agent id recorded in the decision"),
                        .value("session", "ID", "session id recorded in the decision"),
                        RequestInput.sandboxedOption,
                    ]
            )
        ])
    static let options = helpText.options

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let parsed = try ArgumentParser.parse(
            args, options: options, command: name, stopAtPositional: true)
        let policy = try loadPolicy(path: parsed.value("policy"), environment: ctx.environment)
        let log = try DecisionLog.open(parsed, ctx, policy: policy)
        if parsed.flag("batch") {
            guard parsed.rest.isEmpty, parsed.value("shell") == nil else {
                throw .usage("check: --batch reads actions from stdin; give no command", command: name)
            }
            return try batch(parsed, policy: policy, log: log, ctx)
        }
        let payload: Action.Payload
        let text: String
        if let shell = parsed.value("shell") {
            guard parsed.rest.isEmpty else {
                throw .usage("check: give either --shell STRING or CMD [ARG...], not both", command: name)
            }
            payload = .shell(shell)
            text = shell
        } else {
            guard !parsed.rest.isEmpty else { throw .usage("check: no command given", command: name) }
            payload = .argv(parsed.rest)
            text = parsed.rest.joined(separator: "\u{0}")
        }
        var action = Action(id: "a-" + String(SHA256.hex(text).prefix(12)), payload: payload)
        action.environment = parsed.value("env")
        action.agentId = parsed.value("agent")
        action.sessionId = parsed.value("session")
        RequestInput.applySandbox(&action, parsed, policy: policy, ctx)
        let d = Gate.evaluate(action, policy: policy)
        try log?.append(d, for: action)
        ctx.output.out((parsed.flag("json") ? d.json : d.summary) + "\n")
        return ExitCode.of(d.decision).rawValue
    }

    /// One output line per input line, in order; a malformed line gets
    /// `{"id":...,"error":"line N: ..."}` and the batch goes on.
    static func batch(_ parsed: ParsedArguments, policy: Policy, log: DecisionLog?, _ ctx: Context) throws(CLIError)
        -> Int32
    {
        let input = try InputFile.read(parsed.value("input"))
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        // Lines are read into blocks and each block's actions are decided on every processor
        // (Gate.evaluate(_:policy:threads:): the same answers as one by one); the answers, and
        // the gate.log lines with --log, are then written strictly in input order.
        let threads = ParallelMap.availableThreads
        var block: [Result<(id: JSONValue, action: Action), ActionRequest.BatchFailure>] = []
        func flush() throws(CLIError) {
            let actions = block.compactMap { try? $0.get().action }
            let decisions = Gate.evaluate(actions, policy: policy, threads: threads)
            var next = 0
            for line in block {
                let result: JSONValue
                switch line {
                case .success(let entry):
                    let d = decisions[next]
                    next += 1
                    try log?.append(d, for: entry.action)
                    result = ActionRequest.batchResponse(id: entry.id, decision: d)
                case .failure(let f):
                    result = f.json
                }
                result.serialize(into: &out)
                out.append(UInt8(ascii: "\n"))
                if out.count >= 1 << 16 {
                    ctx.output.out(String(decoding: out, as: UTF8.self))
                    out.removeAll(keepingCapacity: true)
                }
            }
            block.removeAll(keepingCapacity: true)
        }
        let defaults = ActionRequest.BatchDefaults(
            environment: parsed.value("env"), agent: parsed.value("agent"), session: parsed.value("session"))
        var lineNumber = 0
        for line in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
            block.append(ActionRequest.batchLine(Array(line), number: lineNumber, defaults: defaults))
            if block.count == 4096 { try flush() }
        }
        try flush()
        if !out.isEmpty { ctx.output.out(String(decoding: out, as: UTF8.self)) }
        return ExitCode.success.rawValue
    }
}

/// Reads a whole input: a file given by path, or standard input.
enum InputFile {
    static let maxBytes = 256 << 20

    static func read(_ path: String?) throws(CLIError) -> [UInt8] {
        do throws(SystemError) {
            guard let path else { return try FileIO.readAll(0, name: "<stdin>", limit: maxBytes) }
            return try FileIO.readFile(path, limit: maxBytes)
        } catch {
            guard error.errno == .fileTooLarge else { throw CLIError(.malformedInput, error.description) }
            throw CLIError(.malformedInput, "\(error.operation) \(error.path): input larger than \(maxBytes >> 20) MiB")
        }
    }
}
