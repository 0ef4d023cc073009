// `cordon hook DIALECT` end to end: the built binary fed each harness's payloads (fixtures
// written from Claude Code's, Codex's, Gemini CLI's and Cline's hook documentation) on stdin,
// checked for the exact bytes on stdout, the exit status, stderr and the gate.log line. Every
// failure of cordon's own must come back in the harness's blocking form.
import CordonBase
import CordonTestSupport
import Foundation
import Testing

private let fixtures = Repository.path("Tests/CordonCLITests/Fixtures/hooks")

private func fixture(_ dialect: String, _ name: String) throws -> String {
    try String(contentsOfFile: "\(fixtures)/\(dialect)/\(name).json", encoding: .utf8)
}

/// A throwaway project directory: the hook runs there, so gate.log and state.db land in its
/// `.cordon/` (the default log directory, which the approve command then need not name).
private final class HookProject: @unchecked Sendable {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cordon-hook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.resolvingSymlinksInPath().path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func cordon(_ args: [String], stdin: String? = nil, env: [String: String] = [:], limit: Double = 30) throws
        -> Result
    {
        try Shell.cordon(args, cwd: path, env: ["CORDON_HOME": ""].merging(env) { $1 }, stdin: stdin, limit: limit)
    }

    func hook(_ dialect: String, _ name: String, _ extra: [String] = []) throws -> Result {
        try cordon(["hook", dialect] + extra, stdin: try fixture(dialect, name))
    }

    var gateLog: [String] {
        ((try? String(contentsOfFile: path + "/.cordon/gate.log", encoding: .utf8)) ?? "").split(separator: "\n").map(
            String.init)
    }

    func pendingApprovals() throws -> [String] {
        let r = try cordon(["approvals", "list", "--json"])
        return r.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0))["id"]?.stringValue }
    }
}

