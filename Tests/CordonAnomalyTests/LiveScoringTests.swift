import CordonAnomaly
import CordonBase
import Testing

@Suite("live scoring's incremental state")
struct LiveScoringTests {
    static func exec(_ argv: [String], path: String? = nil) -> [(String, JSONValue)] {
        [("path", .string(path ?? "/usr/bin/" + argv[0])), ("argv", .array(argv.map { .string($0) }))]
    }

    @Test("a repeated argv is counted like a new one: same shapes, programs, sequence and numbers")
    func repeatsMatchFreshParsing() {
        // The shape-key cache must not change what is observed: compare with observations
        // that each see every exec for the first time.
        let argvs = [["git", "status"], ["grep", "-rn", "x", "src/a.c"], ["git", "status"], ["cat", "/etc/passwd"]]
        var cached = RunObservation(workspace: "/ws", home: "/home/u")
        for (i, a) in (argvs + argvs).enumerated() { cached.observe("exec", Self.exec(a), at: Double(i)) }
        var fresh = RunObservation(workspace: "/ws", home: "/home/u")
        for (i, a) in (argvs + argvs).enumerated() {
            var one = RunObservation(workspace: "/ws", home: "/home/u")
            one.observe("exec", Self.exec(a), at: Double(i))
            fresh.observe("exec", Self.exec(a), at: Double(i))
            #expect(one.shapeSequence == [fresh.shapeSequence.last ?? ""])
        }
        #expect(cached.shapeSequence == fresh.shapeSequence)
        #expect(cached.shapeSequence.count == 8)
        #expect(cached.programs == ["git", "grep", "cat"])
        #expect(Set(cached.shapes.keys) == ["git status", "grep -n -r <workspace>", "cat <system>"])
        #expect(cached.execs == 8)
    }

    @Test("items are fresh only the first time a run shows them")
    func freshItems() {
        var o = RunObservation(workspace: "/ws", home: nil)
        o.observe("exec", Self.exec(["ls"]), at: 0)
        #expect(o.fresh.map(\.item).sorted() == ["ls", "ls"])
        o.observe("exec", Self.exec(["ls"]), at: 1)
        #expect(o.fresh.isEmpty)
        let connect: [(String, JSONValue)] = [
            ("family", .string("inet")), ("address", .string("203.0.113.9")), ("port", .number(4444)),
        ]
        o.observe("connect", connect, at: 2)
        #expect(o.fresh.map(\.family) == [2, 3])
        o.observe("connect", connect, at: 3)
        #expect(o.fresh.isEmpty)
    }

    @Test("a new program after thousands of usual execs still raises the score at once")
    func lateNovelty() {
        var p = Profile()
        for k in 0..<10 {
            var o = RunObservation(workspace: "/ws", home: nil)
            for i in 0..<(20 + k) { o.observe("exec", Self.exec(["make", "test"]), at: Double(i) * 0.01) }
            o.observe("run_end", [("durationMs", .number(100))], at: 1)
            p.learn(o)
        }
        var l = LiveScorer(profile: p, observation: RunObservation(workspace: "/ws", home: nil))
        var raised = 0
        for i in 0..<3000 where l.observe("exec", Self.exec(["make", "test"]), at: Double(i) * 10) != nil {
            raised += 1
        }
        // 3,000 execs is past the profile's largest count once: one rescore, nothing new.
        #expect(raised <= 1)
        let r = l.observe("exec", Self.exec(["nc", "203.0.113.9", "4444"]), at: 40_000)
        #expect((r?.score ?? 0) > 0.9)
        #expect(r?.reasons.contains { $0.contains("first time this agent ran `nc`") } == true)
    }

    @Test("the burst window counts the events of the last 2 s, also after its front is cut")
    func burstWindow() {
        var o = RunObservation(workspace: "/ws", home: nil)
        // 3,000 execs 1 ms apart (2,001 within any 2 s), then a pause and three more.
        for i in 0..<3000 { o.observe("exec", Self.exec(["true"]), at: Double(i) * 0.001) }
        #expect(o.execBurst == 2001)
        for i in 0..<3 { o.observe("exec", Self.exec(["true"]), at: 100 + Double(i)) }
        #expect(o.execBurst == 2001)
        var d = RunObservation(workspace: "/ws", home: nil)
        for i in 0..<5 { d.observe("unlink", [("path", .string("/ws/f\(i)"))], at: Double(i) * 0.9) }
        // At 3.6 s the window reaches back to 1.6 s: the deletes at 1.8, 2.7 and 3.6.
        #expect(d.deleteBurst == 3)
    }
}
