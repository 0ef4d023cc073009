// Scoring while the run goes: every event is folded into the run's observation, and the run
// is scored again only when something could have changed the score (an item the profile
// never saw, a program the run wrote itself, a number past the profile's largest), so a run
// of thousands of ordinary execs costs a few set look-ups per event.

import CordonBase

public struct LiveScorer: Sendable {
    public let scorer: RunScorer
    public private(set) var observation: RunObservation
    public private(set) var result = AnomalyResult(findings: [])
    var selfMade = 0
    var over: Set<Int> = []
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
        let before = Profile.sizes(observation)
        observation.observe(type, fields, at: at)
        var changed = false
        if observation.selfMadePrograms.count != selfMade {
            selfMade = observation.selfMadePrograms.count
            changed = true
        }
        if !changed {
            let after = Profile.sizes(observation)
            if after != before { changed = Profile.hasUnknown(observation, scorer.profile, grown: zip(before, after)) }
        }
        // The live numbers, read directly (no array per event: this runs once per exec).
        let o = observation
        for (i, v) in [o.deleteBurst, o.deletes, o.execBurst, o.execs, o.writes, o.connects, o.gateScoreMax]
            .enumerated()
        where Double(v) > mosts[i] && !over.contains(i) {
            over.insert(i)
            changed = true
        }
        guard changed else { return nil }
        let next = scorer.score(observation)
        guard next.score > result.score else { return nil }
        result = next
        return next
    }

    /// The final score, with what only the end tells (CPU, memory, duration, exec order).
    public mutating func finish(_ runEnd: [(String, JSONValue)], at: Double) -> AnomalyResult {
        observation.observe("run_end", runEnd, at: at)
        result = scorer.score(observation)
        return result
    }
}

extension Profile {
    /// The sizes of a run's item sets, in familyNames order.
    static func sizes(_ o: RunObservation) -> [Int] {
        [o.programs.count, o.shapes.count, o.endpoints.count, o.ports.count, o.writeDirs.count, o.deleteDirs.count]
    }

    /// Whether a family that grew now holds an item the profile does not know.
    static func hasUnknown(_ o: RunObservation, _ p: Profile, grown: Zip2Sequence<[Int], [Int]>) -> Bool {
        let sets = [
            o.programs, Set(o.shapes.keys), o.endpoints, Set(o.ports.map(String.init)), o.writeDirs, o.deleteDirs,
        ]
        for (i, (b, a)) in grown.enumerated() where a > b {
            let known = p.families[familyNames[i]] ?? [:]
            if sets[i].contains(where: { known[$0] == nil }) { return true }
        }
        return false
    }
}
