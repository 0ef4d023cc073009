// Approvals end to end, outside any sandbox: requests go into the store with a gate.log line
// (`source=approval decision=requested`), decisions move them once (each with its line, written
// inside the store's transaction), and pending approvals whose waiter died or whose deadline
// passed are closed by whoever looks next. The Runner, the monitor's sink and the CLI all go
// through this one desk, so every transition is recorded the same way.
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

public struct ApprovalError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
    init(_ message: String) { self.message = message }
    init(_ e: StoreError) { message = e.description }
    init(_ e: AuditError) { message = "\(e)" }
}

public final class ApprovalDesk {
    public let store: CordonStore
    public let directory: LogDirectory
    let log: GateLogWriter

    init(store: CordonStore, directory: LogDirectory, log: GateLogWriter) {
        self.store = store
        self.directory = directory
        self.log = log
    }

    /// The desk of a log directory. `create`: make the directory and the store when missing
    /// (runs and inspect); readers pass false and get nil when there has never been an approval.
    public static func open(_ directory: LogDirectory, create: Bool, logPolicy: LogPolicy = LogPolicy())
        throws(ApprovalError) -> ApprovalDesk?
    {
        do {
            if !create {
                var st = stat()
                if lstat(directory.path + "/state.db", &st) != 0 && errno == ENOENT { return nil }
            }
            let log = try GateLogWriter(directory: directory, maxSize: logPolicy.maxSize, keep: logPolicy.keep)
            guard let store = try SQLiteStore.open(directory: directory.path, create: create) else { return nil }
            return ApprovalDesk(store: store, directory: directory, log: log)
        } catch let e as StoreError {
            throw ApprovalError(e)
        } catch let e as AuditError {
            throw ApprovalError(e)
        } catch {
            throw ApprovalError("\(error)")
        }
    }

    static func now() -> Double { Double(Timestamp.now().milliseconds) / 1000 }

    // MARK: recording

    /// The gate.log line of a transition: the approval's action with `decision=<status>` and
    /// `source=approval`; the first reason names the approval and who moved it.
    func line(_ a: Approval, _ what: String, detail: [String] = []) -> LogRecord {
        LogRecord(
            decision: what, score: a.score, level: a.level, agent: a.agent, session: a.session, run: a.runId,
            action: a.actionId, source: "approval", pid: getpid(), rule: a.rule, command: Array(a.command.utf8),
            reasons: ["approval \(a.id) \(what)" + (a.decidedBy.map { " by \($0)" } ?? "")] + detail)
    }

    /// The rule stored with a decision, named on its gate.log line.
    func ruleDetail(_ r: RememberedRule?) -> [String] {
        guard let r else { return [] }
        return [
            "remembered as \(r.id): '\(r.prefix.joined(separator: " "))' for this \(r.scope.rawValue), up to score \(r.maxScore)"
        ]
    }

    func append(_ r: LogRecord) -> String? {
        do throws(AuditError) {
            try log.append(r)
            return nil
        } catch {
            return "cannot write gate.log: \(error)"
        }
    }

    func detail(_ a: Approval) -> [String] {
        var d: [String] = []
        if let n = a.note, !n.isEmpty { d.append("note: \(n)") }
        if let r = a.remember, r != .once { d.append("remembered for \(r.rawValue)") }
        return d
    }

    // MARK: requests

    /// A new pending approval for `decision` on `action`. `timeout` 0 means nobody waits: the
    /// caller expires it at once.
    public func request(
        _ decision: Decision, action: Action, run: String, project: String, waiter: Waiter?, timeout: Double
    ) throws(ApprovalError) -> Approval {
        let kind: String
        let command: String
        switch action.payload {
        case .argv(let v):
            kind = "argv"
            command = String(decoding: ActionCoding.commandBytes(Action(id: "", payload: .argv(v))), as: UTF8.self)
        case .shell(let s):
            kind = "shell"
            command = s
        case .tool(let name, let args):
            kind = "tool"
            command = JSONValue.object([("tool", .string(name)), ("args", args)]).serialized()
        }
        let created = Self.now()
        let a = Approval(
            id: "", actionId: action.id, runId: run, session: action.sessionId ?? decision.sessionId ?? "",
            agent: action.agentId ?? decision.agentId ?? "", project: project, command: command, commandKind: kind,
            score: decision.score, level: decision.level.rawValue, rule: decision.policyRule ?? "",
            reasons: decision.reasons, source: action.source, createdAt: created,
            deadline: timeout > 0 ? created + timeout : nil, waiter: waiter)
        do throws(StoreError) {
            return try store.create(a) { made in append(line(made, "requested", detail: made.reasons)) }
        } catch {
            throw ApprovalError(error)
        }
    }

