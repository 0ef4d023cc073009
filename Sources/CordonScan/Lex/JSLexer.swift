// A JavaScript/TypeScript tokeniser: line and block comments, '…' and "…" strings, template
// literals with `${…}` interpolations tokenised as code (nested templates too), regular
// expression literals told from division by the token before them, numbers, names and
// operators. A `newline` token ends a line outside ( ) and [ ], which is where automatic
// semicolon insertion can end a statement. It never fails: an unterminated quote ends at the
// end of its line, an unterminated template or comment at the end of the file.

public enum JSLexer {
    public static func lex(_ bytes: [UInt8]) -> Lexed {
        var out = Lexed()
        out.tokens.reserveCapacity(bytes.count / 4)
        bytes.withUnsafeBufferPointer { b in
            var st = PythonLexer.State(line: 1, lineStart: 0)
            lex(b, 0, b.count, &st, &out, emitNewlines: true)
        }
        return out
    }

    /// Keywords after which a `/` starts a regular expression rather than a division.
    static let regexAfter: Set<String> = [
        "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield",
        "await",
    ]

    static func lex(
        _ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ st: inout PythonLexer.State, _ out: inout Lexed,
        emitNewlines: Bool
    ) {
        var i = from
        var depth = 0
        let first = out.tokens.count
        while i < to {
            let c = b[i]
            if Bytes.isSpace(c) {
                i += 1
                continue
            }
            if c == 0x0A || c == 0x0D {
                if emitNewlines, depth == 0, out.tokens.count > first, out.tokens[out.tokens.count - 1].kind != .newline
                {
                    out.tokens.append(Token(.newline, "", line: st.line, column: i - st.lineStart + 1, length: 0))
                }
                if c == 0x0D && i + 1 < to && b[i + 1] == 0x0A { i += 1 }
                i += 1
                st.line += 1
                st.lineStart = i
                continue
            }
            let col = i - st.lineStart + 1
            if c == 0x2F && i + 1 < to && b[i + 1] == 0x2F {  // line comment
                var j = i + 2
                while j < to && b[j] != 0x0A && b[j] != 0x0D { j += 1 }
                out.comments.append(Token(.name, Bytes.text(b, i + 2, j), line: st.line, column: col, length: j - i))
                i = j
                continue
            }
            if c == 0x2F && i + 1 < to && b[i + 1] == 0x2A {  // block comment
                let line = st.line
                var j = i + 2
                while j < to && !(b[j] == 0x2A && j + 1 < to && b[j + 1] == 0x2F) {
                    if b[j] == 0x0A {
                        st.line += 1
                        st.lineStart = j + 1
                    }
                    j += 1
                }
                out.comments.append(
                    Token(.name, Bytes.text(b, i + 2, min(j, to)), line: line, column: col, length: j - i))
                i = min(j + 2, to)
                continue
            }
            if Bytes.isIdentStart(c) {
                var j = i + 1
                while j < to && Bytes.isIdent(b[j]) { j += 1 }
                out.tokens.append(Token(.name, b, i, j, line: st.line, column: col))
                i = j
                continue
            }
            if Bytes.isDigit(c) || (c == 0x2E && i + 1 < to && Bytes.isDigit(b[i + 1])) {
                var j = i + 1
                while j < to && (Bytes.isIdent(b[j]) || b[j] == 0x2E) { j += 1 }
                out.tokens.append(Token(.number, b, i, j, line: st.line, column: col))
                i = j
                continue
            }
            if c == 0x27 || c == 0x22 {
                var j = i + 1
                while j < to && b[j] != c && b[j] != 0x0A {
                    if b[j] == 0x5C { j += 1 }
                    j += 1
                }
                let end = min(j, to)
                out.tokens.append(
                    Token(
                        .string, Bytes.text(b, i + 1, end), line: st.line, column: col,
                        length: min(end + 1, to) - i))
                i = end < to && b[end] == c ? end + 1 : end
                continue
            }
            if c == 0x60 {  // template literal
                i = template(b, i, to, &st, &out)
                continue
            }
            if c == 0x2F && startsRegex(out.tokens.last) {
                var j = i + 1
                var inClass = false
                while j < to && b[j] != 0x0A {
                    if b[j] == 0x5C {
                        j += 2
                        continue
                    }
                    if b[j] == 0x5B { inClass = true }
                    if b[j] == 0x5D { inClass = false }
                    if b[j] == 0x2F && !inClass { break }
                    j += 1
                }
                j = min(j + 1, to)
                while j < to && Bytes.isIdent(b[j]) { j += 1 }
                out.tokens.append(Token(.string, Bytes.text(b, i, j), line: st.line, column: col, length: j - i))
                i = j
                continue
            }
            let n = Bytes.opLength(b, i, to)
            if c == 0x28 || c == 0x5B { depth += 1 }
            if (c == 0x29 || c == 0x5D) && depth > 0 { depth -= 1 }
            out.tokens.append(Token(.op, b, i, i + n, line: st.line, column: col))
            i += n
        }
    }

    static func startsRegex(_ prev: Token?) -> Bool {
        guard let p = prev else { return true }
        switch p.kind {
        case .name: return regexAfter.contains(p.text)
        case .number, .string: return false
        case .newline: return true
        case .op: return !(p.text == ")" || p.text == "]" || p.text == "}" || p.text == "++" || p.text == "--")
        }
    }

    /// A template literal starting at the backtick `i`; returns the index after it.
    static func template(
        _ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ to: Int, _ st: inout PythonLexer.State, _ out: inout Lexed
    ) -> Int {
        let line = st.line
        let col = i - st.lineStart + 1
        var j = i + 1
        var parts: [[Token]] = []
        var text: [UInt8] = []
        while j < to && b[j] != 0x60 {
            let c = b[j]
            if c == 0x5C {
                text.append(c)
                if j + 1 < to { text.append(b[j + 1]) }
                j += 2
                continue
            }
            if c == 0x24 && j + 1 < to && b[j + 1] == 0x7B {
                let close = matchingBrace(b, j + 2, to)
                var sub = Lexed()
                var subState = st
                lex(b, j + 2, close, &subState, &sub, emitNewlines: false)
                st = subState
                parts.append(sub.tokens)
                text.append(contentsOf: Array("${}".utf8))
                j = min(close + 1, to)
                continue
            }
            if c == 0x0A {
                st.line += 1
                st.lineStart = j + 1
            }
            text.append(c)
            j += 1
        }
        var tok = Token(
            .string, String(decoding: text, as: UTF8.self), line: line, column: col, length: min(j + 1, to) - i)
        tok.formatted = true
        tok.parts = parts
        out.tokens.append(tok)
        return min(j + 1, to)
    }

    /// The index of the `}` closing a `${` whose body starts at `i`, skipping strings, nested
    /// templates and braces; `to` when there is none.
    static func matchingBrace(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ to: Int) -> Int {
        var depth = 0
        var j = i
        while j < to {
            let c = b[j]
            if c == 0x27 || c == 0x22 || c == 0x60 {
                var k = j + 1
                while k < to && b[k] != c {
                    if b[k] == 0x5C { k += 1 }
                    k += 1
                }
                j = k + 1
                continue
            }
            if c == 0x7B { depth += 1 }
            if c == 0x7D {
                if depth == 0 { return j }
                depth -= 1
            }
            j += 1
        }
        return to
    }
}
