// Words, quotes, expansions and redirections: the byte-level half of ShellParser.
// Every function here consumes at least one byte or reports that it could not, so the parser's
// loops always make progress.

private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")
private let newline = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")

@inline(__always) private func isNameStart(_ c: UInt8) -> Bool {
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c == 0x5f
}
@inline(__always) private func isNameChar(_ c: UInt8) -> Bool {
    isNameStart(c) || (c >= 0x30 && c <= 0x39)
}
@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

/// Bytes that end an unquoted word.
@inline(__always) func isWordBreak(_ c: UInt8) -> Bool {
    switch c {
    case space, tab, newline, cr, UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"),
        UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"):
        return true
    default: return false
    }
}

/// The reserved words `peekReservedWord` knows: the lower-case ones are matched with their bytes
/// packed big-endian into one integer (at most 6 letters, so lengths cannot collide).
let reservedWords: [String] = [
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "select", "case",
    "esac",
    "in", "{", "}", "!",
]

extension ShellParser {
    /// The redirection operator at `k`, longest first (`&>>` before `&>`, `<<<` and `<<-` before
    /// `<<`): the first of `&>> &> <<< <<- << <> <& >> >& >| < >` that the bytes at `k` spell.
    /// Decided by a switch on the bytes, not by comparing each operator as a slice in turn
    /// (figures: docs/benchmarks-gate.md).
    /// Past the end reads as 0, which no operator holds, as the bounds test did.
    func redirectOperator(at k: Int) -> String? {
        let c0 = k < b.count ? b[k] : 0
        let c1 = k + 1 < b.count ? b[k + 1] : 0
        let c2 = k + 2 < b.count ? b[k + 2] : 0
        let lt = UInt8(ascii: "<")
        let gt = UInt8(ascii: ">")
        let amp = UInt8(ascii: "&")
        switch c0 {
        case amp:
            guard c1 == gt else { return nil }
            return c2 == gt ? "&>>" : "&>"
        case lt:
            if c1 == lt {
                if c2 == lt { return "<<<" }
                return c2 == UInt8(ascii: "-") ? "<<-" : "<<"
            }
            if c1 == gt { return "<>" }
            return c1 == amp ? "<&" : "<"
        case gt:
            if c1 == gt { return ">>" }
            if c1 == amp { return ">&" }
            return c1 == UInt8(ascii: "|") ? ">|" : ">"
        default:
            return nil
        }
    }

    /// Where the bracket open at nesting `level` closes, scanning from `from` (brackets only:
    /// array elements and `${...}` contents are skipped for nesting, not parsed), or b.count
    /// when the input ends first.
    func matchingClose(from: Int, level start: Int, open: UInt8, close: UInt8) -> Int {
        var level = start
        var k = from
        while k < b.count {
            if b[k] == open { level += 1 }
            if b[k] == close {
                level -= 1
                if level == 0 { return k }
            }
            k += 1
        }
        return b.count
    }

    // MARK: blanks, comments, newlines

    mutating func skipBlanks() {
        while i < b.count {
            let c = b[i]
            if c == space || c == tab || c == cr {
                i += 1
            } else if c == UInt8(ascii: "\\") && peek(1) == newline {
                i += 2
            } else if c == UInt8(ascii: "#") {
                while i < b.count && b[i] != newline { i += 1 }
            } else {
                return
            }
        }
    }

    mutating func skipBlanksAndNewlines() {
        while true {
            skipBlanks()
            guard i < b.count, b[i] == newline else { return }
            i += 1
            if !pendingHeredocs.isEmpty { readHeredocBodies() }
        }
    }

    /// After the newline that ends a line with `<<EOF`, the following lines up to the
    /// delimiter are the document. A missing delimiter takes the rest, as bash does.
    mutating func readHeredocBodies() {
        let pending = pendingHeredocs
        pendingHeredocs.removeAll()
        for (command, redirect, delimiter, stripTabs) in pending {
            let delim = Array(delimiter.utf8)
            var body: [UInt8] = []
            while i < b.count {
                var nl = i
                while nl < b.count && b[nl] != newline { nl += 1 }
                var s = i
                if stripTabs { while s < nl && b[s] == tab { s += 1 } }
                if nl - s == delim.count && b[s..<nl].elementsEqual(delim) {
                    i = min(nl + 1, b.count)
                    break
                }
                body.append(contentsOf: b[s..<nl])
                body.append(newline)
                i = min(nl + 1, b.count)
            }
            sink.script.commands[command].redirects[redirect].hereText = String(
                decoding: body, as: UTF8.self)
        }
    }

