// What the tokenisers produce: code tokens with their position, comments kept apart (the
// rules never look into them, suppressions do), and for formatted strings (Python f-strings,
// JavaScript template literals) the tokens of each interpolation, so a rule can tell
// `f"rm {path}"` (built from a variable) from `"rm {path}"` (a constant that only looks like it).

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

    public init(_ kind: TokenKind, _ text: String, line: Int, column: Int, length: Int) {
        self.kind = kind
        self.text = text
        self.line = line
        self.column = column
        self.length = length
    }

    @inline(__always) public func isOp(_ s: String) -> Bool { kind == .op && text == s }
    @inline(__always) public func isName(_ s: String) -> Bool { kind == .name && text == s }
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

    /// Operators of two and three bytes; everything else is one byte.
    static let ops3: Set<String> = ["===", "!==", "**=", "//=", "...", ">>=", "<<=", "&&=", "||=", "??=", ">>>"]
    static let ops2: Set<String> = [
        "==", "!=", "<=", ">=", ":=", "->", "=>", "+=", "-=", "*=", "/=", "%=", "**", "//", "<<", ">>", "|=", "&=",
        "^=", "&&", "||", "??", "?.", "++", "--",
    ]
}
