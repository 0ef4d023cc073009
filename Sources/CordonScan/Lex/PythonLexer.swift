// A Python tokeniser: enough of the language to tell code from strings and comments. Logical
// lines end with a `newline` token (not inside brackets, not after a backslash continuation),
// so the analyser can read statements and indentation; string prefixes (r, b, u, f and their
// pairs) and triple quotes are understood; f-string interpolations are tokenised as code.
// It never fails: an unterminated string ends at the end of its line (or file, when triple
// quoted), which is what keeps one broken line from hiding the rest of a file.

public enum PythonLexer {
    public static func lex(_ bytes: [UInt8]) -> Lexed {
        var out = Lexed()
        out.tokens.reserveCapacity(bytes.count / 4)
        bytes.withUnsafeBufferPointer { b in
            var state = State(line: 1, lineStart: 0)
            lex(b, 0, b.count, &state, &out, emitNewlines: true)
        }
        return out
    }

    struct State {
        var line: Int
        var lineStart: Int
    }

    static func lex(
        _ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ st: inout State, _ out: inout Lexed,
        emitNewlines: Bool
    ) {
        var i = from
        var depth = 0
        func newline(_ at: Int) {
            if emitNewlines, depth == 0, let last = out.tokens.last, last.kind != .newline {
                out.tokens.append(Token(.newline, "", line: st.line, column: at - st.lineStart + 1, length: 0))
            }
        }
        while i < to {
            let c = b[i]
            if Bytes.isSpace(c) {
                i += 1
                continue
            }
            if c == 0x0A || c == 0x0D {
                newline(i)
                if c == 0x0D && i + 1 < to && b[i + 1] == 0x0A { i += 1 }
                i += 1
                st.line += 1
                st.lineStart = i
                continue
            }
            if c == 0x5C {  // backslash continuation: the logical line goes on
                i += 1
                if i < to && b[i] == 0x0D { i += 1 }
                if i < to && b[i] == 0x0A {
                    i += 1
                    st.line += 1
                    st.lineStart = i
                }
                continue
            }
            let col = i - st.lineStart + 1
            if c == 0x23 {  // '#' comment to the end of the line
                var j = i + 1
                while j < to && b[j] != 0x0A && b[j] != 0x0D { j += 1 }
                out.comments.append(Token(.name, Bytes.text(b, i + 1, j), line: st.line, column: col, length: j - i))
                i = j
                continue
            }
            if Bytes.isIdentStart(c) {
                var j = i + 1
                while j < to && Bytes.isIdent(b[j]) { j += 1 }
                if j < to && (b[j] == 0x27 || b[j] == 0x22) && j - i <= 2, let prefix = stringPrefix(b, i, j) {
                    i = string(b, i, j, to, prefix: prefix, &st, &out)
                    continue
                }
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
                i = string(b, i, i, to, prefix: "", &st, &out)
                continue
            }
            // Operators and punctuation.
            let n = Bytes.opLength(b, i, to)
            if c == 0x28 || c == 0x5B || c == 0x7B { depth += 1 }
            if (c == 0x29 || c == 0x5D || c == 0x7D) && depth > 0 { depth -= 1 }
            out.tokens.append(Token(.op, b, i, i + n, line: st.line, column: col))
            i += n
        }
        if emitNewlines { newline(to) }
    }

    /// The lower-cased prefix when `b[i..<j]` is a valid string prefix, else nil.
    static func stringPrefix(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ j: Int) -> String? {
        let p = Bytes.text(b, i, j).lowercased()
        switch p {
        case "r", "u", "b", "f", "br", "rb", "fr", "rf", "t", "tr", "rt": return p
        default: return nil
        }
    }

    /// Reads a string whose prefix starts at `start` and whose quote is at `q`; returns the index
    /// after it. Appends the token (with its interpolations, for f-strings).
    static func string(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ q: Int, _ to: Int, prefix: String, _ st: inout State,
        _ out: inout Lexed
    ) -> Int {
        let quote = b[q]
        let triple = q + 2 < to && b[q + 1] == quote && b[q + 2] == quote
        let open = triple ? 3 : 1
        let line = st.line
        let col = start - st.lineStart + 1
        var j = q + open
        let contentStart = j
        var contentEnd = to
        var end = to
        while j < to {
            let c = b[j]
            if c == 0x5C {  // an escape (raw strings too: r"\"" does not end at the second quote)
                if j + 1 < to && b[j + 1] == 0x0A {
                    st.line += 1
                    st.lineStart = j + 2
                }
                j += 2
                continue
            }
            if c == 0x0A {
                if !triple {  // unterminated: end the string at the line's end
                    contentEnd = j
                    end = j
                    break
                }
                st.line += 1
                st.lineStart = j + 1
            }
            if c == quote && (!triple || (j + 2 < to && b[j + 1] == quote && b[j + 2] == quote)) {
                contentEnd = j
                end = j + open
                break
            }
            j += 1
        }
        if j >= to { contentEnd = min(contentEnd, to) }
        var tok = Token(.string, Bytes.text(b, contentStart, contentEnd), line: line, column: col, length: end - start)
        if prefix.contains("f") || prefix.contains("t") {
            tok.formatted = true
            tok.parts = interpolations(b, contentStart, contentEnd, line: line, lineStart: st.lineStart)
        }
        out.tokens.append(tok)
        return end
    }

    /// The `{...}` parts of an f-string (`{{` is a literal brace), each tokenised as code.
    static func interpolations(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, line: Int, lineStart: Int)
        -> [[Token]]
    {
        var parts: [[Token]] = []
        var i = from
        while i < to {
            if b[i] == 0x7B {
                if i + 1 < to && b[i + 1] == 0x7B {
                    i += 2
                    continue
                }
                var depth = 1
                var j = i + 1
                while j < to && depth > 0 {
                    if b[j] == 0x7B { depth += 1 }
                    if b[j] == 0x7D { depth -= 1 }
                    if depth > 0 { j += 1 }
                }
                var sub = Lexed()
                var st = State(line: line, lineStart: lineStart)
                lex(b, i + 1, min(j, to), &st, &sub, emitNewlines: false)
                // `{x!r}` and `{x:>10}`: conversion and format spec are not code.
                if let k = sub.tokens.firstIndex(where: { $0.isOp("!") || $0.isOp(":") }) {
                    sub.tokens.removeSubrange(k...)
                }
                parts.append(sub.tokens)
                i = j + 1
                continue
            }
            i += 1
        }
        return parts
    }
}
