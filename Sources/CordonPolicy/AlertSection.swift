// `monitor.alert_channels`, `monitor.alert_on` and `monitor.alert_delivery`: where alerts go,
// what raises one besides the anomaly detector, and how hard cordon tries to deliver them.
// Channels have the AgentCop shape: `{type: slack, webhook: URL}`, `{type: webhook, url: URL}`,
// `{type: command, argv: [...]}`, `{type: file, path: PATH}`, `{type: email, to: ADDRESS}`.

extension PolicyDecoder {
    /// Channel types: the setting that says where alerts go (nil: needs none) and the string
    /// settings each accepts besides `type` and `min_level`.
    static let channelTypes: [(type: String, target: String?, keys: [String])] = [
        ("webhook", "url", ["url", "secret", "ca_file"]),
        ("slack", "webhook", ["webhook", "url", "channel", "ca_file"]),
        ("command", "argv", ["argv"]),
        ("email", "to", ["to", "from"]),
        ("file", "path", ["path"]),
        ("stderr", nil, []),
    ]

    /// Alert levels, lowest first: the gate's levels above `safe`.
    public static let alertLevels = ["low", "medium", "high", "critical"]

    /// An alert channel, `.some(nil)` when its target expanded to the empty string: that is
    /// how a policy names an optional channel (`webhook: ${SLACK_WEBHOOK:-}`) which is dropped
    /// when the variable is not set.
    mutating func alertChannel(_ node: YAMLNode, _ path: String) -> AlertChannel?? {
        guard let pairs = node.mapping else {
            fail(node, "\(path) must be a mapping with a type, found \(found(node))")
            return nil
        }
        guard let typeNode = node["type"] else {
            fail(node, "\(path) needs a type (\(Self.channelTypes.map(\.type).joined(separator: ", ")))")
            return nil
        }
        guard let type = choice(typeNode, "\(path).type", Self.channelTypes.map(\.type)),
            let spec = Self.channelTypes.first(where: { $0.type == type })
        else { return nil }
        guard let f = fields(node, path, known: ["type", "min_level"] + spec.keys) else { return nil }
        var channel = AlertChannel(type: type)
        var ok = true
        if let n = f["min_level"] {
            if let level = choice(n, "\(path).min_level", Self.alertLevels) {
                channel.minLevel = level
            } else {
                ok = false
            }
        }
        for (k, _) in pairs {
            guard let key = k.scalar, key != "type", key != "min_level", key != "argv", let v = f[key] else { continue }
            if let s = string(v, "\(path).\(key)") { channel.settings[key] = s } else { ok = false }
        }
        if let n = f["argv"] {
            if let argv = strings(n, "\(path).argv") { channel.argv = argv } else { ok = false }
        }
        guard ok else { return nil }
        // Slack's own word is `webhook`; `url` is accepted as the older spelling, not both.
        if type == "slack", let url = channel.settings.removeValue(forKey: "url") {
            if channel.settings["webhook"] != nil, let at = f["url"] {
                fail(at, "\(path): a slack channel takes 'webhook' or 'url', not both")
                return nil
            }
            channel.settings["webhook"] = url
        }
        switch spec.target {
        case nil:
            break
        case "argv":
            guard let at = f["argv"] else {
                fail(node, "\(path): a command channel needs 'argv' (a list: program and arguments)")
                return nil
            }
            guard let first = channel.argv.first, !first.isEmpty else {
                fail(at, "\(path).argv must name a program (a path or a name on PATH), found an empty list")
                return nil
            }
        case let target?:
            let key = type == "slack" && f["webhook"] == nil ? "url" : target
            guard let value = channel.settings[target], let at = f[key] else {
                fail(node, "\(path): a \(type) channel needs '\(target)'")
                return nil
            }
            if value.isEmpty { return .some(nil) }
            if target == "url" || target == "webhook",
                !(value.hasPrefix("https://") || value.hasPrefix("http://"))
            {
                fail(at, "\(path).\(key) must start with https:// or http://, found '\(value)'")
                return nil
            }
            if target == "to", !value.contains("@") || value.contains(where: { $0 == "\n" || $0 == "\r" }) {
                fail(at, "\(path).to must be an email address like ops@example.com, found '\(value)'")
                return nil
            }
        }
        return .some(channel)
    }

    mutating func alertOn(_ node: YAMLNode) -> AlertTriggers {
        var t = AlertTriggers()
        guard let f = fields(node, "monitor.alert_on", known: ["critical_block", "tamper", "approval_wait"]) else {
            return t
        }
        assign(&t.criticalBlock, f["critical_block"]) { $0.bool($1, "monitor.alert_on.critical_block") }
        assign(&t.tamper, f["tamper"]) { $0.bool($1, "monitor.alert_on.tamper") }
        assignOptional(&t.approvalWait, f["approval_wait"]) { d, n in
            if n.scalar == "off" { return .some(nil) }
            guard let s = n.scalar, PolicyUnits.parseDuration(s) != nil else {
                d.fail(
                    n, "monitor.alert_on.approval_wait must be a duration like 5m or 90s, or off, found \(d.found(n))")
                return nil
            }
            return d.duration(n, "monitor.alert_on.approval_wait").map { .some($0) }
        }
        return t
    }

    mutating func alertDelivery(_ node: YAMLNode) -> AlertDelivery {
        var a = AlertDelivery()
        let path = "monitor.alert_delivery"
        guard let f = fields(node, path, known: ["timeout", "retries", "drain", "queue"]) else { return a }
        assign(&a.timeout, f["timeout"]) { d, n in d.boundedDuration(n, "\(path).timeout", positive: true, max: 60) }
        assign(&a.drain, f["drain"]) { d, n in d.boundedDuration(n, "\(path).drain", positive: false, max: 60) }
        assign(&a.retries, f["retries"]) { $0.int($1, "\(path).retries", 0...10) }
        assign(&a.queue, f["queue"]) { $0.int($1, "\(path).queue", 1...100_000) }
        return a
    }

    /// A duration of at most `max` seconds: alert delivery must never hold cordon for long.
    mutating func boundedDuration(_ node: YAMLNode, _ path: String, positive: Bool, max: Double) -> Double? {
        guard let d = duration(node, path, positive: positive) else { return nil }
        guard d <= max else {
            fail(node, "\(path) must be at most \(PolicyUnits.formatDuration(max)), found \(found(node))")
            return nil
        }
        return d
    }
}
