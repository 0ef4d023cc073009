// cordon-bench anomaly agent: issue 14's scenario as figures. A scripted normal agent
// (Tests/CordonCLITests/Fixtures/anomaly) is recorded over 30 real `cordon run --agent` runs,
// then 20 new normal runs and 10 runs with one injected misbehaviour each; prints the rates
// flagged at medium. Then: learning a profile from 1,000 traces (copies of the recorded ones
// under new run ids, in process), and the cost of live scoring (AnomalyCostBench; alone with
// --cost-only).
import CordonAnomaly
import CordonAudit
import CordonBase
import CordonRun
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

enum AnomalyAgentBench {
    static let misbehaviours = [
        "network-tool", "network-tool-2", "delete-burst", "delete-burst-2", "outside-read", "outside-read-2",
        "downloaded-binary", "downloaded-binary-2", "new-port", "cpu-burn",
    ]

    static func main(_ args: [String]) -> Int32 {
        var cordon = AnomalyTokensBench.repositoryRoot() + "/.build/release/cordon"
        var runs = 5
        var before: String?
        var costOnly = false
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--cordon": cordon = value
            case "--runs": runs = max(0, Int(value) ?? runs)
            case "--before": before = value
            case "--cost-only":
                costOnly = true
                i -= 1
            default:
                print("usage: cordon-bench anomaly agent [--cordon PATH] [--runs N] [--before CORDON] [--cost-only]")
                print("  --runs 0 with --cost-only: only the in-process figure per exec event")
                return 64
            }
            i += 2
        }
        let fixtures = AnomalyTokensBench.repositoryRoot() + "/Tests/CordonCLITests/Fixtures/anomaly"
        let ws = "/tmp/cordon-anomaly-bench-\(getpid())"
        guard mkdir(ws, 0o755) == 0,
            system("cp '\(fixtures)/normal-agent.sh' \(ws)/agent.sh && sh '\(fixtures)/setup.sh' \(ws)") == 0
        else {
            print("could not set up \(ws)")
            return 1
        }
        if geteuid() == 0 { _ = system("chown -R 65534:65534 \(ws)") }
        defer { _ = system("rm -rf \(ws)") }
        if costOnly { return AnomalyCostBench.measure(cordon: cordon, before: before, ws: ws, runs: runs) }
        let policy = fixtures + "/policy.yaml"
        func run(_ seed: Int, _ m: String = "") -> (flagged: Bool, reason: String, seconds: Double) {
            let t0 = AnomalyTokensBench.now()
            let rc = system(
                "cd \(ws) && '\(cordon)' run --policy '\(policy)' --approval deny --agent normal -- sh agent.sh \(seed) \(m) >/dev/null 2>&1 </dev/null"
            )
            let s = AnomalyTokensBench.now() - t0
            if rc != 0 { print("run \(seed) \(m) exited \(rc)") }
            let traces = FileIO.list(ws + "/.cordon/traces").sorted()
            guard let last = traces.last, let t = try? TraceReader.read(ws + "/.cordon/traces/" + last),
                let a = t.end?["anomaly"]
            else { return (false, "", s) }
            return (a["flagged"]?.boolValue == true, a["reasons"]?[0]?.stringValue ?? "", s)
        }
        var learnTime = 0.0
        for seed in 1...30 { learnTime += run(seed).seconds }
        var normalFlagged = 0
        for seed in 31...50 where run(seed).flagged { normalFlagged += 1 }
        var caught = 0
        for (k, m) in misbehaviours.enumerated() {
            let r = run(61 + k, m)
            if r.flagged { caught += 1 }
            print("  \(m): \(r.flagged ? "flagged" : "missed") - \(r.reason)")
        }
        print("scenario: 30 learning runs (\(AnomalyTokensBench.format3(learnTime / 30)) s each)")
        print("  normal runs flagged at medium: \(normalFlagged) of 20 (issue: at most 1)")
        print("  misbehaviours flagged at medium: \(caught) of 10 (issue: at least 9)")
        learningSpeed(ws)
        return AnomalyCostBench.measure(cordon: cordon, before: before, ws: ws, runs: runs)
    }

    /// 1,000 traces: the recorded ones copied under fresh run ids, learned in process.
    static func learningSpeed(_ ws: String) {
        let dir = ws + "/.cordon/traces"
        let copies = ws + "/copies"
        _ = mkdir(copies, 0o755)
        let originals = FileIO.list(dir).sorted().map { dir + "/" + $0 }
        var paths: [String] = []
        var n = 0
        while paths.count < 1000 {
            for o in originals where paths.count < 1000 {
                guard let bytes = try? FileIO.readFile(o) else { continue }
                let text = String(decoding: bytes, as: UTF8.self)
                guard let run = (try? TraceReader.read(o))?.run else { continue }
                let id = "r-" + String(repeating: "0", count: 20) + String(format6(n))
                n += 1
                let path = copies + "/\(id).jsonl"
                let fd = FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                var out = text.replacingOccurrences(run, id)
                _ = out.withUTF8 { FileIO.writeAll(fd, UnsafeRawBufferPointer($0)) }
                close(fd)
                paths.append(path)
            }
        }
        let storeDir = ws + "/learn-store"
        _ = mkdir(storeDir, 0o700)
        guard let store = try? SQLiteStore.open(directory: storeDir, create: true) else { return }
        let t0 = AnomalyTokensBench.now()
        let o = try? BaselineLearning.learn(traces: paths, store: store, agent: nil, project: nil, home: nil)
        let s = AnomalyTokensBench.now() - t0
        let learned = o?.learned.map(\.runs).reduce(0, +) ?? 0
        print(
            "learning: \(learned) of \(paths.count) traces into profiles in \(AnomalyTokensBench.format3(s)) s (issue: under 5 s)"
        )
    }

    static func format6(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
