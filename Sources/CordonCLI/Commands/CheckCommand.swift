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
    static let help = """
        usage: cordon check [options] [--] CMD [ARG...]
               cordon check [options] --shell 'STRING'
               cordon check [options] --batch [--input FILE]

        Prints the gate's decision: a line with decision, score, level and rule, then the
        reasons (or the Decision JSON with --json). Nothing is run.
        Exit status: 0 allow, 75 requires_approval, 77 block (--batch: 0 once every line is
        answered; malformed lines get an error object in place), 64 usage, 78 invalid policy.

        options:
          --policy FILE      policy file (default: the embedded default policy)
          --log              also append the decision to gate.log (exit 125 if it cannot)
          --log-dir DIR      gate.log's directory (default ./.cordon or $CORDON_HOME)
          --env NAME         environment (e.g. production; overrides the policy's)
          --json             print the Decision as one JSON line
          --shell STRING     score STRING as shell text (pipes, quotes, substitutions)
          --batch            JSON Lines on stdin, one Decision JSON line out per input, in order:
                               {"id":1,"command":"rm -rf /"}
                               {"id":"b","argv":["git","push","-f"]}
                               {"id":3,"tool":"send_email","args":{"to":"x@example.com"}}
                             optional per line: environment, actionType, agentId, sessionId, context
          --input FILE       read the batch from FILE instead of stdin
          --agent ID         agent id recorded in the decision
          --session ID       session id recorded in the decision
          -h, --help         this help

        """

    static let options =
        [
            OptionSpec("policy"), OptionSpec("env"), OptionSpec("json", value: false), OptionSpec("shell"),
            OptionSpec("batch", value: false), OptionSpec("input"), OptionSpec("agent"),
            OptionSpec("session"),
        ] + DecisionLog.options + []

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
        var block: [Result<(id: JSONValue, action: Action), BatchLine.Failure>] = []
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
                    result = BatchLine.response(id: entry.id, decision: d)
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
        var lineNumber = 0
        for line in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
            block.append(BatchLine.parse(Array(line), number: lineNumber, defaults: parsed))
            if block.count == 4096 { try flush() }
        }
        try flush()
        if !out.isEmpty { ctx.output.out(String(decoding: out, as: UTF8.self)) }
        return ExitCode.success.rawValue
    }
}

/// One `check --batch` line: a JSON object naming a command, an argv or a tool call.
enum BatchLine {
    /// A line that is not an action: the error object it answers with.
    struct Failure: Error {
        var json: JSONValue
    }

    /// The Decision JSON with the line's `id` first.
    static func response(id: JSONValue, decision d: Decision) -> JSONValue {
        guard case .object(let fields) = d.jsonValue else { return d.jsonValue }
        return .object([("id", id)] + fields)
    }

    /// The action a line asks about, or the error object for it.
    static func parse(_ line: [UInt8], number: Int, defaults: ParsedArguments)
        -> Result<(id: JSONValue, action: Action), Failure>
    {
        let value: JSONValue
        do throws(JSONError) {
            value = try JSONValue.parse(line)
        } catch {
            return .failure(Failure(json: failure(.null, "line \(number): malformed JSON: \(error)")))
        }
        guard case .object = value else {
            return .failure(Failure(json: failure(.null, "line \(number): expected a JSON object")))
        }
        let id = value["id"] ?? .null
        let payload: Action.Payload
        if let c = value["command"]?.stringValue {
            payload = .shell(c)
        } else if let items = value["argv"]?.arrayValue {
            let argv = items.compactMap(\.stringValue)
            guard argv.count == items.count, !argv.isEmpty else {
                return .failure(
                    Failure(json: failure(id, "line \(number): argv must be a non-empty array of strings")))
            }
            payload = .argv(argv)
        } else if let tool = value["tool"]?.stringValue {
            payload = .tool(name: tool, args: value["args"] ?? .object([]))
        } else {
            return .failure(
                Failure(
                    json: failure(
                        id, "line \(number): needs one of command (string), argv (array) or tool (string)")))
        }
        let actionId: String
        switch id {
        case .string(let s): actionId = s
        case .number(let n): actionId = n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        default: actionId = "line-\(number)"
        }
        var action = Action(id: actionId, payload: payload)
        action.environment = value["environment"]?.stringValue ?? defaults.value("env")
        action.actionType = value["actionType"]?.stringValue ?? value["action_type"]?.stringValue
        action.agentId = value["agentId"]?.stringValue ?? defaults.value("agent")
        action.sessionId = value["sessionId"]?.stringValue ?? defaults.value("session")
        if let ctx = value["context"]?.objectValue {
            for (k, v) in ctx { if let s = v.stringValue { action.context[k] = s } }
        }
        return .success((id, action))
    }

    static func failure(_ id: JSONValue, _ message: String) -> JSONValue {
        .object([("id", id), ("error", .string(message))])
    }
}

/// Reads a whole input: a file given by path, or standard input.
enum InputFile {
    static let maxBytes = 256 << 20

    static func read(_ path: String?) throws(CLIError) -> [UInt8] {
        let fd: Int32 = path.map { open($0, O_RDONLY | O_CLOEXEC) } ?? 0
        guard fd >= 0 else {
            throw CLIError(
                .malformedInput, "open(\(path ?? "stdin")): \(String(cString: strerror(errno)))")
        }
        defer { if path != nil { close(fd) } }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = Glibc.read(fd, &buf, buf.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError(
                    .malformedInput, "read(\(path ?? "stdin")): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: buf[0..<n])
            if bytes.count > maxBytes {
                throw CLIError(
                    .malformedInput, "read(\(path ?? "stdin")): input larger than \(maxBytes >> 20) MiB")
            }
        }
        return bytes
    }
}
