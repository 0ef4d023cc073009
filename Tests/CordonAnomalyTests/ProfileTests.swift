import CordonAnomaly
import CordonBase
import Testing

@Suite("profiles and run scores")
struct ProfileTests {
    static func exec(_ argv: [String]) -> [(String, JSONValue)] {
        [("path", .string("/usr/bin/" + argv[0])), ("argv", .array(argv.map { .string($0) }))]
    }

    /// A run of the usual work, with `extra` events after it.
    static func run(
        _ k: Int, extra: [(String, [(String, JSONValue)])] = [], cpu: Double = 40, command: [String]? = nil,
        duration: Double = 100
    ) -> RunObservation {
        var o = RunObservation(workspace: "/ws", home: "/home/u")
        var t = 0.0
        func add(_ type: String, _ f: [(String, JSONValue)]) {
            o.observe(type, f, at: t)
            t += 0.05
        }
        if let command { add("run_start", [("command", .array(command.map { .string($0) }))]) }
        add("exec", exec(["git", "status"]))
        add("exec", exec(["grep", "-n", "TODO", "src/main.c"]))
        if k % 2 == 0 { add("exec", exec(["cat", "README.md"])) }
        add("file_write", [("path", .string("/ws/src/a.c"))])
        for _ in 0..<(k % 3) { add("unlink", [("path", .string("/ws/.git/index.lock"))]) }
        for (type, f) in extra { add(type, f) }
        add(
            "run_end",
            [
                ("durationMs", .number(duration + Double(k % 5))),
                ("rusage", .object([("userMs", .number(cpu + Double(k % 7))), ("sysMs", .number(5))])),
            ])
        return o
    }

    static func profile(_ runs: Int = 30) -> Profile {
        var p = Profile()
        for k in 0..<runs { p.learn(run(k)) }
        return p
    }

