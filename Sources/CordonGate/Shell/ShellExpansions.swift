// The expansions that need their own scanning: `$'...'` C strings, backquoted command
// substitutions (re-parsed as nested scripts) and arithmetic (skipped: it runs nothing).

private let newline = UInt8(ascii: "\n")
private let tab = UInt8(ascii: "\t")
private let cr = UInt8(ascii: "\r")

extension ShellParser {
    /// `$'...'`: C escapes. Hex and octal escapes mark the word, since `$'\x72\x6d'` is `rm`.
    mutating func readAnsiC(into v: inout [UInt8], word w: inout ShellWord, open: Int) {
        w.quoted = true
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "'") {
                i += 1
                return
            }
            guard c == UInt8(ascii: "\\"), i + 1 < b.count else {
                v.append(c)
                i += 1
                continue
            }
            let e = b[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): v.append(newline)
            case UInt8(ascii: "t"): v.append(tab)
            case UInt8(ascii: "r"): v.append(cr)
            case UInt8(ascii: "a"): v.append(7)
            case UInt8(ascii: "b"): v.append(8)
            case UInt8(ascii: "e"), UInt8(ascii: "E"): v.append(27)
            case UInt8(ascii: "f"): v.append(12)
            case UInt8(ascii: "v"): v.append(11)
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let maxDigits = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
                var value: UInt32 = 0
                var k = 0
                while k < maxDigits, i < b.count, let d = hexValue(b[i]) {
                    value = value * 16 + d
                    i += 1
                    k += 1
                }
                w.hexEscaped = true
                if e == UInt8(ascii: "x") {
                    v.append(UInt8(truncatingIfNeeded: value))
                } else if let s = Unicode.Scalar(value) {
                    v.append(contentsOf: String(Character(s)).utf8)
                }
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = UInt32(e - 0x30)
                var k = 1
                while k < 3, i < b.count, b[i] >= 0x30, b[i] <= 0x37 {
                    value = value * 8 + UInt32(b[i] - 0x30)
                    i += 1
                    k += 1
                }
                w.hexEscaped = true
                v.append(UInt8(truncatingIfNeeded: value))
            default: v.append(e)
            }
        }
        sink.fail("unterminated $'...' quote", at: base + open)
    }

    /// Backquotes: the text up to the closing backquote, unescaped, parsed as a nested script.
    mutating func readBackticks(into v: inout [UInt8], word w: inout ShellWord) {
        let open = i
        var content: [UInt8] = []
        i += 1
        while i < b.count && b[i] != UInt8(ascii: "`") {
            if b[i] == UInt8(ascii: "\\") && i + 1 < b.count
                && (b[i + 1] == UInt8(ascii: "`") || b[i + 1] == UInt8(ascii: "\\")
                    || b[i + 1] == UInt8(ascii: "$"))
            {
                content.append(b[i + 1])
                i += 2
            } else {
                content.append(b[i])
                i += 1
            }
        }
        if i >= b.count {
            sink.fail("unterminated backquote", at: base + open)
            return
        }
        i += 1
        w.isStatic = false
        // The text is kept in the word and parsed again below: both are repeated work.
        guard sink.spend(2 * (i - open), at: base + open) else { return }
        v.append(contentsOf: b[open..<i])
        if depth >= Self.maxDepth {
            sink.fail("nesting deeper than \(Self.maxDepth) levels", at: base + open)
            return
        }
        let before = sink.script.pipelineCount
        var sub = ShellParser(
            bytes: content, sink: sink, depth: depth + 1, vars: vars, base: base + open + 1)
        sub.parseScript()
        w.substitutions.append(contentsOf: before..<sink.script.pipelineCount)
    }

    /// `((...))` and `$((...))`: arithmetic runs no command; skip to the matching `))`.
    mutating func skipArithmetic(from start: Int) {
        var level = 2
        var k = start
        while k < b.count {
            if b[k] == UInt8(ascii: "(") { level += 1 }
            if b[k] == UInt8(ascii: ")") {
                level -= 1
                if level == 0 { break }
            }
            k += 1
        }
        if k >= b.count {
            sink.fail("unterminated arithmetic '(('", at: base + start)
            i = b.count
            return
        }
        i = k + 1
    }
}

@inline(__always) private func hexValue(_ c: UInt8) -> UInt32? {
    switch c {
    case 0x30...0x39: UInt32(c - 0x30)
    case 0x61...0x66: UInt32(c - 0x61 + 10)
    case 0x41...0x46: UInt32(c - 0x41 + 10)
    default: nil
    }
}
