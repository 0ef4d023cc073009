// `cordon stats`: per agent, what it asked for and what came of it, from gate.log.
//
// Actions are gate decisions (decision allow | requires_approval | block from the gate, the
// monitor, inspect, validate, check or a harness hook); approval lines (source=approval,
// decision requested | approved | rejected | expired | cancelled, first reason `approval ID ...`)
// are counted apart, and a request and its decision are paired by ID for the time to decide.
// Other lines (run ends, anomalies) are not actions and are skipped.
//
// A million-line log is ~250 MB: each file is cut into pieces at line ends, the pieces are
// tallied on every processor with a field scanner that decodes only what it uses (LineFields),
// and the tallies are merged in order. Approval lines are kept in order and paired afterwards,
// since a request and its decision may sit in different pieces or files.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

/// The tally of one agent (or of all of them).
public struct AgentStats: Sendable, Equatable {
    public var actions = 0
    public var allow = 0
    public var requiresApproval = 0
    public var block = 0
    public var requested = 0
    public var approved = 0
    public var rejected = 0
    public var expired = 0
    public var cancelled = 0
    /// Milliseconds from each request to its approval or rejection, for the requests read.
    public var decideMilliseconds: [Int64] = []
    /// Programs and tools by how often they were asked for, and how often blocked.
    public var used: [ActionName: Int] = [:]
    public var blocked: [ActionName: Int] = [:]
    /// Monitor decisions that blocked something inside the sandbox.
    public var monitorDenials = 0

    public init() {}

    public mutating func merge(_ o: AgentStats) {
        actions += o.actions
        allow += o.allow
        requiresApproval += o.requiresApproval
        block += o.block
        requested += o.requested
        approved += o.approved
        rejected += o.rejected
        expired += o.expired
        cancelled += o.cancelled
        decideMilliseconds += o.decideMilliseconds
        used.merge(o.used, uniquingKeysWith: +)
        blocked.merge(o.blocked, uniquingKeysWith: +)
        monitorDenials += o.monitorDenials
    }

    /// The median time from request to decision, in seconds; nil when no pair was read.
    public var medianSecondsToDecide: Double? {
        guard !decideMilliseconds.isEmpty else { return nil }
        let s = decideMilliseconds.sorted()
        let mid = s.count / 2
        let ms = s.count % 2 == 1 ? Double(s[mid]) : (Double(s[mid - 1]) + Double(s[mid])) / 2
        return ms / 1000
    }

    /// `n` as a share of the actions (0 when there are none).
    public func share(_ n: Int) -> Double { actions == 0 ? 0 : Double(n) / Double(actions) }

    /// Highest count first, then name, so output is stable.
    public static func ranked(_ d: [ActionName: Int], limit: Int) -> [(name: ActionName, count: Int)] {
        Array(d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)).map {
            (name: $0.key, count: $0.value)
        }
    }
}

/// What `cordon stats` counts: `--agent` (any of these, all when empty) and `--since`.
public struct AgentStatsQuery: Sendable {
    public var agents: Set<String> = []
    public var since: Timestamp?
    public init(agents: Set<String> = [], since: Timestamp? = nil) {
        self.agents = agents
        self.since = since
    }
}

public struct AgentStatsReport: Sendable {
    public var query: AgentStatsQuery
    public var files: [String] = []
    /// Lines read, malformed ones included.
    public var lines = 0
    public var malformed = 0
    public var byAgent: [String: AgentStats] = [:]

    /// Agents with the most actions first, then by name.
    public var agents: [(agent: String, stats: AgentStats)] {
        byAgent.sorted { $0.value.actions != $1.value.actions ? $0.value.actions > $1.value.actions : $0.key < $1.key }
            .map { (agent: $0.key, stats: $0.value) }
    }

    public var total: AgentStats {
        var t = AgentStats()
        for (_, s) in byAgent.sorted(by: { $0.key < $1.key }) { t.merge(s) }
        return t
    }
}

/// Adds files one by one (oldest first) and pairs approvals across them.
public struct AgentStatsTally {
    public private(set) var report: AgentStatsReport
    let threads: Int
    /// Requests read so far and not yet decided: ID -> when.
    var pending: [String: Int64] = [:]

    public init(query: AgentStatsQuery, threads: Int = ParallelMap.availableThreads) {
        report = AgentStatsReport(query: query)
        self.threads = max(1, threads)
    }

