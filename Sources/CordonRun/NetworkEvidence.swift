// The proxy's reports (network: domains) as evidence: one gate.log line (`source=network`) per
// new host, port and decision, a trace `connect` event per request with the host name, and for
// `ask` hosts an approval through the run's approvals, waited for on the connection's thread.
// Called from the proxy's threads: the recorder is thread-safe, and the run's approvals are
// shared with the monitor's thread through `lock`.
import CordonAudit
import CordonBase
import CordonGate
import CordonNet
import CordonPolicy

#if canImport(Glibc)
    import Glibc
#endif

final class NetworkEvidence: ProxyObserver, @unchecked Sendable {
    let recorder: RunRecorder
    let observer: RunObserver
    let approvals: RunApprovals
    let lock: ApprovalsLock
    let agent: String
    let session: String
    let counter = ApprovalsLock.Counter()
    /// The first failure to record: the run is then failed (evidence is not optional).
    let failure = ApprovalsLock.Note()

    init(
        recorder: RunRecorder, observer: RunObserver, approvals: RunApprovals, lock: ApprovalsLock, agent: String,
        session: String
    ) {
        self.recorder = recorder
        self.observer = observer
        self.approvals = approvals
        self.lock = lock
        self.agent = agent
        self.session = session
    }

    static func command(_ e: ProxyEvent) -> String {
        let verb: String
        switch e.via {
        case .connect: verb = "CONNECT"
        case .http: verb = "HTTP"
        case .socks: verb = "SOCKS5"
        case .direct: verb = "TCP"
        case .dns: verb = "DNS"
        }
        let host = e.host.contains(":") ? "[\(e.host)]" : e.host
        return "\(verb) \(host):\(e.port)"
    }

    func proxyDecided(_ e: ProxyEvent) {
        let allowed = e.decision == .allow
        if e.first {
            var reasons = ["host=\(e.host)", "port=\(e.port)", "via=\(e.via.rawValue)"]
            if let a = e.address { reasons.append("address=\(a)") }
            reasons.append(allowed ? "decision=allow (\(e.reason))" : "refused: \(e.reason)")
            if let err = e.error { reasons.append("error=\(err)") }
            let line = LogRecord(
                decision: allowed ? DecisionKind.allow.rawValue : DecisionKind.block.rawValue, score: allowed ? 0 : 60,
                level: allowed ? Level.safe.rawValue : Level.high.rawValue, agent: agent, session: session,
                action: "n-\(counter.next())", source: "network", pid: getpid(), rule: e.rule,
                command: Array(Self.command(e).utf8), reasons: reasons)
            do throws(AuditError) { try recorder.logLine(line) } catch { failure.set("a network decision: \(error)") }
            if !allowed {
                observer.notice(
                    "cordon: network: refused \(TerminalText.line(Self.command(e))): \(TerminalText.line(e.reason))\n")
            }
        }
        var fields: [(String, JSONValue)] = [
            ("via", .string("proxy")), ("protocol", .string(e.via.rawValue)), ("host", .string(e.host)),
            ("port", .number(Double(e.port))),
            ("decision", .string(allowed ? DecisionKind.allow.rawValue : DecisionKind.block.rawValue)),
            ("rule", .string(e.rule)),
        ]
        if let a = e.address { fields.append(("address", .string(a))) }
        if let err = e.error { fields.append(("error", .string(err))) }
        do throws(AuditError) { try recorder.event(.connect, fields) } catch {
            failure.set("a network event: \(error)")
        }
    }

    func proxyAsk(host: String, port: Int, rule: String, stopping: @escaping @Sendable () -> Bool) -> ProxyAnswer {
        let id = "n-\(counter.next())"
        var decision = Decision(
            actionId: id, decision: .requiresApproval, score: 50, policyRule: rule,
            reasons: ["network: first request for \(host):\(port) (sandbox.network_domains \(rule))"], findings: [],
            agentId: agent, sessionId: session, source: "network")
        decision.level = Level(score: 50)
        var action = Action(
            id: id,
            payload: .tool(
                name: "network:\(host)", args: .object([("host", .string(host)), ("port", .number(Double(port)))])))
        action.agentId = agent
        action.sessionId = session
        let shown = ["connect", host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"]
        var answer = lock.with { approvals.networkNeedsApproval(decision, action, shown: shown) }
        while case .pending(let approval) = answer {
            if stopping() { return .rejected("the run ended before approval \(approval) was decided") }
            usleep(50_000)
            answer = lock.with { approvals.state(approval) }
        }
        return answer == .allow ? .approved : .rejected("not approved (\(rule))")
    }
}

/// Serialises the run's approvals (and the sink's use of them) between the monitor's thread
/// and the proxy's connection threads.
final class ApprovalsLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func with<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    final class Counter: @unchecked Sendable {
        private let lock = ApprovalsLock()
        private var value = 0
        func next() -> Int {
            lock.with {
                value += 1
                return value
            }
        }
    }

    final class Note: @unchecked Sendable {
        private let lock = ApprovalsLock()
        private var text: String?
        func set(_ t: String) { lock.with { if text == nil { text = t } } }
        var value: String? { lock.with { text } }
    }
}
