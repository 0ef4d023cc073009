// logfmt values for gate.log: one line is always one line, and every byte comes back.
//
// A value is written bare when it is printable ASCII without space, `"`, `=` or `\`; otherwise
// it is quoted. Inside quotes, `\\`, `\"`, `\n`, `\r`, `\t` and `\xHH` are the only escapes.
// `\xHH` covers control bytes, DEL, bytes that are not valid UTF-8, and the Unicode characters a
// terminal or editor could treat as a line break or use to reorder text on screen (NEL, C1
// controls, U+2028/2029, the bidi overrides of "Trojan Source", CVE-2021-42574). Everything else,
// valid UTF-8 included, is written as is so `grep` finds it.

import CordonBase
import CordonPolicy

public enum Logfmt {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let space = UInt8(ascii: " ")
    static let equals = UInt8(ascii: "=")
    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` as a logfmt value, quoted and escaped when needed.
    public static func appendValue<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        if canBeBare(bytes) {
            out.append(contentsOf: bytes)
            return
        }
        out.append(quote)
        let b = Array(bytes)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c >= 0x20 && c < 0x7f {
                if c == quote || c == backslash { out.append(backslash) }
                out.append(c)
                i += 1
                continue
            }
            if c >= 0x80 {
                let n = UTF8Validation.sequenceLength(b, at: i)
                if n > 0 && !UTF8Check.mustEscape(b, at: i, length: n) {
                    out.append(contentsOf: b[i..<(i + n)])
                    i += n
                    continue
                }
                // Invalid or dangerous: escape each byte of the sequence (or the stray byte).
                for j in i..<(i + max(n, 1)) { appendHex(b[j], to: &out) }
                i += max(n, 1)
                continue
            }
            switch c {
            case 0x0a:
                out.append(backslash)
                out.append(UInt8(ascii: "n"))
            case 0x0d:
                out.append(backslash)
                out.append(UInt8(ascii: "r"))
            case 0x09:
                out.append(backslash)
                out.append(UInt8(ascii: "t"))
            default: appendHex(c, to: &out)
            }
            i += 1
        }
        out.append(quote)
    }

    public static func appendValue(_ s: String, to out: inout [UInt8]) {
        appendValue(s.utf8, to: &out)
    }

    static func appendHex(_ c: UInt8, to out: inout [UInt8]) {
        out.append(backslash)
        out.append(UInt8(ascii: "x"))
        out.append(hex[Int(c >> 4)])
        out.append(hex[Int(c & 0xf)])
    }

    static func canBeBare<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        if bytes.isEmpty { return false }
        for c in bytes where c <= 0x20 || c >= 0x7f || c == quote || c == equals || c == backslash { return false }
        return true
    }

    /// One `key=value` pair as read back from a line.
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: [UInt8]
        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    public struct ParseError: Error, Sendable, Equatable {
        /// 1-based byte column in the line.
        public var column: Int
        public var reason: String
    }

    /// Parses `key=value key="quoted value" ...` starting at `start`. Strict: one space between
    /// pairs, no trailing garbage, only the escapes `appendValue` writes.
    public static func parseFields(_ line: ArraySlice<UInt8>) throws(ParseError) -> [Field] {
        var fields: [Field] = []
        var i = line.startIndex
        let base = line.startIndex
        while i < line.endIndex {
            let keyStart = i
            while i < line.endIndex && line[i] != equals && line[i] != space { i += 1 }
            guard i < line.endIndex, line[i] == equals, i > keyStart else {
                throw ParseError(column: keyStart - base + 1, reason: "expected key=value")
            }
            let key = String(decoding: line[keyStart..<i], as: UTF8.self)
            i += 1
            var value: [UInt8] = []
            if i < line.endIndex && line[i] == quote {
                i += 1
                var closed = false
                while i < line.endIndex {
                    let c = line[i]
                    if c == quote {
                        closed = true
                        i += 1
                        break
                    }
                    if c == backslash {
                        guard i + 1 < line.endIndex else { break }
                        let e = line[i + 1]
                        switch e {
                        case backslash, quote:
                            value.append(e)
                            i += 2
                        case UInt8(ascii: "n"):
                            value.append(0x0a)
                            i += 2
                        case UInt8(ascii: "r"):
                            value.append(0x0d)
                            i += 2
                        case UInt8(ascii: "t"):
                            value.append(0x09)
                            i += 2
                        case UInt8(ascii: "x"):
                            guard i + 3 < line.endIndex, let h = hexValue(line[i + 2]), let l = hexValue(line[i + 3])
                            else {
                                throw ParseError(column: i - base + 1, reason: "bad \\x escape in \(key)")
                            }
                            value.append(h << 4 | l)
                            i += 4
                        default:
                            throw ParseError(
                                column: i - base + 1,
                                reason: "unknown escape \\\(Character(Unicode.Scalar(e))) in \(key)")
                        }
                        continue
                    }
                    value.append(c)
                    i += 1
                }
                guard closed else {
                    throw ParseError(column: line.count + 1, reason: "unterminated quoted value for \(key)")
                }
            } else {
                while i < line.endIndex && line[i] != space {
                    if line[i] == quote { throw ParseError(column: i - base + 1, reason: "stray quote in \(key)") }
                    value.append(line[i])
                    i += 1
                }
            }
            fields.append(Field(key: key, value: value))
            if i < line.endIndex {
                guard line[i] == space, i + 1 < line.endIndex else {
                    throw ParseError(column: i - base + 1, reason: "expected one space after \(key)")
                }
                i += 1
            }
        }
        return fields
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Which valid UTF-8 may still not be written raw (validity itself: CordonPolicy's
/// UTF8Validation, shared with the JSON parser).
enum UTF8Check {
    /// Valid but unsafe to show raw: C1 controls (U+0080-U+009F, NEL among them), line and
    /// paragraph separators, and the bidi embedding/override/isolate characters.
    static func mustEscape(_ b: [UInt8], at i: Int, length n: Int) -> Bool {
        if n == 2 { return b[i] == 0xc2 && b[i + 1] <= 0x9f }
        if n == 3 && b[i] == 0xe2 {
            let b1 = b[i + 1]
            let b2 = b[i + 2]
            if b1 == 0x80 && (0xa8...0xae).contains(b2) { return true }  // U+2028-U+202E
            if b1 == 0x81 && (0xa6...0xa9).contains(b2) { return true }  // U+2066-U+2069
            if b1 == 0x80 && (b2 == 0x8e || b2 == 0x8f) { return true }  // LRM, RLM
        }
        return false
    }
}
