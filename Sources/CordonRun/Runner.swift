// The `run` use case: evidence first, then the gate's decision, approval, isolation with the
// monitor, and the outcome with its exit code. The CLI parses options into a RunRequest, calls
// `Runner.run` and prints; everything a run decides or records happens here, so the approval
// queue, anomaly scoring, harness hooks and a server can plug into one flow.
//
//   CLI ──► Runner ──► Gate (decision) ──► Recorder (gate.log + trace)
//                 └──► Isolation / Sandbox ◄── Monitor ──► Runner's MonitorSink ──► Recorder
import CordonAlerts
import CordonAudit
import CordonBase
import CordonGate
import CordonMonitor
import CordonNet
import CordonPolicy
import CordonSandbox
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

/// Where the Runner talks to the person running cordon (the CLI writes it to stderr).
public protocol RunObserver: AnyObject {
    /// A message, complete with its newline(s).
    func notice(_ text: String)
}

/// cordon itself could not do what was asked; the run's evidence says so (`run_end` failed)
/// whenever it could still be written.
public struct RunFailure: Error, Sendable {
    public var code: ExitCode
    public var message: String
    public var hint: String?
}

public struct RunResult: Sendable {
    /// What cordon exits with (DESIGN's table, through ExitCode).
    public var exitCode: Int32
    /// The monitor's account of what the run did, when it was monitored.
    public var summary: RunSummary?
}

public final class Runner {
    let request: RunRequest
    let observer: RunObserver
    let recorder: RunRecorder
    let start: RunStart
    let began: Double
    var monitor: Monitor?
    /// The run's approvals (its own command's, and held execs').
    let approvals: RunApprovals
    /// The run's alerts (RunAlerts): critical blocks, tamper, long approval waits, anomalies.
    public let alerts: RunAlerts
    /// Where `alert` anomaly responses go (the alert dispatcher, when connected).
    let alerting: AnomalyAlerting
    /// Anomaly detection against the agent's profile (nil: off, or not a monitored run).
    var anomaly: AnomalyWatch?
    /// setUpWatch ran.
    var watchReady = false
    /// The workspace repository's `.git/commondir` as the run found it (GitRedirectGuard).
    var gitGuard: GitRedirectGuard?
    /// Submodules staged in front of a git directory the command made (GitSubmoduleGuard).
    var submoduleGuard: GitSubmoduleGuard?
    /// Shared by the monitor's thread and the proxy's threads when they reach `approvals`.
    let approvalsLock = ApprovalsLock()
    /// `network: domains`: cordon's proxy, started once the sandbox handed over its ports.
    var proxy: RunProxy?

    /// Runs the request to the end. Returns the exit code (the command's own, 128+N, 124, 75,
    /// 77, 125 when the monitor failed, 126/127); throws when cordon could not record evidence
    /// or set up the sandbox, after recording what it could.
    ///
    /// `alongside` is done on this thread while another opens the evidence and asks the gate
    /// (`cordon run` prepares the sandbox meanwhile: EarlySandbox). Everything after the
    /// decision (approvals, which may wait on a terminal, the monitor, the run) happens here,
    /// after both are done.
    public static func run(
        _ request: RunRequest, observer: RunObserver, alerting: AnomalyAlerting = SilentAnomalyAlerting(),
        alongside: () -> Void = {}
    ) throws(RunFailure) -> RunResult {
        // The store key exists before any sandbox of this run is built: when the workspace is
        // the home directory, a missing `~/.config/cordon` is not hidden (only existing paths
        // are covered), and the command could plant a key it knows there (StoreSeal.swift).
        StoreSeal.ensure()
        let head = RunHead(request: request, observer: observer, alerting: alerting)
        Alongside.run(
            {
                do throws(RunFailure) {
                    let runner = try Runner(head.request, observer: head.observer, alerting: head.alerting)
                    head.runner = runner
                    if let refused = try runner.scanOnStart() {
                        head.outcome = .success(refused)
                        return
                    }
                    let decided = try runner.decide()
                    head.decision = decided
                    // What killed cordons left in /tmp, while this thread has time to spare.
                    if !runner.request.unsandboxed {
                        let every = runner.request.hostEnvironment["CORDON_HOME_SWEEP_INTERVAL"].flatMap { Int($0) }
                        PrivateHome.sweepStale(interval: every ?? 60)
                    }
                    // Allowed outright: the monitor and anomaly watch are made here too. (A run
                    // that needs approval gets them after the approval, as before.)
                    if decided.0.decision == .allow, !runner.request.unsandboxed,
                        runner.request.policy.sandbox.network != .domains
                    {
                        runner.setUpWatch()
                    }
                } catch {
                    head.outcome = .failure(error)
                }
            }, while: alongside)
        if let outcome = head.outcome { return try outcome.get() }
        guard let runner = head.runner, let decision = head.decision else {
            throw RunFailure(code: .runnerFailed, message: "the gate gave no decision", hint: nil)
        }
        return try runner.afterDecision(decision)
    }

