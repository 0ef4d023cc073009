// The effective policy as a document tree in the policy file's own shape: the keys a file
// uses, in the reference's order, every setting written out. `policy show` prints it as
// YAML (PolicyYAML) or JSON, and either loads again to an equal Policy (tests hold it to
// that), which decides the spelling of values:
//  - sizes and durations in their largest exact unit (`4GiB`, `10m`), as the file would;
//  - unset limits are `unlimited`, since null would mean "not set here" to a reader;
//  - `${` in values that are expanded on load is written `$${`, so nothing expands twice.
import CordonBase

public enum PolicyDocument {
    public static func tree(_ p: Policy) -> JSONValue {
        var top: [(String, JSONValue)] = []
        if let v = p.agentId { top.append(("agent_id", text(v))) }
        if let v = p.version { top.append(("version", text(v))) }
        if let v = p.environment { top.append(("environment", text(v))) }

        var scan: [(String, JSONValue)] = []
        if let s = p.scan.minScore { scan.append(("min_score", int(s))) }
        scan.append(("fail_on", .array(p.scan.failOn.map(text))))
        scan.append(("on_start", .bool(p.scan.onStart)))
        scan.append(("paths", .array(p.scan.paths.map(text))))
        scan.append(("on_fail", text(p.scan.onFail)))
        top.append(("scan", .object(scan)))

        let m = p.monitor
        var monitor: [(String, JSONValue)] = [
            ("enabled", .bool(m.enabled)),
            ("sensitivity", text(m.sensitivity)),
            ("alert_channels", .array(m.alertChannels.map(channel))),
            (
                "alert_on",
                .object([
                    ("critical_block", .bool(m.alertOn.criticalBlock)), ("tamper", .bool(m.alertOn.tamper)),
                    ("approval_wait", m.alertOn.approvalWait.map(duration) ?? "off"),
                ])
            ),
            (
                "alert_delivery",
                .object([
                    ("timeout", duration(m.alertDelivery.timeout)), ("retries", int(m.alertDelivery.retries)),
                    ("drain", duration(m.alertDelivery.drain)), ("queue", int(m.alertDelivery.queue)),
                ])
            ),
        ]
        if let events = p.monitor.events { monitor.append(("events", .array(events.map(text)))) }
        let a = p.monitor.anomaly
        let responses: [(String, JSONValue)] = AnomalyResponse.allCases.compactMap { r in
            guard let t = a.response[r] else { return nil }
            switch t {
            case .flagged: return (r.rawValue, text("flagged"))
            case .score(let v): return (r.rawValue, .number(v))
            }
        }
        monitor.append(
            (
                "anomaly",
                .object([
                    ("mode", text(a.mode.rawValue)), ("min_runs", int(a.minRuns)), ("response", .object(responses)),
                ])
            ))
        top.append(("monitor", .object(monitor)))

        top.append(("gate", gate(p.gate)))
        top.append(("sandbox", sandbox(p.sandbox)))
        top.append(("log", .object([("max_size", size(p.log.maxSize)), ("keep", int(p.log.keep))])))
        top.append(("approvals", .object([("timeout", duration(p.approvals.timeout))])))
        return .object(top)
    }

    static func channel(_ c: AlertChannel) -> JSONValue {
        var out: [(String, JSONValue)] = [("type", text(c.type))]
        out += c.settings.sorted { $0.key < $1.key }.map { ($0.key, text($0.value)) }
        if c.type == "command" { out.append(("argv", .array(c.argv.map(text)))) }
        out.append(("min_level", text(c.minLevel)))
        return .object(out)
    }

    static func gate(_ g: GatePolicy) -> JSONValue {
        var out: [(String, JSONValue)] = [
            ("allow", .array(g.allow.map(text))),
            ("require_approval", .array(g.requireApproval.map(text))),
            ("block", .array(g.block.map(text))),
            (
                "commands",
                .object([
                    ("allow", .array(g.commands.allow.map(raw))),
                    ("require_approval", .array(g.commands.requireApproval.map(raw))),
                    ("block", .array(g.commands.block.map(raw))),
                ])
            ),
        ]
        if let o = g.onBlock { out.append(("on_block", text(o))) }
        out.append(
            (
                "thresholds",
                .object([("require_approval", int(g.thresholds.requireApproval)), ("block", int(g.thresholds.block))])
            ))
        out.append(("rules", .array(g.rules.map(rule))))
        out.append(
            (
                "exceptions",
                .array(
                    g.exceptions.map { e in
                        .object(
                            [("detector", text(e.detector)), ("match", raw(e.match))]
                                + (e.reason.map { [("reason", text($0))] } ?? []))
                    })
            ))
        return .object(out)
    }

