// What one run did, accumulated event by event: the same code reads a finished trace (to
// learn) and the live run (to score as it goes). Events are the trace's own: `exec`,
// `connect`, file events (`file_write`, `unlink`, `rename`, ...), `decision` (the gate's
// score) and `run_end` (duration, rusage).

import CordonBase

public struct RunObservation: Sendable {
    public var workspace: String
    public var cwd: String
    public var home: String?

    public var execs = 0
    public var writes = 0
    public var deletes = 0
    public var connects = 0
    /// Exec shapes in order (their keys), and the first shape of each key (for reasons).
    public var shapeSequence: [String] = []
    public var shapes: [String: ExecShape] = [:]
    public var programs: Set<String> = []
    /// `address:port` of internet connects; `unix:path` of socket files.
    public var endpoints: Set<String> = []
    public var ports: Set<Int> = []
    public var writeDirs: Set<String> = []
    public var deleteDirs: Set<String> = []
    /// Files this run wrote, to tell when it then executes one of them.
    var written: Set<String> = []
    /// Items the last `observe` saw for the first time in this run: (index in
    /// Profile.familyNames, item). Live scoring checks only these against the profile, so a
    /// long run costs the same per event at its end as at its start.
    public private(set) var fresh: [(family: Int, item: String)] = []
    /// Shape keys of the argument vectors (and paths) met so far: a run repeats its commands,
    /// and a key is the same for the same argv and path (cwd, workspace and home are the
    /// run's), so a repeat costs one hash look-up instead of parsing the argv again.
    var shapeKeys: [ExecInput: String] = [:]
    static let shapeKeyLimit = 4096
    struct ExecInput: Hashable {
        var argv: [String]
        var path: String?
    }
    /// The run's own command (run_start's `command`), as a shape. The sandbox's first exec is
    /// the command itself, which the monitor never sees (the filter is installed by it), so
    /// without this a run of `nc host 4444` alone would show no program at all. Kept apart from
    /// the monitor's execs (families `commands`, `command_shapes`): profiles learned before
    /// commands were observed have none, and must not call every program of a run new.
    public var command: ExecShape?
    /// Programs it ran that it had written itself earlier in the run (downloaded, copied, built).
    public var selfMadePrograms: [String] = []
    /// The highest gate score of any decision in the run.
    public var gateScoreMax = 0
    /// Largest number of deletes, and of execs, within any `burstWindow` seconds.
    public var deleteBurst = 0
    public var execBurst = 0
    var deleteTimes = BurstWindow()
    var execTimes = BurstWindow()
    public var durationMs: Double?
    public var cpuMs: Double?
    public var maxRssKiB: Double?
    public var ended: Bool { durationMs != nil }

    public static let burstWindow = 2.0

    public init(workspace: String, cwd: String? = nil, home: String?) {
        self.workspace = workspace
        self.cwd = cwd ?? workspace
        self.home = home
    }

    /// Folds one trace event in; `at` is its time in seconds (any fixed origin).
    public mutating func observe(_ type: String, _ fields: [(String, JSONValue)], at: Double) {
        func value(_ k: String) -> JSONValue? { fields.first { $0.0 == k }?.1 }
        if !fresh.isEmpty { fresh.removeAll(keepingCapacity: true) }
        switch type {
        case "run_start":
            guard let argv = value("command")?.arrayValue?.compactMap(\.stringValue), !argv.isEmpty else { return }
            let shape = ExecShape(argv: argv, path: nil, cwd: cwd, workspace: workspace, home: home)
            command = shape
            fresh.append((6, shape.program))
            fresh.append((7, shape.key))
        case "exec":
            let argv = value("argv")?.arrayValue?.compactMap(\.stringValue) ?? []
            let path = value("path")?.stringValue
            exec(argv: argv, path: path, at: at)
        case "connect":
            connects += 1
            let family = value("family")?.stringValue ?? "?"
            let address = value("address")?.stringValue ?? "?"
            if family == "inet" || family == "inet6", let port = value("port")?.intValue {
                let endpoint = "\(address):\(port)"
                if endpoints.insert(endpoint).inserted { fresh.append((2, endpoint)) }
                if ports.insert(port).inserted { fresh.append((3, String(port))) }
            } else if family == "unix" {
                let endpoint = "unix:\(address)"
                if endpoints.insert(endpoint).inserted { fresh.append((2, endpoint)) }
            }
        case "file_write", "truncate", "chmod", "chown", "link", "mknod", "rename":
            guard let p = value("path")?.stringValue else { return }
            writes += 1
            written.insert(p)
            let dir = directoryKey(p)
            if writeDirs.insert(dir).inserted { fresh.append((4, dir)) }
        case "unlink":
            guard let p = value("path")?.stringValue else { return }
            deletes += 1
            let dir = directoryKey(p)
            if deleteDirs.insert(dir).inserted { fresh.append((5, dir)) }
            deleteBurst = max(deleteBurst, deleteTimes.add(at))
        case "decision":
            if let s = value("decision")?["score"]?.intValue { gateScoreMax = max(gateScoreMax, s) }
        case "run_end":
            durationMs = value("durationMs")?.doubleValue ?? 0
            if let r = value("rusage") {
                cpuMs = (r["userMs"]?.doubleValue ?? 0) + (r["sysMs"]?.doubleValue ?? 0)
                maxRssKiB = r["maxRssKiB"]?.doubleValue
            }
        default:
            return
        }
    }

