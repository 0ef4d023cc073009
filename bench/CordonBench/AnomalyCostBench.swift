// cordon-bench anomaly agent (its last part, or alone with --cost-only): what live anomaly
// scoring adds to a run of 1,000 execs (an `sh` loop of `/bin/true`, every exec seen by the
// monitor, scored and recorded). The same command runs with `anomaly: off` and with
// `anomaly: detect` against a profile of the same loop (two learning runs first), and with
// --before, a second cordon binary detecting too (to compare two builds in one session), and
// `off` a second time as a control.
// Configurations alternate run by run, so a busy moment of this shared machine falls on all
// of them; printed: the median wall time of each and its ratio to off, the median of the
// per-round ratios (which cancels slow drifts of the machine's load), and the median CPU time
// of the whole run (cordon and the command: user + sys, from wait4's rusage) and of cordon
// alone (that minus the sandboxed tree's, which run_end records). On a machine shared with
// builds the wall times move by several percent between identical runs (the control shows
// how much); CPU time is what the scoring itself adds.
import CordonAnomaly
import CordonAudit
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

enum AnomalyCostBench {
    struct Config {
        var label: String
        var cordon: String
        var policy: String
        var wall: [Double] = []
        var cpu: [Double] = []
        var own: [Double] = []
    }

    static func measure(cordon: String, before: String?, ws: String, runs: Int) -> Int32 {
        perEvent()
        guard runs > 0 else { return 0 }
        let off = ws + "/off.yaml"
        let on = ws + "/on.yaml"
        guard
            system(
                "printf 'monitor:\\n  anomaly: {mode: off}\\n' > \(off) && printf 'monitor:\\n  anomaly: {mode: detect, min_runs: 1}\\n' > \(on)"
            ) == 0
        else {
            print("could not write the policies in \(ws)")
            return 1
        }
        // A second "off" is the control: its difference from the first is this machine's noise.
        var configs = [
            Config(label: "anomaly off", cordon: cordon, policy: off),
            Config(label: "anomaly off (control)", cordon: cordon, policy: off),
        ]
        if let before { configs.append(Config(label: "detect (\(before))", cordon: before, policy: on)) }
        configs.append(Config(label: "detect (\(cordon))", cordon: cordon, policy: on))
        // Two learning runs, so the detect runs score against a profile.
        for _ in 0..<2 { _ = once(cordon, on, ws) }
        for round in 0..<runs {
            // The order rotates each round: no configuration always runs first.
            for k in 0..<configs.count {
                let c = (k + round) % configs.count
                let (wall, cpu) = once(configs[c].cordon, configs[c].policy, ws)
                configs[c].wall.append(wall)
                configs[c].cpu.append(cpu)
                configs[c].own.append(cpu - treeCPU(ws))
            }
        }
        let base = configs[0]
        print("live scoring, a run of 1,000 execs, \(runs) rounds (issue: under 5%):")
        for c in configs {
            let w = median(c.wall)
            let ratios = zip(c.wall, base.wall).map { $0 / $1 }
            let own = median(c.own)
            let added = own - median(base.own)
            print(
                "  \(c.label): wall \(f3(w)) s (\(pct(w / median(base.wall)))), median per-round ratio \(pct(median(ratios))), CPU \(f3(median(c.cpu))) s (\(pct(median(c.cpu) / median(base.cpu)))), cordon's own CPU \(f3(own)) s (\(added >= 0 ? "+" : "")\(f3(added * 1000)) ms = \(pct(1 + added / median(base.wall))) of the run's wall time)"
            )
        }
        return 0
    }

    /// In process, without the sandbox: LiveScorer.observe per exec event (the part of live
    /// scoring on the exec's path: the monitor answers the exec after it), for the loop's one
    /// repeated command and for an agent-like mix of 40 commands over 2,000 distinct argvs.
    static func perEvent() {
        func event(_ argv: [String]) -> [(String, JSONValue)] {
            [
                ("pid", .number(4242)), ("ppid", .number(4241)), ("path", .string("/usr/bin/" + argv[0])),
                ("argv", .array(argv.map { .string($0) })), ("decision", .string("allow")),
            ]
        }
        let loop = [event(["/bin/true"])]
        let tools = ["git", "grep", "cat", "sed", "ls", "python3", "make", "rm", "cp", "find"]
        let mix = (0..<2000).map { i in
            event([tools[i % tools.count], ["status", "-n", "-rf", "--version"][i % 4], "src/file\(i % 500).c"])
        }
        for (name, events) in [("the loop's /bin/true", loop), ("an agent-like mix", mix)] {
            var p = Profile()
            // Six learned runs: past the five a number needs before it is judged.
            for _ in 0..<6 {
                var o = RunObservation(workspace: "/ws", home: "/root")
                for i in 0..<1000 { o.observe("exec", events[i % events.count], at: Double(i) * 0.001) }
                o.observe("run_end", [("durationMs", .number(1000))], at: 1)
                p.learn(o)
            }
            var l = LiveScorer(profile: p, observation: RunObservation(workspace: "/ws", home: "/root"))
            let n = 100_000
            let t0 = AnomalyTokensBench.now()
            var raised = 0
            for i in 0..<n where l.observe("exec", events[i % events.count], at: Double(i) * 0.001) != nil {
                raised += 1
            }
            let us = (AnomalyTokensBench.now() - t0) / Double(n) * 1e6
            print(
                "live scorer in process, \(name): \(f3(us)) µs per exec event (\(n) events, \(raised) raised the score)"
            )
        }
    }

    /// One run of the loop: wall seconds, and CPU seconds of everything it started.
    static func once(_ cordon: String, _ policy: String, _ ws: String) -> (Double, Double) {
        let cmd = "sh -c 'i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done'"
        var before = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &before)
        let t0 = AnomalyTokensBench.now()
        let rc = system(
            "cd \(ws) && '\(cordon)' run --policy \(policy) --approval deny --agent loop -- \(cmd) >/dev/null 2>&1 </dev/null"
        )
        let wall = AnomalyTokensBench.now() - t0
        if rc != 0 { print("  a run with \(policy) exited \(rc)") }
        var after = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &after)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let cpu = s(after.ru_utime) - s(before.ru_utime) + s(after.ru_stime) - s(before.ru_stime)
        return (wall, cpu)
    }

    /// The CPU seconds of the last run's sandboxed tree (its trace's run_end rusage).
    static func treeCPU(_ ws: String) -> Double {
        let dir = ws + "/.cordon/traces"
        guard let last = FileIO.list(dir).sorted().last, let t = try? TraceReader.read(dir + "/" + last),
            let r = t.end?["rusage"]
        else { return 0 }
        return ((r["userMs"]?.doubleValue ?? 0) + (r["sysMs"]?.doubleValue ?? 0)) / 1000
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func f3(_ x: Double) -> String { AnomalyTokensBench.format3(x) }

    static func pct(_ ratio: Double) -> String {
        let p = ((ratio - 1) * 1000).rounded() / 10 + 0  // + 0: no "-0.0"
        return (p >= 0 ? "+" : "") + "\(p)%"
    }
}
