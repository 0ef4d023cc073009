// One gate.log line: the fields DESIGN lists, in its order, and their round trip.
//
//   TS decision= score= level= agent= session= run= action= source= pid= rule= cmd= reasons= chain=
//
// Every field is always present (empty ones as `""`), so columns line up for `grep`/`cut` and a
// missing field is itself a sign of a hand-edited line.
import CordonBase
import CordonGate
import CordonPolicy

public struct LogRecord: Sendable, Equatable {
    public var timestamp: Timestamp
    /// allow | requires_approval | block. A String, not DecisionKind, so a reader keeps lines a
    /// newer cordon wrote.
    public var decision: String
    public var score: Int
    public var level: String
    public var agent: String
    public var session: String
    public var run: String
    public var action: String
    /// gate | monitor | inspect | validate | check
    public var source: String
    public var pid: Int32?
    public var rule: String
    /// The command as bytes, exactly as received (argv joined by spaces, or the shell line).
    /// Read back from a cut line, the first ~4 KiB plus the marker.
    public var command: [UInt8]
    public var reasons: [String]
    /// Set when read from a file: the line's own chain value.
    public var chain: String = ""

    public init(
        timestamp: Timestamp = .now(), decision: String, score: Int, level: String, agent: String = "",
        session: String = "", run: String = "", action: String = "", source: String = "gate", pid: Int32? = nil,
        rule: String = "", command: [UInt8], reasons: [String] = []
    ) {
        self.timestamp = timestamp
        self.decision = decision
        self.score = score
        self.level = level
        self.agent = agent
        self.session = session
        self.run = run
        self.action = action
        self.source = source
        self.pid = pid
        self.rule = rule
        self.command = command
        self.reasons = reasons
    }

    /// The record of one gate decision. `command` is what the gate scored.
    public init(_ d: Decision, command: [UInt8], run: String, pid: Int32?, timestamp: Timestamp = .now()) {
        self.init(
            timestamp: timestamp, decision: d.decision.rawValue, score: d.score, level: d.level.rawValue,
            agent: d.agentId ?? "", session: d.sessionId ?? "", run: run, action: d.actionId, source: d.source,
            pid: pid, rule: d.policyRule ?? "", command: command, reasons: d.reasons)
    }

    public var commandText: String { String(decoding: command, as: UTF8.self) }

    /// Field names after the timestamp, in DESIGN's order.
    public static let keys = [
        "decision", "score", "level", "agent", "session", "run", "action", "source", "pid", "rule", "cmd",
        "reasons", "chain",
    ]

    /// Commands longer than this are cut (the log stays greppable; the trace keeps the whole).
    public static let maxCommandBytes = 4096
    /// Reasons are joined with this; a reader splits on it.
    static let reasonSeparator = "; "

