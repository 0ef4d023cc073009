// Reading gate.log for people: every line with its file and line number, the filters of
// `cordon log`, and the `--stats` summary. Malformed lines are reported (file:line, why) and
// skipped, so one hand-edited line does not hide the rest of an incident.
import CordonBase
import CordonGate
import CordonPolicy

public struct LogEntry: Sendable {
    public var file: String
    public var line: Int
    /// The line as stored, without the newline.
    public var raw: [UInt8]
    public var record: LogRecord
}

public enum LogReader {
    /// Reads `files` in order. Lines that do not parse go to `onError` as AuditError(.malformed)
    /// with path and line; unreadable files throw.
    public static func read(
        files: [String], onError: (AuditError) -> Void, _ body: (LogEntry) -> Void
    ) throws(AuditError) {
        for f in files {
            let bytes = try AuditError.readFile(f)
            var n = 0
            for raw in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
                n += 1
                if raw.isEmpty && n > 0 && raw.endIndex == bytes.endIndex { break }  // after the final newline
                if let e = parseEntry(raw, file: f, line: n, onError: onError) { body(e) }
            }
        }
    }

    public static func parseEntry(
        _ raw: ArraySlice<UInt8>, file: String, line: Int, onError: (AuditError) -> Void
    ) -> LogEntry? {
        do {
            let r = try LogRecord.parse(raw)
            return LogEntry(file: file, line: line, raw: Array(raw), record: r)
        } catch {
            onError(AuditError(.malformed, "\(file):\(line):\(error.column): \(error.reason)", path: file, line: line))
            return nil
        }
    }
}

public struct LogFilter: Sendable {
    public var agents: [String] = []
    public var sessions: [String] = []
    public var runs: [String] = []
    public var decisions: [String] = []
    /// This level and above.
    public var minLevel: Level?
    public var rules: [String] = []
    public var sources: [String] = []
    public var since: Timestamp?
    public var until: Timestamp?
    /// Substring of the decoded command, the reasons, or the raw line.
    public var grep: String?

    public init() {}

    public func matches(_ e: LogEntry) -> Bool {
        let r = e.record
        if !agents.isEmpty && !agents.contains(r.agent) { return false }
        if !sessions.isEmpty && !sessions.contains(r.session) { return false }
        if !runs.isEmpty && !runs.contains(r.run) { return false }
        if !decisions.isEmpty && !decisions.contains(r.decision) { return false }
        if !rules.isEmpty && !rules.contains(r.rule) { return false }
        if !sources.isEmpty && !sources.contains(r.source) { return false }
        if let m = minLevel {
            guard let l = Level(rawValue: r.level), l >= m else { return false }
        }
        if let s = since, r.timestamp < s { return false }
        if let u = until, r.timestamp > u { return false }
        if let g = grep, !g.isEmpty {
            let needle = Array(g.utf8)
            if !r.command.containsSubsequence(needle) && !e.raw.containsSubsequence(needle)
                && !r.reasons.contains(where: { Array($0.utf8).containsSubsequence(needle) })
            {
                return false
            }
        }
        return true
    }

    /// RFC 3339, a date, or an age before `now`: `30s`, `15m`, `2h`, `3d`, `1w`.
    public static func parseTime(_ s: String, now: Timestamp = .now()) -> Timestamp? {
        if let t = Timestamp(rfc3339: s) { return t }
        guard let unit = s.last, let n = Int64(s.dropLast()), n >= 0 else { return nil }
        let ms: Int64
        switch unit {
        case "s": ms = 1000
        case "m": ms = 60_000
        case "h": ms = 3_600_000
        case "d": ms = 86_400_000
        case "w": ms = 7 * 86_400_000
        default: return nil
        }
        return Timestamp(milliseconds: now.milliseconds - n * ms)
    }
}

extension Collection where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard count >= needle.count else { return false }
        var i = startIndex
        while i != endIndex {
            if self[i] == first {
                var a = i
                var b = 0
                while b < needle.count && a != endIndex && self[a] == needle[b] {
                    a = index(after: a)
                    b += 1
                }
                if b == needle.count { return true }
            }
            i = index(after: i)
        }
        return false
    }
}

