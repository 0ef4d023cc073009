// The API `cordon run` (and later the monitor) uses to leave evidence: one object per run that
// writes gate.log lines and the run's JSON trace. Every method throws AuditError when the
// evidence cannot be written; the caller must then not run (or stop) the command and exit 125.
//
//   let rec = try RunRecorder(directory: dir, logPolicy: policy.log)      // creates .cordon/, opens files
//   try rec.start(RunStart(policy: policy.source, agent: ..., command: argv, cwd: cwd, isolation: layers))
//   let d = Gate.evaluate(action, policy: policy)
//   try rec.record(d, for: action, pid: getpid())                         // gate.log line + trace event
//   ... spawn if allowed; monitor events via rec.event(.exec, [...]); rec.limit(...); rec.timeout(...)
//   try rec.end(RunEnd(exitCode: 0, signal: nil, durationMs: ms, rusage: .children(), outcome: .exited))
import CordonBase
import CordonGate
import CordonPolicy
import Synchronization

public struct RunStart: Sendable {
    public var policy: PolicySource
    public var agent: String
    public var session: String
    public var project: String
    public var command: [String]
    public var cwd: String
    /// The isolation layers actually in force, e.g. `user-ns`, `pid-ns`, `mount-ns`, `net-ns`,
    /// `ipc-ns`, `uts-ns`, `cgroup-ns`, `seccomp`, `landlock`, `rlimits`, `timeout`, `monitor`.
    public var isolation: [String]
    /// A summary of the sandbox settings for the report (network, timeout, limits, ...).
    public var sandbox: JSONValue?

    public init(
        policy: PolicySource, agent: String, session: String = RunID.make(prefix: "s-"), project: String? = nil,
        command: [String], cwd: String, isolation: [String], sandbox: JSONValue? = nil
    ) {
        self.policy = policy
        self.agent = agent
        self.session = session
        self.project = project ?? RunStart.defaultProject(cwd: cwd)
        self.command = command
        self.cwd = cwd
        self.isolation = isolation
        self.sandbox = sandbox
    }

    /// The last component of the working directory (DESIGN: the project defaults to it).
    public static func defaultProject(cwd: String) -> String {
        cwd.split(separator: "/").last.map(String.init) ?? "/"
    }
}

public struct RunEnd: Sendable {
    public enum Outcome: String, Sendable {
        case exited, signaled, blocked
        case approvalPending = "approval_pending"
        case timeout, failed
        /// It ran into a resource limit (`limits` says which); exitCode/signal say how it ended.
        case limit
        /// cordon was told to stop (SIGTERM, a second Ctrl-C) and tore the sandbox down.
        case interrupted
        /// An anomaly response of `kill` ended it (monitor.anomaly.response).
        case anomaly
    }
    /// The command's own exit code; nil when it was killed or never started.
    public var exitCode: Int32?
    public var signal: Int32?
    public var durationMs: Double
    public var rusage: ResourceUsage?
    public var outcome: Outcome
    /// The run's final anomaly score and reasons (`{score, threshold, flagged, reasons}`).
    public var anomaly: JSONValue?
    /// What cordon itself exited with (DESIGN's exit codes), when it differs from exitCode.
    public var cordonExit: Int32?
    /// The monitor's summary of what the run did (programs, endpoints, files, denials).
    public var summary: JSONValue?
    /// The resource limits the run hit (`sandbox.limits` keys), each also a `limit` event.
    public var limits: [String] = []
    /// Why cordon failed (outcome `failed`): the message it printed.
    public var error: String?
    /// Signals cordon received and passed on to the command as they were (Ctrl-C, ...).
    public var forwardedSignals: [Int32] = []
    /// The signal that made cordon tear the run down (outcome `interrupted`).
    public var interruptedBy: Int32?

    public init(
        exitCode: Int32?, signal: Int32?, durationMs: Double, rusage: ResourceUsage?, outcome: Outcome,
        cordonExit: Int32? = nil
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.durationMs = durationMs
        self.rusage = rusage
        self.outcome = outcome
        self.cordonExit = cordonExit
    }
}

public final class RunRecorder: Sendable {
    public let run: String
    public let directory: LogDirectory
    public let tracePath: String
    private let log: Mutex<GateLogWriter>
    private let trace: TraceWriter
    private let identity: Mutex<(agent: String, session: String)>
    /// The command as run_start named it, for the run's gate.log line.
    private let command: Mutex<[UInt8]>

