// `cordon runs` and run ids where a run is taken (issue 13, section 5): real runs made with the
// built binary (one that exits, one the gate blocks, one that times out), then listed as a table
// and as JSON Lines, named by prefix in report, replay and log --run, and listed again with a
// damaged trace among them.
import CordonTestSupport
import Foundation
import Testing

/// Three real runs in a fresh workspace: `true` (as agent runs-test), a blocked `rm -rf /`, and
/// `sleep 5` under a 1 s timeout. Their ids, oldest first.
final class ThreeRuns {
    let ws: Workspace
    var ids: [String] = []

    init() throws {
        ws = try Workspace()
        let ok = try ws.run(["true"], options: ["--agent", "runs-test"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let blocked = try ws.run(["sh", "-c", "rm -rf /"])
        #expect(blocked.status == 77, "\(blocked.stderr)")
        let slow = try ws.run(["sleep", "5"], options: ["--timeout", "1"])
        #expect(slow.status == 124, "\(slow.stderr)")
        ids = try FileManager.default.contentsOfDirectory(atPath: traces).filter { $0.hasSuffix(".jsonl") }
            .map { String($0.dropLast(6)) }.sorted()
        #expect(ids.count == 3)
    }

    var traces: String { ws.path + "/.cordon/traces" }

    func cordon(_ args: [String]) throws -> Result { try Shell.cordon(args, cwd: ws.path) }

    func jsonLines(_ args: [String] = ["runs", "--json"]) throws -> [[String: Any]] {
        let r = try cordon(args)
        #expect(r.status == 0, "\(r.stderr)")
        return try r.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }
}

@Suite(
    "cordon runs and run ids", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason),
    .timeLimit(.minutes(5)))
struct RunsCommandTests {
    @Test("cordon runs lists real runs newest first: the timeout, the blocked run, then the clean exit")
    func table() throws {
        let runs = try ThreeRuns()
        let r = try runs.cordon(["runs"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("RUN ") == true)
        #expect(lines.count == 1 + 3 + 1, "header, three runs, the count:\n\(r.stdout)")
        let rows = Array(lines[1...3])
        for (row, id) in zip(rows, runs.ids.reversed()) { #expect(row.hasPrefix(id), "\(row)") }
        #expect(rows[0].contains("timeout") && rows[0].contains("1/0/0") && rows[0].hasSuffix("sleep 5"))
        #expect(rows[1].contains("blocked") && rows[1].contains("0/0/1") && rows[1].hasSuffix("sh -c 'rm -rf /'"))
        #expect(rows[2].contains("exit 0") && rows[2].contains("runs-test") && rows[2].hasSuffix("true"))
        #expect(lines.last == "3 runs")
        #expect(!r.stdout.contains("\u{1B}["), "no colour without a terminal")
        // On a terminal (script(1) gives cordon a pty): the outcomes and the block count coloured.
        let tty = try Shell.run(
            "/usr/bin/script", ["-qec", "env -u NO_COLOR \(Binaries.cordon) runs", "/dev/null"], cwd: runs.ws.path)
        #expect(tty.status == 0, "\(tty.stdout)\(tty.stderr)")
        #expect(tty.stdout.contains("\u{1B}[32mexit 0\u{1B}[0m"), "\(tty.stdout)")
        #expect(tty.stdout.contains("\u{1B}[31mblocked\u{1B}[0m"), "\(tty.stdout)")
        #expect(tty.stdout.contains("\u{1B}[31m0/0/1\u{1B}[0m"), "\(tty.stdout)")
    }

    @Test("cordon runs --json gives one object per run with outcome, exit, decisions, agent, session and start")
    func json() throws {
        let runs = try ThreeRuns()
        let objects = try runs.jsonLines()
        #expect(objects.map { $0["run"] as? String } == runs.ids.reversed())
        let (timeout, blocked, ok) = (objects[0], objects[1], objects[2])
        #expect(timeout["outcome"] as? String == "timeout")
        #expect(timeout["cordonExit"] as? Int == 124)
        #expect(timeout["command"] as? [String] == ["sleep", "5"])
        #expect((timeout["durationMs"] as? Double ?? 0) >= 900)
        #expect(blocked["outcome"] as? String == "blocked")
        #expect(blocked["cordonExit"] as? Int == 77)
        #expect((blocked["decisions"] as? [String: Int]) == ["allow": 0, "requires_approval": 0, "block": 1])
        #expect(ok["outcome"] as? String == "exited")
        #expect(ok["exitCode"] as? Int == 0)
        #expect(ok["agent"] as? String == "runs-test")
        #expect((ok["decisions"] as? [String: Int]) == ["allow": 1, "requires_approval": 0, "block": 0])
        #expect((ok["session"] as? String)?.hasPrefix("s-") == true)
        #expect(ok["path"] as? String == "\(runs.traces)/\(runs.ids[0]).jsonl")
        let starts = objects.compactMap { $0["start"] as? String }
        #expect(starts.count == 3 && starts == starts.sorted(by: >), "newest first: \(starts)")
        for o in objects { #expect((o["notes"] as? [String]) == []) }
        #expect(try runs.jsonLines(["runs", "--json", "--limit", "1"]).map { $0["run"] as? String } == [runs.ids[2]])
        // --since: the timed-out run started after the other two (which took under a second).
        let lastStart = try #require(timeout["start"] as? String)
        #expect(
            try runs.jsonLines(["runs", "--json", "--since", lastStart]).map { $0["run"] as? String } == [runs.ids[2]])
        #expect(try runs.jsonLines(["runs", "--json", "--since", "1h"]).count == 3)
        let future = try runs.cordon(["runs", "--since", "2999-01-01T00:00:00Z"])
        #expect(future.status == 0 && future.stdout.isEmpty && future.stderr.contains("no runs recorded"))
        #expect(try runs.cordon(["runs", "--since", "yesterday"]).status == 64)
    }

    @Test("report, replay --run and log --run take a unique prefix of a run id, lower case and without r- too")
    func uniquePrefix() throws {
        let runs = try ThreeRuns()
        let blocked = runs.ids[1]
        // Eleven digits: past the time digits the runs share, into the random ones.
        let prefix = String(blocked.dropFirst(2).prefix(11)).lowercased()
        let report = try runs.cordon(["report", prefix, "--output", "r.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: runs.ws.path + "/r.html", encoding: .utf8)
        #expect(html.contains(blocked))
        let replay = try runs.cordon(["replay", "--run", "r-" + prefix])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("replayed 1 action from 1 file"))
        let log = try runs.cordon(["log", "--run", prefix])
        #expect(log.status == 0, "\(log.stderr)")
        let lines = log.stdout.split(separator: "\n")
        #expect(lines.count == 2, "the gate's decision and the run-end line:\n\(log.stdout)")
        #expect(lines.allSatisfy { $0.contains(" run=\(blocked) ") })
    }

    @Test("an ambiguous prefix exits 64 listing every candidate; an unknown one exits 65 naming the traces it searched")
    func ambiguousAndUnknown() throws {
        let runs = try ThreeRuns()
        let common = String(runs.ids[0].prefix(6))
        #expect(runs.ids.allSatisfy { $0.hasPrefix(common) })
        for args in [["report", common], ["replay", "--run", common], ["log", "--run", common]] {
            let r = try runs.cordon(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("is ambiguous: 3 runs match"), "\(r.stderr)")
            for id in runs.ids { #expect(r.stderr.contains(id), "\(args) lists \(id)") }
        }
        for args in [["report", "r-7ZZZZZZZ"], ["replay", "--run", "7ZZZZZZZ"], ["log", "--run", "r-7ZZZZZZZ"]] {
            let r = try runs.cordon(args)
            #expect(r.status == 65, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(runs.traces), "\(args) says where it looked: \(r.stderr)")
            #expect(r.stderr.contains("cordon runs"), "\(args) hints at cordon runs")
        }
    }

    @Test("a damaged trace is listed with a note, never a crash: torn run_end, garbage, empty")
    func damaged() throws {
        let runs = try ThreeRuns()
        // The clean run's run_end torn in half, as a cordon killed mid-write leaves it.
        let path = "\(runs.traces)/\(runs.ids[0]).jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let cut = try #require(text.dropLast().lastIndex(of: "\n"))
        try (String(text[...cut]) + "{\"v\":1,\"ts\":\"20").write(toFile: path, atomically: false, encoding: .utf8)
        // A newer id than every run, holding garbage; and an empty trace.
        let garbage = "r-7ZZZZZZZZZ0000000000000000"
        try Data([0x00, 0xff, 0x0a, 0x41]).write(to: URL(fileURLWithPath: "\(runs.traces)/\(garbage).jsonl"))
        let empty = "r-7ZZZZZZZZY0000000000000000"
        try Data().write(to: URL(fileURLWithPath: "\(runs.traces)/\(empty).jsonl"))

        let r = try runs.cordon(["runs"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("5 runs"), "\(r.stdout)")
        for (id, note) in [
            (garbage, "line 1 unreadable (not JSON)"), (empty, "empty trace"), (runs.ids[0], "truncated last line"),
        ] {
            let notes = r.stdout.components(separatedBy: "  \(id) (\(runs.traces)/\(id).jsonl)\n").last ?? ""
            #expect(notes.hasPrefix("    \(note)"), "a note for \(id): \(note)\n\(r.stdout)")
        }
        let objects = try runs.jsonLines()
        #expect(objects.map { $0["run"] as? String } == [garbage, empty] + runs.ids.reversed())
        let torn = objects[4]
        #expect(torn["outcome"] as? String == "unfinished")
        #expect(torn["agent"] as? String == "runs-test", "run_start is still read")
        #expect((torn["decisions"] as? [String: Int])?["allow"] == 1)
        #expect(objects[0]["outcome"] as? String == "damaged")
        #expect(objects[1]["outcome"] as? String == "damaged")
        #expect(objects[2]["outcome"] as? String == "timeout", "the intact runs are unchanged")
    }

    @Test("a run in progress is listed as running, and as interrupted once cordon is told to stop")
    func running() throws {
        let ws = try Workspace()
        try ws.write("s.sh", "touch ready\nwhile :; do sleep 0.05; done\n")
        let run = try BackgroundRun(ws, ["sh", "./s.sh"])
        #expect(RunEvidence.waitForFile(ws.path + "/ready"))
        func only() throws -> [String: Any] {
            let r = try Shell.cordon(["runs", "--json"], cwd: ws.path)
            #expect(r.status == 0, "\(r.stderr)")
            return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        }
        let during = try only()
        #expect(during["outcome"] as? String == "running", "\(during)")
        #expect((during["notes"] as? [String]) == [])
        run.signal(SIGTERM)
        let r = run.finish()
        #expect(r.status != 0, "\(r.stderr)")
        let after = try only()
        #expect(after["outcome"] as? String == "interrupted", "\(after)")
        #expect(after["durationMs"] as? Double != nil)
    }

    @Test("a log directory without traces lists nothing and says so")
    func noTraces() throws {
        let ws = try Workspace()
        let r = try Shell.cordon(["runs"], cwd: ws.path)
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("no runs recorded in \(ws.path)/.cordon yet"), "\(r.stderr)")
    }
}
