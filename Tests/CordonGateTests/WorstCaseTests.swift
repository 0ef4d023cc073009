// Hostile input shapes (issue 19): the parser's limits fail closed, and the pipeline questions
// the detectors ask (answered in O(1) since a 64 KiB `rev | rev | ...` took 1.4 s) give the
// same answers as walking the pipeline. Speed itself is measured by `cordon-bench gate
// --worst-case`, never here.
import CordonBase
import CordonPolicy
import Testing

@testable import CordonGate

@Suite("worst-case input")
struct WorstCaseTests {
    @Test("a script of more than 10,000 commands stops at the limit with a finding, and what came before is judged")
    func commandLimit() {
        let many = String(repeating: "ls; ", count: ShellParser.maxCommands + 10)
        let d = decide(many)
        #expect(d.decision == .requiresApproval)
        #expect(d.findings.contains { $0.detector == "unparseable" && $0.reason.contains("more than 10000 commands") })
        #expect(decide("rm -rf /; " + many).decision == .block)
        // At the limit, nothing is lost.
        #expect(decide(String(repeating: "ls; ", count: ShellParser.maxCommands)).decision == .allow)
    }

    @Test("a command of more than 30,000 words is not allowed unread")
    func wordLimit() {
        let args = String(repeating: " src/a.o", count: ShellParser.maxWords + 5)
        let d = decide("echo" + args)
        #expect(d.decision == .requiresApproval)
        #expect(d.findings.contains { $0.reason.contains("more than 30000 words") })
        // Redirections count too: they are what the detectors read for each command.
        let redirects = String(repeating: " > out", count: ShellParser.maxWords + 5)
        #expect(decide("echo" + redirects).findings.contains { $0.reason.contains("more than 30000 words") })
        #expect(decide("rm -f" + String(repeating: " src/a.o", count: 1_000)).decision != .block)
    }

    @Test("nesting that parses the same text again and again stops at eight times the input")
    func repeatedText() {
        // Each level of `sh -c "$(...)"` holds the text inside it twice (the substitution, and
        // the -c script parsed again): 14 levels would parse about 2^14 copies.
        var s = "echo " + String(repeating: "x", count: 2_000)
        for _ in 0..<14 { s = "sh -c \"$(" + s + ")\"" }
        let d = decide(s)
        #expect(d.decision != .allow)
        #expect(d.findings.contains { $0.reason.contains("bytes of nested scripts and substitutions") })
        // Ordinary nesting stays well inside the budget.
        let ordinary = decide("sudo sh -c \"cd /srv && $(echo ls) && bash -c 'echo $(date)'\"")
        #expect(!ordinary.findings.contains { $0.detector == "unparseable" })
        // Dangerous text found before the budget ran out still decides.
        #expect(decide("rm -rf ~; " + s).decision == .block)
    }

    @Test("a long pipeline of decoders and downloaders still finds the interpreter at its end")
    func longPipelines() {
        let rev = String(repeating: "rev | ", count: 2_000)
        #expect(decide("echo x | " + rev + "sh").decision == .block)
        #expect(decide("echo x | " + rev + "cat").decision == .allow)
        let curls = String(repeating: "curl -s https://example.com | ", count: 500)
        #expect(decide(curls + "bash").decision == .block)
    }

    @Test(
        "the pipeline answers in O(1) agree with walking the pipeline, for every corpus command",
        .enabled(if: Corpus.available))
    func pipelineAnswers() throws {
        let records = try Corpus.load("gtfobins.jsonl", group: "function") + Corpus.load("tldr.jsonl", group: "page")
        var checked = 0
        for r in records {
            let a = Analysis(shell: r.command)
            let n = a.invocations.count
            for k in 0..<n {
                let c = a[commandOf: k]
                let rest = a.invocationsIn(pipeline: c.pipeline).filter { a[commandOf: $0].position > c.position }
                #expect(a.downstream(of: k) == rest, "\(r.id)")
                #expect(a.next(after: k) == rest.first { a[commandOf: $0].position == c.position + 1 }, "\(r.id)")
                let before = a.invocationsIn(pipeline: c.pipeline).last { a[commandOf: $0].position == c.position - 1 }
                #expect(a.previous(before: k) == before, "\(r.id)")
                for q in [DownstreamQuery.runsStdinScript, .shellRunsStdinScript, .decodes] {
                    #expect(a.firstDownstream(of: k, q) == rest.first { q.matches(a.invocations[$0]) }, "\(r.id)")
                }
                checked += 1
            }
        }
        #expect(checked > 20_000)
    }
}