/// Approval ids are random: `A-XXXXX` stands for the one in the answer.
private func maskingApproval(_ s: String) -> (text: String, id: String?) {
    guard let r = s.range(of: #"A-[0-9A-Z]{5}"#, options: .regularExpression) else { return (s, nil) }
    let id = String(s[r])
    return (s.replacingOccurrences(of: id, with: "A-XXXXX"), id)
}

private let blockedReason =
    "cordon: blocked (score 100, critical, rule remote-code-execution): remote code execution: curl output is run by sh; curl talks to another host (x)"
private let approvalReasons =
    "(score 60, high, rule network-egress): 'git' matches gate.commands.require_approval entry 'git push'; git push talks to a remote repository"
private let queuedReason =
    "cordon: needs approval \(approvalReasons). Queued as approval A-XXXXX; a person can approve it with 'cordon approvals approve A-XXXXX --remember session', then retry."

private func claudeOutput(_ decision: String, _ reason: String, event: String = "PreToolUse") -> String {
    "{\"hookSpecificOutput\":{\"hookEventName\":\"\(event)\",\"permissionDecision\":\"\(decision)\",\"permissionDecisionReason\":\(json(reason))}}\n"
}

private func json(_ s: String) -> String { JSONValue.string(s).serialized() }

struct HookCase: CustomTestStringConvertible, Sendable {
    var dialect: String
    var fixture: String
    var stdout: String
    var status: Int32
    /// The approval the answer names stays pending in the store.
    var queues = false
    var testDescription: String { "\(dialect) \(fixture)" }
}

private let cases: [HookCase] = [
    // Claude Code: allow / deny / ask.
    HookCase(
        dialect: "claude", fixture: "harmless", stdout: claudeOutput("allow", "cordon: allowed (score 0, safe)"),
        status: 0),
    HookCase(dialect: "claude", fixture: "blocked", stdout: claudeOutput("deny", blockedReason), status: 0),
    HookCase(
        dialect: "claude", fixture: "approval",
        stdout: claudeOutput("ask", "cordon: needs your approval \(approvalReasons)"), status: 0),
    // Codex enforces deny only: silence lets the call through; approval becomes a named deny.
    HookCase(dialect: "codex", fixture: "harmless", stdout: "", status: 0),
    HookCase(dialect: "codex", fixture: "blocked", stdout: claudeOutput("deny", blockedReason), status: 0),
    HookCase(
        dialect: "codex", fixture: "approval", stdout: claudeOutput("deny", queuedReason), status: 0, queues: true),
    // Gemini CLI.
    HookCase(dialect: "gemini", fixture: "harmless", stdout: "{\"decision\":\"allow\"}\n", status: 0),
    HookCase(
        dialect: "gemini", fixture: "blocked", stdout: "{\"decision\":\"deny\",\"reason\":\(json(blockedReason))}\n",
        status: 0),
    HookCase(
        dialect: "gemini", fixture: "approval", stdout: "{\"decision\":\"deny\",\"reason\":\(json(queuedReason))}\n",
        status: 0, queues: true),
    // Cline.
    HookCase(dialect: "cline", fixture: "harmless", stdout: "{\"cancel\":false}\n", status: 0),
    HookCase(
        dialect: "cline", fixture: "blocked",
        stdout: "{\"cancel\":true,\"errorMessage\":\(json(blockedReason))}\n", status: 0),
    HookCase(
        dialect: "cline", fixture: "approval",
        stdout: "{\"cancel\":true,\"errorMessage\":\(json(queuedReason))}\n", status: 0, queues: true),
]

/// The malformed fixtures are the harmless payloads cut in half.
private let malformed = ["claude", "codex", "gemini", "cline"]

@Suite("cordon hook", .timeLimit(.minutes(5)))
struct HookTests {
    @Test("each harness's harmless, blocked and approval payloads get its documented answer", arguments: cases)
    func answers(_ c: HookCase) throws {
        let p = try HookProject()
        let r = try p.hook(c.dialect, c.fixture)
        let (out, id) = maskingApproval(r.stdout)
        #expect(out == c.stdout)
        #expect(r.status == c.status)
        #expect(r.stderr == "")
        let log = p.gateLog
        #expect(log.count == (c.queues ? 2 : 1), "\(log)")
        let decision = ["harmless": "allow", "blocked": "block", "approval": "requires_approval"][c.fixture] ?? "?"
        let session =
            [
                "claude": "3f2c9a1e-claude-session", "codex": "0199a8f2-codex-session",
                "gemini": "gemini-session-42", "cline": "task-1765000000",
            ][c.dialect] ?? "?"
        let agent = ["claude": "claude-code", "codex": "codex", "gemini": "gemini-cli", "cline": "cline"][c.dialect]
        #expect(log.first?.contains(" decision=\(decision) ") == true, "\(log)")
        #expect(log.first?.contains(" agent=\(agent ?? "?") session=\(session) ") == true, "\(log)")
        #expect(log.first?.contains(" source=hook ") == true)
        if c.queues {
            #expect(id != nil)
            #expect(try p.pendingApprovals() == [id ?? ""])
            #expect(log.last?.contains("source=approval") == true)
        } else {
            #expect(try p.pendingApprovals().isEmpty)
        }
    }

    @Test("a malformed payload is blocked in the harness's blocking form, said on stderr and logged")
    func malformedPayloads() throws {
        for dialect in malformed {
            let p = try HookProject()
            let r = try p.hook(dialect, "malformed")
            let message = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(message.hasPrefix("cordon: error: hook \(dialect): payload <stdin>:"), "\(r.stderr)")
            #expect(message.hasSuffix("(blocked: cordon fails closed)"))
            #expect(r.stderr.contains("hint: the harness sends one JSON object on stdin; see docs/hooks.md"))
            if dialect == "cline" {
                // Cline has no blocking exit status: the refusal is its cancel answer.
                let reason = String(message.dropFirst("cordon: error: ".count))
                #expect(r.stdout == "{\"cancel\":true,\"errorMessage\":\(json("cordon: " + reason))}\n")
                #expect(r.status == 0)
            } else {
                #expect(r.stdout == "")
                #expect(r.status == 2)
            }
            let log = p.gateLog
            #expect(log.count == 1)
            #expect(
                log.first?.contains("decision=block score=0 level=safe agent=\(HookTests.agent(dialect)) ") == true,
                "\(log)")
            #expect(log.first?.contains(" source=hook ") == true && log.first?.contains(" rule=hook-error ") == true)
        }
    }

    static func agent(_ d: String) -> String {
        ["claude": "claude-code", "codex": "codex", "gemini": "gemini-cli", "cline": "cline"][d] ?? d
    }

    struct FailureCase: CustomTestStringConvertible, Sendable {
        var args: [String]
        /// `dialect/name` of a fixture, or the literal payload.
        var fixture: String?
        var stdin = ""
        var message: String
        var testDescription: String { message }
    }

    @Test(
        "cordon's own failures block: wrong event, missing command, not an object, empty input, bad policy, unwritable log, bad option",
        arguments: [
            FailureCase(
                args: ["hook", "claude"], fixture: "claude/post-tool-use",
                message:
                    "payload <stdin>: hook_event_name \"PostToolUse\": 'cordon hook claude' answers PreToolUse and PermissionRequest; register it only for those events"
            ),
            FailureCase(
                args: ["hook", "claude"], fixture: "claude/no-command",
                message: "payload <stdin>: tool_input.command: expected the command line of Bash as a non-empty string"),
            FailureCase(
                args: ["hook", "gemini"], fixture: nil, stdin: "[1,2]\n",
                message: "payload <stdin>: expected a JSON object"),
            FailureCase(args: ["hook", "codex"], fixture: nil, stdin: "", message: "payload <stdin>:1:1:"),
            FailureCase(
                args: ["hook", "claude", "--policy", "/nonexistent/policy.yaml"], fixture: "claude/harmless",
                message: "invalid policy /nonexistent/policy.yaml"),
            FailureCase(
                args: ["hook", "gemini", "--log-dir", "/dev/null/x"], fixture: "gemini/harmless",
                message: "cannot write gate.log"),
            FailureCase(
                args: ["hook", "codex", "--approval", "ask"], fixture: "codex/approval",
                message: "--approval ask: codex cannot ask its user"),
            FailureCase(
                args: ["hook", "claude", "--bogus"], fixture: "claude/harmless", message: "unknown option --bogus"),
        ])
    func failuresBlock(_ c: FailureCase) throws {
        let p = try HookProject()
        var stdin = c.stdin
        if let f = c.fixture {
            let parts = f.split(separator: "/").map(String.init)
            stdin = try fixture(parts[0], parts[1])
        }
        let r = try p.cordon(c.args, stdin: stdin)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("cordon: error: hook \(c.args[1]): \(c.message)"), "\(r.stderr)")
        #expect(r.stderr.contains("(blocked: cordon fails closed)"))
    }

    @Test("Cline's blocking form for cordon's own failure is its cancel answer, for a hook file on the wrong event")
    func clineWrongHook() throws {
        let p = try HookProject()
        let r = try p.hook("cline", "wrong-hook")
        let reason =
            "cordon: hook cline: payload <stdin>: hookName \"TaskStart\": 'cordon hook cline' is the PreToolUse hook file only (blocked: cordon fails closed)"
        #expect(r.stdout == "{\"cancel\":true,\"errorMessage\":\(json(reason))}\n")
        #expect(r.status == 0)
        #expect(r.stderr.hasPrefix("cordon: error: hook cline: payload <stdin>: hookName \"TaskStart\""))
        #expect(r.stderr.contains("hint: register 'cordon hook cline' for PreToolUse only"))
    }

    @Test("an unknown harness is a usage error, not an answer")
    func unknownHarness() throws {
        let p = try HookProject()
        let r = try p.cordon(["hook", "claud"], stdin: try fixture("claude", "harmless"))
        #expect(r.status == 64)
        #expect(r.stdout == "")
        #expect(r.stderr.contains("did you mean 'cordon hook claude'?"))
    }

    @Test(
        "tool calls are judged by their arguments: a Write into .git/hooks asks, a subagent's Read is allowed as that agent"
    )
    func toolCalls() throws {
        let p = try HookProject()
        let w = try p.hook("claude", "write-git-hook")
        #expect(w.status == 0)
        #expect(
            w.stdout.hasPrefix(
                claudeOutput(
                    "ask",
                    "cordon: needs your approval (score 65, high, rule persistence): writes /home/dev/demo/.git/hooks/pre-commit: runs on git operations"
                ).dropLast(4)), "\(w.stdout)")
        let r = try p.hook("claude", "subagent-read")
        #expect(r.stdout == claudeOutput("allow", "cordon: allowed (score 0, safe)"))
        let log = p.gateLog
        #expect(log.count == 2)
        #expect(log.last?.contains(" agent=agent-explore-1 session=3f2c9a1e-claude-session ") == true, "\(log)")
        #expect(log.last?.contains(" action=toolu_01read ") == true)
    }

    @Test("--allow-answer none leaves an allowed call to Claude Code's own prompts; a block is still denied")
    func quietAllow() throws {
        let p = try HookProject()
        let allowed = try p.hook("claude", "harmless", ["--allow-answer", "none"])
        #expect(allowed.stdout == "")
        #expect(allowed.status == 0)
        #expect(p.gateLog.first?.contains(" decision=allow ") == true)
        let blocked = try p.hook("claude", "blocked", ["--allow-answer", "none"])
        #expect(blocked.stdout == claudeOutput("deny", blockedReason))
        let gemini = try p.hook("gemini", "harmless", ["--allow-answer", "none"])
        #expect(gemini.status == 2)
        #expect(gemini.stderr.hasPrefix("cordon: error: hook gemini: --allow-answer is for claude"))
    }

    @Test("--approval queue answers deny when a person rejects, with their note")
    func queueRejected() throws {
        let p = try HookProject()
        let key = p.path + "/approver.key"
        #expect(try p.cordon(["approvals", "key", "--output", key]).status == 0)
        let approver = Thread {
            for _ in 0..<200 {
                if let id = try? p.pendingApprovals().first {
                    _ = try? p.cordon(["approvals", "reject", id, "--key", key, "--note", "not today"])
                    return
                }
                usleep(50_000)
            }
        }
        approver.start()
        let r = try p.hook("claude", "approval", ["--approval", "queue", "--wait", "20"])
        let (out, _) = maskingApproval(r.stdout)
        #expect(
            out.hasPrefix(claudeOutput("deny", "cordon: approval A-XXXXX rejected by key (").dropLast(4)), "\(r.stdout)"
        )
        #expect(out.contains("): not today (score 60, high, rule network-egress)"), "\(r.stdout)")
    }

    @Test("Claude's PermissionRequest dialog is denied for a blocked command")
    func permissionRequest() throws {
        let p = try HookProject()
        let r = try p.hook("claude", "permission-request")
        #expect(
            r.stdout
                == "{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\",\"decision\":{\"behavior\":\"deny\",\"message\":\(json(blockedReason))}}}\n"
        )
        #expect(r.status == 0)
    }

    @Test("Codex's shell tool with an argv, and apply_patch by the files it writes")
    func codexTools() throws {
        let p = try HookProject()
        let argv = try p.hook("codex", "shell-argv")
        #expect(argv.stdout == claudeOutput("deny", blockedReason))
        let patch = try p.hook("codex", "apply-patch")
        let (out, _) = maskingApproval(patch.stdout)
        #expect(
            out
                == claudeOutput(
                    "deny",
                    "cordon: needs approval (score 60, high, rule persistence): writes .git/hooks/post-checkout: runs on git operations. Queued as approval A-XXXXX; a person can approve it with 'cordon approvals approve A-XXXXX --remember session', then retry."
                ), "\(patch.stdout)")
    }

    @Test("Cline's MCP call is judged under the mcp__server__tool name")
    func clineMCP() throws {
        let p = try HookProject()
        let r = try p.hook("cline", "mcp-tool")
        #expect(r.stdout == "{\"cancel\":false}\n")
        #expect(
            p.gateLog.first?.contains("cmd=\"mcp__github__search_issues {\\\"q\\\":\\\"cordon\\\"}\"") == true,
            "\(p.gateLog)")
    }

    @Test("an approval given with --remember session lets Codex's retry through; another session is still refused")
    func rememberedApproval() throws {
        let p = try HookProject()
        let first = try p.hook("codex", "approval")
        let id = try #require(maskingApproval(first.stdout).id)
        let key = p.path + "/approver.key"
        #expect(try p.cordon(["approvals", "key", "--output", key]).status == 0)
        let approved = try p.cordon(["approvals", "approve", id, "--remember", "session", "--key", key])
        #expect(approved.status == 0, "\(approved.stderr)")
        let retry = try p.hook("codex", "approval")
        #expect(retry.stdout == "")
        #expect(retry.status == 0)
        // The same command from Gemini's session is not covered by the Codex session's rule.
        let other = try p.hook("gemini", "approval")
        #expect(other.stdout.hasPrefix("{\"decision\":\"deny\""))
    }

    @Test("--approval queue waits for the decision and denies when nobody decides within --wait")
    func queueTimesOut() throws {
        let p = try HookProject()
        let r = try p.hook("gemini", "approval", ["--approval", "queue", "--wait", "1"])
        let (out, id) = maskingApproval(r.stdout)
        #expect(
            out
                == "{\"decision\":\"deny\",\"reason\":\(json("cordon: approval A-XXXXX expired by cordon (the hook waited 1 s, under the harness's timeout) \(approvalReasons)"))}\n",
            "\(r.stdout)")
        #expect(r.stderr.hasPrefix("cordon: waiting for approval \(id ?? "?") "))
        #expect(try p.pendingApprovals().isEmpty)
    }

    @Test("--approval queue answers allow once a person approves")
    func queueApproved() throws {
        let p = try HookProject()
        let key = p.path + "/approver.key"
        #expect(try p.cordon(["approvals", "key", "--output", key]).status == 0)
        let approver = Thread {
            for _ in 0..<200 {
                if let id = try? p.pendingApprovals().first {
                    _ = try? p.cordon(["approvals", "approve", id, "--key", key, "--note", "ok"])
                    return
                }
                usleep(50_000)
            }
        }
        approver.start()
        let r = try p.hook("cline", "approval", ["--approval", "queue", "--wait", "20"])
        let (out, _) = maskingApproval(r.stdout)
        #expect(out == "{\"cancel\":false}\n", "\(r.stdout) \(r.stderr)")
        #expect(r.status == 0)
    }
}

