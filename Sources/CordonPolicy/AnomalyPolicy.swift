// `monitor.anomaly`: whether runs are learned into the agent's profile, scored against it, and
// what a score makes cordon do.
//
//   monitor:
//     sensitivity: medium            # a run is "flagged" above the agent's 5% false-alarm line
//     anomaly:
//       mode: detect                 # learn | detect | off
//       min_runs: 20                 # detect needs a profile of this many runs; learn before
//       response: alert              # log | alert | require_approval | kill: this and the milder
//                                    # ones when flagged; or graded by score:
//       # response: {log: flagged, alert: 0.98, require_approval: 0.995, kill: 0.9995}

public enum AnomalyResponse: String, Sendable, CaseIterable, Comparable {
    /// A trace `anomaly` event and a gate.log line with `source=anomaly`.
    case log
    /// The run's alert hook (the alert channels of `monitor.alert_channels`).
    case alert
    /// Every further exec of the run needs approval.
    case requireApproval = "require_approval"
    /// The run is ended (exit code 79).
    case kill

    public static func < (a: AnomalyResponse, b: AnomalyResponse) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// When a response applies: once the run is flagged (its score is above the sensitivity's
/// threshold for this agent), or at a fixed score.
public enum AnomalyTrigger: Sendable, Equatable {
    case flagged
    case score(Double)
}

public struct AnomalyPolicy: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Runs are learned into the profile; nothing is scored.
        case learn
        /// Runs are scored once the profile has `minRuns` runs (learned before); runs that are
        /// not flagged keep being learned.
        case detect
        case off
    }
    public var mode = Mode.detect
    public var minRuns = 20
    /// Each response and when it applies; responses not listed never happen.
    public var response: [AnomalyResponse: AnomalyTrigger] = [.log: .flagged, .alert: .flagged]

    public init() {}

    /// Every response up to and including `strongest`, on flagging.
    public static func upTo(_ strongest: AnomalyResponse) -> [AnomalyResponse: AnomalyTrigger] {
        var out: [AnomalyResponse: AnomalyTrigger] = [:]
        for r in AnomalyResponse.allCases where r <= strongest { out[r] = .flagged }
        return out
    }
}

extension PolicyDecoder {
    mutating func anomaly(_ node: YAMLNode) -> AnomalyPolicy {
        var a = AnomalyPolicy()
        guard let f = fields(node, "monitor.anomaly", known: ["mode", "min_runs", "response"]) else { return a }
        assign(&a.mode, f["mode"]) { d, n in
            d.choice(n, "monitor.anomaly.mode", AnomalyPolicy.Mode.allCases.map(\.rawValue)).flatMap {
                AnomalyPolicy.Mode(rawValue: $0)
            }
        }
        assign(&a.minRuns, f["min_runs"]) { $0.int($1, "monitor.anomaly.min_runs", 1...100_000) }
        assign(&a.response, f["response"]) { d, n in d.anomalyResponse(n) }
        return a
    }

    mutating func anomalyResponse(_ node: YAMLNode) -> [AnomalyResponse: AnomalyTrigger]? {
        let names = AnomalyResponse.allCases.map(\.rawValue)
        if node.mapping == nil {
            guard let r = choice(node, "monitor.anomaly.response", names).flatMap(AnomalyResponse.init) else {
                return nil
            }
            return AnomalyPolicy.upTo(r)
        }
        guard let f = fields(node, "monitor.anomaly.response", known: names) else { return nil }
        var out: [AnomalyResponse: AnomalyTrigger] = [:]
        var ok = true
        for r in AnomalyResponse.allCases {
            guard let n = f[r.rawValue] else { continue }
            let path = "monitor.anomaly.response.\(r.rawValue)"
            if n.scalar == "flagged" {
                out[r] = .flagged
            } else if let s = n.scalar, let v = Double(s), v > 0, v <= 1 {
                out[r] = .score(v)
            } else {
                fail(n, "\(path) must be 'flagged' or a score above 0 and at most 1, found '\(n.scalar ?? "?")'")
                ok = false
            }
        }
        return ok ? out : nil
    }
}