    /// The reserved word at the cursor, if one stands there as a whole word.
    func peekReservedWord() -> String? {
        guard i < b.count else { return nil }
        let c = b[i]
        if c == UInt8(ascii: "{") || c == UInt8(ascii: "}") || c == UInt8(ascii: "!") {
            let next = i + 1 < b.count ? b[i + 1] : newline
            if isWordBreak(next) || (c == UInt8(ascii: "}") && next == UInt8(ascii: "}")) {
                return String(Character(Unicode.Scalar(c)))
            }
            return nil
        }
        // Reserved words are 2-6 lower-case letters followed by a word break.
        guard c >= 0x61 && c <= 0x7a else { return nil }
        var e = i + 1
        while e < b.count && e - i <= 6 && b[e] >= 0x61 && b[e] <= 0x7a { e += 1 }
        let n = e - i
        guard n >= 2 && n <= 6, e >= b.count || isWordBreak(b[e]) else { return nil }
        // The word's bytes packed into one integer and compared with the packed reserved words
        // (asked at the start of every command): no slice comparison per reserved word.
        // Figures: docs/benchmarks-gate.md.
        var key: UInt64 = 0
        for k in i..<e { key = key << 8 | UInt64(b[k]) }
        // One switch over the packed words, not a walk over a table of them. It must recognise
        // every lower-case word of `reservedWords` and nothing else (a test checks every word
        // and some near misses).
        switch key {
        case 0x6966: return "if"
        case 0x6669: return "fi"
        case 0x646f: return "do"
        case 0x696e: return "in"
        case 0x666f72: return "for"
        case 0x7468_656e: return "then"
        case 0x656c_7365: return "else"
        case 0x656c_6966: return "elif"
        case 0x646f_6e65: return "done"
        case 0x6361_7365: return "case"
        case 0x6573_6163: return "esac"
        case 0x77_6869_6c65: return "while"
        case 0x75_6e74_696c: return "until"
        case 0x7365_6c65_6374: return "select"
        default: return nil
        }
    }

    // MARK: redirections

    mutating func readRedirect() -> ShellRedirect? {
        // Fast path: most words start with a letter, a dash or a quote.
        guard i < b.count else { return nil }
        let c0 = b[i]
        guard
            c0 == UInt8(ascii: "<") || c0 == UInt8(ascii: ">") || c0 == UInt8(ascii: "&")
                || c0 == UInt8(ascii: "{") || isDigit(c0)
        else {
            return nil
        }
        var k = i
        var fd: Int?
        if k < b.count && b[k] == UInt8(ascii: "{") {
            // `{varname}>file`: bash allocates the fd; only the operator matters here.
            var e = k + 1
            while e < b.count && isNameChar(b[e]) { e += 1 }
            if e < b.count && b[e] == UInt8(ascii: "}") && e + 1 < b.count
                && (b[e + 1] == UInt8(ascii: ">") || b[e + 1] == UInt8(ascii: "<"))
            {
                k = e + 1
            }
        } else {
            var n = 0
            while k < b.count && isDigit(b[k]) && k - i < 4 {
                n = n * 10 + Int(b[k] - 0x30)
                k += 1
            }
            if k > i { fd = n }
        }
        guard k < b.count else { return nil }
        guard let op = redirectOperator(at: k) else { return nil }
        let after = k + op.utf8.count
        // `<(...)` and `>(...)` are process substitutions, i.e. words.
        if (op == "<" || op == ">") && after < b.count && b[after] == UInt8(ascii: "(") { return nil }
        if fd != nil && op.hasPrefix("&") { return nil }
        i = after
        skipBlanks()
        let target = readWord()
        var r = ShellRedirect(op: op, fd: fd, target: target, hereText: nil)
        if op == "<<<" { r.hereText = target.value }
        if target.value.isEmpty && !target.quoted && !sink.abandoned {
            sink.fail("redirection '\(op)' without a target", at: base + i)
        }
        return r
    }

    // MARK: assignments

