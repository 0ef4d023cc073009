import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
// `scan: {on_start: true}`: `cordon run` scans the agent's code before starting it. Below the
// policy's thresholds the run does not start (exit 77; the findings on stderr; a gate.log line
// with source=scan), unless `on_fail: warn`. Results are cached by content in the log
// directory, so an unchanged tree costs reading and hashing its files, not analysing them.
import CordonSandbox
import CordonScan

#if canImport(Glibc)
    import Glibc
#endif

extension Runner {
    /// The run's end when the scan refuses it; nil when it may go on.
    func scanOnStart() throws(RunFailure) -> RunResult? {
        let s = request.policy.scan
        guard s.onStart else { return nil }
        let ws = request.workspace
        var scan = ScanRequest(paths: s.paths.map { $0.hasPrefix("/") ? $0 : ($0 == "." ? ws : ws + "/" + $0) })
        scan.recursive = true
        scan.base = ws
        scan.cacheDirectory = request.logDirectory.path
        let report: ScanReport
        do throws(ScanError) {
            report = try ProjectScanner.scan(scan)
        } catch {
            _ = try? finish(.failed, exit: nil, cordonExit: ExitCode.invalidPolicy.rawValue)
            throw RunFailure(
                code: .invalidPolicy, message: "scan on start: \(error.message)",
                hint: "fix scan.paths in the policy (relative to the workspace \(ws))")
        }
        let thresholds = ScanThresholds(
            minScore: s.minScore, failOn: Set(s.failOn.compactMap { Severity(name: $0) }))
        let verdict = Verdict.of(report, thresholds)
        PhaseTimer.shared.mark("scanned \(report.files.count) files on start")
        if verdict.passed { return nil }
        let warn = s.onFail == "warn"
        observer.notice(report.text(thresholds, verdict, color: false))
        // One gate.log line (and trace decision) for the refusal, naming the worst places.
        var d = Decision(
            actionId: "a-scan", decision: warn ? .allow : .block, score: 100 - report.score, policyRule: "scan",
            reasons: ["trust score \(report.score) below the policy's thresholds"] + verdict.reasons.prefix(5),
            findings: [], agentId: request.agent, sessionId: start.session, source: "scan")
        d.level = Level(score: d.score)
        var action = Action(id: "a-scan", payload: .argv(request.argv))
        action.agentId = request.agent
        action.sessionId = start.session
        let recorder = recorder
        try Self.evidence { () throws(AuditError) in try recorder.record(d, for: action, pid: getpid(), bounded: false)
        }
        if warn {
            observer.notice(
                "cordon: warning: the scan is below the policy's thresholds; scan.on_fail: warn, so the run starts\n")
            return nil
        }
        observer.notice(
            "cordon: blocked: the scan of \(s.paths.joined(separator: ", ")) is below the policy's thresholds; the command was not run\n"
        )
        return try finish(.blocked, exit: nil, cordonExit: ExitCode.blocked.rawValue)
    }
}
