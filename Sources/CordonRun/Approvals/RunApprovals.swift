// One run's approvals: the run's own command before it starts (Runner) and execs inside the
// sandbox (the monitor, through EvidenceSink). Each goes the same way: covered by what a person
// already approved in this run, or by a remembered rule; else asked on the terminal (prompt),
// queued for `cordon approvals approve` (queue), or refused and recorded as expired (deny).
// Every outcome is a trace `approval` event; the store's transitions are gate.log lines.
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

final class RunApprovals {
    let request: RunRequest
    let recorder: RunRecorder
    let observer: RunObserver
    let project: String
    /// `prompt` without a controlling terminal falls back to `queue` (said once).
    var mode: ApprovalMode
    /// Opened on the first approval: runs that never need one never touch the store.
    private var openedDesk: ApprovalDesk?
    /// Commands (program + arguments, as the gate normalises them) a person approved in this
    /// run: an exec inside that is one of them is not asked about again.
    var covered: Set<[String]> = []
    var coveredBy = ""
    /// Pending approvals this run waits for (the run's own, or held execs): cancelled when the
    /// run ends first.
    var outstanding: Set<String> = []
    /// The store's change counter when held approvals were last read, and when that was.
    var seenVersion: Int64 = -1
    var lastRead = 0.0
    var lastKnown: [String: Approval] = [:]
    /// The first failure to reach the store or write evidence: the monitor then stops the run.
    var failure: String?
    /// `--approval prompt` during the run: questions on /dev/tty, answered without blocking.
    var prompts: TerminalPrompts?
    /// Pending approvals this run waits for, since when, for what: one alert each once the wait
    /// passes `monitor.alert_on.approval_wait`.
    let alerts: RunAlerts
    var waiting: [String: (since: Double, decision: Decision, command: String)] = [:]

    init(request: RunRequest, recorder: RunRecorder, observer: RunObserver, project: String, alerts: RunAlerts) {
        self.request = request
        self.recorder = recorder
        self.observer = observer
        self.project = project
        self.alerts = alerts
        mode = request.approval
    }

    /// Raises the approval-wait alert for approvals still pending past the policy's limit.
    func checkWaits(now: Double) {
        guard !waiting.isEmpty, let limit = request.policy.monitor.alertOn.approvalWait else { return }
        for (id, w) in waiting.sorted(by: { $0.key < $1.key }) where now - w.since >= limit {
            waiting[id] = nil
            guard outstanding.contains(id) else { continue }
            alerts.approvalWaiting(
                id, seconds: now - w.since, decision: w.decision, command: w.command, hint: approveHint)
        }
    }

    var timeout: Double { request.policy.approvals.timeout }

    func desk() throws(ApprovalError) -> ApprovalDesk {
        if let d = openedDesk { return d }
        guard let d = try ApprovalDesk.open(request.logDirectory, create: true, logPolicy: request.policy.log) else {
            throw ApprovalError("the state store could not be created in \(request.logDirectory.path)")
        }
        openedDesk = d
        return d
    }

    /// The `approve with:` hint names the log directory unless it is the default one here.
    var approveHint: String {
        let here = LogDirectory.resolve(option: nil, environment: [:], cwd: FileIO.cwd())
        return here == request.logDirectory ? "" : " --log-dir \(TerminalText.line(request.logDirectory.path))"
    }

    enum Outcome: Equatable {
        case approved
        case rejected
        /// Not decided in time (or `--approval deny`): exit 75.
        case expired
        /// The wait was interrupted by a signal (the run is being stopped).
        case interrupted(Int32)
    }

    func trace(_ status: String, _ a: Approval?, actionId: String, by: String?, extra: [(String, JSONValue)] = []) {
        var fields: [(String, JSONValue)] = [
            ("status", .string(status)), ("approvalId", .string(a?.id ?? "")), ("actionId", .string(actionId)),
        ]
        if let by { fields.append(("by", .string(by))) }
        if let n = a?.note, !n.isEmpty { fields.append(("note", .string(n))) }
        if let r = a?.remember { fields.append(("remember", .string(r.rawValue))) }
        fields += extra
        do throws(AuditError) { try recorder.event(.approval, fields) } catch {
            if failure == nil { failure = "an approval event: \(error)" }
        }
    }