    /// Creates the log directory (0700), opens gate.log's lock and creates the trace
    /// (`<dir>/traces/<run>.jsonl`, or `tracePath`). Throws naming the file that failed.
    /// - Parameter traceBudget: bytes the trace's observed events (decisions, monitor events)
    ///   may take; past it they are dropped, and gate.log still gets every decision.
    public init(
        directory: LogDirectory, logPolicy: LogPolicy = LogPolicy(), tracePath: String? = nil,
        run: String = RunID.make(), lockTimeout: Double = 5, traceBudget: UInt64? = nil
    ) throws(AuditError) {
        self.run = run
        self.directory = directory
        let writer = try GateLogWriter(
            directory: directory, maxSize: logPolicy.maxSize, keep: logPolicy.keep, lockTimeout: lockTimeout)
        self.log = Mutex(writer)
        let path = tracePath ?? "\(directory.traces)/\(run).jsonl"
        self.tracePath = path
        if tracePath == nil {
            // In traces/ as opened through the log directory's descriptor (LogDirectory).
            let dir = try directory.openDirectory()
            defer { close(dir) }
            let traces = try directory.openTraces(in: dir)
            defer { close(traces) }
            self.trace = try TraceWriter(
                path: path, run: run, budget: traceBudget, directory: traces, name: "\(run).jsonl")
        } else {
            self.trace = try TraceWriter(path: path, run: run, budget: traceBudget)
        }
        self.identity = Mutex(("", ""))
        self.command = Mutex([])
    }

    /// `run_start`: who, what, where, under which policy and isolation.
    public func start(_ s: RunStart) throws(AuditError) {
        identity.withLock { $0 = (s.agent, s.session) }
        command.withLock { $0 = Array(s.command.joined(separator: " ").utf8) }
        var fields: [(String, JSONValue)] = [
            ("policy", .object([("path", .string(s.policy.path)), ("sha256", .string(s.policy.sha256))])),
            ("agent", .string(s.agent)), ("session", .string(s.session)), ("project", .string(s.project)),
            ("command", .array(s.command.map { .string($0) })), ("cwd", .string(s.cwd)),
            ("isolation", .array(s.isolation.map { .string($0) })),
        ]
        if let sb = s.sandbox { fields.append(("sandbox", sb)) }
        fields.append(("pid", .number(Double(getpidValue()))))
        try trace.write(TraceEventType.runStart.rawValue, fields)
    }

    /// One gate decision (before the run, or the monitor's on an exec): a gate.log line, then a
    /// `decision` event with the action and the full Decision. `pid` is the process the action
    /// belongs to (cordon itself before the run; the exec'ing process for the monitor).
    /// `bounded`: whether the trace budget applies (the run's own decision, written first, is
    /// always kept).
    public func record(_ d: Decision, for action: Action, pid: Int32? = nil, bounded: Bool = true) throws(AuditError) {
        let (agent, session) = identity.withLock { $0 }
        var r = LogRecord(d, command: ActionCoding.commandBytes(action), run: run, pid: pid)
        if r.agent.isEmpty { r.agent = agent }
        if r.session.isEmpty { r.session = session }
        let result: Result<String, AuditError> = log.withLock { w in
            do throws(AuditError) { return .success(try w.append(r)) } catch { return .failure(error) }
        }
        let chain = try result.get()
        var fields: [(String, JSONValue)] = [
            ("action", ActionCoding.json(action)), ("decision", d.jsonValue), ("chain", .string(chain)),
        ]
        if let pid { fields.append(("pid", .number(Double(pid)))) }
        try trace.write(TraceEventType.decision.rawValue, fields, bounded: bounded)
    }

