// Scoring while the run goes: every event is folded into the run's observation, and the run
// is scored again only when something could have changed the score (an item the profile
// never saw, a program the run wrote itself, a number past the profile's largest), so a run
// of thousands of ordinary execs costs a few hash look-ups per event: an exec whose argv the
// run already ran is one look-up for its shape, the items checked against the profile are
// only the ones new in this run (RunObservation.fresh), and nothing is allocated per event.

import CordonBase

public struct LiveScorer: Sendable {
    public let scorer: RunScorer
    public private(set) var observation: RunObservation
    public private(set) var result = AnomalyResult(findings: [])
    var selfMade = 0
    /// Which live numbers already passed the profile's largest (one rescore each).
    var over = [Bool](repeating: false, count: 7)
    /// The profile's largest value of each live number (infinity: not judged yet).
    let mosts: [Double]

    public init(profile: Profile, observation: RunObservation) {
        let s = RunScorer(profile: profile)
        scorer = s
        self.observation = observation
        mosts = ["delete_burst", "deletes", "exec_burst", "execs", "writes", "connects", "gate_score_max"].map {
            s.most($0) ?? .infinity
        }
    }

    /// Folds the event in; returns the new result when the score went up.
    public mutating func observe(_ type: String, _ fields: [(String, JSONValue)], at: Double) -> AnomalyResult? {
        observation.observe(type, fields, at: at)
        var changed = false
        if observation.selfMadePrograms.count != selfMade {
            selfMade = observation.selfMadePrograms.count
            changed = true
        }
        for (family, item) in observation.fresh where !changed {
            changed = scorer.profile.families[Profile.familyNames[family]]?[item] == nil
        }
        // The live numbers, one by one (an array of them would be an allocation per exec).
        changed = passed(0, observation.deleteBurst) || changed
        changed = passed(1, observation.deletes) || changed
        changed = passed(2, observation.execBurst) || changed
        changed = passed(3, observation.execs) || changed
        changed = passed(4, observation.writes) || changed
        changed = passed(5, observation.connects) || changed
        changed = passed(6, observation.gateScoreMax) || changed
        guard changed else { return nil }
        let next = scorer.score(observation)
        guard next.score > result.score else { return nil }
        result = next
        return next
    }

    /// Whether live number `i` now passes the profile's largest for the first time.
    mutating func passed(_ i: Int, _ v: Int) -> Bool {
        guard !over[i], Double(v) > mosts[i] else { return false }
        over[i] = true
        return true
    }

    /// The final score, with what only the end tells (CPU, memory, duration, exec order).
    public mutating func finish(_ runEnd: [(String, JSONValue)], at: Double) -> AnomalyResult {
        observation.observe("run_end", runEnd, at: at)
        result = scorer.score(observation)
        return result
    }
}
