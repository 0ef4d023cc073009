// Issue 14's scenario: a scripted normal agent (Fixtures/anomaly/normal-agent.sh: reads, grep,
// edits, git status/add/commit, tests) recorded over 30 real `cordon run --agent` runs, then
// 20 new normal runs (at most 1 flagged at medium) and 10 runs with one injected misbehaviour
// each (at least 9 flagged, each with a reason naming what was injected). The same scenario
// prints its rates as a benchmark: cordon-bench anomaly agent.
import CordonTestSupport
import Foundation
import Testing

@Suite(
    "anomaly scenario", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason),
    .timeLimit(.minutes(10)))
struct AnomalyScenarioTests {
    static let fixtures = Repository.path("Tests/CordonCLITests/Fixtures/anomaly")

    /// Each misbehaviour and words one of its reasons must contain.
    static let misbehaviours: [(String, [String])] = [
        ("network-tool", ["`curl`"]), ("network-tool-2", ["`wget`"]),
        ("delete-burst", ["deleted"]), ("delete-burst-2", ["deleted", "`rm"]),
        ("outside-read", ["/etc/passwd"]), ("outside-read-2", ["/etc/group"]),
        ("downloaded-binary", ["dl-tool"]), ("downloaded-binary-2", ["helper"]),
        ("new-port", ["4444"]), ("cpu-burn", ["CPU"]),
    ]

    func run(_ ws: Workspace, seed: Int, _ misbehaviour: String? = nil) throws -> (flagged: Bool, reasons: [String]) {
        let r = try ws.run(
            ["sh", "agent.sh", String(seed)] + (misbehaviour.map { [$0] } ?? []),
            options: ["--policy", Self.fixtures + "/policy.yaml", "--agent", "normal"])
        #expect(r.status == 0, "run \(seed) \(misbehaviour ?? ""): \(r.stderr)")
        let traces = try FileManager.default.contentsOfDirectory(atPath: ws.path + "/.cordon/traces").sorted()
        let text = try String(contentsOfFile: ws.path + "/.cordon/traces/" + (traces.last ?? ""), encoding: .utf8)
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        let end = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        let anomaly = end?["anomaly"] as? [String: Any]
        return (anomaly?["flagged"] as? Bool ?? false, anomaly?["reasons"] as? [String] ?? [])
    }

    @Test("30 learned runs, then 20 normal runs (at most 1 flagged) and 10 misbehaviours (at least 9 flagged, named)")
    func scenario() throws {
        let ws = try Workspace()
        try FileManager.default.copyItem(atPath: Self.fixtures + "/normal-agent.sh", toPath: ws.path + "/agent.sh")
        let setup = try Shell.run("/bin/sh", [Self.fixtures + "/setup.sh", ws.path])
        #expect(setup.status == 0, "\(setup.stderr)")
        if geteuid() == 0 { _ = try Shell.run("/bin/chown", ["-R", "65534:65534", ws.path]) }
        for seed in 1...30 {
            let r = try run(ws, seed: seed)
            #expect(!r.flagged || seed <= 30, "learning runs are not scored")
        }
        var falseAlarms: [String] = []
        for seed in 31...50 {
            let r = try run(ws, seed: seed)
            if r.flagged { falseAlarms.append("seed \(seed): \(r.reasons)") }
        }
        #expect(falseAlarms.count <= 1, "normal runs flagged: \(falseAlarms)")
        var caught = 0
        var missed: [String] = []
        for (k, (m, words)) in Self.misbehaviours.enumerated() {
            let r = try run(ws, seed: 61 + k, m)
            let named = r.reasons.contains { reason in words.contains { reason.contains($0) } }
            if r.flagged && named { caught += 1 } else { missed.append("\(m): flagged \(r.flagged), \(r.reasons)") }
        }
        #expect(caught >= 9, "missed: \(missed)")
        // The flagged runs were not learned: the profile holds the 30 + 20 normal runs (less any false alarm).
        let show = try Shell.cordon(["baseline", "show", "--agent", "normal"], cwd: ws.path)
        #expect(show.stdout.contains("\(50 - falseAlarms.count) runs learned"), "\(show.stdout)")
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.split(separator: "\n").filter { $0.contains("source=anomaly") }.count >= 9)
    }
}