    mutating func readAssignment() -> (String, ShellWord)? {
        guard i < b.count, isNameStart(b[i]) else { return nil }
        var k = i + 1
        while k < b.count && isNameChar(b[k]) { k += 1 }
        let nameEnd = k
        if k < b.count && b[k] == UInt8(ascii: "[") {
            while k < b.count && b[k] != UInt8(ascii: "]") && !isWordBreak(b[k]) { k += 1 }
            guard k < b.count && b[k] == UInt8(ascii: "]") else { return nil }
            k += 1
        }
        if k < b.count && b[k] == UInt8(ascii: "+") { k += 1 }
        guard k < b.count && b[k] == UInt8(ascii: "=") else { return nil }
        let name = String(decoding: b[i..<nameEnd], as: UTF8.self)
        i = k + 1
        if i < b.count && b[i] == UInt8(ascii: "(") {
            // Array assignment `X=(a b c)`: the elements are words, none of them runs.
            let open = i
            i = matchingClose(from: i, level: 0, open: UInt8(ascii: "("), close: UInt8(ascii: ")"))
            if i >= b.count {
                sink.fail("unterminated array assignment", at: base + open)
                return nil
            }
            i += 1
            var w = ShellWord(value: String(decoding: b[open..<i], as: UTF8.self))
            w.isStatic = false
            return (name, w)
        }
        return (name, readWord())
    }

    // MARK: words

    mutating func readWord() -> ShellWord {
        // Fast path: a plain word (no quotes, escapes, expansions) is its own bytes; most words
        // are, and this skips the intermediate buffer.
        var e = i
        while e < b.count {
            let c = b[e]
            if isWordBreak(c) || c == UInt8(ascii: "\\") || c == UInt8(ascii: "'")
                || c == UInt8(ascii: "\"")
                || c == UInt8(ascii: "$") || c == UInt8(ascii: "`")
            {
                break
            }
            e += 1
        }
        if e > i && (e == b.count || isWordBreak(b[e]))
            && !(b[e - 1] == UInt8(ascii: "=") && e < b.count && b[e] == UInt8(ascii: "("))
        {
            let w = ShellWord(value: String(decoding: b[i..<e], as: UTF8.self))
            i = e
            return w
        }
        var w = ShellWord(value: "")
        var v: [UInt8] = []
        let start = i
        if i + 1 < b.count && (b[i] == UInt8(ascii: "<") || b[i] == UInt8(ascii: ">"))
            && b[i + 1] == UInt8(ascii: "(")
        {
            i += 2
            let before = sink.script.pipelineCount
            nested { $0.parseList(stop: .paren) }
            expect(")", openedAt: start)
            w.substitutions.append(contentsOf: before..<sink.script.pipelineCount)
            w.isProcessSubstitution = true
            w.isStatic = false
            _ = sink.spend(min(i, b.count) - start, at: base + start)
            w.value = String(decoding: b[start..<min(i, b.count)], as: UTF8.self)
            return w
        }
        while i < b.count && !sink.abandoned {
            let c = b[i]
            if c == UInt8(ascii: "("), v.last == UInt8(ascii: "="), let f = v.first, isNameStart(f) {
                // `declare -a X=(a b)`, `local X=(a b)`: an array value, not a subshell.
                var level = 0
                let open = i
                while i < b.count {
                    if b[i] == UInt8(ascii: "(") { level += 1 }
                    if b[i] == UInt8(ascii: ")") {
                        level -= 1
                        if level == 0 { break }
                    }
                    i += 1
                }
                if i >= b.count {
                    sink.fail("unterminated array value", at: base + open)
                    break
                }
                i += 1
                v.append(contentsOf: b[open..<i])
                w.isStatic = false
                continue
            }
            if isWordBreak(c) { break }
            switch c {
            case UInt8(ascii: "\\"):
                if i + 1 < b.count {
                    if b[i + 1] != newline { v.append(b[i + 1]) }
                    w.quoted = true
                    i += 2
                } else {
                    i += 1
                }
            case UInt8(ascii: "'"):
                w.quoted = true
                var e = i + 1
                while e < b.count && b[e] != UInt8(ascii: "'") { e += 1 }
                if e >= b.count {
                    sink.fail("unterminated single quote", at: base + i)
                    v.append(contentsOf: b[(i + 1)...])
                    i = b.count
                } else {
                    v.append(contentsOf: b[(i + 1)..<e])
                    i = e + 1
                }
            case UInt8(ascii: "\""):
                w.quoted = true
                readDoubleQuoted(into: &v, word: &w)
            case UInt8(ascii: "$"):
                readDollar(into: &v, word: &w, inDouble: false)
            case UInt8(ascii: "`"):
                readBackticks(into: &v, word: &w)
            default:
                v.append(c)
                i += 1
            }
        }
        if i == start && i < b.count && !sink.abandoned {
            // A byte no rule consumes: stop rather than spin.
            sink.fail("unexpected '\(Character(Unicode.Scalar(b[i])))'", at: base + i)
            i += 1
        }
        w.value = String(decoding: v, as: UTF8.self)
        return w
    }