    /// Evidence first: if gate.log or the trace cannot be written, nothing runs (fail closed).
    init(_ request: RunRequest, observer: RunObserver, alerting: AnomalyAlerting) throws(RunFailure) {
        self.request = request
        self.observer = observer
        self.alerting = alerting
        let policy = request.policy
        try Self.checkPin(request, observer: observer)
        recorder = try Self.evidence { () throws(AuditError) in
            try RunRecorder(
                directory: request.logDirectory, logPolicy: policy.log, tracePath: request.tracePath,
                traceBudget: policy.sandbox.limits.trace)
        }
        let layers = request.unsandboxed ? [] : Isolation.intendedLayers(policy, probe: request.probe).traceNames
        start = RunStart(
            policy: policy.source, agent: request.agent, session: request.session, project: request.project,
            command: request.argv, cwd: request.startDirectory, isolation: layers,
            sandbox: Self.sandboxSummary(
                policy, workspace: request.workspace, probe: request.unsandboxed ? nil : request.probe))
        let recorder = recorder
        let start = start
        try Self.evidence { () throws(AuditError) in try recorder.start(start) }
        alerts = RunAlerts(
            policy: policy, recorder: recorder, start: start, logDirectory: request.logDirectory.path,
            cwd: request.startDirectory)
        for warning in AlertChannelWarnings.of(policy.monitor.alertChannels) {
            observer.notice("cordon: warning: \(warning)\n")
        }
        approvals = RunApprovals(
            request: request, recorder: recorder, observer: observer, project: start.project, alerts: alerts)
        // Before the command can write anything: what `.git/commondir` held (nothing, usually).
        if !request.unsandboxed, policy.sandbox.filesystem.protect.contains(".git/config") {
            gitGuard = GitRedirectGuard(workspace: request.workspace)
            submoduleGuard = GitSubmoduleGuard(workspace: request.workspace)
        }
        PhaseTimer.shared.mark("evidence opened")
        began = Sandbox.monotonicNow()
    }

    func afterDecision(_ decision: (Decision, Action)) throws(RunFailure) -> RunResult {
        if let refused = try gateRefusal(decision) { return refused }
        if request.unsandboxed { return try runUnsandboxed() }
        return try runSandboxed(decision)
    }

    /// The run's own command, judged against the agent's profile when the watch was made (the
    /// monitor never sees the sandbox's first exec): a `kill` response ends the run before it
    /// starts; `require_approval` asks a person now, as the gate would have, when the gate
    /// itself allowed it (a command a person already approved is not asked about twice).
    func anomalyRefusal(_ decided: (Decision, Action)) throws(RunFailure) -> RunResult? {
        guard let watch = anomaly else { return nil }
        if let why = watch.stopRequest {
            return try finish(
                .anomaly, exit: nil, cordonExit: ExitCode.anomalyKilled.rawValue,
                details: .init(error: "not started: \(why)"))
        }
        if let why = watch.approvalRequired, decided.0.decision == .allow {
            var d = decided.0
            d.decision = .requiresApproval
            d.policyRule = "anomaly"
            d.reasons.insert(why, at: 0)
            return try gateRefusal((d, decided.1))
        }
        return nil
    }