/// `cordon log --stats`: counts and the top blocked commands.
public struct LogStats: Sendable {
    public var total = 0
    public var byDecision: [String: Int] = [:]
    public var byLevel: [String: Int] = [:]
    public var byRule: [String: Int] = [:]
    public var byAgent: [String: Int] = [:]
    public var blockedCommands: [String: Int] = [:]
    public var first: Timestamp?
    public var last: Timestamp?

    public init() {}

    public mutating func add(_ r: LogRecord) {
        total += 1
        byDecision[r.decision, default: 0] += 1
        byLevel[r.level, default: 0] += 1
        byRule[r.rule.isEmpty ? "-" : r.rule, default: 0] += 1
        byAgent[r.agent.isEmpty ? "-" : r.agent, default: 0] += 1
        if r.decision == DecisionKind.block.rawValue { blockedCommands[r.commandText, default: 0] += 1 }
        first = min(first ?? r.timestamp, r.timestamp)
        last = max(last ?? r.timestamp, r.timestamp)
    }

    /// Highest count first, then name, so output is stable.
    public static func ranked(_ d: [String: Int], limit: Int = .max) -> [(String, Int)] {
        Array(d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)).map {
            ($0.key, $0.value)
        }
    }

    public func text(top: Int = 10) -> String {
        var s = "\(total) decisions"
        if let f = first, let l = last { s += " from \(f) to \(l)" }
        s += "\n"
        func section(_ title: String, _ d: [String: Int], limit: Int = .max) {
            guard !d.isEmpty else { return }
            s += "\n\(title):\n"
            for (k, v) in Self.ranked(d, limit: limit) {
                // Escaped as in the log itself: a command with a newline stays on one line.
                var shown: [UInt8] = []
                Logfmt.appendValue(k, to: &shown)
                s += "  " + String(v).leftPadded(8) + "  " + String(decoding: shown, as: UTF8.self) + "\n"
            }
        }
        section("by decision", byDecision)
        section("by level", byLevel)
        section("by rule", byRule)
        section("by agent", byAgent)
        section("top blocked commands", blockedCommands, limit: top)
        return s
    }

    public func json(top: Int = 10) -> JSONValue {
        func obj(_ d: [String: Int], limit: Int = .max) -> JSONValue {
            .object(Self.ranked(d, limit: limit).map { ($0.0, .number(Double($0.1))) })
        }
        return .object([
            ("total", .number(Double(total))),
            ("first", first.map { .string($0.description) } ?? .null),
            ("last", last.map { .string($0.description) } ?? .null),
            ("byDecision", obj(byDecision)), ("byLevel", obj(byLevel)), ("byRule", obj(byRule)),
            ("byAgent", obj(byAgent)),
            (
                "topBlocked",
                .array(
                    Self.ranked(blockedCommands, limit: top).map {
                        .object([("cmd", .string($0.0)), ("count", .number(Double($0.1)))])
                    })
            ),
        ])
    }
}

extension LogEntry {
    /// One object per line for `cordon log --json`.
    public var json: JSONValue {
        let r = record
        var pairs: [(String, JSONValue)] = [
            ("ts", .string(r.timestamp.description)), ("decision", .string(r.decision)),
            ("score", .number(Double(r.score))), ("level", .string(r.level)), ("agent", .string(r.agent)),
            ("session", .string(r.session)), ("run", .string(r.run)), ("action", .string(r.action)),
            ("source", .string(r.source)), ("pid", r.pid.map { .number(Double($0)) } ?? .null),
            ("rule", r.rule.isEmpty ? .null : .string(r.rule)), ("cmd", .string(r.commandText)),
            ("reasons", .array(r.reasons.map { .string($0) })),
        ]
        if let c = r.cut {
            pairs.append(("cmdCut", .object([("bytes", .number(Double(c.bytes))), ("sha256", .string(c.sha256))])))
        }
        pairs += [("chain", .string(r.chain)), ("file", .string(file)), ("line", .number(Double(line)))]
        return .object(pairs)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
