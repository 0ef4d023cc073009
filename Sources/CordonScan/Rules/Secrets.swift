// Secrets by shape: the key formats of the common providers, private key blocks, and
// passwords written into URLs. Found in any file the scanner reads (code, config, .env,
// Dockerfiles); the value is masked before it reaches any output, so a report can be shared
// without leaking what it found.

enum Secrets {
    struct Shape: Sendable {
        var prefix: String
        var provider: String
        /// Bytes allowed after the prefix, and how many.
        var body: @Sendable (UInt8) -> Bool
        var minimum: Int
        var maximum: Int = 200
    }

    static func alnum(_ c: UInt8) -> Bool { Bytes.isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }
    static func token(_ c: UInt8) -> Bool { alnum(c) || c == 0x2D || c == 0x5F }
    static func upperDigit(_ c: UInt8) -> Bool { Bytes.isDigit(c) || (c >= 0x41 && c <= 0x5A) }
    static func hex(_ c: UInt8) -> Bool { Bytes.isDigit(c) || (c >= 0x61 && c <= 0x66) }

    static let shapes: [Shape] = [
        Shape(prefix: "sk-ant-api03-", provider: "Anthropic API key", body: token, minimum: 80),
        Shape(prefix: "sk-ant-", provider: "Anthropic key", body: token, minimum: 40),
        Shape(prefix: "sk-proj-", provider: "OpenAI project key", body: token, minimum: 40),
        Shape(prefix: "sk-svcacct-", provider: "OpenAI service-account key", body: token, minimum: 40),
        Shape(prefix: "sk-", provider: "OpenAI API key", body: alnum, minimum: 40, maximum: 64),
        Shape(prefix: "AKIA", provider: "AWS access key id", body: upperDigit, minimum: 16, maximum: 16),
        Shape(prefix: "ASIA", provider: "AWS temporary access key id", body: upperDigit, minimum: 16, maximum: 16),
        Shape(prefix: "ghp_", provider: "GitHub token", body: alnum, minimum: 36, maximum: 36),
        Shape(prefix: "gho_", provider: "GitHub OAuth token", body: alnum, minimum: 36, maximum: 36),
        Shape(prefix: "ghs_", provider: "GitHub app token", body: alnum, minimum: 36, maximum: 36),
        Shape(prefix: "ghu_", provider: "GitHub user token", body: alnum, minimum: 36, maximum: 36),
        Shape(prefix: "github_pat_", provider: "GitHub fine-grained token", body: token, minimum: 70),
        Shape(prefix: "glpat-", provider: "GitLab token", body: token, minimum: 20),
        Shape(prefix: "xoxb-", provider: "Slack bot token", body: token, minimum: 20),
        Shape(prefix: "xoxp-", provider: "Slack user token", body: token, minimum: 20),
        Shape(prefix: "xoxa-", provider: "Slack token", body: token, minimum: 20),
        Shape(prefix: "AIza", provider: "Google API key", body: token, minimum: 35, maximum: 35),
        Shape(prefix: "sk_live_", provider: "Stripe secret key", body: alnum, minimum: 24),
        Shape(prefix: "rk_live_", provider: "Stripe restricted key", body: alnum, minimum: 24),
        Shape(prefix: "hf_", provider: "Hugging Face token", body: alnum, minimum: 34, maximum: 40),
        Shape(prefix: "gsk_", provider: "Groq API key", body: alnum, minimum: 48, maximum: 60),
        Shape(prefix: "r8_", provider: "Replicate token", body: alnum, minimum: 37, maximum: 40),
        Shape(prefix: "pplx-", provider: "Perplexity API key", body: alnum, minimum: 40, maximum: 60),
        Shape(prefix: "xai-", provider: "xAI API key", body: alnum, minimum: 60, maximum: 90),
        Shape(prefix: "SG.", provider: "SendGrid key", body: { token($0) || $0 == 0x2E }, minimum: 60, maximum: 70),
        Shape(prefix: "npm_", provider: "npm token", body: alnum, minimum: 36, maximum: 36),
        Shape(prefix: "pypi-", provider: "PyPI token", body: token, minimum: 50),
    ]