    @Test(
        "the agent's usual runs score low; a new program, a read outside, a burst of deletes score high, with numbers")
    func scores() {
        let p = Self.profile()
        let scorer = RunScorer(profile: p)
        #expect(scorer.score(Self.run(31)).score < 0.5)
        let nc = scorer.score(Self.run(32, extra: [("exec", Self.exec(["nc", "203.0.113.9", "4444"]))]))
        #expect(nc.score > 0.95)
        #expect(nc.reasons.contains { $0.contains("first time this agent ran `nc` (0 of 30 runs)") })
        let outside = scorer.score(Self.run(33, extra: [("exec", Self.exec(["cat", "/etc/shadow"]))]))
        #expect(outside.reasons.contains { $0.contains("/etc/shadow") && $0.contains("outside the workspace") })
        let deletes = (0..<140).map { i in ("unlink", [("path", JSONValue.string("/ws/src/f\(i)"))]) }
        let burst = scorer.score(Self.run(34, extra: deletes))
        #expect(burst.score > 0.99)
        #expect(
            burst.reasons.contains {
                $0.hasPrefix("141 files deleted in this run") && $0.contains("99th percentile is 2")
            })
        let cpu = scorer.score(Self.run(35, cpu: 2000))
        #expect(cpu.reasons.contains { $0.contains("ms of CPU") })
    }

    // Regression: a normal run made slow by a loaded machine (a test suite beside it) was
    // flagged on wall time alone; it is reported, but never enough to flag by itself.
    @Test("a run slowed twentyfold is reported but not flagged on wall time alone; beside other findings it counts")
    func wallTimeAlone() {
        let p = Self.profile()
        let scorer = RunScorer(profile: p)
        let slow = scorer.score(Self.run(36, duration: 2000))
        #expect(slow.reasons.contains { $0.contains("ms of wall time") }, "\(slow.reasons)")
        for s in Sensitivity.allCases { #expect(slow.score <= p.threshold(s), "\(s): \(slow.score)") }
        let wall = slow.findings.first { $0.kind == "duration_ms" }
        #expect(wall.map { $0.probability < AnomalyResult.relevant } == true, "\(slow.findings)")
    }

    /// A run whose own command is `argv` (its run_start), with the usual work inside.
    static func commandRun(_ argv: [String], _ k: Int) -> RunObservation {
        run(k, command: argv)
    }

    @Test(
        "the run's own command is judged: a new one is named with the runs that had one; profiles from before are not alarmed"
    )
    func runCommand() {
        var p = Profile()
        for k in 0..<20 { p.learn(Self.commandRun(k % 2 == 0 ? ["make", "test"] : ["make", "lint"], k)) }
        #expect(p.commandRuns == 20)
        #expect(p.families["commands"]?["make"] == 20)
        let scorer = RunScorer(profile: p)
        #expect(scorer.score(Self.commandRun(["make", "test"], 21)).score < 0.5)
        let nc = scorer.score(Self.commandRun(["nc", "203.0.113.9", "4444"], 22))
        #expect(nc.score > 0.95, "\(nc)")
        #expect(
            nc.reasons.contains { $0.contains("run command was `nc` (0 of 20 runs with a command)") }, "\(nc.reasons)")
        let shadow = scorer.score(Self.commandRun(["cat", "/etc/shadow"], 23))
        #expect(shadow.reasons.contains { $0.contains("/etc/shadow") && $0.contains("outside the workspace") })
        // A profile learned before commands were observed (no `commands` family): a command is
        // new to it, and that alone must not flag the run.
        let old = Self.profile()
        #expect(old.commandRuns == 0)
        let oldScore = RunScorer(profile: old).score(Self.commandRun(["make", "test"], 24))
        #expect(!oldScore.reasons.contains { $0.contains("run command") }, "\(oldScore.reasons)")
        // Learning it starts the family.
        var grown = old
        grown.learn(Self.commandRun(["make", "test"], 25))
        #expect(grown.commandRuns == 1 && grown.runs == 31)
    }

    @Test("the same profile and events give the same score, and the profile survives its JSON")
    func deterministic() throws {
        let a = Self.profile()
        let b = Self.profile()
        #expect(a == b)
        let back = try Profile(json: try JSONValue.parse(a.json.serialized()))
        #expect(back == a)
        let odd = Self.run(
            40,
            extra: [
                (
                    "connect",
                    [("family", .string("inet")), ("address", .string("203.0.113.9")), ("port", .number(4444))]
                )
            ])
        #expect(RunScorer(profile: back).score(odd) == RunScorer(profile: a).score(odd))
    }

    @Test("several mildly odd runs make a higher session score than one")
    func session() {
        #expect(AnomalyResult.session([0.7]) == 0.7)
        #expect(AnomalyResult.session([0.7, 0.7]) > 0.9)
        #expect(AnomalyResult.session([0.2, 0.3, 0.1]) == 0)
    }

    @Test("sensitivity: thresholds follow the false-alarm rates and the agent's own history")
    func sensitivity() {
        var p = Profile()
        #expect(p.threshold(.low) == 0.99)
        #expect(p.threshold(.medium) == 0.95)
        #expect(p.threshold(.high) == 0.9)
        p.history = Array(repeating: 0.1, count: 90) + Array(repeating: 0.97, count: 10)
        #expect(p.threshold(.medium) == 0.97)
        #expect(p.flaggedInHistory(.medium) == 0)
    }

    @Test("live scoring only rises on what could matter, and ends with the final numbers")
    func live() {
        var l = LiveScorer(profile: Self.profile(), observation: RunObservation(workspace: "/ws", home: nil))
        #expect(l.observe("exec", Self.exec(["git", "status"]), at: 0) == nil)
        let r = l.observe("exec", Self.exec(["nc", "-l", "4444"]), at: 0.1)
        #expect((r?.score ?? 0) > 0.9)
        let end = l.finish([("durationMs", .number(100)), ("rusage", .object([("userMs", .number(3000))]))], at: 1)
        #expect(end.reasons.contains { $0.contains("ms of CPU") })
    }

    @Test("argument shapes keep program, subcommand, flags and path classes, not names")
    func shapes() {
        let a = ExecShape(
            argv: ["git", "commit", "-qm", "fix"], path: "/usr/bin/git", cwd: "/ws", workspace: "/ws", home: "/home/u")
        let b = ExecShape(
            argv: ["git", "commit", "-q", "-m", "typo"], path: "/usr/bin/git", cwd: "/ws", workspace: "/ws",
            home: "/home/u")
        #expect(a.key == b.key)
        let c = ExecShape(argv: ["cat", "../../etc/passwd"], path: nil, cwd: "/ws/src", workspace: "/ws", home: nil)
        #expect(c.key == "cat <system>")
        #expect(c.outsidePaths == ["/etc/passwd"])
        let d = ExecShape(argv: ["cat", "~/.ssh/id_rsa"], path: nil, cwd: "/ws", workspace: "/ws", home: "/home/u")
        #expect(d.key == "cat <hidden>")
    }

    /// (argv, the outside paths its shape must name).
    static let embeddedPaths: [([String], [String])] = [
        // Regression: inline code and option values hid reads outside the workspace (the code
        // string was taken for a relative path inside it, or dropped as a flag's value).
        (["python3", "-c", "print(open('/etc/passwd').read())"], ["/etc/passwd"]),
        (
            ["python3", "-c", "import os; print(open(os.path.expanduser('~/.aws/credentials')).read())"],
            ["/home/u/.aws/credentials"]
        ),
        (["node", "-e", "console.log(require('fs').readFileSync(\"/etc/shadow\", 'utf8'))"], ["/etc/shadow"]),
        (["perl", "-ne", "print if $. < 3", "/etc/group"], ["/etc/group"]),
        (["dd", "if=/etc/shadow", "of=out.bin"], ["/etc/shadow"]),
        (["grep", "--file=~/.ssh/known_hosts", "x"], ["/home/u/.ssh/known_hosts"]),
        (["ruby", "-e", "puts File.read(\"~/notes.txt\")"], ["/home/u/notes.txt"]),
        // Near misses: URLs, arithmetic, workspace and tmp paths, a regex.
        (["curl", "-s", "https://example.com/a/b"], []),
        (["python3", "-c", "print(1/2, 10 / 5)"], []),
        (["sed", "-i", "s/foo/bar/g", "src/a.c"], []),
        (["python3", "-c", "open('/tmp/x', 'w').write('/ws/y')"], []),
        (["sh", "-c", "cd /ws/src && make"], []),
    ]

    @Test("paths written inside inline code and option values are classified like arguments", arguments: embeddedPaths)
    func embedded(_ argv: [String], _ outside: [String]) {
        let s = ExecShape(argv: argv, path: nil, cwd: "/ws", workspace: "/ws", home: "/home/u")
        #expect(s.outsidePaths == outside, "\(s.key)")
    }
}