    /// Reads `files` in order; malformed lines go to `onError` (file:line:column), unreadable
    /// files throw.
    public static func read(
        files: [String], query: AgentStatsQuery, threads: Int = ParallelMap.availableThreads,
        onError: (AuditError) -> Void
    ) throws(AuditError) -> AgentStatsReport {
        var t = AgentStatsTally(query: query, threads: threads)
        for f in files { t.add(try AuditError.readFile(f), file: f, onError: onError) }
        return t.report
    }

    /// Tallies one file's bytes.
    public mutating func add(_ bytes: [UInt8], file: String, onError: (AuditError) -> Void) {
        report.files.append(file)
        let pieces = Self.pieces(bytes, count: bytes.count < 1 << 20 ? 1 : min(threads * 4, bytes.count >> 18))
        let query = report.query
        let tallies = ParallelMap.map(count: pieces.count, threads: threads, minimumPerThread: 1) { k in
            bytes.withUnsafeBufferPointer { PieceTally(buffer: $0, range: pieces[k], query: query) }
        }
        var fileLines = 0
        for t in tallies {
            for p in t.problems {
                let n = fileLines + p.line
                onError(AuditError(.malformed, "\(file):\(n):\(p.column): \(p.reason)", path: file, line: n))
            }
            report.malformed += t.problems.count
            for (agent, s) in t.byAgent { report.byAgent[agent, default: AgentStats()].merge(s) }
            for a in t.approvals { pair(a) }
            fileLines += t.lines
        }
        report.lines += fileLines
    }

    /// One approval line, in log order: counted when it passed the filters, paired either way.
    mutating func pair(_ a: ApprovalLine) {
        if a.event == .requested {
            if let id = a.id { pending[id] = a.milliseconds }
            if a.counted { report.byAgent[a.agent, default: AgentStats()].requested += 1 }
            return
        }
        let since = a.id.flatMap { pending.removeValue(forKey: $0) }
        guard a.counted else { return }
        report.byAgent[a.agent, default: AgentStats()].count(a.event, afterRequest: since.map { a.milliseconds - $0 })
    }

    /// Cuts `bytes` into about `count` pieces that start at line starts.
    static func pieces(_ bytes: [UInt8], count: Int) -> [Range<Int>] {
        guard count > 1 else { return [0..<bytes.count] }
        var starts = [0]
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            for k in 1..<count {
                let at = max(bytes.count / count * k, starts[starts.count - 1])
                guard at < buf.count, let nl = memchr(base + at, 0x0a, buf.count - at) else { break }
                let next = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
                if next < buf.count && next > starts[starts.count - 1] { starts.append(next) }
            }
        }
        return starts.indices.map { starts[$0]..<($0 + 1 < starts.count ? starts[$0 + 1] : bytes.count) }
    }
}

extension AgentStats {
    mutating func count(_ event: ApprovalLine.Event, afterRequest ms: Int64?) {
        switch event {
        case .requested: requested += 1
        case .approved: approved += 1
        case .rejected: rejected += 1
        case .expired: expired += 1
        case .cancelled: cancelled += 1
        }
        if let ms, event == .approved || event == .rejected { decideMilliseconds.append(max(0, ms)) }
    }
}

/// An approval line as read: its ID, what happened, when, for whom, and whether the filters
/// keep it (a request before `--since` still pairs with a decision after it).
struct ApprovalLine: Sendable {
    enum Event: String, Sendable, CaseIterable {
        case requested, approved, rejected, expired, cancelled
    }
    var id: String?
    var event: Event
    var milliseconds: Int64
    var agent: String
    var counted: Bool
}

/// The tally of one piece of a file, made on a worker thread.
struct PieceTally: Sendable {
    var lines = 0
    var byAgent: [String: AgentStats] = [:]
    var approvals: [ApprovalLine] = []
    /// Line numbers counted from 1 at the piece's start.
    var problems: [(line: Int, column: Int, reason: String)] = []

    static let actionSources = ["gate", "monitor", "inspect", "validate", "check", "hook", "mcp"].map { Array($0.utf8) }
    static let approvalSource = Array("approval".utf8)
    static let monitor = Array("monitor".utf8)
    static let allow = Array("allow".utf8)
    static let requiresApproval = Array("requires_approval".utf8)
    static let block = Array("block".utf8)
    static let approvalEvents = ApprovalLine.Event.allCases.map { (Array($0.rawValue.utf8), $0) }
    static let approvalPrefix = Array("approval ".utf8)

