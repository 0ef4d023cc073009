// The effective policy as YAML, for `cordon policy show`: every setting written out, in
// the reference's order, so two policies diff line by line. The output loads again to an
// equal Policy (a test holds it to that), which decides the quoting and the escaping:
//  - strings are plain only when no YAML reader could take them for anything else;
//    otherwise double-quoted with escapes;
//  - `${` in expanded values is written `$${`, so a value is not expanded twice;
//  - unset limits are `unlimited`, since null would mean "not set here" to a reader.

public enum PolicyYAML {
    public static func render(_ p: Policy) -> String {
        var w = Writer()
        w.comment("effective policy: \(p.source.path)")
        if !p.source.sha256.isEmpty { w.comment("sha256: \(p.source.sha256)") }
        w.optional("agent_id", p.agentId.map(text))
        w.optional("version", p.version.map(text))
        w.optional("environment", p.environment.map(text))

        w.section("scan")
        w.optional("min_score", p.scan.minScore.map(String.init))
        w.list("fail_on", p.scan.failOn.map(text))
        w.end()

        w.section("monitor")
        w.line("enabled", p.monitor.enabled ? "true" : "false")
        w.line("sensitivity", text(p.monitor.sensitivity))
        w.items("alert_channels", p.monitor.alertChannels.map { c in
            [("type", text(c.type))] + c.settings.sorted { $0.key < $1.key }.map { (key($0.key), text($0.value)) }
        })
        if let events = p.monitor.events { w.list("events", events.map(text)) }
        w.end()

        gate(p.gate, &w)
        sandbox(p.sandbox, &w)

        w.section("log")
        w.line("max_size", PolicyUnits.formatSize(p.log.maxSize))
        w.line("keep", String(p.log.keep))
        w.end()

        w.section("approvals")
        w.line("timeout", PolicyUnits.formatDuration(p.approvals.timeout))
        w.end()
        return w.out
    }

    static func gate(_ g: GatePolicy, _ w: inout Writer) {
        w.section("gate")
        w.list("allow", g.allow.map(text))
        w.list("require_approval", g.requireApproval.map(text))
        w.list("block", g.block.map(text))
        w.section("commands")
        w.list("allow", g.commands.allow.map(raw))
        w.list("require_approval", g.commands.requireApproval.map(raw))
        w.list("block", g.commands.block.map(raw))
        w.end()
        w.optional("on_block", g.onBlock.map(text))
        w.section("thresholds")
        w.line("require_approval", String(g.thresholds.requireApproval))
        w.line("block", String(g.thresholds.block))
        w.end()
        w.items("rules", g.rules.map(rule))
        w.items("exceptions", g.exceptions.map { e in
            [("detector", text(e.detector)), ("match", raw(e.match))] + (e.reason.map { [("reason", text($0))] } ?? [])
        })
        w.end()
    }

    /// A rule as key/value lines; nested mappings are pre-rendered as flow collections.
    static func rule(_ r: GateRule) -> [(String, String)] {
        var match: [(String, String)] = []
        if let t = r.match.tool { match.append(("tool", text(t))) }
        if let a = r.match.actionType { match.append(("action_type", text(a))) }
        if let e = r.match.environment { match.append(("environment", text(e))) }
        if !r.match.context.isEmpty { match.append(("context", flowMap(r.match.context, text))) }
        if let c = r.match.command { match.append(("command", raw(c))) }
        var lines: [(String, String)] = [("id", text(r.id)), ("match", flowMap(match)), ("decision", r.decision.rawValue)]
        if let s = r.score { lines.append(("score", String(s))) }
        if let reason = r.reason { lines.append(("reason", text(reason))) }
        if !r.examplesMatch.isEmpty || !r.examplesNotMatch.isEmpty {
            lines.append((
                "examples",
                flowMap([("match", flowList(r.examplesMatch.map(example))), ("not_match", flowList(r.examplesNotMatch.map(example)))])
            ))
        }
        return lines
    }

    static func example(_ e: RuleExample) -> String {
        switch e {
        case .command(let c): return raw(c)
        case .fields(let f): return flowMap(f, raw)
        }
    }

