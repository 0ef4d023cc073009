// An Action as the trace stores it, and back: replay re-scores exactly what the gate saw.
//   {"id":"a-..","kind":"argv","argv":[..]} | {"kind":"shell","command":".."} |
//   {"kind":"tool","tool":"send_email","args":{..}}  (+ actionType, environment, context, ...)
import CordonBase
import CordonGate
import CordonPolicy

public enum ActionCoding {
    public static func json(_ a: Action) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("id", .string(a.id))]
        switch a.payload {
        case .argv(let argv): pairs += [("kind", "argv"), ("argv", .array(argv.map { .string($0) }))]
        case .shell(let c): pairs += [("kind", "shell"), ("command", .string(c))]
        case .tool(let name, let args): pairs += [("kind", "tool"), ("tool", .string(name)), ("args", args)]
        }
        if let t = a.actionType { pairs.append(("actionType", .string(t))) }
        if let e = a.environment { pairs.append(("environment", .string(e))) }
        if !a.context.isEmpty {
            pairs.append(("context", .object(a.context.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        if let x = a.agentId { pairs.append(("agentId", .string(x))) }
        if let x = a.sessionId { pairs.append(("sessionId", .string(x))) }
        pairs.append(("source", .string(a.source)))
        return .object(pairs)
    }

    public static func action(_ j: JSONValue) throws(TraceFormatError) -> Action {
        guard let id = j["id"]?.stringValue else { throw TraceFormatError("action without \"id\"") }
        let payload: Action.Payload
        switch j["kind"]?.stringValue {
        case "argv":
            guard let items = j["argv"]?.arrayValue else { throw TraceFormatError("argv action without \"argv\"") }
            var argv: [String] = []
            for item in items {
                guard let s = item.stringValue else { throw TraceFormatError("argv must hold strings") }
                argv.append(s)
            }
            payload = .argv(argv)
        case "shell":
            guard let c = j["command"]?.stringValue else { throw TraceFormatError("shell action without \"command\"") }
            payload = .shell(c)
        case "tool":
            guard let t = j["tool"]?.stringValue else { throw TraceFormatError("tool action without \"tool\"") }
            payload = .tool(name: t, args: j["args"] ?? .object([]))
        case let k:
            throw TraceFormatError("unknown action kind \(k.map { "\"\($0)\"" } ?? "(missing)")")
        }
        var a = Action(id: id, payload: payload)
        a.actionType = j["actionType"]?.stringValue
        a.environment = j["environment"]?.stringValue
        for (k, v) in j["context"]?.objectValue ?? [] { if let s = v.stringValue { a.context[k] = s } }
        a.agentId = j["agentId"]?.stringValue
        a.sessionId = j["sessionId"]?.stringValue
        a.source = j["source"]?.stringValue ?? "gate"
        return a
    }

    /// The command as gate.log shows it: a shell line as is, an argv shell-quoted where needed
    /// (so `sh -c 'a; b'` reads back as what ran), a tool call as `name {json args}`.
    public static func commandBytes(_ a: Action) -> [UInt8] {
        switch a.payload {
        case .shell(let c): return Array(c.utf8)
        case .argv(let argv): return Array(argv.map(shellQuote).joined(separator: " ").utf8)
        case .tool(let name, let args): return Array((name + " " + args.serialized()).utf8)
        }
    }

    static func shellQuote(_ s: String) -> String {
        if !s.isEmpty
            && s.utf8.allSatisfy({ c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
                    || "-_./=:,+@%".utf8.contains(c)
            })
        {
            return s
        }
        return "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
