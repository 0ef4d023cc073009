// The policy file's top level and its smaller sections (scan, monitor, log, approvals),
// decoded onto the model's defaults. The gate and sandbox sections have files of their own.

extension PolicyDecoder {
    static let topLevelKeys = [
        "agent_id", "version", "environment", "extends", "scan", "monitor", "gate", "sandbox", "log", "approvals",
    ]

    /// Decodes a whole (already merged) policy tree. `extends` has been resolved by the
    /// loader and is only accepted here.
    mutating func policy(_ root: YAMLNode) -> Policy {
        var p = Policy()
        guard let f = fields(root, "", known: Self.topLevelKeys) else { return p }
        assignOptional(&p.agentId, f["agent_id"]) { $0.string($1, "agent_id") }
        assignOptional(&p.version, f["version"]) { $0.string($1, "version") }
        assignOptional(&p.environment, f["environment"]) { $0.string($1, "environment") }
        if let n = f["scan"] { p.scan = scan(n) }
        if let n = f["monitor"] { p.monitor = monitor(n) }
        if let n = f["gate"] { p.gate = gate(n) }
        if let n = f["sandbox"] { p.sandbox = sandbox(n) }
        if let n = f["log"] { p.log = log(n) }
        if let n = f["approvals"] { p.approvals = approvals(n) }
        return p
    }

    static let levels = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]

    mutating func scan(_ node: YAMLNode) -> ScanPolicy {
        var s = ScanPolicy()
        guard let f = fields(node, "scan", known: ["min_score", "fail_on", "on_start", "paths", "on_fail"]) else {
            return s
        }
        assign(&s.onStart, f["on_start"]) { $0.bool($1, "scan.on_start") }
        assign(&s.paths, f["paths"]) { d, n in d.list(n, "scan.paths") { d, item, path in d.string(item, path) } }
        assign(&s.onFail, f["on_fail"]) { $0.choice($1, "scan.on_fail", ["block", "warn"]) }
        assignOptional(&s.minScore, f["min_score"]) { $0.int($1, "scan.min_score", 0...100) }
        assign(&s.failOn, f["fail_on"]) { d, n in
            // AgentCop files write levels upper-case; accept any case, store upper-case.
            d.list(n, "scan.fail_on") { d, item, path in
                guard let text = item.scalar else { return d.choice(item, path, Self.levels) }
                let upper = text.uppercased()
                if Self.levels.contains(upper) { return upper }
                return d.choice(item, path, Self.levels)
            }
        }
        return s
    }

    static let sensitivities = ["low", "medium", "high"]
    static let monitorEvents = MonitorEventKind.allNames

    mutating func monitor(_ node: YAMLNode) -> MonitorPolicy {
        var m = MonitorPolicy()
        guard
            let f = fields(
                node, "monitor",
                known: [
                    "enabled", "sensitivity", "alert_channels", "alert_on", "alert_delivery", "events", "anomaly",
                ])
        else {
            return m
        }
        assign(&m.enabled, f["enabled"]) { $0.bool($1, "monitor.enabled") }
        assign(&m.sensitivity, f["sensitivity"]) { $0.choice($1, "monitor.sensitivity", Self.sensitivities) }
        assign(&m.alertChannels, f["alert_channels"]) { d, n in
            d.list(n, "monitor.alert_channels") { d, item, path in d.alertChannel(item, path) }.map {
                $0.compactMap { $0 }
            }
        }
        if let n = f["alert_on"] { m.alertOn = alertOn(n) }
        if let n = f["alert_delivery"] { m.alertDelivery = alertDelivery(n) }
        assignOptional(&m.events, f["events"]) { d, n in
            d.list(n, "monitor.events") { d, item, path in d.choice(item, path, Self.monitorEvents) }
        }
        if let n = f["anomaly"] { m.anomaly = anomaly(n) }
        return m
    }

    mutating func log(_ node: YAMLNode) -> LogPolicy {
        var l = LogPolicy()
        guard let f = fields(node, "log", known: ["max_size", "keep"]) else { return l }
        assign(&l.maxSize, f["max_size"]) { d, n in
            guard let size = d.size(n, "log.max_size") else { return nil }
            // Smaller than a few lines would rotate on every decision.
            guard size >= 4096 else {
                d.fail(n, "log.max_size must be at least 4KiB, found '\(n.scalar ?? "")'")
                return nil
            }
            return size
        }
        assign(&l.keep, f["keep"]) { $0.int($1, "log.keep", 0...1000) }
        return l
    }

    mutating func approvals(_ node: YAMLNode) -> ApprovalPolicy {
        var a = ApprovalPolicy()
        guard let f = fields(node, "approvals", known: ["timeout"]) else { return a }
        assign(&a.timeout, f["timeout"]) { $0.duration($1, "approvals.timeout") }
        return a
    }
}