    mutating func exec(argv: [String], path: String?, at: Double) {
        execs += 1
        execBurst = max(execBurst, execTimes.add(at))
        let input = ExecInput(argv: argv, path: path)
        let key: String
        if let known = shapeKeys[input] {
            // Its shape and program are in `shapes` and `programs` since its first time.
            key = known
        } else {
            let shape = ExecShape(argv: argv, path: path, cwd: cwd, workspace: workspace, home: home)
            key = shape.key
            if shapes[key] == nil {
                shapes[key] = shape
                fresh.append((1, key))
            }
            if programs.insert(shape.program).inserted { fresh.append((0, shape.program)) }
            if shapeKeys.count < Self.shapeKeyLimit { shapeKeys[input] = key }
        }
        shapeSequence.append(key)
        if let path, written.contains(path), !selfMadePrograms.contains(path) { selfMadePrograms.append(path) }
    }

    /// The times of recent events, to count those within `burstWindow` seconds. Times arrive
    /// in order; the window's start moves forward, and the spent front is cut off only now
    /// and then, so adding one costs O(1) amortised even when thousands are in the window.
    struct BurstWindow: Sendable {
        var times: [Double] = []
        var start = 0

        /// Adds `at`; returns how many events fall within the window ending at it.
        mutating func add(_ at: Double) -> Int {
            times.append(at)
            while start < times.count && times[start] < at - RunObservation.burstWindow { start += 1 }
            if start >= 1024 && start * 2 >= times.count {
                times.removeFirst(start)
                start = 0
            }
            return times.count - start
        }
    }

    /// Where a file change happened, as a profile remembers it: its folder relative to the
    /// workspace (two levels at most, `<ws>/src/lib`), else its path class and folder.
    func directoryKey(_ path: String) -> String {
        let dir = path.split(separator: "/").dropLast()
        let full = "/" + dir.joined(separator: "/")
        let c = PathClass.of(full, workspace: workspace, home: home)
        switch c {
        case .workspace:
            let rest = full.dropFirst(workspace.count).split(separator: "/").prefix(2)
            return (["<ws>"] + rest).joined(separator: "/")
        case .tmp, .device:
            return "<\(c.rawValue)>"
        default:
            return full
        }
    }

    /// Per-run numbers a profile keeps distributions of, by name.
    public var metrics: [(String, Double)] {
        var m: [(String, Double)] = [
            ("execs", Double(execs)), ("writes", Double(writes)), ("deletes", Double(deletes)),
            ("connects", Double(connects)), ("delete_burst", Double(deleteBurst)), ("exec_burst", Double(execBurst)),
            ("gate_score_max", Double(gateScoreMax)),
        ]
        if let d = durationMs { m.append(("duration_ms", d)) }
        if let c = cpuMs { m.append(("cpu_ms", c)) }
        if let r = maxRssKiB { m.append(("max_rss_kib", r)) }
        return m
    }
}
