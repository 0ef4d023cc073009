// `cordon baseline` end to end (issue 14): research mode's `train --tokens` and `score --tokens
// --json` on files, and on real runs `learn`, `reset` and the `kill` response (exit 79, the run
// ended before its last command, the anomaly alert delivered to the policy's channel).
import CordonTestSupport
import Foundation
import Testing

@Suite("cordon baseline", .serialized, .timeLimit(.minutes(5)))
struct BaselineCommandTests {
    @Test("train --tokens then score --json: one line per file, a foreign trace above the normal ones")
    func tokens() throws {
        let ws = try Workspace()
        try FileManager.default.createDirectory(atPath: ws.path + "/train/a", withIntermediateDirectories: true)
        let calls = ["3", "4", "4", "6", "5", "192"]
        for k in 0..<12 {
            let trace = (0..<60).map { calls[($0 + k) % calls.count] }.joined(separator: " ")
            try ws.write("train/a/t\(k).txt", trace + "\n")
        }
        try ws.write("usual.txt", (0..<40).map { calls[$0 % calls.count] }.joined(separator: "\n"))
        try ws.write("odd.txt", "102 102 63 63 11 102 42 11")
        let trained = try Shell.cordon(
            ["baseline", "train", "--tokens", ws.path + "/train", "--model", ws.path + "/m.model", "--order", "4"])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("trained on 12 traces (5 distinct tokens, order 4)"))
        let scored = try Shell.cordon(
            [
                "baseline", "score", "--model", ws.path + "/m.model", "--tokens", ws.path + "/usual.txt",
                ws.path + "/odd.txt", "--json",
            ])
        #expect(scored.status == 0, "\(scored.stderr)")
        let lines = scored.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.count == 2)
        #expect(lines.map { $0["file"] as? String } == [ws.path + "/usual.txt", ws.path + "/odd.txt"])
        let scores = lines.compactMap { $0["score"] as? Double }
        #expect(scores.count == 2 && scores.allSatisfy { (0...1).contains($0) })
        #expect(scores.count == 2 && scores[1] > 0.95 && scores[1] > scores[0], "\(scores)")
        let again = try Shell.cordon(
            [
                "baseline", "score", "--model", ws.path + "/m.model", "--tokens", ws.path + "/usual.txt",
                ws.path + "/odd.txt", "--json",
            ])
        #expect(again.stdout == scored.stdout, "the same model and files give the same scores")
        let missing = try Shell.cordon(["baseline", "score", "--model", ws.path + "/none.model", "--tokens", "x"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("none.model"))
    }

    @Test(
        "learn from traces, a misbehaving run killed with exit 79 and alerted, then reset forgets the profile",
        .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
    func learnKillReset() throws {
        let ws = try Workspace()
        let policy = ws.path + ".policy.yaml"
        defer { try? FileManager.default.removeItem(atPath: policy) }
        try """
        monitor:
          sensitivity: medium
          anomaly: {mode: learn, min_runs: 3, response: {log: flagged, kill: flagged}}
        sandbox:
          network: none
        """.write(toFile: policy, atomically: false, encoding: .utf8)
        for _ in 0..<4 {
            let r = try ws.run(["sh", "-c", "ls >/dev/null; echo ok"], options: ["--policy", policy, "--agent", "a"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        // mode learn: the runs were learned at their end; learning the traces again adds nothing.
        let learned = try Shell.cordon(["baseline", "learn", "--agent", "a"], cwd: ws.path)
        #expect(learned.status == 0, "\(learned.stderr)")
        #expect(learned.stdout.contains("nothing new to learn"), "\(learned.stdout)")
        let shown = try Shell.cordon(["baseline", "show", "--agent", "a"], cwd: ws.path)
        #expect(shown.stdout.contains("4 runs learned"), "\(shown.stdout)")
        // Now detect: a program this agent never ran ends the run before `echo after`, and the
        // alert (`response: kill` is kill and every milder response) reaches the channel.
        let alerts = ws.path + ".alerts.jsonl"
        defer { try? FileManager.default.removeItem(atPath: alerts) }
        try """
        monitor:
          sensitivity: medium
          anomaly: {mode: detect, min_runs: 3, response: kill}
          alert_channels:
            - {type: file, path: "\(alerts)"}
        sandbox:
          network: none
        """.write(toFile: policy, atomically: false, encoding: .utf8)
        let odd = try ws.run(
            ["sh", "-c", "uname -a; id; sleep 1; echo after"], options: ["--policy", policy, "--agent", "a"])
        #expect(odd.status == 79, "\(odd.stderr)")
        #expect(!odd.stdout.contains("after"))
        #expect(odd.stderr.contains("uname"))
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("decision=kill") && log.contains("source=anomaly"))
        let sent = try String(contentsOfFile: alerts, encoding: .utf8).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let alert = sent.first { $0["kind"] as? String == "anomaly" }
        #expect(alert?["agent"] as? String == "a", "\(sent)")
        #expect(alert?["level"] as? String == "critical", "the alert of a run being killed")
        #expect((alert?["reasons"] as? [String])?.contains { $0.contains("`uname`") } == true)
        let run = alert?["run"] as? String ?? "?"
        #expect((alert?["trace"] as? String)?.hasSuffix("/.cordon/traces/\(run).jsonl") == true, "\(sent)")
        #expect(log.contains("run=\(run)"))
        // The agent's latest session is that run's: validate answers with its score.
        let validated = try Shell.cordon(
            ["validate"], cwd: ws.path, stdin: #"{"tool_name":"bash","tool_args":{"command":"ls"},"agent_id":"a"}"#)
        let answer = try JSONSerialization.jsonObject(with: Data(validated.stdout.utf8)) as? [String: Any]
        #expect((answer?["anomaly_score"] as? Double ?? 0) > 0.95, "\(validated.stdout)")
        let reset = try Shell.cordon(["baseline", "reset", "--agent", "a"], cwd: ws.path)
        #expect(reset.status == 0, "\(reset.stderr)")
        let after = try Shell.cordon(["baseline", "show", "--agent", "a"], cwd: ws.path)
        #expect(after.status == 1)
        #expect(after.stderr.contains("no profile for agent a"), "\(after.stderr)")
        // The traces are still there: learning them again leaves the killed run out.
        let relearned = try Shell.cordon(["baseline", "learn", "--agent", "a"], cwd: ws.path)
        #expect(relearned.stdout.contains("learned 4 runs into a"), "\(relearned.stdout)")
        #expect(relearned.stdout.contains("1 flagged as anomalous (left out)"), "\(relearned.stdout)")
    }

    // A profile in a store cordon did not write for this user (one that came with the code, or
    // a sandboxed command's) would define what is normal: it is not used, and learned again.
    @Test(
        "a profile written by another cordon (another user's key) is not used: shown as unsealed, never scored against",
        .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
    func foreignProfileIgnored() throws {
        let ws = try Workspace()
        var template = Array("/tmp/cordon-evil-home-XXXXXX".utf8CString)
        let evilHome = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: evilHome) }
        let evil = ["HOME": evilHome]
        let policy = ws.path + ".policy.yaml"
        defer { try? FileManager.default.removeItem(atPath: policy) }
        try """
        monitor:
          sensitivity: medium
          anomaly: {mode: detect, min_runs: 3, response: kill}
        sandbox:
          network: none
        """.write(toFile: policy, atomically: false, encoding: .utf8)
        for _ in 0..<3 {
            let r = try ws.run(
                ["sh", "-c", "ls >/dev/null; echo ok"], options: ["--policy", policy, "--agent", "a"], env: evil)
            #expect(r.status == 0, "\(r.stderr)")
        }
        // Control: the cordon that learned it scores against it (a new program: killed, 79).
        let control = try ws.run(
            ["sh", "-c", "uname -a; id; sleep 1; echo after"], options: ["--policy", policy, "--agent", "a"],
            env: evil)
        #expect(control.status == 79, "\(control.stderr)")
        // This user's cordon: the profile is there, unsealed, and not used: the same run goes on
        // (with no profile of its own yet it learns), and its learning replaces the profile.
        let shown = try Shell.cordon(["baseline", "show", "--agent", "a", "--json"], cwd: ws.path)
        #expect(shown.stdout.contains("\"sealed\":false"), "\(shown.stdout)")
        #expect(shown.stderr.contains("not signed with this user's store key"), "\(shown.stderr)")
        let mine = try ws.run(
            ["sh", "-c", "uname -a; id; sleep 1; echo after"], options: ["--policy", policy, "--agent", "a"])
        #expect(mine.status == 0, "\(mine.stderr)")
        #expect(mine.stdout.contains("after"))
        let again = try Shell.cordon(["baseline", "show", "--agent", "a"], cwd: ws.path)
        #expect(again.status == 0 && !again.stderr.contains("not signed"), "\(again.stderr)")
        #expect(!again.stdout.contains("3 runs learned"), "\(again.stdout)")
    }

    /// The sandbox's first exec is the command itself, which the monitor never sees: a run of
    /// `touch` alone shows no exec event. The watch judges run_start's command before anything
    /// starts, so `kill` ends the run before the command runs (no file made), and with `log`
    /// the run goes on and its anomaly names the program.
    @Test(
        "the run's own command is judged before it starts: a new program alone is killed unrun, or logged by name",
        .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
    func runCommandJudged() throws {
        let ws = try Workspace()
        let policy = ws.path + ".policy.yaml"
        defer { try? FileManager.default.removeItem(atPath: policy) }
        func write(_ response: String) throws {
            try """
            monitor:
              sensitivity: medium
              anomaly: {mode: detect, min_runs: 5, response: \(response)}
            sandbox:
              network: none
            """.write(toFile: policy, atomically: false, encoding: .utf8)
        }
        try write("kill")
        for _ in 0..<6 {
            let r = try ws.run(["ls", "-l"], options: ["--policy", policy, "--agent", "a"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let usual = try ws.run(["ls", "-l"], options: ["--policy", policy, "--agent", "a"])
        #expect(usual.status == 0, "the agent's usual command is not anomalous: \(usual.stderr)")
        let killed = try ws.run(["touch", "made-it"], options: ["--policy", policy, "--agent", "a"])
        #expect(killed.status == 79, "\(killed.stderr)")
        #expect(killed.stderr.contains("`touch`"), "\(killed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/made-it"), "the command never ran")
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("decision=kill") && log.contains("source=anomaly"))
        try write("log")
        let logged = try ws.run(["touch", "made-it"], options: ["--policy", policy, "--agent", "a"])
        #expect(logged.status == 0, "\(logged.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws.path + "/made-it"))
        let anomalies = RunEvidence.events(try RunEvidence.lastTrace(ws), "anomaly")
        let reasons = anomalies.flatMap { $0["reasons"] as? [String] ?? [] }
        #expect(
            reasons.contains { $0.contains("run command was `touch` (0 of 7 runs with a command)") }, "\(anomalies)")
    }

    /// A run learns by re-reading the profile when another run committed since it read it, and
    /// skips the re-read otherwise (AnomalyWatch.learn). Here the slow run read the profile
    /// empty, the quick one ended and learned meanwhile: both must be in the profile.
    @Test(
        "two runs of one agent at once are both learned: the one that ends last keeps the other's",
        .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
    func overlappingRunsBothLearned() throws {
        let ws = try Workspace()
        // Scripts: the gate sees `sh ./x.sh`, not what they do.
        try ws.write("slow.sh", "touch started; while [ ! -e quick-done ]; do sleep 0.05; done; ls >/dev/null\n")
        try ws.write("quick.sh", "uname >/dev/null\n")
        let slow = try BackgroundRun(ws, ["sh", "./slow.sh"], options: ["--agent", "a"])
        #expect(RunEvidence.waitForFile(ws.path + "/started"))
        let quick = try ws.run(["sh", "./quick.sh"], options: ["--agent", "a"])
        #expect(quick.status == 0, "\(quick.stderr)")
        try ws.write("quick-done", "")
        let r = slow.finish()
        #expect(r.status == 0, "\(r.stderr)")
        let shown = try Shell.cordon(["baseline", "show", "--agent", "a", "--json"], cwd: ws.path)
        #expect(shown.status == 0, "\(shown.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        let runs = (json?["profile"] as? [String: Any])?["runs"] as? Int
        #expect(runs == 2, "\(shown.stdout)")
    }
}
