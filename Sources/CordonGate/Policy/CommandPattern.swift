// `gate.commands` entries, `rules[].match.command` and `exceptions[].match`: a program and token
// prefix with `|` alternatives, e.g. `git push --force|-f`. Matching is on the normalised
// invocation, so `sudo /usr/bin/git push origin -f` matches `git push --force|-f`:
// - the first token matches the program (basename, or the path as written);
// - tokens starting with `-` must appear anywhere among the arguments (`-rf` also matches
//   `-fr` and `-r -f`);
// - other tokens must match the positional arguments in order from the first (`*` globs; a
//   trailing `/` is optional).

import Synchronization

public struct CommandPattern: Sendable, Equatable {
    /// Patterns parsed once per text: the policy's lists are matched on every decision.
    private static let cache = Mutex<[String: CommandPattern]>([:])

    /// The pattern for `text`, parsed on first use.
    public static func cached(_ text: String) -> CommandPattern {
        if let p = cache.withLock({ $0[text] }) { return p }
        let p = CommandPattern(text)
        cache.withLock { c in
            if c.count > 4096 { c.removeAll() }
            c[text] = p
        }
        return p
    }

    public var program: [String]
    public var flags: [[String]]
    public var positionals: [[String]]

    public init(_ text: String) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map {
            $0.split(separator: "|", omittingEmptySubsequences: true).map(String.init)
        }
        program = tokens.first ?? []
        var f: [[String]] = []
        var p: [[String]] = []
        for t in tokens.dropFirst() {
            if t.first?.hasPrefix("-") == true { f.append(t) } else { p.append(t) }
        }
        flags = f
        positionals = p
    }

    public func matches(_ inv: Invocation) -> Bool {
        // A bare name (`sudo`) also matches a wrapper the gate saw through: `sudo ls` normalises
        // to `ls`, yet a policy that lists `sudo` under commands.block means sudo itself.
        if flags.isEmpty && positionals.isEmpty,
            inv.wrappers.contains(where: { w in
                let name = w.split(separator: " ").first.map(String.init) ?? w
                return program.contains { globMatch($0, name) }
            })
        {
            return true
        }
        guard program.contains(where: { globMatch($0, inv.program) || globMatch($0, inv.written) })
        else { return false }
        for alternatives in flags where !alternatives.contains(where: { flagPresent($0, inv) }) {
            return false
        }
        // The words after the program's global options: `git -C . push` and `git -c k=v push`
        // are `push` to a pattern, as `kubectl -n prod delete` is `delete` (issue 12.7).
        let pos = positionals.isEmpty ? [] : inv.commandWords
        guard pos.count >= positionals.count else { return false }
        for (k, alternatives) in positionals.enumerated() {
            let a = pos[k]
            if !alternatives.contains(where: {
                globMatch($0, a) || globMatch(trimSlash($0), trimSlash(a))
            }) {
                return false
            }
        }
        return true
    }

    private func flagPresent(_ flag: String, _ inv: Invocation) -> Bool {
        if inv.hasAny([flag]) { return true }
        // `-rf` as a bundle: every letter present as a short option somewhere.
        if !flag.hasPrefix("--"), flag.utf8.count > 2 {
            return flag.dropFirst().allSatisfy { inv.hasAny(["-" + String($0)]) }
        }
        return false
    }
}

private func trimSlash(_ s: String) -> String {
    var s = Substring(s)
    while s.count > 1 && s.hasSuffix("/") { s = s.dropLast() }
    return String(s)
}

/// Shell-style glob with `*` and `?` over bytes; used for tool names and pattern tokens.
public func globMatch(_ pattern: String, _ text: String) -> Bool {
    // Over the bytes in place, not through String's UTF8View: the policy's tool lists are
    // globbed on every decision. Same bytes, so the same matches as a glob over `.utf8`.
    // Figures: docs/benchmarks-gate.md.
    pattern.withBytes { p in text.withBytes { t in globMatchBytes(p, t) } }
}

private func globMatchBytes(_ p: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>)
    -> Bool
{
    // Most list entries are plain names that differ from the text in the first byte.
    if let p0 = p.first, p0 != UInt8(ascii: "*"), p0 != UInt8(ascii: "?"), p0 != t.first {
        return false
    }
    var pi = 0
    var ti = 0
    var star = -1
    var mark = 0
    while ti < t.count {
        if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) {
            pi += 1
            ti += 1
        } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
            star = pi
            mark = ti
            pi += 1
        } else if star >= 0 {
            pi = star + 1
            mark += 1
            ti = mark
        } else {
            return false
        }
    }
    while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
    return pi == p.count
}
