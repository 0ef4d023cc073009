// Obfuscation: decoded text fed to an interpreter, hex-escaped or computed program names, eval
// of computed strings.

enum Obfuscation {
    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let words = a[commandOf: k].words
        if let first = words.first, first.hexEscaped {
            a.hit(
                .hexEscapedCommand, k,
                reason: "program name hidden in escapes: $'...' decodes to '\(inv.program)'")
        }
        if inv.pathClass == .dynamic {
            a.hit(.dynamicCommandName, k, reason: "program name is computed at run time (\(inv.written))")
        }
        if inv.program.eq("eval") && inv.argWords.contains(where: { !$0.isStatic }) {
            a.hit(.evalComputed, k, reason: "eval of a computed string")
        }
        // A decoder whose output an interpreter runs: `echo ... | base64 -d | sh`.
        if isDecoding(inv) {
            if let s = a.firstDownstream(of: k, .runsStdinScript) {
                a.hit(
                    .decodeToInterpreter, k, evidence: a.evidence(k) + " | " + a.evidence(s),
                    reason:
                        "obfuscated code: \(inv.program) output is decoded and run by \(a.invocations[s].program)"
                )
            }
        }
        // `eval "$(echo ... | base64 -d)"`, `sh -c "$(... | xxd -r -p)"`, `bash <(... base64 -d)`.
        if inv.kind.contains(.interpreter) || inv.program.eq("eval") || inv.program.eq("source")
            || inv.program.eq(".")
        {
            for w in inv.argWords where !w.substitutions.isEmpty {
                if a.invocationsIn(word: w).contains(where: { isDecoding(a.invocations[$0]) }) {
                    a.hit(
                        .decodeToInterpreter, k, reason: "obfuscated code: \(inv.program) runs decoded text")
                    break
                }
            }
        }
    }

    static func isDecoding(_ inv: Invocation) -> Bool {
        switch Name(inv.program) {
        case "base64", "base32", "basenc": return inv.hasAny(["-d", "--decode", "-D"])
        case "xxd": return inv.has("-r")
        case "rev", "uudecode", "b64decode": return true
        case "openssl": return inv.has("-d") || inv.args.contains("base64") && inv.has("-d")
        case "printf": return inv.args.first.map { $0.has("\\x") || $0.has("\\0") } ?? false
        case "echo": return inv.has("-e") && inv.args.contains { $0.has("\\x") }
        case "tr": return inv.args.contains { $0.has("N-ZA-M") || $0.has("n-za-m") }
        default: return false
        }
    }
}
