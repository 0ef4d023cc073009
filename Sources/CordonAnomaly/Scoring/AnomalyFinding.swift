// One reason a run looks unusual for its agent, with how unlikely it is under the profile,
// and a run's (or session's) score made from them.

public struct AnomalyFinding: Sendable, Equatable {
    /// What kind of thing is unusual: `new_program`, `new_shape`, `outside_workspace`,
    /// `new_endpoint`, `new_port`, `self_made_program`, `new_write_dir`, `new_delete_dir`,
    /// `sequence`, or a metric's name (`delete_burst`, `cpu_ms`, ...).
    public var kind: String
    /// The probability of seeing this (or something as unusual) in one of the agent's normal
    /// runs, estimated from the profile. Small is unusual.
    public var probability: Double
    /// A sentence a person can check, with the numbers behind it.
    public var reason: String

    public init(kind: String, probability: Double, reason: String) {
        self.kind = kind
        self.probability = max(0, min(1, probability))
        self.reason = reason
    }
}

public struct AnomalyResult: Sendable, Equatable {
    /// 0..1: one minus the chance that a normal run shows all of these findings at once (as if
    /// they were independent; only findings below `relevant` count, so a pile of ordinary
    /// variations does not add up to an alarm).
    public var score: Double
    /// Most unusual first.
    public var findings: [AnomalyFinding]

    public static let relevant = 0.2

    public init(findings: [AnomalyFinding]) {
        let sorted = findings.enumerated().sorted {
            $0.element.probability != $1.element.probability
                ? $0.element.probability < $1.element.probability : $0.offset < $1.offset
        }.map(\.element)
        self.findings = sorted
        var normal = 1.0
        for f in sorted where f.probability < Self.relevant { normal *= f.probability }
        score = Self.rounded(1 - normal)
    }

    public var reasons: [String] { findings.filter { $0.probability < Self.relevant }.map(\.reason) }

    /// Scores are kept to 4 decimals, so the same traces print and store the same number.
    static func rounded(_ x: Double) -> Double { (max(0, min(1, x)) * 10_000).rounded() / 10_000 }

    /// A session's score: each run at or above `mild` adds its evidence, so several mildly
    /// odd runs score higher than one; runs below it add nothing.
    public static func session(_ runScores: [Double], mild: Double = 0.5) -> Double {
        var normal = 1.0
        for s in runScores where s >= mild { normal *= 1 - s }
        return rounded(1 - normal)
    }
}
