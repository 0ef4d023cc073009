// The monitor reports to the Runner through this sink: decisions and events go to gate.log and
// the trace, refusals are told to the person, and requires-approval execs are asked on the
// terminal when someone is there.
import CordonAudit
import CordonBase
import CordonGate
import CordonMonitor

final class EvidenceSink: MonitorSink {
    let recorder: RunRecorder
    let observer: RunObserver
    /// Someone can answer on the terminal (`--approval prompt` and a TTY).
    let interactive: Bool
    /// The first write failure: the monitor then stops the run (fail closed), since every later
    /// exec, connect or write would go unrecorded.
    var evidenceFailure: String?

    init(recorder: RunRecorder, observer: RunObserver, interactive: Bool) {
        self.recorder = recorder
        self.observer = observer
        self.interactive = interactive
    }

    func monitorDecided(_ d: Decision, for a: Action, pid: Int32) {
        do throws(AuditError) { try recorder.record(d, for: a, pid: pid) } catch { lost("a monitor decision", error) }
        if d.decision != .allow {
            let cmd: String
            if case .argv(let v) = a.payload { cmd = TerminalText.command(v) } else { cmd = TerminalText.line(a.id) }
            let rule = TerminalText.escaped(d.policyRule ?? "-")
            let reason = TerminalText.line(d.reasons.first ?? "")
            observer.notice(
                "cordon: refused inside the sandbox: \(cmd) (score \(d.score), \(d.level.rawValue), \(rule): \(reason))\n"
            )
        }
    }

    func monitorObserved(_ type: TraceEventType, _ fields: [(String, JSONValue)]) {
        do throws(AuditError) { try recorder.event(type, fields) } catch { lost("a monitor event", error) }
    }

    func monitorAsks(_ decision: Decision, argv: [String]) -> Bool? {
        guard interactive else { return nil }
        return TerminalApproval.askInside(decision, argv: argv)
    }

    func lost(_ what: String, _ error: AuditError) {
        guard evidenceFailure == nil else { return }
        evidenceFailure = "\(what): \(error)"
    }
}
