// What one agent normally does in one project, learned from its runs without labels: which
// programs and argument shapes it runs (in how many runs), the order of its execs (an n-gram
// model over shapes), where it connects, which folders it writes and deletes in, and the
// distribution of its per-run numbers (execs, writes, deletes, bursts, CPU, memory, duration,
// gate scores). Learning is incremental: each run is folded in once.

public struct Profile: Sendable, Equatable {
    public static let format = 1
    /// Values kept per metric: the most recent runs (a profile must not grow without bound).
    public static let metricWindow = 1000
    /// Runs before prequential scores are kept: the first runs are all new.
    public static let warmUp = 5

    public var runs = 0
    /// Per family (`programs`, `shapes`, `endpoints`, `ports`, `write_dirs`, `delete_dirs`):
    /// item → the number of runs it appeared in.
    public var families: [String: [String: Int]] = [:]
    public var metrics: [String: [Double]] = [:]
    /// Exec-shape sequences: shape keys get ids in first-seen order.
    public var shapeIds: [String: Int32] = [:]
    public var sequences = NGramModel(order: 3)
    /// Each learned run's score against the profile as it was just before (after warm-up):
    /// the agent's own history, from which sensitivity becomes a false-alarm rate.
    public var history: [Double] = []
    /// Example items kept for reasons (an outside path per shape).
    public var examples: [String: String] = [:]

    /// Families of items, in the order RunObservation.fresh refers to them. `commands` and
    /// `command_shapes` are the run's own command (RunObservation.command).
    public static let familyNames = [
        "programs", "shapes", "endpoints", "ports", "write_dirs", "delete_dirs", "commands", "command_shapes",
    ]

    public init() {}

    /// Each family's items in one run.
    static func items(_ o: RunObservation) -> [String: Set<String>] {
        [
            "programs": o.programs, "shapes": Set(o.shapes.keys), "endpoints": o.endpoints,
            "ports": Set(o.ports.map(String.init)), "write_dirs": o.writeDirs, "delete_dirs": o.deleteDirs,
            "commands": Set(o.command.map { [$0.program] } ?? []),
            "command_shapes": Set(o.command.map { [$0.key] } ?? []),
        ]
    }

    /// Folds a finished run in. Returns its prequential score (nil during warm-up).
    @discardableResult
    public mutating func learn(_ o: RunObservation) -> Double? {
        var prequential: Double?
        if runs >= Self.warmUp {
            let s = RunScorer(profile: self).score(o).score
            history.append(s)
            if history.count > Self.metricWindow { history.removeFirst(history.count - Self.metricWindow) }
            prequential = s
            let surprise = sequences.surprise(shapeTokens(o.shapeSequence))
            if o.shapeSequence.count >= 3 { append("sequence_surprise", surprise) }
        }
        for (family, set) in Self.items(o) {
            var counts = families[family] ?? [:]
            for item in set { counts[item, default: 0] += 1 }
            families[family] = counts
        }
        for (name, v) in o.metrics { append(name, v) }
        sequences.add(shapeTokens(o.shapeSequence, learning: true))
        for (k, shape) in o.shapes where !shape.outsidePaths.isEmpty && examples[k] == nil {
            examples[k] = shape.outsidePaths[0]
        }
        if let c = o.command, let path = c.outsidePaths.first, examples[c.key] == nil { examples[c.key] = path }
        runs += 1
        return prequential
    }

    mutating func append(_ metric: String, _ v: Double) {
        var values = metrics[metric] ?? []
        values.append(v)
        if values.count > Self.metricWindow { values.removeFirst(values.count - Self.metricWindow) }
        metrics[metric] = values
    }

    mutating func shapeTokens(_ keys: [String], learning: Bool) -> [Int32] {
        keys.map { k in
            if let id = shapeIds[k] { return id }
            let id = Int32(shapeIds.count)
            shapeIds[k] = id
            return id
        }
    }

    /// Shape keys as ids without learning them: every unknown shape shares one id.
    func shapeTokens(_ keys: [String]) -> [Int32] {
        let unknown = Int32(shapeIds.count)
        return keys.map { shapeIds[$0] ?? unknown }
    }

    /// The rate at which a run brings an item never seen before in `family`, per item it
    /// shows: Good-Turing's estimate (items seen in exactly one run, plus one, over all
    /// item sightings, plus one).
    public func noveltyRate(_ family: String) -> Double {
        let counts = families[family] ?? [:]
        var singletons = 0
        var sightings = 0
        for (_, c) in counts {
            if c == 1 { singletons += 1 }
            sightings += c
        }
        return Double(singletons + 1) / Double(sightings + 1)
    }

    /// Runs learned with their command observed (each has exactly one): what "0 of N runs"
    /// means for the `commands` families. Profiles learned before that have fewer than `runs`.
    public var commandRuns: Int { (families["commands"] ?? [:]).values.reduce(0, +) }

    /// The per-run values of a metric (empty when never seen).
    public func values(_ metric: String) -> [Double] { metrics[metric] ?? [] }
}