    /// The line without ` chain=...` and without the newline: what the chain hashes.
    public func body() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + min(command.count, Self.maxCommandBytes + 100))
        timestamp.append(to: &out)
        func field(_ k: String, _ v: [UInt8]) {
            out.append(Logfmt.space)
            out.append(contentsOf: k.utf8)
            out.append(Logfmt.equals)
            Logfmt.appendValue(v, to: &out)
        }
        func field(_ k: String, _ v: String) { field(k, Array(v.utf8)) }
        field("decision", decision)
        field("score", String(score))
        field("level", level)
        field("agent", agent)
        field("session", session)
        field("run", run)
        field("action", action)
        field("source", source)
        field("pid", pid.map { String($0) } ?? "")
        field("rule", rule)
        field("cmd", Self.cutCommand(command))
        field("reasons", Self.capReasons(Array(reasons.joined(separator: Self.reasonSeparator).utf8)))
        return out
    }

    /// `command` itself, or its first ≤4 KiB (not splitting a UTF-8 character) followed by
    /// `...[cut: N bytes, sha256=HEX]` naming the full length and digest, so the full command
    /// can be matched against the trace or a suspect script.
    static func cutCommand(_ command: [UInt8]) -> [UInt8] {
        guard command.count > maxCommandBytes else { return command }
        var end = maxCommandBytes
        var back = 0
        while back < 3 && end > 0 && command[end] & 0xc0 == 0x80 {
            end -= 1
            back += 1
        }
        var out = Array(command[0..<end])
        out.append(contentsOf: "...[cut: \(command.count) bytes, sha256=\(SHA256.hex(command))]".utf8)
        return out
    }

    /// Reasons quote evidence, so a huge command could make them huge too: keep a line
    /// bounded (the trace has them whole).
    static func capReasons(_ r: [UInt8]) -> [UInt8] {
        guard r.count > maxCommandBytes else { return r }
        var end = maxCommandBytes
        while end > 0 && r[end] & 0xc0 == 0x80 { end -= 1 }
        return Array(r[0..<end]) + Array("...[cut]".utf8)
    }

    /// When the command was cut on writing: its full length and SHA-256.
    public var cut: (bytes: Int, sha256: String)? {
        // "...[cut: N bytes, sha256=" + 64 hex + "]": find the last "...[cut: " only when the
        // value ends the way a marker ends, so ordinary commands cost one comparison.
        guard command.count > 64 + 20, command.last == UInt8(ascii: "]") else { return nil }
        let marker = Array("...[cut: ".utf8)
        var i = command.count - 64 - 20
        while i >= 0 {
            if command[i] == marker[0], command.count - i >= marker.count,
                Array(command[i..<(i + marker.count)]) == marker
            {
                break
            }
            i -= 1
        }
        guard i >= 0 else { return nil }
        let tail = String(decoding: command[(i + marker.count)..<(command.count - 1)], as: UTF8.self)
        let parts = tail.split(separator: " ")
        guard parts.count == 3, let n = Int(parts[0]), parts[1] == "bytes,", parts[2].hasPrefix("sha256="),
            parts[2].count == 7 + 64
        else { return nil }
        return (n, String(parts[2].dropFirst(7)))
    }

    public struct ParseError: Error, Sendable, Equatable {
        public var column: Int
        public var reason: String
    }

    /// Parses one line (without its newline). Every DESIGN field must be present, in order.
    public static func parse(_ line: ArraySlice<UInt8>) throws(ParseError) -> LogRecord {
        guard let sp = line.firstIndex(of: Logfmt.space) else {
            throw ParseError(column: 1, reason: "not a gate.log line (no fields)")
        }
        let tsText = String(decoding: line[line.startIndex..<sp], as: UTF8.self)
        guard let ts = Timestamp(rfc3339: tsText) else {
            throw ParseError(column: 1, reason: "bad timestamp '\(tsText.prefix(40))'")
        }
        let fields: [Logfmt.Field]
        do {
            fields = try Logfmt.parseFields(line[(sp + 1)...])
        } catch {
            throw ParseError(column: error.column + (sp + 1 - line.startIndex), reason: error.reason)
        }
        let names = fields.map(\.key)
        guard names == keys else {
            let firstOff =
                (0..<min(names.count, keys.count)).first { names[$0] != keys[$0] } ?? min(names.count, keys.count)
            let want = firstOff < keys.count ? keys[firstOff] : "end of line"
            let got = firstOff < names.count ? names[firstOff] : "end of line"
            throw ParseError(column: sp + 2 - line.startIndex, reason: "expected field \(want), found \(got)")
        }
        func text(_ i: Int) -> String { fields[i].text }
        guard let score = Int(text(1)) else {
            throw ParseError(column: sp + 2 - line.startIndex, reason: "score is not a number")
        }
        var pid: Int32?
        if !fields[8].value.isEmpty {
            guard let p = Int32(text(8)) else {
                throw ParseError(column: sp + 2 - line.startIndex, reason: "pid is not a number")
            }
            pid = p
        }
        let reasonsText = text(11)
        var r = LogRecord(
            timestamp: ts, decision: text(0), score: score, level: text(2), agent: text(3), session: text(4),
            run: text(5), action: text(6), source: text(7), pid: pid, rule: text(9), command: fields[10].value,
            reasons: reasonsText.isEmpty ? [] : reasonsText.components(separatedBy: reasonSeparator))
        r.chain = text(12)
        return r
    }
}

extension String {
    /// Split on a multi-character separator, keeping empty pieces, without Foundation.
    func components(separatedBy sep: String) -> [String] {
        split(separator: sep, omittingEmptySubsequences: false).map(String.init)
    }
}
