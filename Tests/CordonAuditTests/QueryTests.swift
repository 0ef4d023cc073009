import Testing

@testable import CordonAudit

@Suite("log queries", .timeLimit(.minutes(10)))
struct QueryTests {
    @Test("--since and --until take RFC 3339, dates and ages")
    func times() {
        let now = Timestamp(milliseconds: 1_795_000_000_000)
        #expect(LogFilter.parseTime("15m", now: now) == Timestamp(milliseconds: now.milliseconds - 900_000))
        #expect(LogFilter.parseTime("2h", now: now) == Timestamp(milliseconds: now.milliseconds - 7_200_000))
        #expect(LogFilter.parseTime("3d", now: now) == Timestamp(milliseconds: now.milliseconds - 259_200_000))
        #expect(LogFilter.parseTime("2026-11-18T11:06:40Z", now: now) == Timestamp(milliseconds: 1_795_000_000_000))
        #expect(LogFilter.parseTime("soon", now: now) == nil)
        #expect(LogFilter.parseTime("-5m", now: now) == nil)
    }

    @Test("rotated files given in any order are read oldest first")
    func setOrder() {
        #expect(
            LogDirectory.orderAsSet(["a/gate.log", "a/gate.log.1", "a/gate.log.10", "a/gate.log.2"])
                == ["a/gate.log.10", "a/gate.log.2", "a/gate.log.1", "a/gate.log"])
        #expect(
            LogDirectory.orderAsSet(["x.log", "y/gate.log.1", "y/gate.log"]) == ["x.log", "y/gate.log.1", "y/gate.log"])
    }

    @Test("--level keeps that level and above; --grep looks into the decoded command")
    func filters() throws {
        var f = LogFilter()
        f.minLevel = .high
        var r = sampleRecord(1)
        r.level = "critical"
        let raw = r.body()
        #expect(f.matches(LogEntry(file: "f", line: 1, raw: raw, record: r)))
        r.level = "medium"
        #expect(!f.matches(LogEntry(file: "f", line: 1, raw: raw, record: r)))
        var g = LogFilter()
        g.grep = "a\nb"
        r.command = Array("echo a\nb".utf8)
        #expect(
            g.matches(LogEntry(file: "f", line: 1, raw: r.body(), record: r)),
            "the raw line has \\n, the command a newline")
    }

    @Test("stats count by decision, rule and agent, and rank blocked commands")
    func stats() {
        var s = LogStats()
        for i in 0..<5 { s.add(sampleRecord(i, decision: "block", score: 90, agent: "a")) }
        s.add(sampleRecord(9, agent: "b"))
        #expect(s.total == 6)
        #expect(s.byDecision == ["block": 5, "allow": 1])
        #expect(s.byAgent == ["a": 5, "b": 1])
        #expect(LogStats.ranked(s.blockedCommands).count == 5)
        #expect(s.first == Timestamp(milliseconds: 1_795_000_000_000))
        #expect(s.last == Timestamp(milliseconds: 1_795_000_000_009))
    }
}
