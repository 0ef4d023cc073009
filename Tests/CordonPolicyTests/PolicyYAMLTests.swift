import Testing

@testable import CordonPolicy

@Suite("policy show round trip", .timeLimit(.minutes(10)))
struct PolicyYAMLTests {
    /// Positions and the source differ between a file and its rendering by design.
    static func comparable(_ p: Policy) -> Policy {
        var p = p
        p.source = PolicySource(path: "", sha256: "")
        for i in p.gate.rules.indices {
            p.gate.rules[i].location = nil
            p.gate.rules[i].examplesMatchLocations = []
            p.gate.rules[i].examplesNotMatchLocations = []
        }
        for i in p.gate.exceptions.indices { p.gate.exceptions[i].location = nil }
        return p
    }

    /// Exercises every section, optional values, and strings that need quoting.
    static let everything = #"""
        agent_id: "agent: one"
        version: "2.1"
        environment: "yes"
        scan: {min_score: 75, fail_on: [critical, high]}
        monitor:
          enabled: false
          sensitivity: low
          alert_channels:
            - {type: webhook, url: "https://h/x?a=1&b=${HOOK}", secret: "s#1"}
            - {type: email, to: "ops@example.com", min_level: high}
            - {type: slack, webhook: "https://hooks.slack.com/services/T/B/X", channel: "#ops"}
            - {type: command, argv: [notify, "--to", "on call", "${HOOK}"], min_level: critical}
            - {type: file, path: /var/log/cordon-alerts.jsonl}
          alert_on: {critical_block: false, tamper: true, approval_wait: off}
          alert_delivery: {timeout: 1.5s, retries: 0, drain: 0s, queue: 1}
          events: [exec, connect]
        gate:
          allow: ["web_*", "", "-dash", "null", "123", "tab\there"]
          require_approval: [send_email]
          block: ["quote \" and \\ backslash", "line\nbreak", "unicode ✓ \u2028"]
          commands:
            allow: [git, "ls -la"]
            require_approval: ["npm install"]
            block: ["git push --force|-f", "rm -rf ${HOME}", "echo '#x'"]
          on_block: raise
          thresholds: {require_approval: 0, block: 0}
          rules:
            - id: deploy
              match: {action_type: production_deploy, environment: production, context: {"team name": "core", z: "1"}}
              decision: requires_approval
              score: 85
              reason: "Production: deployment requires approval"
              examples:
                match: [{action_type: production_deploy, environment: production}]
                not_match: ["echo ${X}", {action_type: read}]
            - id: no-curl
              match: {tool: shell, command: "curl|wget"}
              decision: block
          exceptions:
            - {detector: destructive-rm, match: "rm -rf build/", reason: "clean builds"}
            - {detector: exfil, match: "scp x"}
        sandbox:
          mode: rootfs
          root: /srv/images/debian
          require: [namespaces, seccomp]
          timeout: 1.5s
          grace: 0s
          network: allow-list
          network_allow: ["api.example.com:443", "10.0.0.0/8:5432", "[::1]:*"]
          filesystem:
            workspace: ../work space
            read_only: [/usr]
            read_write: [/var/cache/x]
            tmpfs: []
            hide: ["~/.ssh"]
            exec: [/usr/bin]
          limits: {memory: unlimited, processes: 1, open_files: unlimited, file_size: 1500, cpu: 90, output: ~}
          seccomp: strict-v2
          env: {pass: [TERM, LANG], set: {A: "$${literal}", B: "", C: "true"}}
          uid: 1000
          gid: 1001
        log: {max_size: 4096, keep: 0}
        approvals: {timeout: 1h30m}
        """#

    @Test(
        "rendering a policy and loading it again gives an equal policy",
        arguments: ["default", "strict", "agent", "everything"])
    func roundTrip(name: String) throws {
        let env = ["HOOK": "${not-expanded-twice}"]
        let original: Policy
        if name == "everything" {
            original = try load(Self.everything, environment: env)
        } else {
            original = try PolicyLoader(environment: env).load(path: repositoryRoot + "/policies/\(name).yaml")
        }
        let yaml = PolicyYAML.render(original)
        let reloaded: Policy
        do {
            reloaded = try PolicyLoader(environment: [:]).load(text: yaml, path: "shown.yaml")
        } catch {
            Issue.record("rendered policy does not load:\n\(error)\n---\n\(yaml)")
            return
        }
        #expect(Self.comparable(reloaded) == Self.comparable(original), "\(yaml)")
        #expect(
            PolicyYAML.render(reloaded).split(separator: "\n").dropFirst(2) == yaml.split(separator: "\n").dropFirst(2))
    }

    @Test(
        "the JSON form of the effective policy loads again as a .json policy",
        arguments: ["default", "strict", "agent", "everything"])
    func jsonRoundTrip(name: String) throws {
        let env = ["HOOK": "${not-expanded-twice}"]
        let original =
            name == "everything"
            ? try load(Self.everything, environment: env)
            : try PolicyLoader(environment: env).load(path: repositoryRoot + "/policies/\(name).yaml")
        let json = PolicyDocument.tree(original).serialized()
        let reloaded = try PolicyLoader().load(text: json, path: "shown.json")
        #expect(Self.comparable(reloaded) == Self.comparable(original), "\(json)")
    }

    @Test("the rich policy keeps its tricky values through the round trip")
    func trickyValues() throws {
        let p = try load(Self.everything, environment: ["HOOK": "${x}"])
        #expect(p.monitor.alertChannels.first?.settings["url"] == "https://h/x?a=1&b=${x}")
        #expect(p.sandbox.env.set["A"] == "${literal}")
        #expect(p.sandbox.limits.output == nil)
        #expect(p.sandbox.limits.memory == nil)
        #expect(p.approvals.timeout == 5400)
        #expect(p.gate.block[2] == "unicode ✓ \u{2028}")
        #expect(p.environment == "yes")
    }

    @Test(
        "scalars are plain only when nothing could misread them",
        arguments: [
            ("shell", "shell"), ("/usr/bin", "/usr/bin"), ("~/.ssh", "~/.ssh"), ("web_search", "web_search"),
            ("", #""""#), ("yes", #""yes""#), ("Null", #""Null""#), ("~", #""~""#), ("2.1", #""2.1""#),
            ("-f", #""-f""#),
            ("a b", #""a b""#), ("a: b", #""a: b""#), ("#x", ##""#x""##), ("*", #""*""#), ("a\u{85}b", #""a\u0085b""#),
            ("q\"", #""q\"""#), ("\u{1}", #""\u0001""#), ("4GiB", "4GiB"), ("1.5s", "1.5s"), ("10m", "10m"),
            ("1500", #""1500""#), ("1e3", #""1e3""#), ("0x1F", #""0x1F""#), ("1.2.3s", #""1.2.3s""#),
            ("5 s", #""5 s""#),
        ])
    func quoting(value: String, rendered: String) {
        #expect(PolicyYAML.scalar(value) == rendered)
    }

    @Test("output is deterministic: dictionaries are sorted")
    func deterministic() throws {
        let a = try load("sandbox:\n  env: {set: {Z: z, A: a, M: m}}\n")
        let b = try load("sandbox:\n  env: {set: {M: m, Z: z, A: a}}\n")
        #expect(PolicyYAML.render(a).contains("\n    set:\n      A: a\n      M: m\n      Z: z\n"))
        #expect(
            PolicyYAML.render(a).split(separator: "\n").dropFirst(2)
                == PolicyYAML.render(b).split(separator: "\n").dropFirst(2))
    }
}
