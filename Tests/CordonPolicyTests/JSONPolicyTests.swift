import Testing

@testable import CordonPolicy

@Suite("JSON policies", .timeLimit(.minutes(10)))
struct JSONPolicyTests {
    @Test("a JSON policy loads like the same policy in YAML")
    func sameAsYAML() throws {
        let json = """
            {
              "agent_id": "j",
              "extends": "default",
              "gate": {"allow": ["shell"], "thresholds": {"require_approval": 30, "block": 60},
                       "rules": [{"id": "r", "match": {"tool": "deploy"}, "decision": "block", "score": 90}]},
            \t"sandbox": {"timeout": "90s", "limits": {"memory": "512MiB", "processes": 32}, "uid": 1000}
            }
            """
        let yaml = """
            agent_id: j
            extends: default
            gate:
              allow: [shell]
              thresholds: {require_approval: 30, block: 60}
              rules:
                - {id: r, match: {tool: deploy}, decision: block, score: 90}
            sandbox: {timeout: 90s, limits: {memory: 512MiB, processes: 32}, uid: 1000}
            """
        var fromJSON = try load(json, path: "p.json")
        var fromYAML = try load(yaml, path: "p.yaml")
        #expect(fromJSON.sandbox.limits.memory == 512 << 20)
        #expect(fromJSON.gate.rules.first?.location == SourceLocation(file: "p.json", line: 5, column: 22))
        fromJSON.source = fromYAML.source
        fromJSON.gate.rules[0].location = nil
        fromYAML.gate.rules[0].location = nil
        // Neither has examples, so the example locations are empty on both sides.
        #expect(fromJSON == fromYAML)
    }

    @Test("numbers in JSON are read where numbers belong")
    func numbers() throws {
        let p = try load(
            #"{"sandbox": {"timeout": 1.5, "limits": {"memory": 1048576}}, "version": "3"}"#, path: "p.json")
        #expect(p.sandbox.timeout == 1.5)
        #expect(p.sandbox.limits.memory == 1 << 20)
        #expect(p.version == "3")
    }

    @Test("invalid JSON is reported by the strict parser, with position")
    func invalid() {
        #expect(
            errorLines(#"{"sandbox": {"timeout": 10,}}"#, path: "p.json") == [
                "p.json:1:28: invalid JSON: expected a string key in object, found '}'"
            ])
        // YAML would accept this; a .json file must be JSON.
        #expect(
            errorLines("{'agent_id': 'x'}", path: "p.json") == [
                "p.json:1:2: invalid JSON: expected a string key in object, found '''"
            ])
        #expect(
            errorLines(#"{"agent_id": "a", "agent_id": "b"}"#, path: "P.JSON") == [
                "P.JSON:1:19: invalid JSON: duplicate key 'agent_id' in object"
            ])
    }

    @Test("a raw line separator in a JSON policy is refused, since YAML would fold it")
    func rawLineSeparator() {
        #expect(
            errorLines("{\n  \"agent_id\": \"a\u{2028}b\"\n}", path: "p.json") == [
                "p.json:2:17: write U+2028 as \\u2028 in a JSON policy"
            ])
        #expect(errorLines(#"{"agent_id": "a\u2028b"}"#, path: "p.json").isEmpty)
    }

    @Test("schema errors in JSON carry positions too")
    func schemaErrors() {
        #expect(
            errorLines("{\n  \"sandbox\": {\"timout\": 5}\n}", path: "p.json") == [
                "p.json:2:15: unknown key 'timout' in sandbox (did you mean 'timeout'?)"
            ])
    }
}