    init(buffer b: UnsafeBufferPointer<UInt8>, range: Range<Int>, query: AgentStatsQuery) {
        guard let base = b.baseAddress else { return }
        let sinceMs = query.since?.milliseconds ?? .min
        var list: [AgentStats] = []
        var index: [String: Int] = [:]
        var names: [String] = []
        // Consecutive lines are mostly one agent's: its bytes and slot (nil: filtered out) are
        // remembered, so most lines build no String and hash nothing for the agent.
        var lastAgent: [UInt8] = []
        var lastSlot: Int?
        var haveLast = false
        var scratch: [UInt8] = []
        var pos = range.lowerBound
        while pos < range.upperBound {
            let end: Int
            if let nl = memchr(base + pos, 0x0a, range.upperBound - pos) {
                end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
            } else {
                end = range.upperBound
            }
            lines += 1
            defer { pos = end + 1 }
            let f: LineFields
            do {
                f = try LineFields.scan(b, pos, end)
            } catch {
                problems.append((lines, error.column, error.reason))
                continue
            }
            let isApproval = LineFields.value(b, f.source, is: Self.approvalSource)
            let isAction = !isApproval && Self.actionSources.contains { LineFields.value(b, f.source, is: $0) }
            guard isAction || isApproval else { continue }
            let counted = f.milliseconds >= sinceMs
            if isApproval {
                guard let event = Self.approvalEvents.first(where: { LineFields.value(b, f.decision, is: $0.0) })?.1
                else { continue }
                let agent = String(decoding: LineFields.decode(b, f.agent), as: UTF8.self)
                approvals.append(
                    ApprovalLine(
                        id: Self.approvalID(b, f.reasons), event: event, milliseconds: f.milliseconds, agent: agent,
                        counted: counted && (query.agents.isEmpty || query.agents.contains(agent))))
                continue
            }
            guard counted else { continue }
            let kind: Int
            if LineFields.value(b, f.decision, is: Self.allow) {
                kind = 0
            } else if LineFields.value(b, f.decision, is: Self.requiresApproval) {
                kind = 1
            } else if LineFields.value(b, f.decision, is: Self.block) {
                kind = 2
            } else {
                continue
            }
            scratch.removeAll(keepingCapacity: true)
            LineFields.decode(b, f.agent, into: &scratch)
            if !haveLast || scratch != lastAgent {
                let agent = String(decoding: scratch, as: UTF8.self)
                haveLast = true
                lastAgent = scratch
                if !query.agents.isEmpty && !query.agents.contains(agent) {
                    lastSlot = nil
                } else if let s = index[agent] {
                    lastSlot = s
                } else {
                    lastSlot = list.count
                    index[agent] = list.count
                    list.append(AgentStats())
                    names.append(agent)
                }
            }
            guard let slot = lastSlot else { continue }
            list[slot].actions += 1
            switch kind {
            case 0: list[slot].allow += 1
            case 1: list[slot].requiresApproval += 1
            default: list[slot].block += 1
            }
            scratch.removeAll(keepingCapacity: true)
            let name: ActionName?
            if LineFields.value(b, f.source, is: ActionName.inspect)
                || LineFields.value(b, f.source, is: ActionName.validate)
            {
                LineFields.decode(b, f.cmd, into: &scratch, limit: ActionName.maxBytes + 1)
                name = ActionName.tool(scratch).map { ActionName($0, kind: .tool) }
            } else {
                LineFields.decode(b, f.cmd, into: &scratch)
                name = ActionName.program(scratch).map { ActionName($0, kind: .program) }
            }
            if let name {
                list[slot].used[name, default: 0] += 1
                if kind == 2 { list[slot].blocked[name, default: 0] += 1 }
            }
            if kind == 2 && LineFields.value(b, f.source, is: Self.monitor) { list[slot].monitorDenials += 1 }
        }
        for (k, name) in names.enumerated() { byAgent[name] = list[k] }
    }

    /// `ID` from a first reason `approval ID ...`; nil when the line names none.
    static func approvalID(_ b: UnsafeBufferPointer<UInt8>, _ reasons: RawValue) -> String? {
        var r: [UInt8] = []
        LineFields.decode(b, reasons, into: &r, limit: 200)
        guard r.count > approvalPrefix.count, r.starts(with: approvalPrefix) else { return nil }
        var id = r[approvalPrefix.count...].prefix { $0 != 0x20 }
        if id.last == UInt8(ascii: ";") { id = id.dropLast() }
        return id.isEmpty ? nil : String(decoding: id, as: UTF8.self)
    }
}