    struct Hit {
        var line: Int
        var column: Int
        var length: Int
        var rule: String
        var severity: Severity
        var message: String
        /// Byte range of the secret value on its line, to mask.
        var value: Range<Int>
    }

    /// Placeholders people write where a secret would go: not findings.
    static func isPlaceholder(_ s: [UInt8]) -> Bool {
        let text = String(decoding: s, as: UTF8.self).lowercased()
        if [
            "xxxx", "your", "example", "changeme", "placeholder", "dummy", "redacted", "<", "${", "{{", "****", "...",
            "test",
        ]
        .contains(where: text.contains) {
            return true
        }
        // One repeated character (sk-aaaaaaaa...) is a placeholder too.
        return Set(s).count <= 3
    }

    /// Pairs of bytes a finding can start with (a key prefix's first two, `--` of a private key
    /// block), indexed by `first | second << 8`, plus `:` alone (a URL password): a table,
    /// since this runs over every byte of every file. Letters like `s`, `g` or `p` start many
    /// words; their pairs (`sk`, `gh`, `py`) few.
    static let startPairs: [Bool] = {
        var t = [Bool](repeating: false, count: 65536)
        for s in shapes {
            let p = Array(s.prefix.utf8)
            t[Int(p[0]) | Int(p[1]) << 8] = true
        }
        t[0x2D | 0x2D << 8] = true
        for second in 0..<256 { t[0x3A | second << 8] = true }
        return t
    }()

    static func scan(_ b: [UInt8]) -> [Hit] {
        var hits: [Hit] = []
        var line = 1
        var lineStart = 0
        var i = 0
        let n = b.count
        // The table is read once, not through the global's lazy-initialisation check per byte.
        let pairs = startPairs
        while i < n {
            // Skip bytes that start nothing, counting lines, in a tight loop over the buffer.
            let stop: Int = b.withUnsafeBufferPointer { p in
                pairs.withUnsafeBufferPointer { t in
                    var k = i
                    while k < n {
                        let c = p[k]
                        if c == 0x0A {
                            line += 1
                            lineStart = k + 1
                        } else if t[Int(c) | (k + 1 < n ? Int(p[k + 1]) << 8 : 0)] {
                            break
                        }
                        k += 1
                    }
                    return k
                }
            }
            i = stop
            guard i < n else { break }
            let c = b[i]
            // A key starts a token: the byte before it is not part of one.
            let boundary = i == 0 || !token(b[i - 1])
            if boundary, let hit = shape(b, i, line: line, lineStart: lineStart) {
                hits.append(hit)
                i += hit.length
                continue
            }
            if c == 0x2D, let hit = privateKey(b, i, line: line, lineStart: lineStart) {
                hits.append(hit)
                i += hit.length
                continue
            }
            if c == 0x3A, let hit = urlPassword(b, i, line: line, lineStart: lineStart) {
                hits.append(hit)
                i += 1
                continue
            }
            i += 1
        }
        return hits
    }

    static func starts(_ b: [UInt8], _ i: Int, _ p: String) -> Bool {
        var j = i
        for u in p.utf8 {
            if j >= b.count || b[j] != u { return false }
            j += 1
        }
        return true
    }

    /// Shapes by the first byte of their prefix, with the prefix as bytes: checking a byte is
    /// one table lookup and a few byte compares, not a loop over every provider.
    static let byFirstByte: [[(prefix: [UInt8], shape: Shape)]] = {
        var t = [[(prefix: [UInt8], shape: Shape)]](repeating: [], count: 256)
        for s in shapes { t[Int(s.prefix.utf8.first ?? 0)].append((Array(s.prefix.utf8), s)) }
        return t
    }()

    static func starts(_ b: [UInt8], _ i: Int, _ p: [UInt8]) -> Bool {
        guard i + p.count <= b.count else { return false }
        for k in 0..<p.count where b[i + k] != p[k] { return false }
        return true
    }

