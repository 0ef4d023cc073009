// `cordon baseline learn`: folds finished run traces into their (project, agent) profiles in
// the state store. Each run is learned once (the store remembers run ids); runs that were
// flagged as anomalous, and runs that never finished, are left out.
import CordonAnomaly
import CordonAudit
import CordonBase
import CordonStore

public enum BaselineLearning {
    public struct Outcome: Sendable {
        /// Per (project, agent): runs learned now and the profile's size after.
        public var learned: [(project: String, agent: String, runs: Int, total: Int)] = []
        public var alreadyLearned = 0
        public var flagged = 0
        public var unfinished = 0
        public var otherAgent = 0
        /// Traces that could not be read, with why.
        public var unreadable: [String] = []
        /// Profiles found without this user's seal (StoreSeal.swift), replaced.
        public var unsealed: [String] = []
    }

    /// The run a trace records, as a profile learns it.
    struct LearnedRun {
        var run: String
        var project: String
        var agent: String
        var observation: RunObservation
        var flagged: Bool
    }

    /// Reads one trace into an observation; nil when it has no run_end (unfinished).
    static func read(_ path: String, home: String?) throws(AuditError) -> LearnedRun? {
        let trace = try TraceReader.read(path)
        guard let start = trace.start, let end = trace.end, let run = trace.run else { return nil }
        let workspace = start["sandbox"]?["workspace"]?.stringValue ?? start["cwd"]?.stringValue ?? "/"
        var o = RunObservation(workspace: workspace, cwd: start["cwd"]?.stringValue, home: home)
        let t0 = Double(start.ts.milliseconds) / 1000
        for e in trace.events { o.observe(e.type, e.fields, at: Double(e.ts.milliseconds) / 1000 - t0) }
        return LearnedRun(
            run: run, project: start["project"]?.stringValue ?? "?", agent: start["agent"]?.stringValue ?? "?",
            observation: o, flagged: end["anomaly"]?["flagged"]?.boolValue == true)
    }

    public static func learn(
        traces: [String], store: SQLiteStore, agent: String?, project: String?, home: String?
    ) throws(StoreError) -> Outcome {
        var out = Outcome()
        // Parsing is the cost: traces are read on every processor, learning is in run order.
        let read = ParallelMap.map(count: traces.count, threads: ParallelMap.availableThreads, minimumPerThread: 8) {
            i -> Result<LearnedRun?, AuditError> in
            do throws(AuditError) { return .success(try Self.read(traces[i], home: home)) } catch {
                return .failure(error)
            }
        }
        var groups: [String: [LearnedRun]] = [:]
        for (i, r) in read.enumerated() {
            switch r {
            case .failure(let e): out.unreadable.append("\(traces[i]): \(e)")
            case .success(nil): out.unfinished += 1
            case .success(let run?):
                if let agent, run.agent != agent {
                    out.otherAgent += 1
                    continue
                }
                if let project, run.project != project {
                    out.otherAgent += 1
                    continue
                }
                if run.flagged {
                    out.flagged += 1
                    continue
                }
                groups[run.project + "\u{0}" + run.agent, default: []].append(run)
            }
        }
        for key in groups.keys.sorted() {
            guard var runs = groups[key], let first = runs.first else { continue }
            // Run ids start with their time: sorting them is learning in the order they ran.
            runs.sort { $0.run < $1.run }
            let stored = try store.profile(project: first.project, agent: first.agent)
            // An unsealed profile (StoreSeal.swift) is replaced, learned again from the traces
            // from scratch: its list of learned runs is not trusted either.
            let trusted = stored.map(\.sealed) ?? true
            if !trusted {
                _ = try store.resetProfiles(project: first.project, agent: first.agent)
                out.unsealed.append("\(first.agent) in \(first.project)")
            }
            let done = trusted ? try store.learnedRuns(project: first.project, agent: first.agent) : []
            var profile = Profile()
            if let stored, trusted {
                guard let json = try? JSONValue.parse(stored.json), let p = try? Profile(json: json) else {
                    throw StoreError(
                        .corrupt, "anomaly profile of \(first.agent) in \(first.project) cannot be read",
                        path: store.path)
                }
                profile = p
            }
            var ids: [String] = []
            var seen = Set<String>()
            for r in runs {
                if done.contains(r.run) || seen.contains(r.run) {
                    out.alreadyLearned += 1
                    continue
                }
                seen.insert(r.run)
                profile.learn(r.observation)
                ids.append(r.run)
            }
            guard !ids.isEmpty else { continue }
            try store.saveProfile(
                StoredProfile(
                    project: first.project, agent: first.agent, json: profile.json.serialized(), runs: profile.runs,
                    updatedAt: Timestamp.now().seconds),
                learned: ids)
            out.learned.append((first.project, first.agent, ids.count, profile.runs))
        }
        return out
    }
}
