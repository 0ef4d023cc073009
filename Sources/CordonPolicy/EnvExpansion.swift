// `${VAR}` in policy strings, from an environment the caller hands in (the loader does no
// getenv of its own, so tests and `policy lint` see exactly what they pass).
// Only `${` starts an expansion: a bare `$` is left alone, so `$HOME` in a message stays
// text. `$${` writes a literal `${`.

enum EnvExpansion {
    enum Problem: Equatable {
        case unset(String)
        case badName(String)
        case unterminated
    }

    /// Expands `${NAME}` and `${NAME:-default}` (default used when NAME is unset or empty,
    /// as in sh). Every problem in the string is returned, not just the first.
    static func expand(_ text: String, _ env: [String: String]) -> (String, [Problem]) {
        // Fast path: most policy strings have no `$` at all.
        guard text.utf8.contains(UInt8(ascii: "$")) else { return (text, []) }
        var out = ""
        var problems: [Problem] = []
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                out += "${"
                rest = after.dropFirst(2)
                continue
            }
            guard after.hasPrefix("{") else {
                out += "$"
                rest = after
                continue
            }
            let body = after.dropFirst()
            guard let close = body.firstIndex(of: "}") else {
                problems.append(.unterminated)
                out += rest
                return (out, problems)
            }
            let inner = body[..<close]
            rest = body[body.index(after: close)...]
            var name = inner
            var fallback: Substring?
            if let sep = inner.firstRange(of: ":-") {
                name = inner[..<sep.lowerBound]
                fallback = inner[sep.upperBound...]
            }
            guard isName(name) else {
                problems.append(.badName(String(name)))
                continue
            }
            if let value = env[String(name)], !(fallback != nil && value.isEmpty) {
                out += value
            } else if let fallback {
                out += fallback
            } else {
                problems.append(.unset(String(name)))
            }
        }
        out += rest
        return (out, problems)
    }

    static func isName(_ s: Substring) -> Bool {
        guard let first = s.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return s.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    static func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
}