    /// The facts of this run's sandbox the gate may rely on (SandboxFacts).
    var sandboxFacts: SandboxFacts {
        SandboxFacts(policy: request.policy, workspace: request.workspace, home: request.hostEnvironment["HOME"])
    }

    // MARK: - The gate

    /// The gate decides before anything is spawned; the decision is recorded first.
    func decide() throws(RunFailure) -> (Decision, Action) {
        var action = Action(id: "a-1", payload: .argv(request.argv))
        action.agentId = request.agent
        action.sessionId = start.session
        // What this run's sandbox already prevents is reported, not asked about (issue 12.6);
        // an unsandboxed run is judged as if nothing stood in the way.
        if !request.unsandboxed { action.sandbox = sandboxFacts }
        var decision = Gate.evaluate(action, policy: request.policy)
        decision.agentId = request.agent
        decision.sessionId = start.session
        PhaseTimer.shared.mark("gate decided")
        let recorder = recorder
        try Self.evidence { () throws(AuditError) in
            try recorder.record(decision, for: action, pid: getpid(), bounded: false)
        }
        alerts.decided(decision, action)
        PhaseTimer.shared.mark("decision recorded")
        return (decision, action)
    }

    /// The run's end when the gate (or the person asked) refused it; nil when it may run.
    func gateRefusal(_ decided: (Decision, Action)) throws(RunFailure) -> RunResult? {
        let (decision, action) = decided
        switch decision.decision {
        case .allow:
            return nil
        case .block:
            observer.notice(TerminalApproval.describe(decision, verb: "blocked"))
            return try finish(.blocked, exit: nil, cordonExit: ExitCode.blocked.rawValue)
        case .requiresApproval:
            let outcome: RunApprovals.Outcome
            do throws(ApprovalError) {
                outcome = try approvals.approveRun(decision, action)
            } catch {
                let message = "approvals: \(error)"
                _ = try? finish(
                    .failed, exit: nil, cordonExit: ExitCode.runnerFailed.rawValue, details: .init(error: message))
                throw RunFailure(
                    code: .runnerFailed, message: message,
                    hint: "check the state store in \(request.logDirectory.path) (state.db)")
            }
            if let why = approvals.failure {
                let message = "cannot record evidence: \(why)"
                _ = try? finish(
                    .failed, exit: nil, cordonExit: ExitCode.runnerFailed.rawValue, details: .init(error: message))
                throw RunFailure(code: .runnerFailed, message: message, hint: nil)
            }
            switch outcome {
            case .approved:
                return nil
            case .rejected:
                observer.notice("cordon: rejected; the command was not run\n")
                return try finish(.blocked, exit: nil, cordonExit: ExitCode.blocked.rawValue)
            case .expired:
                return try finish(.approvalPending, exit: nil, cordonExit: ExitCode.approvalPending.rawValue)
            case .interrupted(let sig):
                observer.notice("cordon: interrupted by signal \(sig) while waiting for approval; it was cancelled\n")
                return try finish(
                    .interrupted, exit: nil, cordonExit: ExitCode.of(WaitStatus.signaled(sig)),
                    details: .init(interruptedBy: sig))
            }
        }
    }

    // MARK: - Running

    func runUnsandboxed() throws(RunFailure) -> RunResult {
        observer.notice(
            "cordon: WARNING: --unsandboxed: running '\(TerminalText.line(request.argv[0]))' WITHOUT any sandbox (no namespaces, seccomp, Landlock or limits); only the gate decided\n"
        )
        let terminal = TerminalState.save()
        let ended = Unsandboxed.run(request.argv, cwd: request.startDirectory)
        terminal?.restore()
        switch ended {
        case .ended(.exited(let code)):
            return try finish(.exited, exit: code, cordonExit: code)
        case .ended(let status):
            guard case .signaled(let signal) = status else {
                return try finish(.failed, exit: nil, cordonExit: ExitCode.of(status))
            }
            return try finish(.signaled, exit: nil, signal: signal, cordonExit: ExitCode.of(status))
        case .notStarted(let e):
            let code = ExitCode.ofExec(e)
            let what = code == .notFound ? "command not found" : "command not executable"
            observer.notice("cordon: error: \(TerminalText.line(request.argv[0])): \(what) (\(e))\n")
            return try finish(
                .failed, exit: nil, cordonExit: code.rawValue,
                details: .init(error: "\(request.argv[0]): \(what) (\(e))"))
        }
    }

