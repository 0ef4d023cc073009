// What the tokenisers produce: code tokens with their position, comments kept apart (the
// rules never look into them, suppressions do), and for formatted strings (Python f-strings,
// JavaScript template literals) the tokens of each interpolation, so a rule can tell
// `f"rm {path}"` (built from a variable) from `"rm {path}"` (a constant that only looks like it).

#if canImport(Glibc)
    import Glibc
#endif

public enum TokenKind: UInt8, Sendable {
    case name, string, number, op, newline
}

public struct Token: Sendable {
    public var kind: TokenKind
    /// Names, numbers and operators: the text. Strings: the content between the quotes, escapes
    /// left as written. Comments: the text after the marker.
    public var text: String
    /// 1-based line and byte column of the first byte.
    public var line: Int
    public var column: Int
    /// Bytes in the source, for underlining.
    public var length: Int
    /// Strings: the tokens of each `{...}` / `${...}` interpolation (empty for a plain string).
    public var parts: [[Token]] = []
    /// Strings: an f-string or a template literal (even one without interpolations).
    public var formatted = false
    /// The text's bytes packed into an integer when it has at most 8 (`Token.longKey` when it
    /// has more): comparing a token with a keyword or an operator is one integer compare, not
    /// a String comparison, on the paths every token of every file goes through.
    public var key: UInt64

    public init(_ kind: TokenKind, _ text: String, line: Int, column: Int, length: Int) {
        self.kind = kind
        self.text = text
        self.line = line
        self.column = column
        self.length = length
        var k: UInt64 = 0
        var n = 0
        for u in text.utf8 {
            if n == 8 {
                k = Token.longKey
                break
            }
            k |= UInt64(u) << (8 * UInt64(n))
            n += 1
        }
        self.key = k
    }

    /// A token of the bytes `b[from..<to]`, which are also its text.
    init(_ kind: TokenKind, _ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, line: Int, column: Int) {
        self.kind = kind
        self.text = Bytes.text(b, from, to)
        self.line = line
        self.column = column
        self.length = to - from
        self.key = Token.pack(b, from, to)
    }

    /// No text of at most 8 bytes packs to this (its bytes would all be 0xFF, not UTF-8).
    static let longKey = UInt64.max

    @inline(__always) static func pack(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> UInt64 {
        guard to - from <= 8 else { return longKey }
        var k: UInt64 = 0
        var i = from
        while i < to {
            k |= UInt64(b[i]) << (8 * UInt64(i - from))
            i += 1
        }
        return k
    }

    @inline(__always) static func pack(_ s: StaticString) -> UInt64 {
        let n = s.utf8CodeUnitCount
        guard n <= 8 else { return longKey }
        var k: UInt64 = 0
        let p = s.utf8Start
        for i in 0..<n { k |= UInt64(p[i]) << (8 * UInt64(i)) }
        return k
    }

    /// Whether the text is `s`: the packed keys when `s` is short, the bytes otherwise.
    @inline(__always) func textIs(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        if n <= 8 { return key == Token.pack(s) }
        guard key == Token.longKey else { return false }
        var t = text
        return t.withUTF8 { tb in
            tb.count == n && memcmp(tb.baseAddress!, s.utf8Start, n) == 0
        }
    }

    @inline(__always) public func isOp(_ s: StaticString) -> Bool { kind == .op && textIs(s) }
    @inline(__always) public func isName(_ s: StaticString) -> Bool { kind == .name && textIs(s) }
}

/// One file's tokens.
public struct Lexed: Sendable {
    public var tokens: [Token] = []
    public var comments: [Token] = []
    public init() {}
}

/// Byte classes shared by the tokenisers. Bytes >= 0x80 count as identifier bytes: UTF-8
/// identifiers stay one token, and no multi-byte sequence is ever split.
enum Bytes {
    @inline(__always) static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x24 || c >= 0x80
    }
    @inline(__always) static func isIdent(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0C || c == 0x0B }

    static func text(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        guard to > from else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
    }

    /// The length of the operator at `i`: 3 for `===` `!==` `**=` `//=` `...` `>>=` `<<=`
    /// `&&=` `||=` `??=` `>>>`, 2 for `==` `!=` `<=` `>=` `:=` `->` `=>` `+=` `-=` `*=` `/=`
    /// `%=` `**` `//` `<<` `>>` `|=` `&=` `^=` `&&` `||` `??` `?.` `++` `--`, else 1. The
    /// bytes are packed little-endian and matched by value: no String per operator byte.
    @inline(__always) static func opLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ to: Int) -> Int {
        guard i + 1 < to else { return 1 }
        let two = UInt32(b[i]) | UInt32(b[i + 1]) << 8
        if i + 2 < to {
            switch two | UInt32(b[i + 2]) << 16 {
            case 0x3D3D3D, 0x3D3D21, 0x3D2A2A, 0x3D2F2F, 0x2E2E2E, 0x3D3E3E, 0x3D3C3C, 0x3D2626, 0x3D7C7C, 0x3D3F3F,
                0x3E3E3E:
                return 3
            default: break
            }
        }
        switch two {
        case 0x3D3D, 0x3D21, 0x3D3C, 0x3D3E, 0x3D3A, 0x3E2D, 0x3E3D, 0x3D2B, 0x3D2D, 0x3D2A, 0x3D2F, 0x3D25, 0x2A2A,
            0x2F2F, 0x3C3C, 0x3E3E, 0x3D7C, 0x3D26, 0x3D5E, 0x2626, 0x7C7C, 0x3F3F, 0x2E3F, 0x2B2B, 0x2D2D:
            return 2
        default: return 1
        }
    }
}

/// Packed keys (`Token.key`) of the operators the walkers switch on: `switch t.key { case
/// Op.lparen: ... }` is an integer switch, where `switch t.text` compared Strings one by one.
enum Op {
    static let lparen: UInt64 = 0x28
    static let rparen: UInt64 = 0x29
    static let lbracket: UInt64 = 0x5B
    static let rbracket: UInt64 = 0x5D
    static let lbrace: UInt64 = 0x7B
    static let rbrace: UInt64 = 0x7D
    static let comma: UInt64 = 0x2C
    static let semicolon: UInt64 = 0x3B
    static let assign: UInt64 = 0x3D
    static let star: UInt64 = 0x2A
    static let starStar: UInt64 = 0x2A2A
    static let slash: UInt64 = 0x2F
    static let plusAssign: UInt64 = 0x3D2B
    static let orAssign: UInt64 = 0x3D7C
    static let percentAssign: UInt64 = 0x3D25
    static let arrow: UInt64 = 0x3E3D
}

/// A set of words matched against tokens without hashing on the common path: words of at
/// most 8 bytes by their packed key, longer ones only when a token has the length of one.
struct WordSet: Sendable {
    let short: [UInt64]
    let longLengths: [Bool]
    let long: Set<String>

    init(_ words: [String]) {
        var s: [UInt64] = []
        var lengths = [Bool](repeating: false, count: 65)
        var l: Set<String> = []
        for w in words {
            let t = Token(.name, w, line: 0, column: 0, length: 0)
            if t.key != Token.longKey {
                s.append(t.key)
            } else {
                l.insert(w)
                if w.utf8.count < lengths.count { lengths[w.utf8.count] = true }
            }
        }
        short = s.sorted()
        longLengths = lengths
        long = l
    }

    @inline(__always) func contains(_ t: Token) -> Bool {
        if t.key != Token.longKey {
            for k in short where k == t.key { return true }
            return false
        }
        let n = t.text.utf8.count
        guard n < longLengths.count, longLengths[n] else { return false }
        return long.contains(t.text)
    }
}
