// Anomaly detection for one run: loads the agent's profile for the project, scores the run as
// its events arrive (LiveScorer), carries out the policy's graded responses (log, alert,
// require_approval, kill) the first time the score reaches each, and at the end records the
// final score, adds it to the session's, and learns the run into the profile (unless it was
// flagged). A broken store never stops a run: anomaly detection is then off, said once.
import CordonAnomaly
import CordonAudit
import CordonBase
import CordonPolicy
import CordonSandbox
import CordonStore

final class AnomalyWatch {
    let policy: AnomalyPolicy
    let sensitivity: Sensitivity
    let project: String
    let agent: String
    let session: String
    let recorder: RunRecorder
    let observer: RunObserver
    let alerting: AnomalyAlerting
    let store: SQLiteStore
    var profile: Profile
    /// The store's change counter when `profile` was read (PRAGMA data_version: it moves only
    /// when another connection commits).
    var loadedVersion: Int64?
    /// Scoring as the run goes (nil while learning only).
    var live: LiveScorer?
    /// What the run did, when only learning.
    var observation: RunObservation
    var done: Set<AnomalyResponse> = []
    let began = Sandbox.monotonicNow()
    var threshold: Double
    private(set) var stopRequest: String?
    private(set) var approvalRequired: String?

    var detecting: Bool { live != nil }

    /// nil when anomaly detection is off for this run (policy, no store, a damaged profile).
    init?(
        request: RunRequest, project: String, recorder: RunRecorder, observer: RunObserver, alerting: AnomalyAlerting
    ) {
        let a = request.policy.monitor.anomaly
        guard a.mode != .off, request.policy.monitor.enabled, !request.unsandboxed else { return nil }
        policy = a
        sensitivity = Sensitivity(rawValue: request.policy.monitor.sensitivity) ?? .medium
        self.project = project
        agent = request.agent
        session = request.session
        self.recorder = recorder
        self.observer = observer
        self.alerting = alerting
        do throws(StoreError) {
            if let pre = AnomalyPreload.take(directory: request.logDirectory.path, project: project, agent: agent) {
                // A warm runner's, read while it waited, and still what the store holds.
                store = pre.store
                loadedVersion = pre.version
                profile = pre.profile
            } else {
                guard let s = try SQLiteStore.open(directory: request.logDirectory.path, create: true) else {
                    return nil
                }
                store = s
                // Read before the profile: a commit by another run after this still shows (learn).
                loadedVersion = try? s.changeCounter()
                profile = try Self.load(s, project: project, agent: agent) ?? Profile()
            }
        } catch {
            observer.notice("cordon: note: anomaly detection is off for this run: \(error)\n")
            return nil
        }
        observation = RunObservation(
            workspace: request.workspace, cwd: request.startDirectory, home: request.hostEnvironment["HOME"])
        threshold = profile.threshold(sensitivity)
        if a.mode == .detect && profile.runs >= a.minRuns {
            live = LiveScorer(profile: profile, observation: observation)
        }
        // The command itself, as its trace's run_start names it (learning from the trace reads
        // the same event): the monitor never sees the sandbox's first exec. Judged now, before
        // anything runs, so a `kill` or `require_approval` response can stop it first (Runner).
        observe("run_start", [("command", .array(request.argv.map { .string($0) }))])
    }

    static func load(_ s: SQLiteStore, project: String, agent: String) throws(StoreError) -> Profile? {
        // An unsealed profile (StoreSeal.swift) is not this user's cordon's: one that came with
        // the code could make an attack look normal. Not used; the next learning replaces it.
        guard let stored = try s.profile(project: project, agent: agent), stored.sealed else { return nil }
        guard let json = try? JSONValue.parse(stored.json), let p = try? Profile(json: json) else {
            throw StoreError(
                .corrupt, "anomaly profile of \(agent) in \(project) cannot be read; 'cordon baseline reset'",
                path: s.path)
        }
        return p
    }

    var now: Double { Sandbox.monotonicNow() - began }