    /// The monitor, its evidence sink and the anomaly watch, made once: on the evidence-and-gate
    /// thread when the gate allowed a sandboxed run outright (Runner.run alongside), else just
    /// before the sandbox starts. After the proxy, which the sink reports on (`domains`).
    func setUpWatch() {
        guard !watchReady else { return }
        watchReady = true
        let policy = request.policy
        if policy.monitor.enabled {
            anomaly = AnomalyWatch(
                request: request, project: start.project, recorder: recorder, observer: observer,
                // Without another receiver, anomaly alerts go to the policy's alert channels.
                alerting: alerting is SilentAnomalyAlerting ? alerts : alerting)
            PhaseTimer.shared.mark("anomaly watch loaded")
            let sink = EvidenceSink(
                recorder: recorder, observer: observer, approvals: approvals, alerts: alerts,
                networkOff: policy.sandbox.network == .none, networkDomains: policy.sandbox.network == .domains,
                lock: approvalsLock)
            sink.anomaly = anomaly
            if let p = proxy { sink.networkFailure = { p.evidence.failure.value } }
            monitor = Monitor(policy: policy, agentId: request.agent, sessionId: start.session, sink: sink)
            monitor?.sandboxFacts = sandboxFacts
            // Connections by name go through the monitor's connect (DirectConnect).
            monitor?.direct = proxy
        }
        PhaseTimer.shared.mark("monitor and anomaly watch ready")
    }

    func runSandboxed(_ decided: (Decision, Action)) throws(RunFailure) -> RunResult {
        let policy = request.policy
        if policy.sandbox.network == .domains {
            proxy = RunProxy(
                policy: policy, byName: policy.monitor.enabled,
                evidence: NetworkEvidence(
                    recorder: recorder, observer: observer, approvals: approvals, lock: approvalsLock,
                    agent: request.agent, session: start.session))
        }
        defer { proxy?.stop(observer: observer) }
        setUpWatch()
        if let refused = try anomalyRefusal(decided) { return refused }
        let recorder = recorder
        let observer = observer
        let terminal = TerminalState.save()
        defer { terminal?.restore() }
        var outcome: RunOutcome
        do throws(SandboxError) {
            outcome = try Isolation.run(
                sandboxRequest(), probe: request.probe, monitor: monitor, notice: { observer.notice($0 + "\n") },
                fallback: { used in
                    try? recorder.event(
                        .isolationFallback,
                        [
                            ("isolation", .array(used.traceNames.map { .string($0) })),
                            ("reason", .string("user namespaces refused by the kernel")),
                        ])
                })
        } catch {
            if error.isExec {
                let e = error.errno ?? .notFound
                let code = ExitCode.ofExec(e)
                let what = code == .notFound ? "command not found" : "command not executable"
                observer.notice("cordon: error: \(TerminalText.line(request.argv[0])): \(what) (\(e))\n")
                return try finish(
                    .failed, exit: nil, cordonExit: code.rawValue,
                    details: .init(error: "\(request.argv[0]): \(what) (\(e))"))
            }
            _ = try? finish(
                .failed, exit: nil, cordonExit: ExitCode.runnerFailed.rawValue, details: .init(error: error.description)
            )
            throw RunFailure(
                code: .runnerFailed, message: error.description,
                hint: "run 'cordon doctor' to see which isolation layers work here")
        }
        // The proxy ends with the sandbox: nothing inside is left to use it.
        proxy?.stop(observer: observer)
        if let why = proxy?.evidence.failure.value, case .exited = outcome.status {
            outcome.status = .monitorFailed("cannot record evidence (\(why))")
        }
        return try ended(outcome)
    }