    // MARK: decisions

    /// Moves a pending approval (approve, reject, expire, cancel), with its gate.log line.
    @discardableResult
    public func decide(_ id: String, _ decision: ApprovalDecision) throws(ApprovalError) -> TransitionResult {
        do throws(StoreError) {
            return try store.transition(ShortID.normalise(id), to: decision) { a in
                append(line(a, a.status.rawValue, detail: detail(a) + ruleDetail(decision.rule)))
            }
        } catch {
            throw ApprovalError(error)
        }
    }

    /// Closes what nobody will decide any more: pending approvals past their deadline
    /// (expired) and those whose waiting run is gone (cancelled; a SIGKILLed `cordon run`
    /// cannot cancel its own). Returns what it closed.
    @discardableResult
    public func sweep() throws(ApprovalError) -> [Approval] {
        let pending: [Approval]
        do throws(StoreError) { pending = try store.approvals(status: .pending, agent: nil) } catch {
            throw ApprovalError(error)
        }
        let now = Self.now()
        var closed: [Approval] = []
        for a in pending {
            var d: ApprovalDecision?
            if let w = a.waiter, !WaiterIdentity.alive(w) {
                d = ApprovalDecision(status: .cancelled, by: "cordon (the waiting run, pid \(w.pid), is gone)", at: now)
            } else if let dl = a.deadline, dl <= now {
                d = ApprovalDecision(status: .expired, by: "cordon (not decided in time)", at: now)
            }
            guard let d else { continue }
            if case .done(let c) = try decide(a.id, d) { closed.append(c) }
        }
        return closed
    }

    public func approval(_ id: String) throws(ApprovalError) -> Approval? {
        do throws(StoreError) { return try store.approval(ShortID.normalise(id)) } catch { throw ApprovalError(error) }
    }

    public func changeCounter() throws(ApprovalError) -> Int64 {
        do throws(StoreError) { return try store.changeCounter() } catch { throw ApprovalError(error) }
    }

    // MARK: remembered decisions

    /// The remembered rule that lets `action` (decided `decision`) through without asking:
    /// never for a block, never above the score that was approved, and only when every part of
    /// the action that would need approval on its own starts with the rule's prefix.
    public func remembered(_ decision: Decision, action: Action, project: String, policy: Policy)
        throws(ApprovalError) -> RememberedRule?
    {
        guard decision.decision == .requiresApproval else { return nil }
        let rules: [RememberedRule]
        do throws(StoreError) { rules = try store.rules() } catch { throw ApprovalError(error) }
        let session = action.sessionId ?? decision.sessionId ?? ""
        let agent = action.agentId ?? decision.agentId ?? ""
        // An unsealed rule was not written by this user's cordon (StoreSeal.swift): a store that
        // came with the code, or one a sandboxed command wrote. It never lets anything through.
        let candidates = rules.filter {
            $0.sealed && $0.covers(session: session, agent: agent, project: project) && decision.score <= $0.maxScore
        }
        guard !candidates.isEmpty else { return nil }
        let parts = Self.parts(action, policy: policy)
        guard !parts.isEmpty else { return nil }
        return candidates.first { rule in
            parts.allSatisfy { $0.count >= rule.prefix.count && Array($0.prefix(rule.prefix.count)) == rule.prefix }
        }
    }

    /// What of an action needs approval on its own: its commands (wrappers seen through) minus
    /// those the gate allows alone (`cd repo`, `echo done`); a tool call without a command is
    /// its tool name.
    static func parts(_ action: Action, policy: Policy) -> [[String]] {
        let all = Gate.commands(of: action)
        if all.isEmpty, case .tool(let name, _) = action.payload { return [[name]] }
        return all.filter { argv in
            var probe = Action(id: action.id, payload: .argv(argv))
            probe.environment = action.environment
            return Gate.evaluate(probe, policy: policy).decision != .allow
        }
    }

    /// The approval's action as the gate saw it, rebuilt from what the store keeps.
    static func action(of a: Approval) -> Action {
        var action: Action
        switch a.commandKind {
        case "tool":
            let v = try? JSONValue.parse(a.command)
            action = Action(
                id: a.actionId, payload: .tool(name: v?["tool"]?.stringValue ?? "", args: v?["args"] ?? .object([])))
        default:
            action = Action(id: a.actionId, payload: .shell(a.command))
        }
        action.agentId = a.agent
        action.sessionId = a.session
        return action
    }