    /// One event of the run (the monitor's, or a decision's fields).
    func observe(_ type: String, _ fields: [(String, JSONValue)]) {
        guard live != nil else {
            observation.observe(type, fields, at: now)
            return
        }
        // Mutated in place through the optional: a copy out and back would copy the run's
        // whole observation on every event (copy-on-write), quadratic in the run's length.
        let at = now
        if let r = live?.observe(type, fields, at: at) ?? nil { respond(r, session: nil, final: false) }
    }

    /// The responses a score calls for, mildest first.
    func due(_ score: Double) -> [AnomalyResponse] {
        AnomalyResponse.allCases.filter { r in
            switch policy.response[r] {
            case .flagged: return score > threshold
            case .score(let v): return score >= v
            case nil: return false
            }
        }
    }

    func respond(_ r: AnomalyResult, session: Double?, final: Bool) {
        let score = max(r.score, session ?? 0)
        let responses = due(score)
        for response in responses where !done.contains(response) {
            // At the end only the record and the alert still mean something.
            if final && (response == .requireApproval || response == .kill) { continue }
            done.insert(response)
            let reasons = r.reasons.isEmpty ? ["session score \(score) over several runs"] : r.reasons
            switch response {
            case .log:
                do throws(AuditError) {
                    var extra: [(String, JSONValue)] = []
                    if let session { extra.append(("sessionScore", .number(session))) }
                    try recorder.anomaly(
                        response: "log", score: score, threshold: threshold, reasons: reasons, final: final,
                        extra: extra)
                } catch {
                    observer.notice("cordon: note: could not record an anomaly: \(error)\n")
                }
            case .alert:
                // The alert names the strongest response this score brings (its level follows:
                // a run about to be killed is critical), except at the end, where only the
                // record and the alert still happen.
                let strongest: AnomalyResponse = final ? .alert : responses.last ?? .alert
                alerting.alert(
                    AnomalyAlert(
                        response: strongest.rawValue, run: recorder.run, agent: agent, session: self.session,
                        project: project,
                        score: score, threshold: threshold, sessionScore: session, findings: r.findings,
                        tracePath: recorder.tracePath, final: final))
            case .requireApproval:
                approvalRequired = "anomaly score \(score) above \(threshold): \(reasons[0])"
                record(response, score, reasons)
                // The run is about to be ended by the same score: one line says so (below).
                if responses.contains(.kill) { continue }
                observer.notice(
                    "cordon: anomaly: every further command of this run needs approval (score \(score)): \(TerminalText.line(reasons[0]))\n"
                )
            case .kill:
                stopRequest = "anomaly score \(score) above \(threshold): \(reasons[0])"
                record(response, score, reasons)
                observer.notice(
                    "cordon: anomaly: ending the run (score \(score)): \(TerminalText.line(reasons[0]))\n")
            }
        }
    }

    /// gate.log and trace lines for the strong responses, beside the `log` one.
    func record(_ response: AnomalyResponse, _ score: Double, _ reasons: [String]) {
        try? recorder.anomaly(
            response: response.rawValue, score: score, threshold: threshold, reasons: reasons, final: false)
    }

    /// The run's end: final score (run_end's `anomaly`), session score, learning.
    func finish(durationMs: Double, usage: ResourceUsage?) -> JSONValue? {
        var end: [(String, JSONValue)] = [("durationMs", .number(durationMs))]
        if let u = usage { end.append(("rusage", u.json)) }
        var result: AnomalyResult?
        var sessionScore: Double?
        if var l = live {
            let r = l.finish(end, at: now)
            live = l
            observation = l.observation
            result = r
            sessionScore = try? store.addRunScore(
                project: project, agent: agent, session: session, score: r.score, at: Timestamp.now().seconds,
                combine: { AnomalyResult.session($0) }
            ).score
            respond(r, session: sessionScore, final: true)
        } else {
            observation.observe("run_end", end, at: now)
        }
        let flagged = (result?.score ?? 0) > threshold
        learn(skip: flagged)
        guard let r = result else {
            return .object([
                ("mode", .string("learning")), ("profileRuns", .number(Double(profile.runs))),
                ("minRuns", .number(Double(policy.minRuns))),
            ])
        }
        var out: [(String, JSONValue)] = [
            ("score", .number(r.score)), ("threshold", .number(threshold)), ("flagged", .bool(flagged)),
            ("reasons", .array(r.reasons.map { .string($0) })),
        ]
        if let s = sessionScore { out.append(("sessionScore", .number(s))) }
        out.append(
            ("responses", .array(AnomalyResponse.allCases.filter { done.contains($0) }.map { .string($0.rawValue) })))
        return .object(out)
    }

