// A strict RFC 8259 parser over UTF-8 bytes. Input comes from agents and harnesses, so it
// is treated as hostile: nesting depth is bounded (no stack overflow), duplicate keys are
// rejected (two parsers picking different duplicates is a classic policy bypass), strings
// must be valid UTF-8 without raw control characters, and numbers must fit a double.

/// A JSON syntax error with a 1-based position (column counts characters, not bytes).
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// Byte offset of the error in the input.
    public var offset: Int
    public var message: String
    public init(line: Int, column: Int, offset: Int, message: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }
    public var description: String { "\(line):\(column): \(message)" }
}

extension JSONValue {
    /// Nesting limit for arrays and objects; deeper input is an error, not a crash.
    public static let maxDepth = 512

    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        var text = text
        // withUTF8 cannot forward a typed throw, so the error travels out in a Result.
        let result: Result<JSONValue, JSONError> = text.withUTF8 { bytes in
            var p = JSONParser(bytes)
            return Result { () throws(JSONError) -> JSONValue in try p.parseDocument() }
        }
        return try result.get()
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        try parse(bytes[...])
    }

    /// Parses a slice in place (a line of a file read whole); positions count from its start.
    /// - Parameter keys: object keys the caller expects on every line (a trace's field
    ///   names): taken from the table instead of built as new strings. Same result either way.
    public static func parse(_ bytes: ArraySlice<UInt8>, keys: JSONKeyTable? = nil) throws(JSONError) -> JSONValue {
        let result: Result<JSONValue, JSONError> = bytes.withUnsafeBufferPointer { buf in
            var p = JSONParser(buf)
            p.keys = keys
            return Result { () throws(JSONError) -> JSONValue in try p.parseDocument() }
        }
        return try result.get()
    }
}

/// Short strings known in advance (up to 15 bytes), found by their bytes packed into two
/// words, so a trace line's two dozen keys reuse these strings instead of building new ones.
/// Bytes and length are both packed: a hit is the key with exactly the bytes looked up.
/// Figures: docs/benchmarks-gate.md.
public struct JSONKeyTable: Sendable {
    struct Slot: Sendable {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var key: String?
    }
    /// Open addressing, a power of two long and at most a quarter full.
    let slots: [Slot]

    public init(_ keys: [String]) {
        var n = 8
        while n < keys.count * 4 { n *= 2 }
        var t = [Slot](repeating: Slot(), count: n)
        for k in keys {
            let bytes = Array(k.utf8)
            guard bytes.count <= 15 else { continue }
            let (w0, w1) = bytes.withUnsafeBufferPointer { Self.pack($0) }
            var p = Self.slot(w0, w1, n)
            while let existing = t[p].key, existing != k { p = (p + 1) & (n - 1) }
            t[p] = Slot(w0: w0, w1: w1, key: k)
        }
        slots = t
    }

    /// Bytes 0-7 little-endian in w0, bytes 8-14 in w1 with the length in its top byte.
    static func pack(_ raw: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var w0: UInt64 = 0
        var w1 = UInt64(raw.count) << 56
        for k in 0..<min(raw.count, 8) { w0 |= UInt64(raw[k]) << (8 * UInt64(k)) }
        if raw.count > 8 { for k in 8..<raw.count { w1 |= UInt64(raw[k]) << (8 * UInt64(k - 8)) } }
        return (w0, w1)
    }

    static func slot(_ w0: UInt64, _ w1: UInt64, _ n: Int) -> Int {
        Int(truncatingIfNeeded: ((w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 40) & (n - 1)
    }

    func lookup(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        guard raw.count <= 15 else { return nil }
        let (w0, w1) = Self.pack(raw)
        let n = slots.count
        var p = Self.slot(w0, w1, n)
        while let key = slots[p].key {
            if slots[p].w0 == w0 && slots[p].w1 == w1 { return key }
            p = (p + 1) & (n - 1)
        }
        return nil
    }
}

struct JSONParser {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0
    var keys: JSONKeyTable?

    init(_ bytes: UnsafeBufferPointer<UInt8>) { b = bytes }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        skipSpace()
        if i == b.count { throw error("expected a JSON value, found end of input") }
        let v = try parseValue()
        skipSpace()
        if i < b.count { throw error("expected end of input after the JSON value, found \(found())") }
        return v
    }

    // MARK: values

    mutating func parseValue() throws(JSONError) -> JSONValue {
        guard i < b.count else { throw error("expected a JSON value, found end of input") }
        switch b[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("expected a JSON value, found \(found())")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let start = i
        let n = word.utf8CodeUnitCount
        let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
        for k in 0..<n {
            guard i < b.count, b[i] == w[k] else {
                i = start
                throw error("expected a JSON value, found \(found())")
            }
            i += 1
        }
    }

    mutating func enter() throws(JSONError) {
        depth += 1
        if depth > JSONValue.maxDepth { throw error("nesting deeper than \(JSONValue.maxDepth) levels") }
    }

    mutating func parseArray() throws(JSONError) -> JSONValue {
        try enter()
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try parseValue())
            skipSpace()
            guard i < b.count else { throw error("expected ',' or ']' in array, found end of input") }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if b[i] == UInt8(ascii: "]") { break }
            throw error("expected ',' or ']' in array, found \(found())")
        }
        i += 1
        depth -= 1
        return .array(items)
    }

