import CordonBase
import Testing

@testable import CordonPolicy

@Suite("extends", .timeLimit(.minutes(10)))
struct ExtendsTests {
    static let base = """
        agent_id: base
        gate:
          allow: [a, b]
          thresholds: {require_approval: 50, block: 90}
        sandbox:
          timeout: 30s
          limits: {memory: 1GiB, processes: 10}
          env: {set: {A: "1", B: "2"}}
        """

    @Test("the child overrides its parent key by key, and lists replace")
    func overrides() throws {
        let files = [
            "dir/base.yaml": Self.base,
            "dir/child.yaml": """
            extends: base.yaml
            gate:
              allow: [c]
              thresholds: {block: 95}
            sandbox:
              limits: {processes: 20}
              env: {set: {B: "3"}}
            """,
        ]
        let p = try memoryLoader(files).load(path: "dir/child.yaml")
        #expect(p.agentId == "base")
        #expect(p.gate.allow == ["c"])
        #expect(p.gate.thresholds.requireApproval == 50)
        #expect(p.gate.thresholds.block == 95)
        #expect(p.sandbox.timeout == 30)
        #expect(p.sandbox.limits.memory == 1 << 30)
        #expect(p.sandbox.limits.processes == 20)
        #expect(p.sandbox.env.set == ["A": "1", "B": "3"])
        #expect(p.source.path == "dir/child.yaml")
    }

    @Test("null in the child resets a value: unset for optional ones, the built-in default otherwise")
    func nullResets() throws {
        let files = [
            "base.yaml": Self.base,
            "child.yaml": "extends: base.yaml\nagent_id: ~\nsandbox:\n  timeout:\n  limits: {memory: null}\n",
        ]
        let p = try memoryLoader(files).load(path: "child.yaml")
        #expect(p.agentId == nil)
        #expect(p.sandbox.timeout == SandboxPolicy().timeout)
        #expect(p.sandbox.limits.memory == nil)
        #expect(p.sandbox.limits.processes == 10)
    }

    @Test("extends default and strict use the embedded policies")
    func builtIn() throws {
        let strict = try load("extends: strict\nsandbox: {timeout: 5s}\n")
        #expect(strict.gate.thresholds.block == 70)
        #expect(strict.sandbox.require == ["namespaces"])
        #expect(strict.sandbox.timeout == 5)
        #expect(strict.gate.block.contains("rm"))
        let def = try load("extends: default\n")
        var expected = try PolicyLoader().loadEmbedded()
        expected.source = def.source
        #expect(def == expected)
    }

    @Test("a chain of three files resolves each path against the file that names it")
    func chain() throws {
        let files = [
            "a/top.yaml": "extends: ../b/mid.yaml\nagent_id: top\n",
            "b/mid.yaml": "extends: base.yaml\nenvironment: mid\n",
            "b/base.yaml": "version: \"1\"\nextends: strict\n",
        ]
        let p = try memoryLoader(files).load(path: "a/top.yaml")
        #expect(p.agentId == "top")
        #expect(p.environment == "mid")
        #expect(p.version == "1")
        #expect(p.gate.thresholds.block == 70)
    }

    @Test("cycles are detected and named")
    func cycles() {
        let files = ["a.yaml": "extends: b.yaml\n", "b.yaml": "agent_id: b\nextends: ./a.yaml\n"]
        #expect(
            throws: PolicyLoadFailure([
                PolicyError(
                    SourceLocation(file: "b.yaml", line: 2, column: 10), "extends cycle: a.yaml -> b.yaml -> a.yaml")
            ])
        ) {
            try memoryLoader(files).load(path: "a.yaml")
        }
        #expect(
            throws: PolicyLoadFailure([
                PolicyError(
                    SourceLocation(file: "self.yaml", line: 1, column: 10), "extends cycle: self.yaml -> self.yaml")
            ])
        ) {
            try memoryLoader(["self.yaml": "extends: self.yaml\n"]).load(path: "self.yaml")
        }
    }

    @Test("a missing parent is an error at the extends line")
    func missingParent() {
        #expect(
            errorLines("agent_id: x\nextends: nope.yaml\n", path: "p/c.yaml") == [
                "p/c.yaml:2:10: cannot read parent policy 'p/nope.yaml': No such file or directory"
            ])
        #expect(
            errorLines("extends: defualt\n") == [
                "test.yaml:1:10: cannot read parent policy 'defualt': No such file or directory (the built-in parents are default and strict)"
            ])
    }

    @Test("errors in a parent are reported at the parent's positions, after the child's")
    func parentErrors() {
        let files = ["base.yaml": "sandbox:\n  timeout: never\n", "child.yaml": "extends: base.yaml\nagnet: 1\n"]
        #expect(
            throws: PolicyLoadFailure([
                PolicyError(
                    SourceLocation(file: "child.yaml", line: 2, column: 1), "unknown key 'agnet' at the top level"),
                PolicyError(
                    SourceLocation(file: "base.yaml", line: 2, column: 12),
                    "sandbox.timeout must be a duration like 90s, 10m, 1h or 1.5s (a plain number is seconds), found 'never'"
                ),
            ])
        ) {
            try memoryLoader(files).load(path: "child.yaml")
        }
    }

    @Test("a parent's value that the child overrides is not validated")
    func overriddenParentValue() throws {
        let files = [
            "base.yaml": "sandbox:\n  timeout: never\n", "child.yaml": "extends: base.yaml\nsandbox: {timeout: 5s}\n",
        ]
        #expect(try memoryLoader(files).load(path: "child.yaml").sandbox.timeout == 5)
    }

    @Test("the hash changes when the parent changes")
    func hashCoversParent() throws {
        let child = "extends: base.yaml\n"
        let one = try memoryLoader(["c.yaml": child, "base.yaml": "agent_id: a\n"]).load(path: "c.yaml")
        let two = try memoryLoader(["c.yaml": child, "base.yaml": "agent_id: b\n"]).load(path: "c.yaml")
        #expect(one.source.sha256 != two.source.sha256)
        #expect(one.source.sha256 != SHA256.hex(child))
        #expect(one.source.sha256.count == 64)
    }

    @Test("an overly deep chain is refused")
    func depth() {
        var files: [String: String] = [:]
        for i in 0..<20 { files["p\(i).yaml"] = "extends: p\(i + 1).yaml\n" }
        files["p20.yaml"] = "agent_id: end\n"
        let lines = errorLines(memoryLoader(files), path: "p0.yaml")
        #expect(lines == ["p15.yaml:1:10: extends chain is deeper than 16 files"])
    }
}
