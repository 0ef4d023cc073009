import CordonBase
import CordonPolicy
// `cordon policy lint|show` driven in-process through CordonCommand.main, output captured.
import CordonRun
import Testing

@testable import CordonCLI
@testable import CordonGate

private final class CapturedOutput: OutputSink {
    var stdout = ""
    var stderr = ""
    func out(_ s: String) { stdout += s }
    func err(_ s: String) { stderr += s }
}

private let checkoutRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

private func runCordonInProcess(_ args: [String], environment: [String: String] = [:]) -> (Int32, String, String) {
    let output = CapturedOutput()
    let ctx = Context(output: output, environment: environment, stdoutIsTTY: false, stdinIsTTY: false)
    let status = CordonCommand.main(["cordon"] + args, ctx)
    return (status, output.stdout, output.stderr)
}

/// A policy file in a fresh temporary directory (removed by the caller's `defer`).
private func temporaryPolicy(_ name: String, _ text: String) throws -> String {
    let path = "/tmp/cordon-policy-test-\(UInt64.random(in: 0...UInt64.max))-\(name)"
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    try #require(fd >= 0)
    defer { close(fd) }
    var text = text
    let n = text.withUTF8 { write(fd, $0.baseAddress, $0.count) }
    try #require(n == text.utf8.count)
    return path
}

#if canImport(Glibc)
    import Glibc
#endif

@Suite("cordon policy", .timeLimit(.minutes(10)))
struct PolicyCommandTests {
    @Test("lint says ok for each shipped policy and exits 0")
    func lintOK() {
        let files = ["default", "strict", "agent"].map { checkoutRoot + "/policies/\($0).yaml" }
        let (status, out, err) = runCordonInProcess(["policy", "lint"] + files)
        #expect(status == 0)
        #expect(out == files.map { "\($0): ok\n" }.joined())
        #expect(err.isEmpty)
    }

