// `cordon replay`: re-score every recorded action under a (new) policy and report what
// changed. Inputs are traces (every `decision` event, with the exact Action the gate saw) or
// gate.log files (the `cmd` field, re-read as a shell line; cut commands cannot be replayed
// faithfully and are counted as skipped).
import CordonBase
import CordonGate
import CordonPolicy

public struct RecordedAction: Sendable {
    public var action: Action
    public var oldDecision: String
    public var oldScore: Int
    public var oldRule: String?
    /// Where the record is: its file and 1-based line.
    public var file: String
    public var line: Int
    /// The command as gate.log wrote it, for actions read from gate.log.
    var loggedCommand: String?

    /// - Parameter command: the command as recorded, when there is a text form (gate.log's
    ///   `cmd`); without it the command is shown as gate.log would show the action.
    public init(
        action: Action, oldDecision: String, oldScore: Int, oldRule: String?, file: String, line: Int,
        command: String? = nil
    ) {
        self.action = action
        self.oldDecision = oldDecision
        self.oldScore = oldScore
        self.oldRule = oldRule
        self.file = file
        self.line = line
        self.loggedCommand = command
    }

    /// `FILE:LINE` of the record (built when shown, like `command`).
    public var origin: String { "\(file):\(line)" }

    /// The command as a person reads it (gate.log's form). Built when asked for: replay shows
    /// only the changed actions, and a trace holds hundreds of thousands.
    public var command: String {
        loggedCommand ?? String(decoding: ActionCoding.commandBytes(action), as: UTF8.self)
    }
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
        let bytes = try AuditError.readFile(path)
        if bytes.first == UInt8(ascii: "{") { return try fromTrace(bytes, path: path) }
        return try fromLog(bytes, path: path)
    }

    /// What replay keeps of one trace event; the rest of it is dropped on the thread that
    /// parsed it.
    struct TraceItem: Sendable {
        /// A decision event's action, or why it cannot be replayed.
        var action: Result<RecordedAction, TraceFormatError>?
        /// The action of an `approval_*` event: it went to a person.
        var approvalOf: String?
        var line: Int
    }

    static let approvalTypes: Set<String> = ["approval_requested", "approval_approved", "approval_rejected"]

    static func fromTrace(_ bytes: [UInt8], path: String) throws(AuditError) -> ReplayInput {
        var (items, warnings) = try TraceReader.scan(bytes, path: path) { e, line -> TraceItem in
            if e.type == "decision" { return TraceItem(action: recorded(e, file: path, line: line), line: line) }
            if approvalTypes.contains(e.type) { return TraceItem(approvalOf: e["actionId"]?.stringValue, line: line) }
            return TraceItem(line: line)
        }
        var input = ReplayInput(warnings: warnings)
        // An action that went to a person was `requires_approval` at the gate, whatever the
        // person (or a non-interactive run) then made of it: replay compares gate answers.
        var wentToApproval: Set<String> = []
        for i in items.indices { if let id = items[i].approvalOf { wentToApproval.insert(id) } }
        input.actions.reserveCapacity(items.count)
        // Moved out, not copied (as in `TraceReader.scan`).
        items.withUnsafeMutableBufferPointer { buf in
            for i in buf.indices {
                var taken: Result<RecordedAction, TraceFormatError>?
                swap(&taken, &buf[i].action)
                switch taken {
                case .success(var a)?:
                    if !wentToApproval.isEmpty && wentToApproval.contains(a.action.id) {
                        a.oldDecision = DecisionKind.requiresApproval.rawValue
                    }
                    input.actions.append(a)
                case .failure(let e)?:
                    // Events carry their line implicitly (seq + 1 in a well-formed trace); the
                    // counted line is right even in a trace with gaps.
                    input.warnings.append("\(path):\(buf[i].line): \(e.reason); skipped")
                case nil: break
                }
            }
        }
        return input
    }

    static func recorded(_ e: TraceEvent, file: String, line: Int) -> Result<RecordedAction, TraceFormatError> {
        guard let aj = e["action"], let d = e["decision"] else {
            return .failure(TraceFormatError("decision event without action or decision"))
        }
        let action: Action
        do throws(TraceFormatError) {
            action = try ActionCoding.action(aj)
        } catch {
            return .failure(error)
        }
        return .success(
            RecordedAction(
                action: action, oldDecision: d["decision"]?.stringValue ?? "?", oldScore: d["score"]?.intValue ?? 0,
                oldRule: d["policyRule"]?.stringValue, file: file, line: line))
    }

    /// What one gate.log line gives replay.
    enum LogItem: Sendable {
        case blank
        case action(RecordedAction)
        /// A command cut at 4 KiB (its full length): it cannot be replayed faithfully.
        case cut(Int)
        /// Not a gate.log line: where in it, and why.
        case bad(column: Int, reason: String)
    }

    static func fromLog(_ bytes: [UInt8], path: String) throws(AuditError) -> ReplayInput {
        var input = ReplayInput()
        let lines = TraceReader.lineRanges(bytes)
        // Lines are read on every processor, as trace lines are, and taken in order below.
        let items = ParallelMap.map(count: lines.count, threads: ParallelMap.availableThreads, minimumPerThread: 512) {
            i -> LogItem in
            let raw = bytes[lines[i]]
            let n = i + 1
            if raw.isEmpty { return .blank }
            let r: LogRecord
            do throws(LogRecord.ParseError) {
                r = try LogRecord.parse(raw)
            } catch {
                return .bad(column: error.column, reason: error.reason)
            }
            // A run's end line (source=run) records an outcome, not something the gate scored.
            if r.source == "run" { return .blank }
            if let cut = r.cut { return .cut(cut.bytes) }
            var a = Action(id: r.action.isEmpty ? "\(path):\(n)" : r.action, payload: payload(of: r))
            a.agentId = r.agent.isEmpty ? nil : r.agent
            a.sessionId = r.session.isEmpty ? nil : r.session
            a.source = r.source
            return .action(
                RecordedAction(
                    action: a, oldDecision: r.decision, oldScore: r.score, oldRule: r.rule.isEmpty ? nil : r.rule,
                    file: path, line: n, command: r.commandText))
        }
        input.actions.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let n = i + 1
            switch item {
            case .blank: continue
            case .bad(let column, let reason):
                // A first line that is neither JSON nor gate.log: the wrong file, not a damaged one.
                if input.actions.isEmpty && input.warnings.isEmpty && input.skipped.isEmpty {
                    throw AuditError(
                        .malformed, "\(path):\(n): neither a JSON trace nor a gate.log (\(reason))", path: path, line: n
                    )
                }
                input.warnings.append("\(path):\(n):\(column): \(reason)")
            case .cut(let length):
                input.skipped.append(
                    "\(path):\(n): command was cut at 4 KiB (\(length) bytes); replay its trace instead")
            case .action(let a):
                input.actions.append(a)
            }
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
        threads: Int = ParallelMap.availableThreads
    ) -> ReplayResult {
        var result = ReplayResult()
        result.total = actions.count
        // Which distinct action each recorded one is (`slot`), and the first recorded action of
        // each distinct one (`first`); the distinct ones are decided once.
        let (slot, first) =
            memoize ? distinctActions(actions, threads: threads) : (Array(actions.indices), Array(actions.indices))
        let decisions = ParallelMap.map(count: first.count, threads: threads, minimumPerThread: 128) {
            Gate.evaluate(actions[first[$0]].action, policy: policy)
        }
        // Tallied per (old decision, new decision) in a short list and turned into the nested
        // dictionary once: a dictionary update per action cost about as much as re-scoring a
        // simple command. A recorded decision is one of a handful of strings.
        var olds: [String] = []
        var counts: [[Int]] = []
        let kinds: [DecisionKind] = [.allow, .requiresApproval, .block]
        // By index: a recorded action is copied only when it changed.
        for i in actions.indices {
            let d = decisions[slot[i]].decision
            var o = 0
            while o < olds.count && olds[o] != actions[i].oldDecision { o += 1 }
            if o == olds.count {
                olds.append(actions[i].oldDecision)
                counts.append([0, 0, 0])
            }
            counts[o][kinds.firstIndex(of: d) ?? 0] += 1
            if d.rawValue != actions[i].oldDecision {
                var changed = decisions[slot[i]]
                changed.actionId = actions[i].action.id
                result.changed.append(ReplayChange(recorded: actions[i], new: changed))
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

extension Replay {
    /// Groups identical actions (`SameAction`): `slot[i]` is the group of `actions[i]`, and
    /// `first[g]` the first action of group g. The hashes are computed on every processor, and
    /// the one-thread part is an open-addressing table over them, not a `Dictionary` keyed by
    /// the action, which would hash every action again on one thread while the other processors
    /// wait. A match is confirmed with `SameAction.same`, so a hash collision costs a comparison,
    /// never a wrong answer. The groups must stay those of `SameAction.same`, numbered in order
    /// of first appearance. Figures: docs/benchmarks-gate.md.
    static func distinctActions(_ actions: [RecordedAction], threads: Int) -> (slot: [Int], first: [Int]) {
        let hashes = ParallelMap.map(count: actions.count, threads: threads, minimumPerThread: 2048) {
            SameAction.hash(actions[$0].action)
        }
        var capacity = 16
        while capacity < actions.count * 2 { capacity *= 2 }
        let mask = capacity - 1
        var table = [Int](repeating: -1, count: capacity)
        var slot: [Int] = []
        var first: [Int] = []
        slot.reserveCapacity(actions.count)
        for i in actions.indices {
            let h = hashes[i]
            var p = h & mask
            while true {
                let g = table[p]
                if g < 0 {
                    table[p] = first.count
                    slot.append(first.count)
                    first.append(i)
                    break
                }
                if hashes[first[g]] == h && SameAction.same(actions[first[g]].action, actions[i].action) {
                    slot.append(g)
                    break
                }
                p = (p + 1) & mask
            }
        }
        return (slot, first)
    }
}

/// An action as the gate judges it: everything but its id (`Gate.evaluate` never reads the
/// id except to copy it into the decision). Two actions that are the same get the same
/// decision, so replay decides one of them.
enum SameAction {
    /// Equal for actions that differ only in their id: the synthesised `==` with the ids made
    /// equal, so a field added to `Action` later is compared without anyone remembering to.
    static func same(_ a: Action, _ b: Action) -> Bool {
        var x = a
        x.id = b.id
        return x == b
    }

    static func hash(_ action: Action) -> Int {
        var h = Hasher()
        switch action.payload {
        case .shell(let c):
            h.combine(0)
            h.combine(c)
        case .argv(let argv):
            h.combine(1)
            h.combine(argv)
        case .tool(let name, let args):
            // Equal JSON values serialise alike (same keys in the same order, same numbers).
            h.combine(2)
            h.combine(name)
            h.combine(args.serialized())
        }
        h.combine(action.actionType)
        h.combine(action.environment)
        h.combine(action.context)
        h.combine(action.agentId)
        h.combine(action.sessionId)
        h.combine(action.source)
        return h.finalize()
    }
}
