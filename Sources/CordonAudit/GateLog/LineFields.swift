// The fields of one gate.log line found in place, without building a LogRecord: `cordon stats`
// reads a million lines and needs five of the thirteen fields, decoded only when quoted. It
// accepts and refuses exactly the lines `LogRecord.parse` does (same field order, same quoting
// and escapes, numeric score and pid, an RFC 3339 timestamp), so a line is malformed for
// `cordon stats` exactly when it is for `cordon log`; a test holds the two together.
import CordonBase

/// Where one value is in the buffer: between the quotes when `quoted` (escapes still in).
struct RawValue: Sendable {
    var start: Int
    var end: Int
    var quoted: Bool

    static let empty = RawValue(start: 0, end: 0, quoted: false)
}

struct LineFields: Sendable {
    var milliseconds: Int64 = 0
    var decision = RawValue.empty
    var agent = RawValue.empty
    var source = RawValue.empty
    var cmd = RawValue.empty
    var reasons = RawValue.empty

    /// Field names after the timestamp, as bytes, in LogRecord's order.
    static let keys: [[UInt8]] = LogRecord.keys.map { Array($0.utf8) }

    /// Scans `b[start..<end]` (one line, no newline). Errors carry a 1-based column and a
    /// reason, as LogRecord.parse's do.
    static func scan(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws(LogRecord.ParseError)
        -> LineFields
    {
        var out = LineFields()
        var sp = start
        while sp < end && b[sp] != Logfmt.space { sp += 1 }
        guard sp < end else { throw LogRecord.ParseError(column: 1, reason: "not a gate.log line (no fields)") }
        guard let ms = timestamp(b, start, sp) else {
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<sp]), as: UTF8.self)
            throw LogRecord.ParseError(column: 1, reason: "bad timestamp '\(text.prefix(40))'")
        }
        out.milliseconds = ms
        var i = sp + 1
        let fieldsColumn = sp + 2 - start
        for k in 0..<keys.count {
            let key = keys[k]
            // The key, compared in place; anything else is the same error LogRecord gives.
            let keyStart = i
            while i < end && b[i] != Logfmt.equals && b[i] != Logfmt.space { i += 1 }
            guard i < end, b[i] == Logfmt.equals, i > keyStart else {
                if i >= end && keyStart >= end {
                    throw LogRecord.ParseError(
                        column: fieldsColumn, reason: "expected field \(LogRecord.keys[k]), found end of line")
                }
                throw LogRecord.ParseError(column: keyStart - start + 1, reason: "expected key=value")
            }
            if i - keyStart != key.count || !equal(b, keyStart, key) {
                let got = String(decoding: UnsafeBufferPointer(rebasing: b[keyStart..<i]), as: UTF8.self)
                throw LogRecord.ParseError(
                    column: fieldsColumn, reason: "expected field \(LogRecord.keys[k]), found \(got)")
            }
            i += 1
            var value: RawValue
            if i < end && b[i] == Logfmt.quote {
                i += 1
                let valueStart = i
                var closed = false
                while i < end {
                    let c = b[i]
                    if c == Logfmt.quote {
                        closed = true
                        break
                    }
                    if c == Logfmt.backslash {
                        guard i + 1 < end else { break }
                        switch b[i + 1] {
                        case Logfmt.backslash, Logfmt.quote, UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                            i += 2
                        case UInt8(ascii: "x"):
                            guard i + 3 < end, Logfmt.hexValue(b[i + 2]) != nil, Logfmt.hexValue(b[i + 3]) != nil
                            else {
                                throw LogRecord.ParseError(
                                    column: i - start + 1, reason: "bad \\x escape in \(LogRecord.keys[k])")
                            }
                            i += 4
                        default:
                            throw LogRecord.ParseError(
                                column: i - start + 1,
                                reason:
                                    "unknown escape \\\(Character(Unicode.Scalar(b[i + 1]))) in \(LogRecord.keys[k])")
                        }
                        continue
                    }
                    i += 1
                }
                guard closed else {
                    throw LogRecord.ParseError(
                        column: end - start + 1, reason: "unterminated quoted value for \(LogRecord.keys[k])")
                }
                value = RawValue(start: valueStart, end: i, quoted: true)
                i += 1
            } else {
                let valueStart = i
                while i < end && b[i] != Logfmt.space {
                    if b[i] == Logfmt.quote {
                        throw LogRecord.ParseError(column: i - start + 1, reason: "stray quote in \(LogRecord.keys[k])")
                    }
                    i += 1
                }
                value = RawValue(start: valueStart, end: i, quoted: false)
            }
            if i < end {
                guard b[i] == Logfmt.space, i + 1 < end else {
                    throw LogRecord.ParseError(
                        column: i - start + 1, reason: "expected one space after \(LogRecord.keys[k])")
                }
                i += 1
            } else if k < keys.count - 1 {
                throw LogRecord.ParseError(
                    column: fieldsColumn, reason: "expected field \(LogRecord.keys[k + 1]), found end of line")
            }
            switch k {
            case 0: out.decision = value
            case 1:
                guard isInteger(b, value, bits: 64) else {
                    throw LogRecord.ParseError(column: fieldsColumn, reason: "score is not a number")
                }
            case 3: out.agent = value
            case 7: out.source = value
            case 8:
                guard value.start == value.end || isInteger(b, value, bits: 32) else {
                    throw LogRecord.ParseError(column: fieldsColumn, reason: "pid is not a number")
                }
            case 10: out.cmd = value
            case 11: out.reasons = value
            default: break
            }
        }
        if i < end {
            let keyStart = i
            while i < end && b[i] != Logfmt.equals && b[i] != Logfmt.space { i += 1 }
            let got = String(decoding: UnsafeBufferPointer(rebasing: b[keyStart..<i]), as: UTF8.self)
            throw LogRecord.ParseError(column: fieldsColumn, reason: "expected field end of line, found \(got)")
        }
        return out
    }

    static func equal(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ literal: [UInt8]) -> Bool {
        for j in 0..<literal.count where b[at + j] != literal[j] { return false }
        return true
    }

    /// What `Int(text)` / `Int32(text)` accept: an optional sign and decimal digits that fit.
    /// Quoted numbers are decoded first (a hand-written `score="5"` still reads as 5).
    static func isInteger(_ b: UnsafeBufferPointer<UInt8>, _ v: RawValue, bits: Int) -> Bool {
        // The usual case, a few bare digits, without building a String: 9 digits fit 32 bits.
        if !v.quoted, v.end > v.start, v.end - v.start <= 9 {
            var i = v.start
            while i < v.end && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            if i == v.end { return true }
        }
        let text = String(decoding: decode(b, v), as: UTF8.self)
        return bits == 32 ? Int32(text) != nil : Int(text) != nil
    }

    /// The canonical form `YYYY-MM-DDTHH:MM:SS.mmmZ` read in place; anything else through
    /// Timestamp(rfc3339:), which accepts what LogRecord.parse accepts.
    static func timestamp(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        if end - start == 24 {
            func digits(_ at: Int, _ n: Int) -> Int? {
                var v = 0
                for k in at..<(at + n) {
                    let c = b[start + k]
                    guard c >= 0x30 && c <= 0x39 else { return nil }
                    v = v * 10 + Int(c - 0x30)
                }
                return v
            }
            if b[start + 4] == UInt8(ascii: "-"), b[start + 7] == UInt8(ascii: "-"), b[start + 10] == UInt8(ascii: "T"),
                b[start + 13] == UInt8(ascii: ":"), b[start + 16] == UInt8(ascii: ":"),
                b[start + 19] == UInt8(ascii: "."), b[start + 23] == UInt8(ascii: "Z"),
                let y = digits(0, 4), let mo = digits(5, 2), let d = digits(8, 2), let h = digits(11, 2),
                let mi = digits(14, 2), let s = digits(17, 2), let ms = digits(20, 3),
                (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
            {
                let days = Timestamp.daysFromCivil(y, mo, d)
                return (Int64(days) * 86400 + Int64(h * 3600 + mi * 60 + s)) * 1000 + Int64(ms)
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        return Timestamp(rfc3339: text)?.milliseconds
    }

    /// The value's bytes, escapes undone.
    static func decode(_ b: UnsafeBufferPointer<UInt8>, _ v: RawValue) -> [UInt8] {
        var out: [UInt8] = []
        decode(b, v, into: &out)
        return out
    }

    /// Appends the value's bytes to `out`, escapes undone. `scan` checked every escape.
    static func decode(_ b: UnsafeBufferPointer<UInt8>, _ v: RawValue, into out: inout [UInt8], limit: Int = .max) {
        guard v.quoted else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[v.start..<(v.start + min(v.end - v.start, limit))]))
            return
        }
        var i = v.start
        var n = 0
        while i < v.end && n < limit {
            let c = b[i]
            n += 1
            if c != Logfmt.backslash {
                out.append(c)
                i += 1
                continue
            }
            switch b[i + 1] {
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "x"):
                out.append((Logfmt.hexValue(b[i + 2]) ?? 0) << 4 | (Logfmt.hexValue(b[i + 3]) ?? 0))
                i += 4
                continue
            default: out.append(b[i + 1])
            }
            i += 2
        }
    }

    /// True when the value decodes to exactly `literal`.
    static func value(_ b: UnsafeBufferPointer<UInt8>, _ v: RawValue, is literal: [UInt8]) -> Bool {
        if !v.quoted { return v.end - v.start == literal.count && equal(b, v.start, literal) }
        return decode(b, v) == literal
    }
}