    /// The rule `--remember` stores for approval `a`: its prefix is the first part that needed
    /// approval, cut by `prefix(of:)`, unless the person gave one (which must still cover what
    /// they approved). nil for `once`.
    public func rule(for a: Approval, scope: RememberScope, prefix given: [String]?, by: String, policy: Policy)
        throws(ApprovalError) -> RememberedRule?
    {
        guard scope != .once else { return nil }
        let parts = Self.parts(Self.action(of: a), policy: policy)
        let all = parts.isEmpty ? Gate.commands(of: Self.action(of: a)) : parts
        var prefix = all.first.map(Self.prefix(of:)) ?? []
        if let g = given {
            guard !g.isEmpty, all.contains(where: { $0.count >= g.count && Array($0.prefix(g.count)) == g }) else {
                throw ApprovalError(
                    "--prefix '\(g.joined(separator: " "))' does not start any command of approval \(a.id) (\(all.map { $0.joined(separator: " ") }.joined(separator: "; ")))"
                )
            }
            prefix = g
        }
        guard !prefix.isEmpty else { throw ApprovalError("approval \(a.id) has no command to remember") }
        return RememberedRule(
            id: ShortID.make(prefix: "R-"), scope: scope, session: a.session, agent: a.agent, project: a.project,
            prefix: prefix, maxScore: a.score, approvalId: a.id, createdAt: Self.now(), createdBy: by)
    }

    /// Removes a remembered rule, with its gate.log line.
    public func forget(_ id: String, by: String) throws(ApprovalError) -> RememberedRule? {
        do throws(StoreError) {
            return try store.removeRule(ShortID.normalise(id)) { r in
                append(
                    LogRecord(
                        decision: "forgotten", score: r.maxScore, level: "", agent: r.agent, session: r.session,
                        action: "", source: "approval", pid: getpid(), rule: r.id,
                        command: Array(r.prefix.joined(separator: " ").utf8),
                        reasons: [
                            "remembered rule \(r.id) (\(r.scope.rawValue), from approval \(r.approvalId)) forgotten by \(by)"
                        ]))
            }
        } catch {
            throw ApprovalError(error)
        }
    }

    public func rules() throws(ApprovalError) -> [RememberedRule] {
        do throws(StoreError) { return try store.rules() } catch { throw ApprovalError(error) }
    }

    public func list(status: ApprovalStatus?, agent: String?) throws(ApprovalError) -> [Approval] {
        do throws(StoreError) { return try store.approvals(status: status, agent: agent) } catch {
            throw ApprovalError(error)
        }
    }

    /// An approval by its id, or the newest made for an action id (an inspect request's id).
    public func find(_ id: String) throws(ApprovalError) -> Approval? {
        if let a = try approval(id) { return a }
        do throws(StoreError) { return try store.approvals(actionId: id).first } catch { throw ApprovalError(error) }
    }

    /// The leading words a remembered rule keeps: the program and its arguments up to the
    /// first option, path or value (at most two), e.g. `git push origin` of
    /// `git push origin main`, `npm publish` of `npm publish --tag next`.
    public static func prefix(of argv: [String]) -> [String] {
        guard let program = argv.first else { return [] }
        var out = [program]
        for word in argv.dropFirst() {
            guard out.count < 3, !word.isEmpty, !word.hasPrefix("-"),
                word.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
                !word.allSatisfy(\.isNumber)
            else { break }
            out.append(word)
        }
        return out
    }
}

/// Who we are, as a waiter other processes can check on.
public enum WaiterIdentity {
    public static func current() -> Waiter {
        let pid = getpid()
        return Waiter(pid: pid, startTicks: startTicks(pid) ?? 0, bootID: bootID())
    }

    static func bootID() -> String {
        guard let b = try? FileIO.readFile("/proc/sys/kernel/random/boot_id") else { return "" }
        return String(decoding: b, as: UTF8.self).filter { !$0.isWhitespace }
    }

    /// Field 22 of /proc/PID/stat (after the parenthesised name, which may hold spaces).
    static func startTicks(_ pid: Int32) -> UInt64? {
        guard let b = try? FileIO.readFile("/proc/\(pid)/stat"), let close = b.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        let fields = b[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (state); field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
    }

    /// A waiter on another boot is gone; on this one, its pid must still run the same process.
    public static func alive(_ w: Waiter) -> Bool {
        guard w.bootID == bootID() else { return false }
        guard let t = startTicks(w.pid) else { return false }
        return t == w.startTicks
    }
}
