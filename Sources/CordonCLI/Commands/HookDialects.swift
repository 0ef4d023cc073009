// The four harness dialects of `cordon hook`: how each one's JSON on stdin becomes an Action,
// and how an answer goes back in its own words. Formats, from each harness's documentation:
// - Claude Code: PreToolUse / PermissionRequest, {session_id, cwd, hook_event_name, tool_name,
//   tool_input, tool_use_id, agent_id?} in; hookSpecificOutput.permissionDecision out.
// - Codex CLI: the same wire format (plus turn_id, model), but only `deny` is enforced.
// - Gemini CLI: BeforeTool, {session_id, cwd, hook_event_name, tool_name, tool_input} in;
//   {"decision":"allow|deny","reason":...} out.
// - Cline: the PreToolUse hook file, {taskId, workspaceRoots, preToolUse:{toolName, parameters}}
//   in; {"cancel":bool,"errorMessage":...} out.
// Every harness lets a call through when its hook fails in any way but its blocking one, so
// cordon's own failures are answered in that blocking form (HookDialect.failure).
import CordonBase
import CordonGate

enum HookDialect: String, CaseIterable {
    case claude, codex, gemini, cline

    /// The agent id recorded when the payload names none (Claude's subagents do).
    var harness: String {
        switch self {
        case .claude: "claude-code"
        case .codex: "codex"
        case .gemini: "gemini-cli"
        case .cline: "cline"
        }
    }

    /// Only Claude Code can put a question to its user from a hook.
    var canAsk: Bool { self == .claude }

    /// The tool names whose `command` argument is a shell command line (or an argv array):
    /// these are judged as the command, never as a run-anything tool called `bash`.
    var shellTools: Set<String> {
        switch self {
        case .claude: ["Bash"]
        case .codex: ["Bash", "shell", "local_shell", "exec_command", "container.exec"]
        case .gemini: ["run_shell_command"]
        case .cline: ["execute_command"]
        }
    }

    /// The events this dialect answers.
    var events: [String] {
        switch self {
        case .claude, .codex: ["PreToolUse", "PermissionRequest"]
        case .gemini: ["BeforeTool"]
        case .cline: ["PreToolUse"]
        }
    }
}

/// What a harness asked, as cordon reads it.
struct HookCall {
    var event: String
    var tool: String
    var payload: Action.Payload
    var sessionId: String?
    var agentId: String?
    var toolUseId: String?
    var cwd: String?
}

/// A payload that is not the dialect's: the message names the field and what was expected.
struct HookInputError: Error {
    var message: String
    /// The payload is for another event or hook: the hook is registered too widely.
    var wrongEvent = false
}

extension HookDialect {
    /// Reads one payload. Everything cordon needs must be there and of the documented type:
    /// a payload it cannot read is refused, never waved through.
    func call(_ v: JSONValue) throws(HookInputError) -> HookCall {
        guard case .object = v else { throw HookInputError(message: "expected a JSON object") }
        switch self {
        case .claude, .codex, .gemini:
            let event = try string(v, "hook_event_name")
            guard events.contains(event) else {
                throw HookInputError(
                    message:
                        "hook_event_name \"\(event)\": 'cordon hook \(rawValue)' answers \(events.joined(separator: " and ")); register it only for \(events.count == 1 ? "that event" : "those events")",
                    wrongEvent: true)
            }
            let tool = try string(v, "tool_name")
            guard let input = v["tool_input"], case .object = input else {
                throw HookInputError(message: "tool_input: expected an object (the tool's arguments)")
            }
            return HookCall(
                event: event, tool: tool, payload: try payload(tool: tool, input: input, field: "tool_input"),
                sessionId: v["session_id"]?.stringValue, agentId: v["agent_id"]?.stringValue,
                toolUseId: v["tool_use_id"]?.stringValue, cwd: v["cwd"]?.stringValue)
        case .cline:
            if let name = v["hookName"], name.stringValue != "PreToolUse" {
                throw HookInputError(
                    message: "hookName \(name.serialized()): 'cordon hook cline' is the PreToolUse hook file only",
                    wrongEvent: true)
            }
            guard let pre = v["preToolUse"], case .object = pre else {
                throw HookInputError(message: "preToolUse: expected an object {toolName, parameters}")
            }
            guard let tool = pre["toolName"]?.stringValue, !tool.isEmpty else {
                throw HookInputError(message: "preToolUse.toolName: expected the tool's name as a string")
            }
            let params = pre["parameters"] ?? .object([])
            guard case .object = params else {
                throw HookInputError(message: "preToolUse.parameters: expected an object")
            }
            var name = tool
            var args = params
            // MCP calls arrive as one tool with the server, the tool and its arguments (a JSON
            // string) as parameters: judged under the name the policy's tool lists use.
            if tool == "use_mcp_tool", let server = params["server_name"]?.stringValue,
                let inner = params["tool_name"]?.stringValue
            {
                name = "mcp__\(server)__\(inner)"
                switch params["arguments"] {
                case .string(let s)?:
                    do throws(JSONError) { args = try JSONValue.parse(s) } catch {
                        throw HookInputError(
                            message:
                                "preToolUse.parameters.arguments: not JSON (\(error)); cordon judges the arguments it can read"
                        )
                    }
                case let a?: args = a
                case nil: args = .object([])
                }
            }
            return HookCall(
                event: "PreToolUse", tool: name,
                payload: try payload(tool: tool, input: args, field: "preToolUse.parameters", name: name),
                sessionId: v["taskId"]?.stringValue, agentId: nil, toolUseId: nil,
                cwd: v["workspaceRoots"]?[0]?.stringValue)
        }
    }

