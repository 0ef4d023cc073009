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
    /// The text's bytes packed into an integer when it has at most 8; a longer text packs its
    /// first 7 bytes under a 0xFF top byte (no UTF-8 text has that byte, so short and long keys
    /// never collide). Comparing a token with a keyword or an operator is one integer compare,
    /// not a String comparison, on the paths every token of every file goes through.
    public var key: UInt64

    public init(_ kind: TokenKind, _ text: String, line: Int, column: Int, length: Int) {
        self.kind = kind
        self.text = text
        self.line = line
        self.column = column
        self.length = length
        var t = text
        self.key = t.withUTF8 { Token.pack($0, 0, $0.count) }
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

    /// The top byte of a long text's key.
    static let longMark: UInt64 = 0xFF << 56

    @inline(__always) static func isLong(_ key: UInt64) -> Bool { key >> 56 == 0xFF }

    @inline(__always) static func pack(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        // Operators and most keywords are 1 to 3 bytes: no loop for them.
        switch n {
        case 1: return UInt64(p[0])
        case 2: return UInt64(p[0]) | UInt64(p[1]) << 8
        case 3: return UInt64(p[0]) | UInt64(p[1]) << 8 | UInt64(p[2]) << 16
        default: break
        }
        var k: UInt64 = 0
        for i in 0..<min(n, n <= 8 ? 8 : 7) { k |= UInt64(p[i]) << (8 * UInt64(i)) }
        return n <= 8 ? k : k | longMark
    }

    @inline(__always) static func pack(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> UInt64 {
        guard to > from, let base = b.baseAddress else { return 0 }
        return pack(base + from, to - from)
    }

    @inline(__always) static func pack(_ s: StaticString) -> UInt64 { pack(s.utf8Start, s.utf8CodeUnitCount) }

    /// Whether the text is `s`: the packed keys, and for a long text its bytes too.
    @inline(__always) func textIs(_ s: StaticString) -> Bool {
        guard key == Token.pack(s) else { return false }
        let n = s.utf8CodeUnitCount
        if n <= 8 { return true }
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
    static let plus: UInt64 = 0x2B
    static let plusAssign: UInt64 = 0x3D2B
    static let orAssign: UInt64 = 0x3D7C
    static let percentAssign: UInt64 = 0x3D25
    static let arrow: UInt64 = 0x3E3D
}

/// A set of words matched against tokens without hashing: by packed key (a binary search over
/// a sorted array), and for words over 8 bytes, whose keys hold only their first 7, by text when
/// the key matches.
struct WordSet: Sendable {
    let keys: [UInt64]
    let long: Set<String>

    init(_ words: [String]) {
        var k: [UInt64] = []
        var l: Set<String> = []
        for w in words {
            let t = Token(.name, w, line: 0, column: 0, length: 0)
            k.append(t.key)
            if Token.isLong(t.key) { l.insert(w) }
        }
        keys = Array(Set(k)).sorted()
        long = l
    }

    @inline(__always) func contains(_ t: Token) -> Bool { contains(key: t.key) { t.text } }

    /// By key, reading the text (not copying the token) only when a long word's key matches.
    @inline(__always) func contains(key k: UInt64, _ text: () -> String) -> Bool {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < k { lo = mid + 1 } else { hi = mid }
        }
        guard lo < keys.count, keys[lo] == k else { return false }
        return !Token.isLong(k) || long.contains(text())
    }
}