    /// A gate.log line that is not a gate decision (`source=alert`, ...): the run's id, agent
    /// and session are filled in where the record leaves them empty. Returns its chain value.
    @discardableResult
    public func log(_ record: LogRecord) throws(AuditError) -> String {
        let (agent, session) = identity.withLock { $0 }
        var r = record
        if r.run.isEmpty { r.run = run }
        if r.agent.isEmpty { r.agent = agent }
        if r.session.isEmpty { r.session = session }
        let result: Result<String, AuditError> = log.withLock { w in
            do throws(AuditError) { return .success(try w.append(r)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The proxy's `source=network` lines: always this run's (no `decision` trace event: the
    /// caller writes its own, and replay has no gate decision to re-score).
    public func logLine(_ record: LogRecord) throws(AuditError) {
        var r = record
        r.run = run
        _ = try log(r)
    }

    /// Any other event type (`exec`, `connect`, `file_write`, `unlink`, `violation`, `anomaly`,
    /// `approval_*`): the monitor's vocabulary, described in docs/trace.schema.json.
    public func event(_ type: TraceEventType, _ fields: [(String, JSONValue)]) throws(AuditError) {
        try trace.write(type.rawValue, fields, bounded: Self.observed.contains(type))
    }

    /// What the run did, as the monitor saw it: bounded by the trace budget (a loop makes any
    /// number of these). Approvals, violations and fallbacks are always written.
    static let observed: Set<TraceEventType> = [
        .exec, .connect, .fileWrite, .unlink, .rename, .chmod, .chown, .truncate, .link, .mknod,
        // One per exec that needed approval: a loop of those must be bounded too.
        .approvalApproved, .approvalRejected, .approval,
    ]

    /// An anomaly score crossed a response level: an `anomaly` event in the trace and a
    /// gate.log line with `source=anomaly`, `decision=` the response (log, alert,
    /// require_approval, kill), the score as 0-100 and the reasons.
    public func anomaly(
        response: String, score: Double, threshold: Double, reasons: [String], final: Bool,
        extra: [(String, JSONValue)] = []
    ) throws(AuditError) {
        let (agent, session) = identity.withLock { $0 }
        let points = Int((score * 100).rounded())
        let level =
            points >= 80 ? "critical" : points >= 60 ? "high" : points >= 40 ? "medium" : points >= 20 ? "low" : "safe"
        let line = LogRecord(
            decision: response, score: points, level: level, agent: agent, session: session, run: run,
            source: "anomaly", pid: getpidValue(), command: command.withLock { $0 }, reasons: reasons)
        let result: Result<String, AuditError> = log.withLock { w in
            do throws(AuditError) { return .success(try w.append(line)) } catch { return .failure(error) }
        }
        _ = try result.get()
        try trace.write(
            TraceEventType.anomaly.rawValue,
            [
                ("response", .string(response)), ("score", .number(score)), ("threshold", .number(threshold)),
                ("final", .bool(final)), ("reasons", .array(reasons.map { .string($0) })),
            ] + extra)
    }

    /// A resource limit was hit: `limit` is memory | processes | open_files | file_size | cpu | output.
    public func limit(_ limit: String, value: String, detail: String? = nil, pid: Int32? = nil) throws(AuditError) {
        var fields: [(String, JSONValue)] = [("limit", .string(limit)), ("value", .string(value))]
        if let detail { fields.append(("detail", .string(detail))) }
        if let pid { fields.append(("pid", .number(Double(pid)))) }
        try trace.write(TraceEventType.limit.rawValue, fields)
    }

    /// The wall-clock timeout fired and the tree was killed with `signal`.
    public func timeout(afterSeconds: Double, signal: Int32) throws(AuditError) {
        try trace.write(
            TraceEventType.timeout.rawValue,
            [("afterSeconds", .number(afterSeconds)), ("signal", .number(Double(signal)))])
    }

    /// `run_end`: how it finished and what it cost, in the trace and as one gate.log line
    /// (`source=run`), so the log alone tells every run's outcome.
    public func end(_ e: RunEnd) throws(AuditError) {
        let (agent, session) = identity.withLock { $0 }
        let line = LogRecord(
            decision: e.outcome.rawValue, score: 0, level: "", agent: agent, session: session, run: run,
            source: "run", pid: getpidValue(), command: command.withLock { $0 }, reasons: e.logReasons)
        let result: Result<String, AuditError> = log.withLock { w in
            do throws(AuditError) { return .success(try w.append(line)) } catch { return .failure(error) }
        }
        _ = try result.get()
        var fields: [(String, JSONValue)] = [
            ("outcome", .string(e.outcome.rawValue)),
            ("exitCode", e.exitCode.map { .number(Double($0)) } ?? .null),
            ("signal", e.signal.map { .number(Double($0)) } ?? .null),
            ("durationMs", .number(e.durationMs.roundedTo(3))),
        ]
        if let c = e.cordonExit { fields.append(("cordonExit", .number(Double(c)))) }
        if !e.limits.isEmpty { fields.append(("limits", .array(e.limits.map { .string($0) }))) }
        if let why = e.error { fields.append(("error", .string(why))) }
        if !e.forwardedSignals.isEmpty {
            fields.append(("forwardedSignals", .array(e.forwardedSignals.map { .number(Double($0)) })))
        }
        if let s = e.interruptedBy { fields.append(("interruptedBy", .number(Double(s)))) }
        if let r = e.rusage { fields.append(("rusage", r.json)) }
        if let sm = e.summary { fields.append(("summary", sm)) }
        if let a = e.anomaly { fields.append(("anomaly", a)) }
        let dropped = trace.dropped
        if dropped > 0 { fields.append(("droppedEvents", .number(Double(dropped)))) }
        try trace.write(TraceEventType.runEnd.rawValue, fields)
    }
}

#if canImport(Glibc)
    import Glibc
    func getpidValue() -> Int32 { getpid() }
#endif

extension RunEnd {
    /// The run's gate.log line in `reasons`: `exit=N` or `signal=N`, `duration_ms=`, and the
    /// limits hit, interruption and error when there are any. `key=value` pieces, so
    /// `grep 'source=run' gate.log | grep 'limits='` works.
    var logReasons: [String] {
        var r: [String] = []
        if let c = exitCode { r.append("exit=\(c)") }
        if let s = signal { r.append("signal=\(s)") }
        if let c = cordonExit { r.append("cordon_exit=\(c)") }
        r.append("duration_ms=\(Int(durationMs.rounded()))")
        if !limits.isEmpty { r.append("limits=" + limits.joined(separator: ",")) }
        if let s = interruptedBy { r.append("interrupted_by=\(s)") }
        if let why = error { r.append("error=" + why) }
        return r
    }
}