    /// The sandbox's view: the workspace, the environment, and what it must never see.
    func sandboxRequest() -> SandboxRequest { Self.sandboxRequest(request, bridge: proxy?.bridge) }

    /// The same for a request before any Runner exists (a warm runner preparing its sandbox).
    public static func sandboxRequest(_ request: RunRequest, bridge: ProxyBridge?) -> SandboxRequest {
        var req = SandboxRequest(
            argv: request.argv, policy: request.policy, workspace: request.workspace, cwd: request.startDirectory,
            hostEnvironment: request.hostEnvironment)
        req.envPass = request.envPass
        req.proxyBridge = bridge
        req.pty = request.pty
        // cordon's own state is never visible to the command, even inside the workspace: the
        // default .cordon/, a --log-dir elsewhere in a visible tree, and a --trace file's folder.
        let own = request.workspace + "/.cordon"
        if request.logDirectory.path != own {
            // Evidence elsewhere (--log-dir, CORDON_HOME): the workspace's .cordon/ is still where
            // a later run's evidence and approval store go by default. A missing one cannot be
            // covered (a mount needs its target), so the command could make it and plant a
            // state.db with remembered approvals, or a gate.log, for that later run: it is made
            // now, empty, and covered like any other.
            LogDirectory.reserve(own)
        }
        req.hide = [own, request.logDirectory.path]
        if let t = request.tracePath { req.hide.append(t) }
        // Nor the policy it runs under (DESIGN): a policy kept in the workspace would otherwise
        // be rewritable by the command it constrains, loosening every later run.
        if let p = request.policyFile { req.hide.append(p) }
        return req
    }

    /// A sandboxed run's end, told to the person and recorded: the limits it hit (a `limit`
    /// event and one stderr line each), then `run_end` with the reason it ended and how the
    /// command itself ended (its exit code, or the signal that actually killed it).
    func ended(_ o: RunOutcome) throws(RunFailure) -> RunResult {
        let code = ExitCode.of(o.status)
        let recorder = recorder
        for hit in o.limits {
            // The output cap was told the moment it was reached (Supervisor); the rest now.
            if hit.limit != "output" {
                observer.notice(
                    "cordon: limit: \(hit.name) limit of \(hit.valueText) reached (\(hit.policyKey)): \(hit.detail); raise \(hit.policyKey) in the policy if the command needs more\n"
                )
            }
            try Self.evidence { () throws(AuditError) in
                try recorder.limit(hit.limit, value: hit.valueText, detail: hit.detail)
            }
        }
        let (exit, signal): (Int32?, Int32?)
        switch o.ended {
        case .exited(let c): (exit, signal) = (c, nil)
        case .signaled(let s): (exit, signal) = (nil, s)
        }
        var end = RunEndDetails(limits: o.limits.map(\.limit), forwarded: o.forwarded)
        switch o.status {
        case .exited, .signaled:
            let outcome: RunEnd.Outcome = !o.limits.isEmpty ? .limit : signal == nil ? .exited : .signaled
            return try finish(outcome, exit: exit, signal: signal, cordonExit: code, usage: o.usage, details: end)
        case .interrupted(let sig):
            observer.notice("cordon: interrupted by signal \(sig); the sandbox was torn down\n")
            end.interruptedBy = sig
            return try finish(.interrupted, exit: exit, signal: signal, cordonExit: code, usage: o.usage, details: end)
        case .monitorFailed(let why) where anomaly?.stopRequest != nil:
            end.error = why
            return try finish(
                .anomaly, exit: exit, signal: signal, cordonExit: ExitCode.anomalyKilled.rawValue, usage: o.usage,
                details: end)
        case .monitorFailed(let why):
            let message = "monitor: \(why); the sandbox was killed (fail closed)"
            observer.notice("cordon: error: \(message)\n")
            end.error = message
            return try finish(.failed, exit: exit, signal: signal, cordonExit: code, usage: o.usage, details: end)
        case .stuck(let why):
            observer.notice("cordon: error: \(why)\n")
            end.error = why
            return try finish(.failed, exit: exit, signal: signal, cordonExit: code, usage: o.usage, details: end)
        case .timedOut:
            let timeout = request.policy.sandbox.timeout
            // The signal that ended it: SIGTERM when the tree went within the grace period.
            let sent = o.endSignal ?? SIGKILL
            observer.notice(
                "cordon: timed out after \(PolicyUnits.formatDuration(timeout)) (sandbox.timeout, --timeout); the whole process tree was ended with \(sent == SIGKILL ? "SIGKILL" : "SIGTERM")\n"
            )
            try Self.evidence { () throws(AuditError) in try recorder.timeout(afterSeconds: timeout, signal: sent) }
            return try finish(.timeout, exit: exit, signal: signal, cordonExit: code, usage: o.usage, details: end)
        }
    }