    static func shape(_ b: [UInt8], _ i: Int, line: Int, lineStart: Int) -> Hit? {
        for (prefix, s) in byFirstByte[Int(b[i])] where starts(b, i, prefix) {
            let from = i + s.prefix.utf8.count
            var j = from
            while j < b.count && s.body(b[j]) && j - from <= s.maximum { j += 1 }
            let len = j - from
            guard len >= s.minimum && len <= s.maximum else { continue }
            // The key ends a token too: `sk-...` followed by more word bytes is something else.
            if j < b.count && token(b[j]) { continue }
            let body = Array(b[from..<j])
            if isPlaceholder(body) { continue }
            // A real key mixes digits and letters.
            guard body.contains(where: Bytes.isDigit), body.contains(where: { !Bytes.isDigit($0) }) else { continue }
            return Hit(
                line: line, column: i - lineStart + 1, length: j - i, rule: RuleID.secret, severity: .critical,
                message: "\(s.provider) written in the file: \(mask(Array(b[i..<j]), keep: s.prefix.utf8.count))",
                value: (i - lineStart)..<(j - lineStart))
        }
        return nil
    }

    static func privateKey(_ b: [UInt8], _ i: Int, line: Int, lineStart: Int) -> Hit? {
        guard starts(b, i, "-----BEGIN ") else { return nil }
        var j = i + 11
        while j < b.count && j - i < 60 && b[j] != 0x0A && b[j] != 0x2D { j += 1 }
        let label = String(decoding: b[(i + 11)..<j], as: UTF8.self)
        guard label.hasSuffix("PRIVATE KEY"), starts(b, j, "-----") else { return nil }
        // The block must hold key material, not a docstring mentioning the marker.
        var k = j + 5
        var material = 0
        while k < b.count && material < 64 && b[k] != 0x2D {
            if alnum(b[k]) || b[k] == 0x2B || b[k] == 0x2F { material += 1 }
            k += 1
        }
        guard material >= 64 else { return nil }
        return Hit(
            line: line, column: i - lineStart + 1, length: j + 5 - i, rule: RuleID.secret, severity: .critical,
            message: "\(label) block written in the file", value: (i - lineStart)..<(i - lineStart))
    }

    /// `scheme://user:password@host`: the `:` between user and password is at `i`.
    static func urlPassword(_ b: [UInt8], _ i: Int, line: Int, lineStart: Int) -> Hit? {
        // Walk back over the user to `://`.
        var u = i - 1
        while u >= lineStart && (token(b[u]) || b[u] == 0x2E || b[u] == 0x25) { u -= 1 }
        guard u >= lineStart + 2, u < i - 1, b[u] == 0x2F, b[u - 1] == 0x2F, b[u - 2] == 0x3A else { return nil }
        var j = i + 1
        while j < b.count && b[j] != 0x40 && b[j] != 0x2F && b[j] != 0x0A && b[j] != 0x22 && b[j] != 0x27
            && b[j] != 0x20 && j - i < 128
        {
            j += 1
        }
        guard j < b.count, b[j] == 0x40, j - i - 1 >= 3 else { return nil }
        let pw = Array(b[(i + 1)..<j])
        if isPlaceholder(pw) || pw.first == 0x24 || pw.first == 0x25 || pw.first == 0x7B { return nil }
        if ["password", "pass", "pw", "secret", "user", "token"].contains(
            String(decoding: pw, as: UTF8.self).lowercased())
        {
            return nil
        }
        return Hit(
            line: line, column: i - lineStart + 2, length: j - i - 1, rule: RuleID.passwordInURL, severity: .high,
            message:
                "a URL carries a literal password: \(String(decoding: b[(u - 2 - scheme(b, u - 2, lineStart))..<(u + 1)], as: UTF8.self))…:****@",
            value: (i + 1 - lineStart)..<(j - lineStart))
    }

    /// Length of the scheme ending before `end` (the index of its `:`).
    static func scheme(_ b: [UInt8], _ end: Int, _ lineStart: Int) -> Int {
        var k = end
        while k - 1 >= lineStart && (alnum(b[k - 1]) || b[k - 1] == 0x2B) { k -= 1 }
        return end - k
    }

    /// `sk-proj-ab…` → the prefix, then asterisks: enough to find the key in a provider's
    /// console, nothing that helps use it.
    static func mask(_ s: [UInt8], keep: Int) -> String {
        String(decoding: s.prefix(max(keep, 4)), as: UTF8.self) + "****"
    }
}