    /// Without asking anyone: covered by this run's approval, or a remembered rule.
    func preApproved(_ d: Decision, _ action: Action) throws(ApprovalError) -> Bool {
        let parts = Gate.commands(of: action)
        if !covered.isEmpty, !parts.isEmpty, parts.allSatisfy({ covered.contains($0) }) {
            trace(
                "approved", nil, actionId: action.id, by: nil, extra: [("covered", .string("covered by \(coveredBy)"))])
            return true
        }
        guard let rule = try desk().remembered(d, action: action, project: project, policy: request.policy) else {
            return false
        }
        let why =
            "remembered: \(rule.approvalId) by \(rule.createdBy), \(rule.scope.rawValue) \(rule.id) (\(rule.prefix.joined(separator: " ")))"
        trace("approved", nil, actionId: action.id, by: nil, extra: [("covered", .string(why))])
        observer.notice("cordon: approved by a remembered decision: \(TerminalText.line(why))\n")
        return true
    }

    /// Records an approval a person gave or refused on the terminal, as decided by them.
    func recordTerminal(_ d: Decision, _ action: Action, yes: Bool) throws(ApprovalError) -> Approval {
        let desk = try desk()
        let a = try desk.request(d, action: action, run: recorder.run, project: project, waiter: nil, timeout: 0)
        trace("requested", a, actionId: action.id, by: nil)
        let by = "terminal: \(Person.current())"
        let result = try desk.decide(
            a.id, ApprovalDecision(status: yes ? .approved : .rejected, by: by, at: ApprovalDesk.now()))
        let now = result.approval ?? a
        trace(now.status.rawValue, now, actionId: action.id, by: now.decidedBy)
        return now
    }

    /// Queues a new pending approval this process waits for.
    func queue(_ d: Decision, _ action: Action) throws(ApprovalError) -> Approval {
        let desk = try desk()
        let a = try desk.request(
            d, action: action, run: recorder.run, project: project, waiter: WaiterIdentity.current(), timeout: timeout)
        trace("requested", a, actionId: action.id, by: nil)
        outstanding.insert(a.id)
        if alerts.enabled {
            waiting[a.id] = (ApprovalDesk.now(), d, String(decoding: ActionCoding.commandBytes(action), as: UTF8.self))
        }
        return a
    }

    /// `--approval deny` (or a zero timeout): recorded, then expired at once, so it can still be
    /// looked up and decided about later in the log.
    func expireNow(_ a: Approval, why: String) throws(ApprovalError) -> Approval {
        outstanding.remove(a.id)
        let r = try desk().decide(a.id, ApprovalDecision(status: .expired, by: why, at: ApprovalDesk.now()))
        let now = r.approval ?? a
        trace(now.status.rawValue, now, actionId: a.actionId, by: now.decidedBy)
        return now
    }

    func waitingNotice(_ a: Approval, _ d: Decision, _ command: String) -> String {
        "cordon: waiting for approval \(a.id) (score \(d.score), \(d.level.rawValue)): \(command) — approve with: cordon approvals approve \(a.id)\(approveHint)\n"
    }

    // MARK: the run's own command

    /// The run's command needs approval: returns how it ended. Waits (queue) with the signals
    /// that would stop cordon turned into a cancellation.
    func approveRun(_ d: Decision, _ action: Action) throws(ApprovalError) -> Outcome {
        if try preApproved(d, action) { return .approved }
        if mode == .prompt {
            if let yes = TerminalApproval.askToRun(d, command: request.argv, notice: observer.notice) {
                let a = try recordTerminal(d, action, yes: yes)
                if yes { cover(action, by: a) }
                return yes ? .approved : .rejected
            }
            observer.notice("cordon: no terminal to ask on (/dev/tty); queueing the approval instead\n")
            mode = .queue
        }
        let a = try queue(d, action)
        if mode == .deny || timeout <= 0 {
            observer.notice(TerminalApproval.describe(d, verb: "requires approval"))
            _ = try expireNow(a, why: mode == .deny ? "cordon (--approval deny)" : "cordon (approvals.timeout is 0)")
            observer.notice(
                "cordon: not approved: approval \(a.id) expired without waiting (\(mode == .deny ? "--approval deny" : "approvals.timeout: 0"))\n"
            )
            return .expired
        }
        observer.notice(TerminalApproval.describe(d, verb: "requires approval"))
        observer.notice(waitingNotice(a, d, TerminalText.command(request.argv)))
        let outcome = try wait(for: a)
        if outcome == .approved, let now = try desk().approval(a.id) { cover(action, by: now) }
        return outcome
    }