    func string(_ v: JSONValue, _ key: String) throws(HookInputError) -> String {
        guard let s = v[key]?.stringValue, !s.isEmpty else {
            throw HookInputError(message: "\(key): expected a non-empty string")
        }
        return s
    }

    /// A shell tool's command as shell text (or the argv it gives); Codex's apply_patch as the
    /// files it touches; any other tool as a named tool call whose arguments the gate reads.
    func payload(tool: String, input: JSONValue, field: String, name: String? = nil) throws(HookInputError)
        -> Action.Payload
    {
        if shellTools.contains(tool) {
            switch input["command"] {
            case .string(let s)? where !s.isEmpty:
                return .shell(s)
            case .array(let items)? where !items.isEmpty:
                let argv = items.compactMap(\.stringValue)
                guard argv.count == items.count else {
                    throw HookInputError(message: "\(field).command: expected an array of strings")
                }
                return .argv(argv)
            default:
                throw HookInputError(
                    message: "\(field).command: expected the command line of \(tool) as a non-empty string")
            }
        }
        if self == .codex, tool == "apply_patch",
            let patch = input["command"]?.stringValue ?? input["input"]?.stringValue
        {
            return .tool(
                name: tool, args: .object([("file_path", .array(Self.patchedFiles(patch).map { .string($0) }))]))
        }
        return .tool(name: name ?? tool, args: input)
    }

    /// The files an apply_patch envelope adds, updates, deletes or moves to.
    static func patchedFiles(_ patch: String) -> [String] {
        let markers = ["*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "]
        var files: [String] = []
        for line in patch.split(separator: "\n") {
            for m in markers where line.hasPrefix(m) {
                let path = line.dropFirst(m.count).trimmingCharacters(in: " \r")
                if !path.isEmpty { files.append(path) }
            }
        }
        return files
    }
}

/// What cordon tells the harness.
struct HookAnswer: Equatable {
    /// `pass`: no objection, and no answer either, so the harness's own permission flow
    /// (Claude Code's prompts and rules) decides (`--allow-answer none`).
    enum Kind: String { case allow, deny, ask, pass }
    var kind: Kind
    var reason: String
}

extension HookDialect {
    /// The answer on stdout and the exit status, in the harness's words.
    func render(_ a: HookAnswer, event: String) -> (stdout: String, status: Int32) {
        switch self {
        case .claude, .codex:
            if event == "PermissionRequest" {
                // The permission dialog: allow or deny it; `ask` leaves the dialog to the user.
                switch a.kind {
                case .ask, .pass: return ("", 0)
                case .allow:
                    return (line(hookOutput(event, [("decision", .object([("behavior", .string("allow"))]))])), 0)
                case .deny:
                    return (
                        line(
                            hookOutput(
                                event,
                                [
                                    (
                                        "decision",
                                        .object([("behavior", .string("deny")), ("message", .string(a.reason))])
                                    )
                                ])), 0
                    )
                }
            }
            // Codex enforces deny only: for anything else it hears nothing (no objection).
            if (self == .codex && a.kind != .deny) || a.kind == .pass { return ("", 0) }
            return (
                line(
                    hookOutput(
                        event,
                        [
                            ("permissionDecision", .string(a.kind.rawValue)),
                            ("permissionDecisionReason", .string(a.reason)),
                        ]
                    )), 0
            )
        case .gemini:
            if a.kind == .allow || a.kind == .pass { return (line(.object([("decision", .string("allow"))])), 0) }
            return (line(.object([("decision", .string("deny")), ("reason", .string(a.reason))])), 0)
        case .cline:
            if a.kind == .allow || a.kind == .pass { return (line(.object([("cancel", .bool(false))])), 0) }
            return (line(.object([("cancel", .bool(true)), ("errorMessage", .string(a.reason))])), 0)
        }
    }

    /// cordon's own failure, in the harness's blocking form: exit 2 with the reason on stderr
    /// (Claude Code, Codex, Gemini CLI), or Cline's cancel (which has no blocking exit status).
    func failure(_ message: String) -> (stdout: String, status: Int32) {
        switch self {
        case .claude, .codex, .gemini: return ("", 2)
        case .cline:
            return (line(.object([("cancel", .bool(true)), ("errorMessage", .string("cordon: " + message))])), 0)
        }
    }

    func hookOutput(_ event: String, _ fields: [(String, JSONValue)]) -> JSONValue {
        .object([("hookSpecificOutput", .object([("hookEventName", .string(event))] + fields))])
    }

    func line(_ v: JSONValue) -> String { v.serialized() + "\n" }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
