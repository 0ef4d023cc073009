// The anomaly tables' SQL (schema: migration 2 in SQLiteStore.swift).
import CordonBase

extension SQLiteStore {
    func profileRow(_ s: Statement) -> StoredProfile {
        var p = StoredProfile(
            project: s.text(0), agent: s.text(1), json: s.text(2), runs: s.int(3), updatedAt: s.double(4))
        p.sealed = verifies(s.optionalText(5), "profile", Self.profileFields(p))
        return p
    }

    static func profileFields(_ p: StoredProfile) -> [String] { [p.project, p.agent, p.json, String(p.runs)] }

    public func profile(project: String, agent: String) throws(StoreError) -> StoredProfile? {
        let s = try db.prepare(
            "SELECT project, agent, profile, runs, updated_at, seal FROM anomaly_profiles WHERE project = ? AND agent = ?"
        ).bind([.text(project), .text(agent)])
        defer { s.reset() }
        return try s.step() ? profileRow(s) : nil
    }

    public func profiles(project: String) throws(StoreError) -> [StoredProfile] {
        let s = try db.prepare(
            "SELECT project, agent, profile, runs, updated_at, seal FROM anomaly_profiles WHERE project = ? ORDER BY agent"
        ).bind([.text(project)])
        var out: [StoredProfile] = []
        while try s.step() { out.append(profileRow(s)) }
        return out
    }

    public func saveProfile(_ p: StoredProfile, learned runIds: [String]) throws(StoreError) {
        let seal = try tag("profile", Self.profileFields(p), what: "the anomaly profile")
        try write { () throws(StoreError) in
            try db.prepare(
                "INSERT OR REPLACE INTO anomaly_profiles(project, agent, profile, runs, updated_at, seal) VALUES(?,?,?,?,?,?)"
            ).bind([
                .text(p.project), .text(p.agent), .text(p.json), .int(Int64(p.runs)), .real(p.updatedAt), .text(seal),
            ]).run()
            let mark = try db.prepare("INSERT OR IGNORE INTO anomaly_learned(project, agent, run_id) VALUES(?,?,?)")
            for id in runIds { try mark.bind([.text(p.project), .text(p.agent), .text(id)]).run() }
        }
    }

    public func learnedRuns(project: String, agent: String) throws(StoreError) -> Set<String> {
        let s = try db.prepare("SELECT run_id FROM anomaly_learned WHERE project = ? AND agent = ?")
            .bind([.text(project), .text(agent)])
        var out: Set<String> = []
        while try s.step() { out.insert(s.text(0)) }
        return out
    }

    public func resetProfiles(project: String, agent: String?) throws(StoreError) -> Int {
        try write { () throws(StoreError) -> Int in
            let filter = agent == nil ? "project = ?" : "project = ? AND agent = ?"
            let values: [Statement.Value] = [.text(project)] + (agent.map { [.text($0)] } ?? [])
            try db.prepare("DELETE FROM anomaly_profiles WHERE \(filter)").bind(values).run()
            let removed = db.changes
            try db.prepare("DELETE FROM anomaly_learned WHERE \(filter)").bind(values).run()
            try db.prepare("DELETE FROM anomaly_sessions WHERE \(filter)").bind(values).run()
            return removed
        }
    }

    func sessionRow(_ s: Statement) -> SessionScore {
        let scores = ((try? JSONValue.parse(s.text(3)))?.arrayValue ?? []).compactMap(\.doubleValue)
        return SessionScore(
            project: s.text(0), agent: s.text(1), session: s.text(2), runScores: scores, score: s.double(4),
            updatedAt: s.double(5))
    }

    public func sessionScore(project: String, agent: String, session: String) throws(StoreError) -> SessionScore? {
        let s = try db.prepare(
            "SELECT project, agent, session, run_scores, score, updated_at FROM anomaly_sessions WHERE project = ? AND agent = ? AND session = ?"
        ).bind([.text(project), .text(agent), .text(session)])
        defer { s.reset() }
        return try s.step() ? sessionRow(s) : nil
    }

    public func latestSessionScore(project: String, agent: String) throws(StoreError) -> SessionScore? {
        let s = try db.prepare(
            "SELECT project, agent, session, run_scores, score, updated_at FROM anomaly_sessions WHERE project = ? AND agent = ? ORDER BY updated_at DESC, rowid DESC LIMIT 1"
        ).bind([.text(project), .text(agent)])
        defer { s.reset() }
        return try s.step() ? sessionRow(s) : nil
    }

    public func addRunScore(
        project: String, agent: String, session: String, score: Double, at: Double, combine: ([Double]) -> Double
    ) throws(StoreError) -> SessionScore {
        try write { () throws(StoreError) -> SessionScore in
            var scores = try sessionScore(project: project, agent: agent, session: session)?.runScores ?? []
            scores.append(score)
            let total = combine(scores)
            let text = JSONValue.array(scores.map { .number($0) }).serialized()
            try db.prepare(
                "INSERT OR REPLACE INTO anomaly_sessions(project, agent, session, run_scores, score, updated_at) VALUES(?,?,?,?,?,?)"
            ).bind([.text(project), .text(agent), .text(session), .text(text), .real(total), .real(at)]).run()
            return SessionScore(
                project: project, agent: agent, session: session, runScores: scores, score: total, updatedAt: at)
        }
    }
}