    /// What `run_end` says beyond the outcome and the command's own end.
    struct RunEndDetails {
        var limits: [String] = []
        var forwarded: [Int32] = []
        var interruptedBy: Int32?
        var error: String?
    }

    // MARK: - Evidence

    /// `run_end`: the outcome, what cordon exits with, rusage and the monitor's summary.
    func finish(
        _ outcome: RunEnd.Outcome, exit: Int32?, signal: Int32? = nil, cordonExit: Int32, usage: rusage? = nil,
        details: RunEndDetails = RunEndDetails()
    ) throws(RunFailure) -> RunResult {
        var end = RunEnd(
            exitCode: exit, signal: signal, durationMs: (Sandbox.monotonicNow() - began) * 1000,
            rusage: usage.map { ResourceUsage($0) }, outcome: outcome, cordonExit: cordonExit == exit ? nil : cordonExit
        )
        end.limits = details.limits
        end.forwardedSignals = details.forwarded
        end.interruptedBy = details.interruptedBy
        end.error = details.error
        // Held execs and a wait that did not end: nobody will act on these approvals now.
        approvals.cancelOutstanding(why: "cordon (the run ended: \(outcome.rawValue))")
        if let m = monitor {
            end.summary = m.summary.json
            let per = { (x: Double) in m.handled == 0 ? 0 : Int(x / Double(m.handled) * 1e6) }
            PhaseTimer.shared.mark(
                "monitor answered \(m.handled) notifications, \(per(m.handlingSeconds)) us each (probe \(per(m.phase[0])), read \(per(m.phase[1])), gate \(per(m.phase[2])), after \(per(m.phase[3])): answer and event \(per(m.phase[3] - m.phase[4] - m.phase[5])), execve to stop \(per(m.phase[4])), check \(per(m.phase[5])))"
            )
        }
        if let p = proxy { end.summary = p.summary(adding: end.summary) }
        // Alerts still queued get a bounded time (monitor.alert_delivery.drain); durationMs above
        // is the command's, without it. Their failures are written before run_end.
        alerts.drain()
        PhaseTimer.shared.mark("alerts drained")
        if let watch = anomaly {
            end.anomaly = watch.finish(durationMs: end.durationMs, usage: end.rusage)
            anomaly = nil
        }
        PhaseTimer.shared.mark("anomaly watch finished")
        let redirected =
            (gitGuard?.check(run: recorder.run)).map { [("git_commondir", "git-commondir", ".git/commondir", $0)] }
            ?? []
        let staged = (submoduleGuard?.check(run: recorder.run) ?? []).map {
            ("git_submodule", "git-submodule", ".git/index", $0)
        }
        for (kind, rule, file, what) in redirected + staged {
            observer.notice("cordon: warning: \(what)\n")
            try? recorder.event(.violation, [("kind", .string(kind)), ("detail", .string(what))])
            // `quarantined` when the file was moved aside, `flagged` when it is still there (the
            // rename failed, or the index could not be read) and the person must look.
            _ = try? recorder.log(
                LogRecord(
                    decision: what.contains("moved aside to ") ? "quarantined" : "flagged", score: 90,
                    level: "critical", source: "tamper", pid: getpid(), rule: rule, command: Array(file.utf8),
                    reasons: [what]))
        }
        let recorder = recorder
        try Self.evidence { () throws(AuditError) in try recorder.end(end) }
        PhaseTimer.shared.mark("run_end recorded")
        return RunResult(exitCode: cordonExit, summary: monitor?.summary)
    }