    mutating func readDoubleQuoted(into v: inout [UInt8], word w: inout ShellWord) {
        let open = i
        i += 1
        while i < b.count && !sink.abandoned {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return
            }
            if c == UInt8(ascii: "\\") && i + 1 < b.count {
                let n = b[i + 1]
                if n == UInt8(ascii: "$") || n == UInt8(ascii: "`") || n == UInt8(ascii: "\"")
                    || n == UInt8(ascii: "\\")
                {
                    v.append(n)
                } else if n != newline {
                    v.append(c)
                    v.append(n)
                }
                i += 2
            } else if c == UInt8(ascii: "$") {
                readDollar(into: &v, word: &w, inDouble: true)
            } else if c == UInt8(ascii: "`") {
                readBackticks(into: &v, word: &w)
            } else {
                v.append(c)
                i += 1
            }
        }
        if !sink.abandoned { sink.fail("unterminated double quote", at: base + open) }
    }

    mutating func readDollar(into v: inout [UInt8], word w: inout ShellWord, inDouble: Bool) {
        let start = i
        let n = peek(1)
        if n == UInt8(ascii: "'") && !inDouble {
            i += 2
            readAnsiC(into: &v, word: &w, open: start)
            return
        }
        if n == UInt8(ascii: "\"") && !inDouble {
            i += 1
            readDoubleQuoted(into: &v, word: &w)
            return
        }
        if n == UInt8(ascii: "(") {
            if peek(2) == UInt8(ascii: "(") {
                skipArithmetic(from: i + 3)
            } else {
                i += 2
                let before = sink.script.pipelineCount
                nested { $0.parseList(stop: .paren) }
                expect(")", openedAt: start)
                w.substitutions.append(contentsOf: before..<sink.script.pipelineCount)
            }
            w.isStatic = false
            // The substitution's text stays in the word (a copy per nesting level).
            guard sink.spend(min(i, b.count) - start, at: base + start) else { return }
            v.append(contentsOf: b[start..<min(i, b.count)])
            return
        }
        if n == UInt8(ascii: "{") {
            let e = matchingClose(from: i + 2, level: 1, open: UInt8(ascii: "{"), close: UInt8(ascii: "}"))
            if e >= b.count {
                sink.fail("unterminated '${'", at: base + start)
                i = b.count
                return
            }
            let inner = b[(i + 2)..<e]
            i = e + 1
            if let value = lookup(inner) {
                v.append(contentsOf: value.utf8)
                if !inDouble && value.utf8.contains(UInt8(ascii: " ")) { w.splitsIntoWords = true }
            } else {
                v.append(contentsOf: b[start..<i])
                w.isStatic = false
            }
            return
        }
        if isNameStart(n) {
            var e = i + 2
            while e < b.count && isNameChar(b[e]) { e += 1 }
            let name = b[(i + 1)..<e]
            i = e
            if let value = lookup(name) {
                v.append(contentsOf: value.utf8)
                if !inDouble && value.utf8.contains(UInt8(ascii: " ")) { w.splitsIntoWords = true }
            } else {
                v.append(contentsOf: b[start..<i])
                w.isStatic = false
            }
            return
        }
        if isDigit(n) || "@*#?$!-".utf8.contains(n) {
            v.append(contentsOf: b[i..<(i + 2)])
            i += 2
            w.isStatic = false
            return
        }
        v.append(UInt8(ascii: "$"))
        i += 1
    }

    func lookup(_ name: ArraySlice<UInt8>) -> String? {
        guard let f = name.first, isNameStart(f), name.allSatisfy(isNameChar) else { return nil }
        return vars[String(decoding: name, as: UTF8.self)]
    }
}