    static func sandbox(_ s: SandboxPolicy, _ w: inout Writer) {
        w.section("sandbox")
        w.line("mode", s.mode.rawValue)
        w.optional("root", s.root.map(text))
        w.list("require", s.require.map(text))
        w.line("timeout", PolicyUnits.formatDuration(s.timeout))
        w.line("grace", PolicyUnits.formatDuration(s.grace))
        w.line("network", s.network.rawValue)
        w.list("network_allow", s.networkAllow.map(text))
        w.section("filesystem")
        w.line("workspace", text(s.filesystem.workspace))
        w.list("read_only", s.filesystem.readOnly.map(text))
        w.list("read_write", s.filesystem.readWrite.map(text))
        w.list("tmpfs", s.filesystem.tmpfs.map(text))
        w.list("hide", s.filesystem.hide.map(text))
        if let exec = s.filesystem.exec { w.list("exec", exec.map(text)) }
        w.end()
        w.section("limits")
        w.line("memory", s.limits.memory.map(PolicyUnits.formatSize) ?? "unlimited")
        w.line("processes", s.limits.processes.map(String.init) ?? "unlimited")
        w.line("open_files", s.limits.openFiles.map(String.init) ?? "unlimited")
        w.line("file_size", s.limits.fileSize.map(PolicyUnits.formatSize) ?? "unlimited")
        w.line("cpu", s.limits.cpu.map(String.init) ?? "unlimited")
        w.line("output", s.limits.output.map(PolicyUnits.formatSize) ?? "unlimited")
        w.end()
        w.line("seccomp", text(s.seccomp))
        w.section("env")
        w.list("pass", s.env.pass.map(text))
        w.line("set", flowMap(s.env.set, text))
        w.end()
        w.line("uid", String(s.uid))
        w.line("gid", String(s.gid))
        w.end()
    }

    // MARK: scalars

    /// A value that was `${VAR}`-expanded when loaded: `${` is escaped as `$${`.
    static func text(_ s: String) -> String {
        scalar(s.contains("${") ? s.replacing("${", with: "$${") : s)
    }

    /// A value kept as written (command patterns, examples).
    static func raw(_ s: String) -> String { scalar(s) }

    /// A mapping key; context and env keys can be any string.
    static func key(_ s: String) -> String { scalar(s) }

    static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "unlimited"]

    /// Plain when unambiguous in YAML 1.1 and 1.2 (no indicators, no numbers, no booleans),
    /// otherwise double-quoted.
    static func scalar(_ s: String) -> String {
        let safe = s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "/") || c == UInt8(ascii: ".") || c == UInt8(ascii: "~")
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "@") || c == UInt8(ascii: "+")
        }
        if safe, let first = s.unicodeScalars.first, first.properties.isAlphabetic || first == "_" || first == "/" || first == "~",
            !reserved.contains(s.lowercased())
        {
            return s
        }
        return quoted(s)
    }

    /// Double-quoted YAML. Besides control characters, NEL and the Unicode line and
    /// paragraph separators are escaped: raw, YAML readers fold them into spaces.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20 || u.value == 0x7F || u.value == 0x85 || u.value == 0x2028 || u.value == 0x2029
                || u.value == 0xFEFF:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func flowList(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    static func flowMap(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }

    static func flowMap(_ dict: [String: String], _ value: (String) -> String) -> String {
        flowMap(dict.sorted { $0.key < $1.key }.map { (key($0.key), value($0.value)) })
    }

    // MARK: writer

    struct Writer {
        var out = ""
        var indent = 0

        mutating func comment(_ s: String) { out += "# \(s)\n" }

        mutating func line(_ key: String, _ value: String) {
            out += String(repeating: "  ", count: indent) + key + ": " + value + "\n"
        }

        mutating func optional(_ key: String, _ value: String?) {
            if let value { line(key, value) }
        }

        mutating func section(_ key: String) {
            out += String(repeating: "  ", count: indent) + key + ":\n"
            indent += 1
        }

        mutating func end() { indent -= 1 }

        /// Short lists on one line, long ones one item per line.
        mutating func list(_ key: String, _ values: [String]) {
            let flow = flowList(values)
            if flow.count + key.count + indent * 2 <= 96 {
                line(key, flow)
                return
            }
            section(key)
            for v in values { out += String(repeating: "  ", count: indent - 1) + "  - " + v + "\n" }
            end()
        }

        /// A list of mappings, as block items.
        mutating func items(_ key: String, _ entries: [[(String, String)]]) {
            guard !entries.isEmpty else {
                line(key, "[]")
                return
            }
            section(key)
            let pad = String(repeating: "  ", count: indent)
            for entry in entries {
                for (i, (k, v)) in entry.enumerated() {
                    out += pad + (i == 0 ? "- " : "  ") + k + ": " + v + "\n"
                }
            }
            end()
        }
    }
}