@Suite("cordon hook install")
struct HookInstallTests {
    @Test("--print shows the Claude Code entry, with the command given")
    func printEntry() throws {
        let p = try HookProject()
        let r = try p.cordon(["hook", "install", "claude", "--print", "--command", "cordon hook claude"])
        #expect(r.status == 0)
        #expect(
            r.stdout == """
                {
                  "hooks": {
                    "PreToolUse": [
                      {
                        "matcher": "*",
                        "hooks": [
                          {
                            "type": "command",
                            "command": "cordon hook claude",
                            "timeout": 600
                          }
                        ]
                      }
                    ]
                  }
                }

                """)
        #expect(!FileManager.default.fileExists(atPath: p.path + "/.claude/settings.json"))
    }

    @Test("install --user merges into existing settings, keeps a backup, and is idempotent")
    func mergeUser() throws {
        let p = try HookProject()
        let home = p.path + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.gemini", withIntermediateDirectories: true)
        let before =
            "{\"theme\":\"dark\",\"hooks\":{\"BeforeTool\":[{\"matcher\":\"write_file\",\"hooks\":[{\"type\":\"command\",\"command\":\"./lint.sh\"}]}]}}\n"
        try before.write(toFile: home + "/.gemini/settings.json", atomically: false, encoding: .utf8)
        let r = try p.cordon(
            ["hook", "install", "gemini", "--user", "--command", "/opt/cordon hook gemini"], env: ["HOME": home])
        #expect(r.status == 0, "\(r.stderr)")
        let after = try JSONValue.parse(try String(contentsOfFile: home + "/.gemini/settings.json", encoding: .utf8))
        #expect(after["theme"]?.stringValue == "dark")
        let entries = after["hooks"]?["BeforeTool"]?.arrayValue ?? []
        #expect(entries.count == 2)
        #expect(entries.first?["matcher"]?.stringValue == "write_file")
        #expect(entries.last?["hooks"]?[0]?["command"]?.stringValue == "/opt/cordon hook gemini")
        #expect(entries.last?["hooks"]?[0]?["timeout"]?.intValue == 600_000)
        let backups = try FileManager.default.contentsOfDirectory(atPath: home + "/.gemini").filter {
            $0.hasPrefix("settings.json.bak-")
        }
        #expect(backups.count == 1)
        #expect(try String(contentsOfFile: home + "/.gemini/" + (backups.first ?? ""), encoding: .utf8) == before)
        let again = try p.cordon(
            ["hook", "install", "gemini", "--user", "--command", "/opt/cordon hook gemini"], env: ["HOME": home])
        #expect(again.status == 0)
        #expect(again.stdout.contains("nothing changed"))
    }

    @Test("install into a project writes Codex's hooks.json; a malformed settings file is left alone")
    func projectAndMalformed() throws {
        let p = try HookProject()
        let r = try p.cordon(["hook", "install", "codex"])
        #expect(r.status == 0, "\(r.stderr)")
        let written = try JSONValue.parse(try String(contentsOfFile: p.path + "/.codex/hooks.json", encoding: .utf8))
        let command = written["hooks"]?["PreToolUse"]?[0]?["hooks"]?[0]?["command"]?.stringValue ?? ""
        #expect(command.hasPrefix("/") && command.hasSuffix("/cordon hook codex"), "\(command)")
        try FileManager.default.createDirectory(atPath: p.path + "/.claude", withIntermediateDirectories: true)
        try "{\"hooks\": [".write(toFile: p.path + "/.claude/settings.json", atomically: false, encoding: .utf8)
        let bad = try p.cordon(["hook", "install", "claude", "--project"])
        #expect(bad.status == 65)
        #expect(bad.stderr.hasPrefix("cordon: error: hook install: \(p.path)/.claude/settings.json:1:"))
        #expect(try String(contentsOfFile: p.path + "/.claude/settings.json", encoding: .utf8) == "{\"hooks\": [")
    }
}