    func cover(_ action: Action, by a: Approval) {
        for c in Gate.commands(of: action) { covered.insert(c) }
        coveredBy = "approval \(a.id)" + (a.decidedBy.map { " by \($0)" } ?? "")
    }

    /// Polls the store (its change counter every 20 ms, the row when it moved) until the
    /// approval is decided, its deadline passes, or a signal asks cordon to stop.
    func wait(for a: Approval) throws(ApprovalError) -> Outcome {
        let desk = try desk()
        let sigs: [Int32] = [SIGINT, SIGTERM, SIGHUP]
        let sfd = sigs.withUnsafeBufferPointer { SignalWait.open($0) }
        defer { SignalWait.close(sfd, sigs) }
        let live = isatty(2) == 1
        let started = ApprovalDesk.now()
        var version: Int64 = -1
        var lastShown = -1
        defer { if live && lastShown >= 0 { observer.notice("\r\u{1b}[K") } }
        while true {
            let v = try desk.changeCounter()
            let now = ApprovalDesk.now()
            checkWaits(now: now)
            if v != version || (a.deadline.map { now >= $0 } ?? false) {
                version = v
                if let dl = a.deadline, now >= dl {
                    _ = try desk.decide(
                        a.id, ApprovalDecision(status: .expired, by: "cordon (not decided in time)", at: now))
                }
                guard let cur = try desk.approval(a.id) else {
                    throw ApprovalError("approval \(a.id) disappeared from the store")
                }
                if cur.status != .pending {
                    outstanding.remove(a.id)
                    trace(cur.status.rawValue, cur, actionId: a.actionId, by: cur.decidedBy)
                    if live { observer.notice("\r\u{1b}[K") }
                    lastShown = -1
                    switch cur.status {
                    case .approved:
                        observer.notice(
                            "cordon: approval \(a.id) approved by \(TerminalText.line(cur.decidedBy ?? "?"))\(cur.note.map { ": \(TerminalText.line($0))" } ?? "")\n"
                        )
                        return .approved
                    case .rejected:
                        observer.notice(
                            "cordon: approval \(a.id) rejected by \(TerminalText.line(cur.decidedBy ?? "?"))\(cur.note.map { ": \(TerminalText.line($0))" } ?? "")\n"
                        )
                        return .rejected
                    default:
                        observer.notice(
                            "cordon: approval \(a.id) \(cur.status.rawValue) (\(TerminalText.line(cur.decidedBy ?? "")))\n"
                        )
                        return .expired
                    }
                }
            }
            if live {
                let secs = Int(now - started)
                if secs != lastShown {
                    lastShown = secs
                    observer.notice("\r\u{1b}[Kcordon: waiting for approval \(a.id): \(secs / 60)m\(secs % 60)s")
                }
            }
            if let sig = SignalWait.poll(sfd, milliseconds: 20) {
                if live { observer.notice("\r\u{1b}[K") }
                lastShown = -1
                cancelOutstanding(why: "cordon (the run was stopped by signal \(sig) while waiting)")
                return .interrupted(sig)
            }
        }
    }

    /// The run ends (or is stopped): nobody waits for these any more.
    func cancelOutstanding(why: String) {
        guard !outstanding.isEmpty, let desk = openedDesk else { return }
        for id in outstanding.sorted() {
            let now = ApprovalDesk.now()
            if let r = try? desk.decide(id, ApprovalDecision(status: .cancelled, by: why, at: now)),
                case .done(let a) = r
            {
                trace("cancelled", a, actionId: a.actionId, by: a.decidedBy)
            }
        }
        outstanding.removeAll()
    }

    // MARK: execs inside the sandbox

    func execNeedsApproval(_ d: Decision, _ action: Action, argv: [String]) -> ApprovalAnswerKind {
        do throws(ApprovalError) {
            if try preApproved(d, action) { return .allow }
            if mode == .prompt && prompts == nil {
                prompts = TerminalPrompts()
                if prompts == nil {
                    observer.notice("cordon: no terminal to ask on (/dev/tty); queueing approvals instead\n")
                    mode = .queue
                }
            }
            let a = try queue(d, action)
            if mode == .prompt, let prompts, timeout > 0 {
                // Never a blocking read: the exec is held like a queued one, and the answer is
                // picked up by `state` while the loop goes on serving everything else.
                prompts.ask(a.id, TerminalApproval.insideQuestion(d, argv: argv, id: a.id, hint: approveHint))
                return .pending(a.id)
            }
            if mode == .deny || timeout <= 0 {
                _ = try expireNow(
                    a, why: mode == .deny ? "cordon (--approval deny)" : "cordon (approvals.timeout is 0)")
                return .deny
            }
            observer.notice(waitingNotice(a, d, TerminalText.command(argv)))
            return .pending(a.id)
        } catch {
            if failure == nil { failure = "approvals: \(error)" }
            return .deny
        }
    }

