// What the store keeps for anomaly detection: one profile per (project, agent) as the JSON
// CordonAnomaly writes (the store does not interpret it), the runs already folded into it (so
// learning is incremental and never counts a trace twice), and each session's run scores.

public struct StoredProfile: Sendable, Equatable {
    public var project: String
    public var agent: String
    public var json: String
    public var runs: Int
    public var updatedAt: Double
    /// Whether this user's cordon wrote it (StoreSeal.swift); an unsealed profile is not used.
    public var sealed = true

    public init(project: String, agent: String, json: String, runs: Int, updatedAt: Double) {
        self.project = project
        self.agent = agent
        self.json = json
        self.runs = runs
        self.updatedAt = updatedAt
    }
}

public struct SessionScore: Sendable, Equatable {
    public var project: String
    public var agent: String
    public var session: String
    /// Scores of the session's runs, in the order they ended.
    public var runScores: [Double]
    /// The session's accumulated score (CordonAnomaly's AnomalyResult.session).
    public var score: Double
    public var updatedAt: Double

    public init(project: String, agent: String, session: String, runScores: [Double], score: Double, updatedAt: Double)
    {
        self.project = project
        self.agent = agent
        self.session = session
        self.runScores = runScores
        self.score = score
        self.updatedAt = updatedAt
    }
}

/// Anomaly state, part of the CordonStore contract.
public protocol AnomalyStore: AnyObject {
    func profile(project: String, agent: String) throws(StoreError) -> StoredProfile?
    func profiles(project: String) throws(StoreError) -> [StoredProfile]
    /// Saves the profile and marks `runIds` as learned into it, in one transaction.
    func saveProfile(_ p: StoredProfile, learned runIds: [String]) throws(StoreError)
    func learnedRuns(project: String, agent: String) throws(StoreError) -> Set<String>
    /// Removes profiles (one agent's, or every agent's in the project), their learned runs and
    /// session scores; returns how many profiles went.
    func resetProfiles(project: String, agent: String?) throws(StoreError) -> Int
    func sessionScore(project: String, agent: String, session: String) throws(StoreError) -> SessionScore?
    /// The agent's most recently scored session.
    func latestSessionScore(project: String, agent: String) throws(StoreError) -> SessionScore?
    /// Appends a run's score to its session and stores the session's new score, computed by
    /// `combine` from all its run scores inside the transaction (runs ending at once both count).
    func addRunScore(
        project: String, agent: String, session: String, score: Double, at: Double, combine: ([Double]) -> Double
    ) throws(StoreError) -> SessionScore
}
