// Where a value comes from, as far as a scanner without types can tell. Rules fire on what
// is not constant, and rate model output and tool input (`untrusted`) above values of unknown
// origin: `subprocess.run(cmd, shell=True)` is critical when `cmd` came from a model response
// and high when it came from somewhere the scanner cannot see.

public enum Origin: Int, Sendable, Comparable {
    /// Literals, names assigned only literals, ALL_CAPS module constants, environment variables
    /// (configuration the operator set, not input the model chose).
    case constant = 0
    /// Passed through an escaping or converting call (`shlex.quote`, `int`, `basename`).
    case sanitized = 1
    /// Not constant, origin not known (a parameter of an ordinary function, a call result).
    case unknown = 2
    /// Model output, tool arguments, user or web input.
    case untrusted = 3

    public static func < (a: Origin, b: Origin) -> Bool { a.rawValue < b.rawValue }

    /// Safe to hand to a shell, an interpreter or a query: constant or sanitised.
    public var isSafe: Bool { self <= .sanitized }
}

/// Words in an identifier (`llm_output`, `toolInput`, `userQuery`) that mark a value as model
/// output or outside input when nothing else is known about it.
enum TaintWords {
    static let words: Set<String> = [
        "llm", "gpt", "completion", "completions", "response", "resp", "output", "generated", "answer", "reply",
        "input", "query", "question", "message", "messages", "content", "body", "payload", "arguments", "args",
        "kwargs", "request", "req", "untrusted", "instruction", "instructions", "observation", "document", "page",
        "html", "webpage", "choices", "user", "prompt", "command", "cmd", "code", "script", "url", "uri", "link",
        "filename", "path", "file", "text", "expression", "expr", "action", "params", "argv", "stdin",
    ]

    /// Splits `llm_output`, `toolInput`, `HTTPResponse` into lower-case words: `_`, `$` and
    /// digits separate words, and so does an upper-case letter after a lower-case one. ASCII
    /// names (nearly all) are split over their bytes; others by Character.
    static func split(_ name: String) -> [String] {
        var name = name
        return name.withUTF8 { b in
            var out: [String] = []
            var start = -1
            var prevLower = false
            func flush(_ end: Int) {
                if start >= 0 && end > start {
                    out.append(
                        String(unsafeUninitializedCapacity: end - start) { dst in
                            for k in start..<end { dst[k - start] = b[k] >= 0x41 && b[k] <= 0x5A ? b[k] | 0x20 : b[k] }
                            return end - start
                        })
                }
                start = -1
            }
            for i in 0..<b.count {
                let c = b[i]
                if c >= 0x80 { return splitCharacters(String(decoding: b, as: UTF8.self)) }
                if c == 0x5F || c == 0x24 || (c >= 0x30 && c <= 0x39) {
                    flush(i)
                    prevLower = false
                    continue
                }
                if c >= 0x41 && c <= 0x5A && prevLower { flush(i) }
                if start < 0 { start = i }
                prevLower = c >= 0x61 && c <= 0x7A
            }
            flush(b.count)
            return out
        }
    }

    static func splitCharacters(_ name: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var prevLower = false
        for ch in name {
            if ch == "_" || ch == "$" || ch.isNumber {
                if !cur.isEmpty { out.append(cur.lowercased()) }
                cur = ""
                prevLower = false
                continue
            }
            if ch.isUppercase && prevLower {
                out.append(cur.lowercased())
                cur = ""
            }
            cur.append(ch)
            prevLower = ch.isLowercase
        }
        if !cur.isEmpty { out.append(cur.lowercased()) }
        return out
    }

    /// Words that say "model output" on their own, and pairs that do together.
    static let strongWords: Set<String> = [
        "llm", "gpt", "completion", "completions", "generated", "untrusted", "choices", "observation",
    ]
    static let strongPairs: Set<String> = [
        "tool input", "action input", "model output", "user input", "tool args", "tool call", "function call",
        "tool arguments", "agent output", "ai message", "model response", "chat response",
    ]

    /// Any identifier that reads as input or output of a model (for names with no other origin).
    static func tainted(_ name: String) -> Bool { split(name).contains { words.contains($0) } }

    /// A parameter name that says model output by itself: a function's other parameters are
    /// what its callers pass, `unknown` until shown otherwise.
    static func strong(_ name: String) -> Bool {
        let w = split(name)
        if w.contains(where: { strongWords.contains($0) }) { return true }
        for i in w.indices.dropLast() where strongPairs.contains(w[i] + " " + w[i + 1]) { return true }
        return false
    }
}
