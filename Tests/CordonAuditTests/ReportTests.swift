import CordonBase
import CordonGate
import CordonPolicy
import Testing

@testable import CordonAudit

@Suite("the HTML report", .timeLimit(.minutes(10)))
struct ReportTests {
    func sampleHTML() throws -> String {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let rec = try recordSampleRun(dir)
        return RunReport.html(try TraceReader.read(rec.tracePath))
    }

    @Test("the report is self-contained: no scripts, no external assets")
    func selfContained() throws {
        let h = try sampleHTML()
        #expect(h.hasPrefix("<!DOCTYPE html>"))
        #expect(!h.contains("<script"))
        #expect(
            !h.contains("src=\"http") && !h.contains("href=\"http") && !h.contains("url(http") && !h.contains("@import")
        )
        #expect(h.contains("<svg class=\"timeline\""))
    }

    @Test("the summary, the blocked item with its evidence, and the process tree are there")
    func content() throws {
        let h = try sampleHTML()
        for needle in [
            "ci-agent", "policies/agent.yaml", String(repeating: "ab", count: 32),
            "<span class=\"chip\">landlock</span>",
            "exit code none, signal 9, cordon exited 124", "reverse-shell", "interactive shell from a pipe",
            "<code>sh -i</code>", "pid 101", "curl http://203.0.113.7/x",
            "fell back</span> user namespaces refused by the kernel",
        ] {
            #expect(h.contains(needle), "missing \(needle)")
        }
    }

    @Test("commands cannot inject markup into the report")
    func escaping() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let rec = try RunRecorder(directory: LogDirectory(path: dir))
        try rec.start(
            RunStart(
                policy: PolicySource(path: "p", sha256: ""), agent: "<b>x</b>",
                command: ["echo", "<script>alert(1)</script>"], cwd: "/w", isolation: []))
        let a = Action(id: "a-1", payload: .shell("echo '<img src=x onerror=alert(1)>'"))
        try rec.record(
            Decision(actionId: "a-1", decision: .block, score: 90, policyRule: "r\"<", reasons: ["<i>"], findings: []),
            for: a)
        let h = RunReport.html(try TraceReader.read(rec.tracePath))
        #expect(
            !h.contains("<script>alert") && !h.contains("<img src=x") && !h.contains("<b>x</b>") && !h.contains("<i>"))
        #expect(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test("the process tree nests execs under a parent that never exec'd, and marks blocked execs once with a count")
    func processTree() throws {
        func ev(_ seq: Int, _ fields: [(String, JSONValue)]) -> TraceEvent {
            TraceEvent(ts: Timestamp(milliseconds: Int64(seq)), run: "r-1", seq: seq, type: "exec", fields: fields)
        }
        let events = [
            ev(
                0,
                [
                    ("pid", 11), ("ppid", 10), ("path", "/usr/bin/git"), ("argv", ["git", "status"]),
                    ("decision", "allow"),
                ]),
            ev(
                1,
                [("pid", 12), ("ppid", 10), ("path", "/usr/bin/dash"), ("argv", ["sh", "-i"]), ("decision", "block")]),
            ev(
                2,
                [("pid", 12), ("ppid", 10), ("path", "/usr/bin/dash"), ("argv", ["sh", "-i"]), ("decision", "block")]),
            ev(3, [("pid", 13), ("ppid", 11), ("path", "/usr/bin/less"), ("argv", ["less"]), ("decision", "allow")]),
        ]
        let h = ReportSections.processTree(events, command: ["./agent.sh"])
        #expect(
            h.hasPrefix(
                "<ul class=\"tree\"><li><span class=\"pid\">pid 10</span> <code>./agent.sh (the run&#39;s command)</code><ul>"
            ))
        #expect(h.contains("<code>sh -i</code> ×2 <span class=\"denied\">blocked</span>"))
        #expect(h.contains("<code>git status</code><ul><li><span class=\"pid\">pid 13</span> <code>less</code>"))
    }

    @Test("the monitor's run summary is shown as lists")
    func runSummary() {
        let sm: JSONValue = [
            "programs": ["/usr/bin/git": 2], "endpoints": ["203.0.113.7:80": 1], "filesWritten": ["/w": ["a.txt": 1]],
            "filesDeleted": [:], "denials": 3, "tamper": 1,
        ]
        let h = ReportSections.runSummary(sm)
        #expect(h.contains("denied actions: <b>3</b>"))
        #expect(h.contains("tamper events: 1"))
        #expect(h.contains("2× <code>/usr/bin/git</code>"))
        #expect(h.contains("1× <code>/w/ a.txt</code>"))
        #expect(ReportSections.runSummary(nil).isEmpty)
    }

    @Test("timeline ticks fall on round steps")
    func ticks() {
        #expect(ReportTimeline.niceStep(1100) == 2000)
        #expect(ReportTimeline.niceStep(4.2) == 5)
        #expect(ReportTimeline.niceStep(90_000) == 100_000)
        #expect(ReportTimeline.duration(1500) == "1.5 s")
        #expect(ReportTimeline.duration(125_000) == "2 min 5 s")
    }
}
