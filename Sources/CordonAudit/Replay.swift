// `cordon replay`: re-score every recorded action under a (new) policy and report what
// changed. Inputs are traces (every `decision` event, with the exact Action the gate saw) or
// gate.log files (the `cmd` field, re-read as a shell line; cut commands cannot be replayed
// faithfully and are counted as skipped).
import CordonGate
import CordonPolicy

public struct RecordedAction: Sendable {
    public var action: Action
    public var oldDecision: String
    public var oldScore: Int
    public var oldRule: String?
    /// `FILE:LINE` of the record.
    public var origin: String
    /// The command as a person reads it (gate.log's form).
    public var command: String
}

public struct ReplayInput: Sendable {
    public var actions: [RecordedAction] = []
    public var warnings: [String] = []
    /// Records that cannot be replayed (cut commands), with why.
    public var skipped: [String] = []
}

public enum ReplayReader {
    /// Reads one trace or gate.log file; the kind is told by the first byte (`{` is a trace).
    public static func read(_ path: String) throws(AuditError) -> ReplayInput {
        let bytes = try FileIO.readFile(path)
        if bytes.first == UInt8(ascii: "{") { return try fromTrace(bytes, path: path) }
        return try fromLog(bytes, path: path)
    }

    static func fromTrace(_ bytes: [UInt8], path: String) throws(AuditError) -> ReplayInput {
        let trace = try TraceReader.parse(bytes, path: path)
        var input = ReplayInput(warnings: trace.warnings)
        // An action that went to a person was `requires_approval` at the gate, whatever the
        // person (or a non-interactive run) then made of it: replay compares gate answers.
        let approvalTypes: Set<String> = ["approval_requested", "approval_approved", "approval_rejected"]
        let wentToApproval = Set(
            trace.events.filter { approvalTypes.contains($0.type) }.compactMap { $0["actionId"]?.stringValue })
        // Events carry their line implicitly: seq + 1 is the line in a well-formed trace, but
        // count lines instead so a trace with gaps still points at the right place.
        for (i, e) in trace.events.enumerated() where e.type == "decision" {
            let origin = "\(path):\(i + 1)"
            guard let aj = e["action"], let d = e["decision"] else {
                input.warnings.append("\(origin): decision event without action or decision; skipped")
                continue
            }
            let action: Action
            do {
                action = try ActionCoding.action(aj)
            } catch {
                input.warnings.append("\(origin): \(error.reason); skipped")
                continue
            }
            input.actions.append(
                RecordedAction(
                    action: action,
                    oldDecision: wentToApproval.contains(action.id)
                        ? DecisionKind.requiresApproval.rawValue : d["decision"]?.stringValue ?? "?",
                    oldScore: d["score"]?.intValue ?? 0,
                    oldRule: d["policyRule"]?.stringValue, origin: origin,
                    command: String(decoding: ActionCoding.commandBytes(action), as: UTF8.self)))
        }
        return input
    }

    static func fromLog(_ bytes: [UInt8], path: String) throws(AuditError) -> ReplayInput {
        var input = ReplayInput()
        var n = 0
        for raw in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            n += 1
            if raw.isEmpty { continue }
            // A first line that is neither JSON nor gate.log: the wrong file, not a damaged one.
            if input.actions.isEmpty && input.warnings.isEmpty && input.skipped.isEmpty {
                do {
                    _ = try LogRecord.parse(raw)
                } catch {
                    throw AuditError(
                        .malformed, "\(path):\(n): neither a JSON trace nor a gate.log (\(error.reason))", path: path,
                        line: n)
                }
            }
            guard let e = LogReader.parseEntry(raw, file: path, line: n, onError: { input.warnings.append($0.message) })
            else {
                continue
            }
            let r = e.record
            if let cut = r.cut {
                input.skipped.append(
                    "\(path):\(n): command was cut at 4 KiB (\(cut.bytes) bytes); replay its trace instead")
                continue
            }
            var a = Action(id: r.action.isEmpty ? "\(path):\(n)" : r.action, payload: payload(of: r))
            a.agentId = r.agent.isEmpty ? nil : r.agent
            a.sessionId = r.session.isEmpty ? nil : r.session
            a.source = r.source
            input.actions.append(
                RecordedAction(
                    action: a, oldDecision: r.decision, oldScore: r.score, oldRule: r.rule.isEmpty ? nil : r.rule,
                    origin: "\(path):\(n)", command: r.commandText))
        }
        return input
    }
}