    static func rule(_ r: GateRule) -> JSONValue {
        var match: [(String, JSONValue)] = []
        if let t = r.match.tool { match.append(("tool", text(t))) }
        if let a = r.match.actionType { match.append(("action_type", text(a))) }
        if let e = r.match.environment { match.append(("environment", text(e))) }
        if !r.match.context.isEmpty { match.append(("context", sorted(r.match.context, text))) }
        if let c = r.match.command { match.append(("command", raw(c))) }
        var out: [(String, JSONValue)] = [
            ("id", text(r.id)), ("match", .object(match)), ("decision", .string(r.decision.rawValue)),
        ]
        if let s = r.score { out.append(("score", int(s))) }
        if let reason = r.reason { out.append(("reason", text(reason))) }
        if !r.examplesMatch.isEmpty || !r.examplesNotMatch.isEmpty {
            out.append(
                (
                    "examples",
                    .object([
                        ("match", .array(r.examplesMatch.map(example))),
                        ("not_match", .array(r.examplesNotMatch.map(example))),
                    ])
                ))
        }
        return .object(out)
    }

    static func example(_ e: RuleExample) -> JSONValue {
        switch e {
        case .command(let c): return raw(c)
        case .fields(let f): return sorted(f, raw)
        }
    }

    static func sandbox(_ s: SandboxPolicy) -> JSONValue {
        var out: [(String, JSONValue)] = [("mode", .string(s.mode.rawValue))]
        if let r = s.root { out.append(("root", text(r))) }
        out += [
            ("require", .array(s.require.map(text))),
            ("timeout", duration(s.timeout)),
            ("grace", duration(s.grace)),
            ("network", .string(s.network.rawValue)),
            ("network_allow", .array(s.networkAllow.map(text))),
            ("unix_sockets", .array(s.unixSockets.map(text))),
            (
                "network_domains",
                .object([
                    ("allow", .array(s.networkDomains.allow.map(text))),
                    ("deny", .array(s.networkDomains.deny.map(text))),
                    ("ask", .array(s.networkDomains.ask.map(text))),
                    ("proxy_env", .bool(s.networkDomains.proxyEnvironment)),
                ])
            ),
        ]
        var fs: [(String, JSONValue)] = [
            ("workspace", text(s.filesystem.workspace)),
            ("read_only", .array(s.filesystem.readOnly.map(text))),
            ("read_write", .array(s.filesystem.readWrite.map(text))),
            ("tmpfs", .array(s.filesystem.tmpfs.map(text))),
            ("hide", .array(s.filesystem.hide.map(text))),
            ("protect", .array(s.filesystem.protect.map(text))),
        ]
        if let exec = s.filesystem.exec { fs.append(("exec", .array(exec.map(text)))) }
        out.append(("filesystem", .object(fs)))
        let l = s.limits
        out.append(
            (
                "limits",
                .object([
                    ("memory", l.memory.map(size) ?? "unlimited"),
                    ("processes", l.processes.map(int) ?? "unlimited"),
                    ("open_files", l.openFiles.map(int) ?? "unlimited"),
                    ("file_size", l.fileSize.map(size) ?? "unlimited"),
                    ("cpu", l.cpu.map(int) ?? "unlimited"),
                    ("output", l.output.map(size) ?? "unlimited"),
                    ("tmpfs", l.tmpfs.map(size) ?? "unlimited"),
                    ("trace", l.trace.map(size) ?? "unlimited"),
                ])
            ))
        // Not expanded on load (it keys the seccomp cache), so written as is.
        out.append(("seccomp", raw(s.seccomp)))
        out.append(
            (
                "env",
                .object([
                    ("pass", .array(s.env.pass.map(raw))), ("set", sorted(s.env.set, text)),
                    ("inherit", .array(s.env.inherit.map(raw))), ("toolchains", .array(s.env.toolchains.map(text))),
                ])
            ))
        out.append(("home", .object([("copy", .array(s.home.copy.map(text)))])))
        out.append(("uid", int(Int(s.uid))))
        out.append(("gid", int(Int(s.gid))))
        return .object(out)
    }

    // MARK: values

    /// A value that is `${VAR}`-expanded on load.
    static func text(_ s: String) -> JSONValue { .string(s.contains("${") ? s.replacing("${", with: "$${") : s) }

    /// A value kept as written on load (command patterns, examples, names).
    static func raw(_ s: String) -> JSONValue { .string(s) }

    static func int(_ n: Int) -> JSONValue { .number(Double(n)) }

    static func size(_ n: UInt64) -> JSONValue { .string(PolicyUnits.formatSize(n)) }

    static func duration(_ d: Double) -> JSONValue { .string(PolicyUnits.formatDuration(d)) }

    /// Dictionaries sorted by key, so the same policy always prints the same text.
    static func sorted(_ d: [String: String], _ value: (String) -> JSONValue) -> JSONValue {
        .object(d.sorted { $0.key < $1.key }.map { ($0.key, value($0.value)) })
    }
}
