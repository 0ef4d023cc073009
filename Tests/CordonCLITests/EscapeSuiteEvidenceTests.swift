// The escape suite, evidence: what the command could leave for a later run's evidence and
// approval store to trust.
import CordonBase
import Foundation
import Testing

@Suite(
    "escape suite: evidence", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason),
    .timeLimit(.minutes(10)))
struct EscapeSuiteEvidenceTests {
    // Regression: with the evidence elsewhere (--log-dir, CORDON_HOME) and no .cordon/ in the
    // workspace, nothing covered that name: the command made .cordon/ with a state.db of its own
    // (remembered approvals, an approver key's hash) and a gate.log, which the next run in that
    // workspace, with the default log directory, took for its own.
    @Test("with --log-dir elsewhere, the command cannot plant a .cordon/ for the workspace's next run")
    func plantedLogDirectory() throws {
        let ws = try Workspace()
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cordon-logs-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: logs) }
        try ws.write(
            "plant.sh",
            "mkdir -p .cordon/traces; echo forged > .cordon/state.db; echo forged > .cordon/gate.log; echo done\n")
        let r = try ws.run(["sh", "./plant.sh"], options: ["--log-dir", logs, "--no-monitor"])
        #expect(r.stdout == "done\n", "\(r.stdout)\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: logs + "/gate.log"), "the evidence went to --log-dir")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: ws.path + "/.cordon")) ?? []
        #expect(left == [".gitignore"], "the workspace's .cordon/ holds \(left)")
        // CORDON_HOME the same way.
        let viaEnv = try ws.run(["sh", "./plant.sh"], options: ["--no-monitor"], env: ["CORDON_HOME": logs])
        #expect(viaEnv.stdout == "done\n", "\(viaEnv.stdout)\(viaEnv.stderr)")
        let after = (try? FileManager.default.contentsOfDirectory(atPath: ws.path + "/.cordon")) ?? []
        #expect(after == [".gitignore"], "the workspace's .cordon/ holds \(after)")
    }
}