extension ReplayReader {
    /// What the gate saw, as far as a gate.log line tells: tool calls from `inspect`/`validate`/
    /// `check` are logged as `name {json args}` and replay as tool calls; everything else as a
    /// shell line.
    static func payload(of r: LogRecord) -> Action.Payload {
        let text = r.commandText
        if ["inspect", "validate", "check"].contains(r.source), let sp = text.firstIndex(of: " "),
            text[text.index(after: sp)...].hasPrefix("{"),
            case .object(let args)? = try? JSONValue.parse(String(text[text.index(after: sp)...]))
        {
            return .tool(name: String(text[..<sp]), args: .object(args))
        }
        return .shell(text)
    }
}

public struct ReplayChange: Sendable {
    public var recorded: RecordedAction
    public var new: Decision
}

public struct ReplayResult: Sendable {
    public var total = 0
    public var changed: [ReplayChange] = []
    /// old decision → new decision → count, over every replayed action.
    public var transitions: [String: [String: Int]] = [:]
}

public enum Replay {
    /// Deterministic: the same actions and policy always give the same result.
    ///
    /// - Parameter memoize: evaluate identical actions once. The gate is a pure function of
    ///   the action and the policy (DESIGN: same input, same policy, same answer), and real
    ///   traces repeat themselves (`git status`, `ls`), so this changes speed, never results.
    ///   Everything but the action's id is part of the key.
    /// - Parameter threads: decide on this many threads (`Gate.evaluate(_:policy:threads:)`:
    ///   the same answers as one by one, in order).
    public static func run(
        _ actions: [RecordedAction], policy: Policy, memoize: Bool = true,
        threads: Int = Gate.availableThreads
    ) -> ReplayResult {
        var result = ReplayResult()
        result.total = actions.count
        // Which distinct action each recorded one is; the distinct ones are decided once.
        var slot: [Int] = []
        var distinct: [Action] = []
        if memoize {
            var index: [String: Int] = [:]
            slot.reserveCapacity(actions.count)
            for r in actions {
                var keyed = r.action
                keyed.id = ""
                let key = ActionCoding.json(keyed).serialized()
                if let k = index[key] {
                    slot.append(k)
                } else {
                    index[key] = distinct.count
                    slot.append(distinct.count)
                    distinct.append(r.action)
                }
            }
        } else {
            distinct = actions.map(\.action)
            slot = Array(distinct.indices)
        }
        let decisions = Gate.evaluate(distinct, policy: policy, threads: threads)
        // Tallied per (old decision, new decision) in a short list and turned into the nested
        // dictionary once: a dictionary update per action cost about as much as re-scoring a
        // simple command. A recorded decision is one of a handful of strings.
        var olds: [String] = []
        var counts: [[Int]] = []
        let kinds: [DecisionKind] = [.allow, .requiresApproval, .block]
        for (r, k) in zip(actions, slot) {
            let d = decisions[k]
            var o = 0
            while o < olds.count && olds[o] != r.oldDecision { o += 1 }
            if o == olds.count {
                olds.append(r.oldDecision)
                counts.append([0, 0, 0])
            }
            counts[o][kinds.firstIndex(of: d.decision) ?? 0] += 1
            if d.decision.rawValue != r.oldDecision {
                var changed = d
                changed.actionId = r.action.id
                result.changed.append(ReplayChange(recorded: r, new: changed))
            }
        }
        for (o, old) in olds.enumerated() {
            for (n, kind) in kinds.enumerated() where counts[o][n] > 0 {
                result.transitions[old, default: [:]][kind.rawValue] = counts[o][n]
            }
        }
        return result
    }
}
