// A JSON value without Foundation: tool arguments, request context, trace fields.
// Parsing lives in JSONParser.swift; this file is the value, its accessors and its
// compact serialisation.

public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Key order is kept as written: traces and `policy show` stay diffable.
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        // Length first: most keys differ in length, and that test is far cheaper than `==`.
        if case .object(let pairs) = self {
            let n = key.utf8.count
            return pairs.first(where: { $0.0.utf8.count == n && $0.0 == key })?.1
        }
        return nil
    }

    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    /// The number as an `Int` when it is integral and representable; nil otherwise
    /// (so `1.5` or `1e300` never silently truncate).
    public var intValue: Int? {
        guard case .number(let d) = self, d.rounded(.towardZero) == d,
            d >= -9_007_199_254_740_992, d <= 9_007_199_254_740_992
        else { return nil }
        return Int(d)
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [(String, JSONValue)]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Dictionary literals keep their written order, unlike `[String: JSONValue]`.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
}

// MARK: - Serialisation

extension JSONValue {
    /// Compact JSON (no spaces), object keys in stored order. Control characters are escaped
    /// as `\u00XX` (short forms for \b \f \n \r \t), and U+0085, U+2028, U+2029 as `\uXXXX`;
    /// `/` and other non-ASCII characters are written as is.
    /// Integral numbers within ±2^53 print without a fraction; NaN and infinities, which JSON
    /// cannot carry, print as `null`.
    public func serialized() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        serialize(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact serialisation as UTF-8, for writers that batch lines.
    public func serialize(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): Self.appendNumber(d, to: &out)
        case .string(let s): Self.appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.serialize(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(k, to: &out)
                out.append(UInt8(ascii: ":"))
                v.serialize(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func appendNumber(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        // 2^53: beyond it not every integer is a double, so `Int(d)` would print digits the
        // value does not really have; Swift's shortest round-trip form is used instead.
        if d.rounded(.towardZero) == d, abs(d) <= 9_007_199_254_740_992 {
            out.append(contentsOf: String(Int64(d)).utf8)
        } else {
            // Swift prints e.g. `1e-07` and `1e+20`: both valid JSON numbers.
            out.append(contentsOf: d.description.utf8)
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                // NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are valid raw in JSON, but YAML
                // readers (libyaml reading a JSON policy) fold them into line breaks, and
                // JavaScript before ES2019 rejects them in strings: escape them too.
                var width = 0
                if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 {
                    width = 2
                } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80,
                    bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9
                {
                    width = 3
                }
                guard width > 0 || b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else {
                    i += 1
                    continue
                }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                out.append(UInt8(ascii: "\\"))
                if width == 2 {
                    out.append(contentsOf: "u0085".utf8)
                } else if width == 3 {
                    out.append(contentsOf: (bytes[i + 2] == 0xA8 ? "u2028" : "u2029").utf8)
                } else {
                    width = 1
                    switch b {
                    case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                    case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                    case 0x0A: out.append(UInt8(ascii: "n"))
                    case 0x0D: out.append(UInt8(ascii: "r"))
                    case 0x09: out.append(UInt8(ascii: "t"))
                    case 0x08: out.append(UInt8(ascii: "b"))
                    case 0x0C: out.append(UInt8(ascii: "f"))
                    default:
                        out.append(contentsOf: "u00".utf8)
                        out.append(hexDigits[Int(b >> 4)])
                        out.append(hexDigits[Int(b & 0xF)])
                    }
                }
                i += width
                runStart = i
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
