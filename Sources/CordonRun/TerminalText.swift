import CordonBase

// Text cordon prints on a terminal that came from the sandboxed command (argv, paths, the
// gate's reasons, which quote the command). A command may carry control characters in its
// argv: printed raw, `\r`, ESC sequences (`\e[2K`, `\e[1A`, `\e[8m`) or C1 controls redraw the
// person's screen, draw a fake prompt, or hide the real one. Everything such a value holds
// below 0x20, DEL and the C1 range is shown escaped, as gate.log does.

public enum TerminalText {
    /// `value` with every control character written as `\n`, `\t`, `\r`, `\e` or `\xHH` (C1
    /// controls as `\u{HH}`), and a backslash as `\\`, so the escape form cannot be forged.
    public static func escaped(_ value: String) -> String {
        var needs = false
        for s in value.unicodeScalars where s.value < 0x20 || (s.value >= 0x7f && s.value <= 0x9f) || s == "\\" {
            needs = true
            break
        }
        guard needs else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 8)
        for s in value.unicodeScalars {
            switch s.value {
            case 0x0a: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0d: out += "\\r"
            case 0x1b: out += "\\e"
            case 0x5c: out += "\\\\"
            case 0..<0x20, 0x7f: out += "\\x" + hex(s.value)
            case 0x80...0x9f: out += "\\u{" + hex(s.value) + "}"
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    static func hex(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(v >> 4 & 0xf)], digits[Int(v & 0xf)]])
    }

    /// argv as one escaped line (arguments separated by spaces), cut to `limit` bytes.
    public static func command(_ argv: [String], limit: Int = 2048) -> String {
        cut(argv.map(escaped).joined(separator: " "), limit: limit)
    }

    /// Escaped and cut to `limit` bytes: a command may carry megabytes of argv, and cordon's
    /// own messages must not pass that on to the terminal once per refusal (security issue
    /// E.13). The cut names the full length and its SHA-256 prefix, as gate.log's cut does.
    public static func line(_ value: String, limit: Int = 1024) -> String { cut(escaped(value), limit: limit) }

    static func cut(_ text: String, limit: Int) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count > limit else { return text }
        var end = limit
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a UTF-8 sequence
        return String(decoding: bytes[..<end], as: UTF8.self)
            + "...[cut: \(bytes.count) bytes, sha256=\(SHA256.hex(bytes).prefix(12))]"
    }
}