    /// A held exec's approval now. The store is read only when its change counter moved, or
    /// a deadline may have passed (checked every 100 ms).
    func state(_ id: String) -> ApprovalAnswerKind {
        do throws(ApprovalError) {
            let desk = try desk()
            if let prompts, let (answered, yes) = prompts.poll() {
                let by = "terminal: \(Person.current())"
                // Traced below, when the held exec's state is read back from the store.
                _ = try desk.decide(
                    answered, ApprovalDecision(status: yes ? .approved : .rejected, by: by, at: ApprovalDesk.now()))
                // SQLite's data_version moves only for other connections' writes: forget what
                // was read, or this very decision would stay unseen.
                seenVersion = -1
                lastKnown.removeAll()
            }
            let now = ApprovalDesk.now()
            checkWaits(now: now)
            let v = try desk.changeCounter()
            if v == seenVersion, lastKnown[id] != nil, now - lastRead < 0.1 { return .pending(id) }
            if v != seenVersion {
                seenVersion = v
                lastKnown.removeAll()
            }
            lastRead = now
            var known = lastKnown[id]
            if known == nil { known = try desk.approval(id) }
            guard var a = known else { return .deny }
            if a.status == .pending, let dl = a.deadline, now >= dl {
                let r = try desk.decide(
                    id, ApprovalDecision(status: .expired, by: "cordon (not decided in time)", at: now))
                if let x = r.approval { a = x }
            }
            lastKnown[id] = a
            guard a.status != .pending else { return .pending(id) }
            outstanding.remove(id)
            lastKnown[id] = nil
            trace(a.status.rawValue, a, actionId: a.actionId, by: a.decidedBy)
            let verb = a.status == .approved ? "approved" : a.status.rawValue
            prompts?.drop(id, because: "cordon: approval \(id) \(verb) elsewhere; the question is withdrawn")
            observer.notice(
                "cordon: approval \(a.id) \(verb)\(a.decidedBy.map { " by \(TerminalText.line($0))" } ?? ""); the held exec \(a.status == .approved ? "continues" : "gets EPERM")\n"
            )
            return a.status == .approved ? .allow : .deny
        } catch {
            if failure == nil { failure = "approvals: \(error)" }
            return .deny
        }
    }

    // MARK: hosts through the proxy (network: domains, `ask`)

    /// A host's first request: covered by a remembered rule (`network:HOST`), queued, or
    /// refused, as for execs. The caller waits on `.pending` with `state`. Never a terminal
    /// prompt, even with `--approval prompt`: the question would hold the approvals' lock for
    /// as long as the person takes, and the monitor's thread needs it for every notification.
    func networkNeedsApproval(_ d: Decision, _ action: Action, shown: [String]) -> ApprovalAnswerKind {
        let asked = mode
        if mode == .prompt { mode = .queue }
        defer { if asked == .prompt && mode == .queue { mode = .prompt } }
        return execNeedsApproval(d, action, argv: shown)
    }

    func abandoned(_ id: String) {
        prompts?.drop(id, because: "cordon: the process that asked was killed; the question is withdrawn")
        guard outstanding.contains(id) else { return }
        outstanding.remove(id)
        guard let desk = openedDesk else { return }
        let by = "cordon (the held process was killed)"
        if let r = try? desk.decide(id, ApprovalDecision(status: .cancelled, by: by, at: ApprovalDesk.now())),
            case .done(let a) = r
        {
            trace("cancelled", a, actionId: a.actionId, by: a.decidedBy)
        }
    }
}

enum ApprovalAnswerKind: Equatable {
    case allow, deny
    case pending(String)
}

extension TransitionResult {
    var approval: Approval? {
        switch self {
        case .done(let a), .alreadyDecided(let a): return a
        case .unknown: return nil
        }
    }
}

/// Who is at the keyboard: `alice (uid 1000)`.
public enum Person {
    public static func current() -> String {
        let uid = getuid()
        var name = "uid\(uid)"
        if let pw = getpwuid(uid), let n = pw.pointee.pw_name { name = String(cString: n) }
        return "\(name) (uid \(uid))"
    }
}