    /// Folds the run into the profile, re-read first so a run that ended meanwhile is kept.
    /// When no other connection has committed since the run read it, the profile in hand is
    /// the stored one and is not parsed again: the profile grows with the agent's history
    /// (17 KB of JSON after 362 runs of one command), and this is on the way out of every run.
    func learn(skip: Bool) {
        guard !skip else { return }
        do throws(StoreError) {
            let unchanged = loadedVersion != nil && (try? store.changeCounter()) == loadedVersion
            var p = unchanged ? profile : try Self.load(store, project: project, agent: agent) ?? Profile()
            p.learn(observation)
            try store.saveProfile(
                StoredProfile(
                    project: project, agent: agent, json: p.json.serialized(), runs: p.runs,
                    updatedAt: Timestamp.now().seconds),
                learned: [recorder.run])
        } catch {
            observer.notice("cordon: note: this run was not learned into the anomaly profile: \(error)\n")
        }
    }
}

extension Timestamp {
    var seconds: Double { Double(milliseconds) / 1000 }
}

/// The state store and the agent's profile, opened and read by a warm runner (`cordon serve
/// --warm`) while it waits for its caller, so the caller's run does not open SQLite and parse
/// the profile on its way to the command (issue 19). Used only by a run with the same log
/// directory, project and agent, and only when no other connection has committed since it was
/// read (PRAGMA data_version on the same connection): otherwise the run reads the store as
/// usual, so a profile another run learned meanwhile is never missed.
public struct AnomalyPreload {
    let directory: String
    let project: String
    let agent: String
    let store: SQLiteStore
    let profile: Profile
    let version: Int64

    /// Set before the run starts (the runner's main thread), taken once by its evidence thread.
    nonisolated(unsafe) static var standing: AnomalyPreload?

    /// Reads what the run of `request` would read. Failing is not reported here: the run then
    /// opens the store itself, and reports what fails there.
    public static func prepare(_ request: RunRequest) {
        standing = nil
        let policy = request.policy
        guard policy.monitor.anomaly.mode != .off, policy.monitor.enabled, !request.unsandboxed else { return }
        let project = request.project ?? RunStart.defaultProject(cwd: request.startDirectory)
        do throws(StoreError) {
            guard let s = try SQLiteStore.open(directory: request.logDirectory.path, create: true) else { return }
            let version = try s.changeCounter()
            let profile = try AnomalyWatch.load(s, project: project, agent: request.agent) ?? Profile()
            standing = AnomalyPreload(
                directory: request.logDirectory.path, project: project, agent: request.agent, store: s,
                profile: profile, version: version)
        } catch {
            return
        }
    }

    /// Called while the runner waits: reads the profile again once another connection has
    /// committed (a run that ended and learned), so a runner that waits between an agent's
    /// commands holds the current profile when the next one comes.
    public static func refresh() {
        guard let pre = standing, let version = try? pre.store.changeCounter(), version != pre.version else { return }
        // The counter before the profile, as a run reads them: a commit in between shows next time.
        guard let profile = try? AnomalyWatch.load(pre.store, project: pre.project, agent: pre.agent) else {
            standing = nil
            return
        }
        standing = AnomalyPreload(
            directory: pre.directory, project: pre.project, agent: pre.agent, store: pre.store,
            profile: profile, version: version)
    }

    /// The preloaded store and profile when they are this run's and still current; nil otherwise.
    static func take(directory: String, project: String, agent: String) -> AnomalyPreload? {
        guard let pre = standing else { return nil }
        standing = nil
        guard pre.directory == directory, pre.project == project, pre.agent == agent,
            (try? pre.store.changeCounter()) == pre.version
        else { return nil }
        return pre
    }
}