    /// A policy the sandbox could rewrite runs only as it was when a person first ran (or
    /// trusted) it (PolicyPins).
    static func checkPin(_ request: RunRequest, observer: RunObserver) throws(RunFailure) {
        guard request.policyFile != nil else { return }
        let policy = request.policy
        let writable = [request.workspace] + policy.sandbox.filesystem.readWrite
        let exposed = PolicyPins.exposed(policy, writable: writable)
        guard !exposed.isEmpty else { return }
        let verdict = try evidence { () throws(AuditError) in try PolicyPins.check(policy, in: request.logDirectory) }
        let path = TerminalText.line(policy.source.path)
        switch verdict {
        case .trusted:
            return
        case .firstUse:
            observer.notice(
                "cordon: note: trusting policy \(path) as it is now: it lies where the command can write (\(exposed.map { TerminalText.line($0) }.joined(separator: ", "))), so a later change is refused until 'cordon policy trust \(path)'\n"
            )
        case .changed:
            throw RunFailure(
                code: .invalidPolicy,
                message:
                    "policy \(path) changed since it was trusted, and it lies where a sandboxed command can write (\(exposed.map { TerminalText.line($0) }.joined(separator: ", "))); refusing to run under it",
                hint: "review the policy (and its extends: parents), then run 'cordon policy trust \(path)'")
        }
    }

    /// Runs an evidence step; failure to record is a runner failure (125) naming the file.
    static func evidence<T>(_ body: () throws(AuditError) -> T) throws(RunFailure) -> T {
        do throws(AuditError) {
            return try body()
        } catch {
            throw RunFailure(
                code: .runnerFailed, message: "cannot record evidence, so the command was not run: \(error)",
                hint: "check that the log directory is writable (--log-dir, CORDON_HOME)")
        }
    }

    static func sandboxSummary(_ p: Policy, workspace: String, probe: Probe? = nil) -> JSONValue {
        let sb = p.sandbox
        // Whether limits.memory and limits.processes bound the whole run (a cgroup) or only each
        // process (RLIMIT_AS, RLIMIT_NPROC per user): six processes of 2 GiB each pass a 4 GiB
        // rlimit. Said plainly, so nobody reads a per-process limit as a run's (issue 11, E.14).
        var scope: [(String, JSONValue)] = []
        if let probe, sb.limits.memory != nil || sb.limits.processes != nil {
            scope = [
                (
                    "limits_scope",
                    .string(
                        probe.cgroups()
                            ? "run (cgroup)" : "process (rlimits only: \(probe.cgroupsProblem() ?? "no cgroup"))")
                )
            ]
        }
        return .object(
            [
                ("mode", .string(sb.mode.rawValue)), ("network", .string(sb.network.rawValue)),
                ("timeout", .number(sb.timeout)), ("workspace", .string(workspace)), ("seccomp", .string(sb.seccomp)),
                ("memory", sb.limits.memory.map { .number(Double($0)) } ?? .null),
                ("processes", sb.limits.processes.map { .number(Double($0)) } ?? .null),
            ] + scope)
    }
}

/// What the evidence-and-gate thread takes (used only there until the join) and hands back
/// (written there, read only after the join): Runner.run.
final class RunHead: @unchecked Sendable {
    let request: RunRequest
    let observer: RunObserver
    let alerting: AnomalyAlerting
    var runner: Runner?
    var decision: (Decision, Action)?
    var outcome: Result<RunResult, RunFailure>?

    init(request: RunRequest, observer: RunObserver, alerting: AnomalyAlerting) {
        self.request = request
        self.observer = observer
        self.alerting = alerting
    }
}