    mutating func parseObject() throws(JSONError) -> JSONValue {
        try enter()
        i += 1
        var pairs: [(String, JSONValue)] = []
        // Room for a trace event's envelope and fields up front, so a trace line's objects are
        // built without growing the array. Capacity only: the pairs are the same whatever is
        // reserved. Figures: docs/benchmarks-gate.md.
        pairs.reserveCapacity(8)
        // Small objects (nearly all of them) check duplicates by a scan, which beats hashing
        // every key; a set is built only once an object grows large.
        var seen: Set<String>?
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(pairs)
        }
        while true {
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: "\"") else {
                throw error("expected a string key in object, found \(found())")
            }
            let keyStart = i
            let key = try parseKey()
            let duplicate: Bool
            if pairs.count < 16 {
                // Length first: most keys of an object differ in length, a cheaper test than `==`.
                let n = key.utf8.count
                duplicate = pairs.contains { $0.0.utf8.count == n && $0.0 == key }
            } else {
                if seen == nil { seen = Set(pairs.map(\.0)) }
                duplicate = !(seen?.insert(key).inserted ?? true)
            }
            if duplicate {
                i = keyStart
                throw error("duplicate key '\(key)' in object")
            }
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else {
                throw error("expected ':' after object key, found \(found())")
            }
            i += 1
            skipSpace()
            pairs.append((key, try parseValue()))
            skipSpace()
            guard i < b.count else { throw error("expected ',' or '}' in object, found end of input") }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if b[i] == UInt8(ascii: "}") { break }
            throw error("expected ',' or '}' in object, found \(found())")
        }
        i += 1
        depth -= 1
        return .object(pairs)
    }

    // MARK: strings

    /// A key: from the key table when it is a short plain (unescaped, printable ASCII)
    /// string found there; otherwise read like any string.
    mutating func parseKey() throws(JSONError) -> String {
        if let keys {
            var j = i + 1
            let end = min(b.count, i + 17)
            while j < end, b[j] != UInt8(ascii: "\""), b[j] != UInt8(ascii: "\\"), b[j] >= 0x20, b[j] < 0x80 { j += 1 }
            if j < end, b[j] == UInt8(ascii: "\""), let k = keys.lookup(UnsafeBufferPointer(rebasing: b[(i + 1)..<j])) {
                i = j + 1
                return k
            }
        }
        return try parseString()
    }

    mutating func parseString() throws(JSONError) -> String {
        let open = i
        i += 1
        let start = i
        // Fast path: no escapes, so the bytes between the quotes are the string.
        var high: UInt8 = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let s = try makeString(UnsafeBufferPointer(rebasing: b[start..<i]), at: start, ascii: high < 0x80)
                i += 1
                return s
            }
            high |= c
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 {
                throw error("expected '\"' to close the string, found \(found()) (control characters must be escaped)")
            }
            i += 1
        }
        guard i < b.count else {
            i = open
            throw error("unterminated string")
        }
        var out = Array(UnsafeBufferPointer(rebasing: b[start..<i]))
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return try out.withUnsafeBufferPointer { buf throws(JSONError) in
                    try makeString(buf, at: start, ascii: false, mapsToInput: false)
                }
            }
            if c < 0x20 {
                throw error("expected '\"' to close the string, found \(found()) (control characters must be escaped)")
            }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < b.count else { break }
            switch b[i] {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let escStart = i - 1
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard i + 2 < b.count, b[i + 1] == UInt8(ascii: "\\"), b[i + 2] == UInt8(ascii: "u") else {
                        i = escStart
                        throw error("unpaired surrogate \\u\(hex(scalar)) in string")
                    }
                    i += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else {
                        i = escStart
                        throw error("unpaired surrogate \\u\(hex(scalar)) in string")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    i = escStart
                    throw error("unpaired surrogate \\u\(hex(scalar)) in string")
                }
                guard let u = Unicode.Scalar(scalar) else {
                    i = escStart
                    throw error("invalid escape in string")
                }
                UTF8.encode(u) { out.append($0) }
            default:
                throw error("expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), found \(found())")
            }
            i += 1
        }
        i = open
        throw error("unterminated string")
    }

    /// Reads the 4 hex digits after `\u` (i is on the `u`); leaves i on the last digit.
    mutating func hex4() throws(JSONError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            i += 1
            guard i < b.count else { throw error("expected 4 hex digits after \\u, found end of input") }
            let c = b[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw error("expected 4 hex digits after \\u, found \(found())")
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// `mapsToInput`: the bytes are an unescaped slice of the input starting at `start`, so an
    /// invalid byte can be pointed at exactly; otherwise the error points at the string.
    /// Validation is done here, not by `String(validating:)`, whose generic entry point costs
    /// a runtime metadata lookup per call: over a third of the parse time on trace lines.
    func makeString(
        _ bytes: UnsafeBufferPointer<UInt8>, at start: Int, ascii: Bool, mapsToInput: Bool = true
    ) throws(JSONError) -> String {
        if !ascii {
            let bad = UTF8Validation.firstInvalid(bytes)
            if bad < bytes.count {
                var p = self
                p.i = mapsToInput ? start + bad : start - 1
                throw p.error("invalid UTF-8 in string")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: numbers

    mutating func parseNumber() throws(JSONError) -> Double {
        let start = i
        var negative = false
        if b[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < b.count, isDigit(b[i]) else { throw error("expected a digit in number, found \(found())") }
        var mantissa: UInt64 = 0
        var digits = 0
        if b[i] == UInt8(ascii: "0") {
            i += 1
            if i < b.count, isDigit(b[i]) {
                throw error("expected '.', 'e' or the end of the number after a leading 0, found \(found())")
            }
        } else {
            while i < b.count, isDigit(b[i]) {
                mantissa = mantissa &* 10 &+ UInt64(b[i] - UInt8(ascii: "0"))
                digits += 1
                i += 1
            }
        }
        var simple = true
        if i < b.count, b[i] == UInt8(ascii: ".") {
            simple = false
            i += 1
            guard i < b.count, isDigit(b[i]) else {
                throw error("expected a digit after '.' in number, found \(found())")
            }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            simple = false
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, isDigit(b[i]) else { throw error("expected a digit in the exponent, found \(found())") }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        // Up to 15 digits an integer is exact in a double; skip the slower decimal conversion.
        if simple && digits <= 15 {
            let d = Double(mantissa)
            return negative ? -d : d
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            let end = i
            i = start
            defer { i = end }
            throw error("number \(text) is out of range")
        }
        return d
    }

    func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    // MARK: positions

    mutating func skipSpace() {
        while i < b.count {
            switch b[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    /// Describes the byte at i for "found ..." in messages.
    func found() -> String {
        guard i < b.count else { return "end of input" }
        let c = b[i]
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        switch c {
        case 0x0A: return "a newline"
        case 0x0D: return "a carriage return"
        case 0x09: return "a tab"
        case 0x20: return "a space"
        default:
            if c < 0x20 || c == 0x7F { return "control character 0x\(String(c, radix: 16))" }
            // Show the whole character for non-ASCII input when it decodes.
            var end = i + 1
            while end < b.count, end - i < 4, b[end] & 0xC0 == 0x80 { end += 1 }
            if let s = String(validating: UnsafeBufferPointer(rebasing: b[i..<end]), as: UTF8.self) { return "'\(s)'" }
            return "byte 0x\(String(c, radix: 16))"
        }
    }

    /// The error at byte i; line and column are counted only now, off the hot path.
    func error(_ message: String) -> JSONError {
        var line = 1
        var column = 1
        var k = 0
        let end = min(i, b.count)
        while k < end {
            let c = b[k]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            k += 1
        }
        return JSONError(line: line, column: column, offset: i, message: message)
    }
}