    @Test("lint lists every error of every bad file as FILE:LINE:COL on stderr and exits 78")
    func lintErrors() throws {
        let bad = try temporaryPolicy("bad.yaml", "sandbox:\n  timout: 1s\n  network: nones\n")
        defer { unlink(bad) }
        let good = checkoutRoot + "/policies/default.yaml"
        let (status, out, err) = runCordonInProcess(["policy", "lint", bad, good])
        #expect(status == 78)
        #expect(out == "\(good): ok\n")
        #expect(
            err == """
                \(bad):2:3: unknown key 'timout' in sandbox (did you mean 'timeout'?)
                \(bad):3:12: sandbox.network: unknown value 'nones' (valid: none, host, allow-list, domains; did you mean 'none'?)
                cordon: error: 1 of 2 policies invalid

                """)
    }

    @Test("lint --json prints one object per file with the errors split into fields")
    func lintJSON() throws {
        let bad = try temporaryPolicy("bad.yaml", "sandbox:\n  timout: 1s\n")
        defer { unlink(bad) }
        let good = checkoutRoot + "/policies/default.yaml"
        let (status, out, err) = runCordonInProcess(["policy", "lint", "--json", good, bad])
        #expect(status == 78)
        #expect(err.isEmpty)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(try JSONValue.parse(lines[0]) == ["file": .string(good), "ok": true, "errors": []])
        let second = try JSONValue.parse(lines[1])
        #expect(second["ok"] == false)
        #expect(
            second["errors"] == [
                [
                    "file": .string(bad), "line": 2, "column": 3,
                    "message": "unknown key 'timout' in sandbox (did you mean 'timeout'?)",
                ]
            ])
    }

    @Test("show --json prints the effective policy as JSON that loads again")
    func showJSON() throws {
        let (status, out, _) = runCordonInProcess(["policy", "show", "--json", checkoutRoot + "/policies/agent.yaml"])
        #expect(status == 0)
        let tree = try JSONValue.parse(out)
        #expect(tree["agent_id"] == "production-agent")
        #expect(tree["sandbox"]?["limits"]?["memory"] == "1GiB")
        var reloaded = try PolicyLoader().load(text: out, path: "shown.json")
        var original = try PolicyLoader().load(path: checkoutRoot + "/policies/agent.yaml")
        reloaded.source = original.source
        for p in [\Policy.gate.rules[0].location] {
            reloaded[keyPath: p] = nil
            original[keyPath: p] = nil
        }
        for p in [\Policy.gate.rules[0].examplesMatchLocations, \Policy.gate.rules[0].examplesNotMatchLocations] {
            reloaded[keyPath: p] = []
            original[keyPath: p] = []
        }
        #expect(reloaded == original)
    }

    @Test("lint of a missing file is an invalid policy, not a crash")
    func lintMissing() {
        let (status, _, err) = runCordonInProcess(["policy", "lint", "/nonexistent/p.yaml"])
        #expect(status == 78)
        #expect(err.hasPrefix("/nonexistent/p.yaml:1:1: cannot read policy: No such file or directory\n"))
    }

    @Test("lint expands variables from cordon's environment")
    func lintEnvironment() throws {
        let file = try temporaryPolicy("env.yaml", "agent_id: ${AGENT}\n")
        defer { unlink(file) }
        #expect(runCordonInProcess(["policy", "lint", file]).0 == 78)
        #expect(runCordonInProcess(["policy", "lint", file], environment: ["AGENT": "a"]).0 == 0)
    }

    @Test("show without a file prints the embedded default, which loads again to the same policy")
    func showDefault() throws {
        let (status, out, err) = runCordonInProcess(["policy", "show"])
        #expect(status == 0)
        #expect(err.isEmpty)
        #expect(out.hasPrefix("# effective policy: <embedded default>\n"))
        var shown = try PolicyLoader().load(text: out, path: "shown.yaml")
        shown.source = PolicySource(path: "<embedded default>", sha256: SHA256.hex(EmbeddedPolicies.default))
        // Where each rule and example was written differs between the two texts (line
        // numbers); what they say must not.
        func located(_ p: Policy) -> Policy {
            var p = p
            for i in p.gate.rules.indices {
                p.gate.rules[i].location = nil
                p.gate.rules[i].examplesMatchLocations = []
                p.gate.rules[i].examplesNotMatchLocations = []
            }
            for i in p.gate.exceptions.indices { p.gate.exceptions[i].location = nil }
            return p
        }
        #expect(located(shown) == located(try PolicyLoader().loadEmbedded()))
    }

    @Test("show of a file prints the policy after extends")
    func showFile() {
        let (status, out, _) = runCordonInProcess(["policy", "show", checkoutRoot + "/policies/strict.yaml"])
        #expect(status == 0)
        #expect(out.contains("\n    block: 70\n"))
        #expect(out.contains("\n  require: [namespaces]\n"))
        // Inherited from default.yaml:
        #expect(out.contains("execute_shell"))
    }

    @Test("show of a bad policy exits 78 with the errors")
    func showBad() throws {
        let bad = try temporaryPolicy("bad.json", "{\"sandbox\": 5}")
        defer { unlink(bad) }
        let (status, out, err) = runCordonInProcess(["policy", "show", bad])
        #expect(status == 78)
        #expect(out.isEmpty)
        #expect(err.contains("\n\(bad):1:13: sandbox must be a mapping, found '5'\n"))
        #expect(err.hasPrefix("cordon: error: invalid policy \(bad) (1 error):\n"))
    }

    @Test(
        "usage mistakes exit 64",
        arguments: [
            ["policy"], ["policy", "lnt", "x"], ["policy", "lint"], ["policy", "show", "a", "b"],
            ["policy", "lint", "--bogus"],
        ])
    func usage(args: [String]) {
        let (status, _, err) = runCordonInProcess(args)
        #expect(status == 64)
        #expect(err.hasPrefix("cordon: error: "))
    }

    @Test("loadPolicy turns load errors into one exit-78 error listing each")
    func loadPolicyErrors() throws {
        let bad = try temporaryPolicy("two.yaml", "log: {keep: -1}\nscan: {min_score: x}\n")
        defer { unlink(bad) }
        #expect(throws: CLIError.self) { try loadPolicy(path: bad, environment: [:]) }
        do {
            _ = try loadPolicy(path: bad, environment: [:])
        } catch {
            #expect(error.code == .invalidPolicy)
            #expect(error.message.split(separator: "\n").count == 3)
            #expect(error.message.hasPrefix("invalid policy \(bad) (2 errors):\n\(bad):1:13: "))
        }
        #expect(try loadPolicy(path: nil, environment: [:]).source.path == "<embedded default>")
    }
}

@Suite("rule example positions", .timeLimit(.minutes(10)))
struct RuleExamplePositionTests {
    @Test("a violated example is reported at its own line, not the rule's")
    func placedAtExample() throws {
        let text = """
            gate:
              rules:
                - id: r
                  match: {tool: deploy}
                  decision: block
                  examples:
                    match:
                      - {tool: deploy}
                      - {tool: read}
            """
        let policy = try PolicyLoader().load(text: text, path: "p.yaml")
        let rule = try #require(policy.gate.rules.first)
        let v = ExampleViolation(
            ruleId: "r", example: .fields(["tool": "read"]), expectedMatch: true, location: rule.location)
        #expect(CheckedPolicy.placed(v, in: policy).location == SourceLocation(file: "p.yaml", line: 9, column: 13))
        // Unknown rule or example: left where the gate put it.
        let other = ExampleViolation(ruleId: "zz", example: .command("x"), expectedMatch: true, location: rule.location)
        #expect(CheckedPolicy.placed(other, in: policy).location == rule.location)
    }
}
