import CordonBase
import Testing

@testable import CordonPolicy

/// One bad policy and the exact error lines it must produce.
struct BadPolicy: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var errors: [String]
    var environment: [String: String] = [:]
    var testDescription: String { name }
}

@Suite("policy errors", .timeLimit(.minutes(10)))
struct PolicyErrorTests {
    static let cases: [BadPolicy] = [
        BadPolicy(
            name: "misspelt top-level key", yaml: "agentid: x\n",
            errors: ["test.yaml:1:1: unknown key 'agentid' at the top level (did you mean 'agent_id'?)"]),
        BadPolicy(
            name: "misspelt section key", yaml: "sandbox:\n  timout: 10s\n",
            errors: ["test.yaml:2:3: unknown key 'timout' in sandbox (did you mean 'timeout'?)"]),
        BadPolicy(
            name: "unknown key without a near match", yaml: "gate:\n  frobnicate: 1\n",
            errors: ["test.yaml:2:3: unknown key 'frobnicate' in gate"]),
        BadPolicy(
            name: "a policy that is a list", yaml: "- a\n- b\n",
            errors: ["test.yaml:1:1: not a cordon policy: the document is a list, not a mapping of policy keys"]),
        BadPolicy(
            name: "a section that is a list", yaml: "sandbox: [1]\n",
            errors: ["test.yaml:1:10: sandbox must be a mapping, found a list"]),
        BadPolicy(
            name: "a list where a string belongs", yaml: "agent_id: [a]\n",
            errors: ["test.yaml:1:11: agent_id must be a string, found a list"]),
        BadPolicy(
            name: "a string where a list belongs", yaml: "gate:\n  allow: shell\n",
            errors: ["test.yaml:2:10: gate.allow must be a list, found 'shell'"]),
        BadPolicy(
            name: "a malformed duration", yaml: "sandbox:\n  timeout: soon\n",
            errors: [
                "test.yaml:2:12: sandbox.timeout must be a duration like 90s, 10m, 1h or 1.5s (a plain number is seconds), found 'soon'"
            ]),
        BadPolicy(
            name: "an absurd timeout", yaml: "sandbox:\n  timeout: 99999999999h\n",
            errors: ["test.yaml:2:12: sandbox.timeout must be at most 3650 days, found '99999999999h'"]),
        BadPolicy(
            name: "nesting beyond any sensible policy", yaml: "a: " + String(repeating: "[", count: 100) + "\n",
            errors: ["test.yaml:1:67: nesting deeper than 64 levels"]),
        BadPolicy(
            name: "a zero timeout", yaml: "sandbox:\n  timeout: 0s\n",
            errors: ["test.yaml:2:12: sandbox.timeout must be longer than 0s"]),
        BadPolicy(
            name: "a malformed size", yaml: "sandbox:\n  limits:\n    memory: 1 gig\n",
            errors: [
                "test.yaml:3:13: sandbox.limits.memory must be a size like 512MiB, 1GiB, 10MB, a number of bytes, or unlimited, found '1 gig'"
            ]),
        BadPolicy(
            name: "a zero process limit", yaml: "sandbox:\n  limits: {processes: 0}\n",
            errors: [
                "test.yaml:2:23: sandbox.limits.processes must be an integer from 1 to 4194304, or unlimited, found '0'"
            ]),
        BadPolicy(
            name: "fractional CPU seconds", yaml: "sandbox:\n  limits: {cpu: 1.5s}\n",
            errors: [
                "test.yaml:2:17: sandbox.limits.cpu must be whole CPU seconds (e.g. 30, 5m) or unlimited, found '1.5s'"
            ]),
        BadPolicy(
            name: "a tiny log size", yaml: "log:\n  max_size: 100\n",
            errors: ["test.yaml:2:13: log.max_size must be at least 4KiB, found '100'"]),
        BadPolicy(
            name: "a count that is not a number", yaml: "log:\n  keep: many\n",
            errors: ["test.yaml:2:9: log.keep must be an integer from 0 to 1000, found 'many'"]),
        BadPolicy(
            name: "YAML 1.1 booleans", yaml: "monitor:\n  enabled: yes\n",
            errors: ["test.yaml:2:12: monitor.enabled must be true or false, found 'yes'"]),
        BadPolicy(
            name: "an unknown enum value lists the valid ones", yaml: "monitor:\n  sensitivity: extreme\n",
            errors: ["test.yaml:2:16: monitor.sensitivity: unknown value 'extreme' (valid: low, medium, high)"]),
        BadPolicy(
            name: "a near-miss enum value gets a suggestion", yaml: "sandbox:\n  network: nones\n",
            errors: [
                "test.yaml:2:12: sandbox.network: unknown value 'nones' (valid: none, host, allow-list, domains; did you mean 'none'?)"
            ]),
        BadPolicy(
            name: "scores above 100", yaml: "scan:\n  min_score: 101\n",
            errors: ["test.yaml:2:14: scan.min_score must be an integer from 0 to 100, found '101'"]),
        BadPolicy(
            name: "unknown scan levels", yaml: "scan:\n  fail_on: [critical, SEVERE]\n",
            errors: ["test.yaml:2:23: scan.fail_on[1]: unknown value 'SEVERE' (valid: CRITICAL, HIGH, MEDIUM, LOW)"]),
        BadPolicy(
            name: "thresholds out of order", yaml: "gate:\n  thresholds:\n    require_approval: 90\n    block: 70\n",
            errors: [
                "test.yaml:3:23: gate.thresholds.require_approval (90) must not be above gate.thresholds.block (70)"
            ]),
        BadPolicy(
            name: "a threshold out of range does not also report the order",
            yaml: "gate:\n  thresholds: {require_approval: 90, block: 150}\n",
            errors: ["test.yaml:2:45: gate.thresholds.block must be an integer from 0 to 100, found '150'"]),
        BadPolicy(
            name: "AgentCop's container mode",
            yaml: "sandbox:\n  mode: container\n  image: python:3.12-slim\n",
            errors: [
                "test.yaml:2:9: sandbox.mode 'container' is not supported: cordon does not run container images. Unpack the image into a directory with `docker export $(docker create python:3.12-slim) | tar -x -C DIR` (or build one with `debootstrap stable DIR`), then use `mode: rootfs` with `root: DIR`"
            ]),
        BadPolicy(
            name: "an image without container mode", yaml: "sandbox:\n  image: alpine\n",
            errors: [
                "test.yaml:2:10: sandbox.image only goes with mode: container, which cordon does not run; use mode: rootfs with root: DIR"
            ]),
        BadPolicy(
            name: "rootfs without a root", yaml: "sandbox:\n  mode: rootfs\n",
            errors: ["test.yaml:2:9: sandbox.mode rootfs needs sandbox.root: DIR, an unpacked image directory"]),
        BadPolicy(
            name: "a root without rootfs", yaml: "sandbox:\n  root: /srv/img\n",
            errors: ["test.yaml:2:9: sandbox.root only applies to mode: rootfs (the mode here is namespaces)"]),
        BadPolicy(
            name: "landlock mode cannot require namespaces",
            yaml: "sandbox:\n  mode: landlock\n  require: [namespaces]\n",
            errors: ["test.yaml:3:12: sandbox.require lists namespaces, but mode: landlock runs without namespaces"]),
        BadPolicy(
            name: "an unknown layer", yaml: "sandbox:\n  require: [namespace]\n",
            errors: [
                "test.yaml:2:13: sandbox.require[0]: unknown value 'namespace' (valid: namespaces, landlock, seccomp, cgroups; did you mean 'namespaces'?)"
            ]),
        BadPolicy(
            name: "an allow-list without entries", yaml: "sandbox:\n  network: allow-list\n",
            errors: [
                "test.yaml:2:12: sandbox.network allow-list needs sandbox.network_allow entries (host:port or CIDR:port)"
            ]),
        BadPolicy(
            name: "entries without an allow-list", yaml: "sandbox:\n  network_allow: [\"a.com:443\"]\n",
            errors: [
                "test.yaml:2:18: sandbox.network_allow only applies to network: allow-list (the network here is none)"
            ]),
        BadPolicy(
            name: "malformed endpoints",
            yaml:
                "sandbox:\n  network: allow-list\n  network_allow: [a.com, \"b.com:99999\", \"10.0.0.0/33:5432\", \"::1:443\"]\n",
            errors: [
                "test.yaml:3:19: sandbox.network_allow[0] must be host:port or CIDR:port (e.g. api.example.com:443, 10.0.0.0/8:5432), found 'a.com': no port",
                "test.yaml:3:26: sandbox.network_allow[1] must be host:port or CIDR:port (e.g. api.example.com:443, 10.0.0.0/8:5432), found 'b.com:99999': port must be 1-65535 or *",
                "test.yaml:3:41: sandbox.network_allow[2] must be host:port or CIDR:port (e.g. api.example.com:443, 10.0.0.0/8:5432), found '10.0.0.0/33:5432': prefix length must be 0-32",
                "test.yaml:3:61: sandbox.network_allow[3] must be host:port or CIDR:port (e.g. api.example.com:443, 10.0.0.0/8:5432), found '::1:443': write IPv6 addresses in brackets, [::1]:443",
            ]),
        BadPolicy(
            name: "relative host paths", yaml: "sandbox:\n  filesystem:\n    tmpfs: [tmp]\n",
            errors: [
                "test.yaml:3:13: sandbox.filesystem.tmpfs[0] must be an absolute path or start with ~/, found 'tmp'"
            ]),
        BadPolicy(
            name: "a seccomp profile given as a path", yaml: "sandbox:\n  seccomp: ../../etc/x\n",
            errors: [
                "test.yaml:2:12: sandbox.seccomp must be a profile name from sandbox/seccomp/ (letters, digits, - and _), found '../../etc/x'"
            ]),
        BadPolicy(
            name: "a seccomp profile is never taken from the environment", yaml: "sandbox:\n  seccomp: ${PROFILE}\n",
            errors: [
                "test.yaml:2:12: sandbox.seccomp must be a profile name from sandbox/seccomp/ (letters, digits, - and _), found '${PROFILE}'"
            ], environment: ["PROFILE": "default"]),
        BadPolicy(
            name: "a sandbox that maps to host root", yaml: "sandbox:\n  uid: 0\n",
            errors: ["test.yaml:2:8: sandbox.uid must be an integer from 1 to 4294967294, found '0'"]),
        BadPolicy(
            name: "bad environment variable names",
            yaml: "sandbox:\n  env:\n    pass: [PATH, 1X]\n    set: {\"A-B\": x}\n",
            errors: [
                "test.yaml:3:18: sandbox.env.pass[1] must be a variable name (letters, digits and _), found '1X'",
                "test.yaml:4:11: sandbox.env.set: 'A-B' is not a variable name (letters, digits and _)",
            ]),
        BadPolicy(
            name: "an unset variable", yaml: "agent_id: ${AGENT}\n",
            errors: [
                "test.yaml:1:11: environment variable AGENT is not set (used in agent_id; write ${AGENT:-default} for an optional value)"
            ]),
        BadPolicy(
            name: "a malformed expansion", yaml: "agent_id: \"${AGENT\"\nenvironment: \"${1X}\"\n",
            errors: [
                "test.yaml:1:11: '${' without a closing '}' in agent_id (write $${ for a literal ${)",
                "test.yaml:2:14: '${1X}' in environment is not a valid variable name (letters, digits and _; write $${ for a literal ${)",
            ]),
        BadPolicy(
            name: "alert channels without a type, of an unknown type, or with a bad url",
            yaml: """
                monitor:
                  alert_channels:
                    - url: https://x
                    - type: pager
                    - type: webhook
                      url: ftp://x
                    - type: email
                """,
            errors: [
                "test.yaml:3:7: monitor.alert_channels[0] needs a type (webhook, slack, command, email, file, stderr)",
                "test.yaml:4:13: monitor.alert_channels[1].type: unknown value 'pager' (valid: webhook, slack, command, email, file, stderr)",
                "test.yaml:6:12: monitor.alert_channels[2].url must start with https:// or http://, found 'ftp://x'",
                "test.yaml:7:7: monitor.alert_channels[3]: a email channel needs 'to'",
            ]),
        BadPolicy(
            name: "rules without id, decision or match",
            yaml: "gate:\n  rules:\n    - reason: nothing\n",
            errors: [
                "test.yaml:3:7: gate.rules[0] needs an id",
                "test.yaml:3:7: gate.rules[0] needs a decision (allow, requires_approval, block)",
                "test.yaml:3:7: gate.rules[0] needs a match (one or more of tool, action_type, environment, context, command)",
            ]),
        BadPolicy(
            name: "rule problems",
            yaml: """
                gate:
                  rules:
                    - id: a
                      match: {}
                      decision: deny
                      score: 120
                    - id: a
                      match: {tool: x, verb: y}
                      decision: block
                      examples: {match: [[1]], maybe: []}
                """,
            errors: [
                "test.yaml:4:14: gate.rules[0].match must name at least one of tool, action_type, environment, context, command (an empty match would match every action)",
                "test.yaml:5:17: gate.rules[0].decision: unknown value 'deny' (valid: allow, requires_approval, block)",
                "test.yaml:6:14: gate.rules[0].score must be an integer from 0 to 100, found '120'",
                "test.yaml:7:11: duplicate rule id 'a' (first at line 3, column 11)",
                "test.yaml:8:24: unknown key 'verb' in gate.rules[1].match",
                "test.yaml:10:26: gate.rules[1].examples.match[0] must be a string, found a list",
                "test.yaml:10:32: unknown key 'maybe' in gate.rules[1].examples",
            ]),
        BadPolicy(
            name: "empty command patterns", yaml: "gate:\n  commands:\n    block: [\"  \"]\n",
            errors: [
                "test.yaml:3:13: gate.commands.block[0] must not be empty (an empty pattern would match every command)"
            ]),
        BadPolicy(
            name: "exceptions without detector or match", yaml: "gate:\n  exceptions:\n    - reason: trust me\n",
            errors: [
                "test.yaml:3:7: gate.exceptions[0] needs a detector",
                "test.yaml:3:7: gate.exceptions[0] needs a match (the commands the detector is silenced for)",
            ]),
        BadPolicy(
            name: "duplicate keys", yaml: "sandbox:\n  timeout: 1s\n  timeout: 2s\n",
            errors: ["test.yaml:3:3: duplicate key 'timeout' (first at line 2, column 3)"]),
        BadPolicy(
            name: "YAML syntax errors", yaml: "gate:\n  allow: [shell\n",
            errors: [
                "test.yaml:3:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2)"
            ]),
        BadPolicy(
            name: "aliases", yaml: "gate:\n  allow: &tools [a]\n  block: *tools\n",
            errors: ["test.yaml:3:10: aliases (*name) are not supported in policies; write the value out"]),
        BadPolicy(
            name: "two documents", yaml: "agent_id: a\n---\nagent_id: b\n",
            errors: ["test.yaml:2:1: a policy file holds one YAML document; found a second '---'"]),
        BadPolicy(
            name: "a key that is not a string", yaml: "? [a]\n: b\n",
            errors: ["test.yaml:1:3: mapping keys must be plain strings, found a list"]),
        BadPolicy(
            name: "a rule id with spaces",
            yaml: "gate:\n  rules:\n    - {id: my rule, match: {tool: x}, decision: block}\n",
            errors: ["test.yaml:3:12: gate.rules[0].id must be a non-empty name without spaces, found 'my rule'"]),
        BadPolicy(
            name: "an alert channel written as a string", yaml: "monitor:\n  alert_channels: [webhook]\n",
            errors: ["test.yaml:2:20: monitor.alert_channels[0] must be a mapping with a type, found 'webhook'"]),
        BadPolicy(
            name: "a webhook without a url", yaml: "monitor:\n  alert_channels: [{type: webhook, secret: s}]\n",
            errors: ["test.yaml:2:20: monitor.alert_channels[0]: a webhook channel needs 'url'"]),
        BadPolicy(
            name: "a channel setting that does not belong to its type",
            yaml: "monitor:\n  alert_channels: [{type: stderr, url: x}]\n",
            errors: ["test.yaml:2:35: unknown key 'url' in monitor.alert_channels[0]"]),
        BadPolicy(
            name: "alert channels in the AgentCop shape, each wrong in its own way",
            yaml: """
                monitor:
                  alert_channels:
                    - {type: slack, webhook: "hooks.slack.com/x"}
                    - {type: slack, webhook: "https://a", url: "https://b"}
                    - {type: command, argv: []}
                    - {type: command, argv: notify}
                    - {type: command}
                    - {type: email, to: "ops"}
                    - {type: file, path: /tmp/a, min_level: severe}
                """,
            errors: [
                "test.yaml:3:30: monitor.alert_channels[0].webhook must start with https:// or http://, found 'hooks.slack.com/x'",
                "test.yaml:4:48: monitor.alert_channels[1]: a slack channel takes 'webhook' or 'url', not both",
                "test.yaml:5:29: monitor.alert_channels[2].argv must name a program (a path or a name on PATH), found an empty list",
                "test.yaml:6:29: monitor.alert_channels[3].argv must be a list, found 'notify'",
                "test.yaml:7:7: monitor.alert_channels[4]: a command channel needs 'argv' (a list: program and arguments)",
                "test.yaml:8:25: monitor.alert_channels[5].to must be an email address like ops@example.com, found 'ops'",
                "test.yaml:9:45: monitor.alert_channels[6].min_level: unknown value 'severe' (valid: low, medium, high, critical)",
            ]),
        BadPolicy(
            name: "alert triggers and delivery out of range",
            yaml: """
                monitor:
                  alert_on: {approval_wait: soon, tamper: yes, page: true}
                  alert_delivery: {timeout: 0s, drain: 5m, retries: 11, queue: 0}
                """,
            errors: [
                "test.yaml:2:29: monitor.alert_on.approval_wait must be a duration like 5m or 90s, or off, found 'soon'",
                "test.yaml:2:43: monitor.alert_on.tamper must be true or false, found 'yes'",
                "test.yaml:2:48: unknown key 'page' in monitor.alert_on",
                "test.yaml:3:29: monitor.alert_delivery.timeout must be longer than 0s",
                "test.yaml:3:40: monitor.alert_delivery.drain must be at most 1m, found '5m'",
                "test.yaml:3:53: monitor.alert_delivery.retries must be an integer from 0 to 10, found '11'",
                "test.yaml:3:64: monitor.alert_delivery.queue must be an integer from 1 to 100000, found '0'",
            ]),
        BadPolicy(
            name: "context that is not a mapping",
            yaml: "gate:\n  rules:\n    - {id: r, match: {context: [a]}, decision: block}\n",
            errors: ["test.yaml:3:32: gate.rules[0].match.context must be a mapping, found a list"]),
        BadPolicy(
            name: "a mapping in a list of names", yaml: "gate:\n  block: [rm, {x: 1}]\n",
            errors: ["test.yaml:2:15: gate.block[1] must be a string, found a mapping"]),
        BadPolicy(
            name: "an IPv6 prefix too long",
            yaml: "sandbox:\n  network: allow-list\n  network_allow: [\"[fd00::/129]:443\"]\n",
            errors: [
                "test.yaml:3:19: sandbox.network_allow[0] must be host:port or CIDR:port (e.g. api.example.com:443, 10.0.0.0/8:5432), found '[fd00::/129]:443': prefix length must be 0-128"
            ]),
        BadPolicy(
            name: "an empty workspace", yaml: "sandbox:\n  filesystem: {workspace: \"\"}\n",
            errors: ["test.yaml:2:27: sandbox.filesystem.workspace must not be empty (use . for the working directory)"]
        ),
        BadPolicy(
            name: "an env value that is not a string", yaml: "sandbox:\n  env: {set: {A: [1]}}\n",
            errors: ["test.yaml:2:18: sandbox.env.set.A must be a string, found a list"]),
        BadPolicy(
            name: "an unknown monitor event", yaml: "monitor:\n  events: [exec, fork]\n",
            errors: [
                "test.yaml:2:18: monitor.events[1]: unknown value 'fork' (valid: exec, connect, file_write, unlink, rename, chmod, chown, truncate, link, mknod)"
            ]),
        BadPolicy(
            name: "an unknown on_block action", yaml: "gate:\n  on_block: raise_alert\n",
            errors: ["test.yaml:2:13: gate.on_block: unknown value 'raise_alert' (valid: raise, raise_and_alert, log)"]),
        BadPolicy(
            name: "extends with a list", yaml: "extends: [default]\n",
            errors: ["test.yaml:1:10: extends must be default, strict or a path to a policy file, found a list"]),
    ]

    @Test("each mistake is reported with its message and position", arguments: cases)
    func reports(bad: BadPolicy) {
        #expect(errorLines(bad.yaml, environment: bad.environment) == bad.errors)
    }

    @Test("all errors in a file are reported, in file order, not just the first")
    func collectsAll() {
        let yaml = """
            sandbox:
              timeout: forever
              limits: {memory: lots}
            gate:
              thresholds: {block: 101}
            monitor:
              sensitivity: max
            agnet_id: x
            """
        let lines = errorLines(yaml)
        #expect(lines.count == 5)
        #expect(
            lines.map { $0.split(separator: ":").prefix(3).joined(separator: ":") } == [
                "test.yaml:2:12", "test.yaml:3:20", "test.yaml:5:23", "test.yaml:7:16", "test.yaml:8:1",
            ])
    }

    @Test("an empty file, or a comment only, is the built-in defaults")
    func empty() throws {
        for text in ["", "# nothing\n", "---\n"] {
            var p = try load(text)
            #expect(p.source.sha256 == SHA256.hex(text))
            p.source = Policy().source
            #expect(p == Policy())
        }
    }

    @Test("an unreadable policy file is an error naming the file")
    func unreadable() {
        #expect(
            throws: PolicyLoadFailure([
                PolicyError(
                    SourceLocation(file: "missing.yaml", line: 1, column: 1),
                    "cannot read policy: No such file or directory")
            ])
        ) {
            try memoryLoader([:]).load(path: "missing.yaml")
        }
    }

    @Test("a directory, a missing file or an endless one is not read as a policy")
    func notAPolicyFile() {
        #expect(throws: PolicyFileError("is a directory")) { try PolicyFiles.read(repositoryRoot).get() }
        #expect(throws: PolicyFileError("No such file or directory")) {
            try PolicyFiles.read("/nonexistent/p.yaml").get()
        }
        // An endless file stops at the size cap instead of filling memory.
        #expect(throws: PolicyFileError("larger than 1MiB; not a policy file")) {
            try PolicyFiles.read("/dev/zero").get()
        }
    }

    @Test("the error description is FILE:LINE:COL: message, one per line")
    func description() {
        let failure = PolicyLoadFailure([
            PolicyError(SourceLocation(file: "a.yaml", line: 3, column: 5), "x"),
            PolicyError(SourceLocation(file: "a.yaml", line: 4, column: 1), "y"),
        ])
        #expect(failure.description == "a.yaml:3:5: x\na.yaml:4:1: y")
    }

    // Regression (security issue D.10): a writable `extends:` parent rewritten to name
    // /etc/shadow made `cordon run` as root print every line of it as an "unknown key".
    @Test(
        "a file that is no policy is refused in one line, without its text",
        arguments: [
            "root:$6$salt$hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
            "just some text\nsecond line with a token\n",
            "- alpha\n- beta\n",
        ])
    func notAPolicy(_ text: String) {
        let loader = memoryLoader(["secret.txt": text, "p.yaml": "extends: secret.txt\n"])
        do {
            _ = try loader.load(path: "p.yaml")
            Issue.record("a non-policy parent loaded")
        } catch {
            #expect(error.errors.count == 1, "\(error.errors)")
            let message = error.errors.map(\.description).joined()
            #expect(message.contains("not a cordon policy"), "\(message)")
            for word in ["root", "hash", "daemon", "token", "text", "alpha"] {
                #expect(!message.contains(word), "the file's text is in the error: \(message)")
            }
        }
    }
}
