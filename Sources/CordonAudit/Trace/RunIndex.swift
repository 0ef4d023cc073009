// The runs a log directory holds, one per `traces/<run>.jsonl`, and a run named by its id or a
// prefix of it (`cordon runs`, `cordon report r-01M9`, `cordon log --run 01M9...`).
//
// A directory can hold thousands of traces and a trace can hold 100,000 monitor events, so a
// listing never decodes whole traces: the order comes from the file names alone (a run id is a
// ULID, its first ten digits the start in milliseconds), and of each trace only the first line
// (`run_start`), the last lines (`run_end`) and the `decision` lines (found by a byte search, not by
// parsing every line) are parsed. A damaged trace gives a listing with notes, never an error.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

/// How many of a run's `decision` events came out each way.
public struct DecisionCounts: Sendable, Equatable {
    public var allow = 0
    public var requiresApproval = 0
    public var block = 0
    public init(allow: Int = 0, requiresApproval: Int = 0, block: Int = 0) {
        self.allow = allow
        self.requiresApproval = requiresApproval
        self.block = block
    }
    public var total: Int { allow + requiresApproval + block }
}

/// One run as its trace records it: who started what, when, and how it ended.
public struct RecordedRun: Sendable {
    /// The run id (from `run_start`, else from the file name).
    public var run: String
    public var path: String
    public var start: Timestamp?
    public var agent: String?
    public var session: String?
    public var project: String?
    public var command: [String]?
    /// `run_end.outcome` (exited, signaled, blocked, timeout, limit, interrupted, failed,
    /// approval_pending); nil when the trace has no `run_end`.
    public var outcome: String?
    public var exitCode: Int?
    public var signal: Int?
    public var cordonExit: Int?
    public var limits: [String] = []
    public var error: String?
    public var durationMs: Double?
    public var decisions = DecisionCounts()
    /// No `run_end` and the cordon that wrote `run_start` is still alive.
    public var running = false
    /// What is wrong with the trace, if anything, one sentence each.
    public var notes: [String] = []

    public init(run: String, path: String) {
        self.run = run
        self.path = path
    }

    /// The command as gate.log shows an argv: shell-quoted where needed.
    public var commandLine: String? { command.map { $0.map(ActionCoding.shellQuote).joined(separator: " ") } }
}

public enum RunIndex {
    /// The suffix of a trace file in `traces/`.
    public static let traceSuffix = ".jsonl"

    /// A trace file in `traces/`: its path, the run id its name gives, and when that id says the
    /// run started (nil for a name that is not a ULID run id, e.g. a trace copied in by hand).
    public struct TraceFile: Sendable, Equatable {
        public var path: String
        public var run: String
        public var startedAt: Timestamp?
    }

    /// The trace files of `directory`, newest first (by the time in the run id; names that are
    /// not run ids by modification time, then name).
    public static func traceFiles(in directory: LogDirectory) -> [TraceFile] {
        let dir = directory.traces
        var files: [TraceFile] = []
        for name in FileIO.list(dir) where name.hasSuffix(traceSuffix) && name.count > traceSuffix.count {
            let run = String(name.dropLast(traceSuffix.count))
            let path = dir + "/" + name
            files.append(TraceFile(path: path, run: run, startedAt: startTime(ofRunID: run) ?? modificationTime(path)))
        }
        return files.sorted {
            let a = $0.startedAt?.milliseconds ?? 0
            let b = $1.startedAt?.milliseconds ?? 0
            return a != b ? a > b : $0.run > $1.run
        }
    }

    /// Every run of `directory`, newest first; at most `limit` (the newest), and with `since`
    /// only those whose `run_start` is at or after it. Only the traces that can qualify are
    /// read: the id is made a moment before `run_start` is written, so an id older than
    /// `since` by more than `idSlack` rules its run out unread.
    public static func list(_ directory: LogDirectory, limit: Int? = nil, since: Timestamp? = nil) -> [RecordedRun] {
        var files = traceFiles(in: directory)
        if let since {
            let earliest = Timestamp(milliseconds: since.milliseconds - idSlack)
            files = files.filter { ($0.startedAt ?? since) >= earliest }
        } else if let limit, files.count > limit {
            files.removeLast(files.count - limit)
        }
        let chosen = files
        // Independent files: read on every processor (a few thousand traces is a few thousand
        // opens and reads, and the parsing of three lines each).
        var runs = ParallelMap.map(count: chosen.count, threads: ParallelMap.availableThreads, minimumPerThread: 64) {
            summarize(chosen[$0])
        }
        if let since {
            runs = runs.filter { ($0.start ?? since) >= since }
            if let limit, runs.count > limit { runs.removeLast(runs.count - limit) }
        }
        return runs
    }

    /// How long before its `run_start` a run's id may have been made (policy loading, a scan on
    /// start): generous, since it only costs reading a few more traces.
    static let idSlack: Int64 = 10 * 60 * 1000

    /// The start time a ULID run id carries: `r-` and 26 Crockford base32 digits, the first ten
    /// the milliseconds since 1970 (RunID.make).
    public static func startTime(ofRunID run: String) -> Timestamp? {
        let digits = Array(run.utf8)
        guard digits.count == 28, digits[0] == UInt8(ascii: "r"), digits[1] == UInt8(ascii: "-") else { return nil }
        var ms: Int64 = 0
        for d in digits[2..<12] {
            guard let v = RunID.alphabet.firstIndex(of: d) else { return nil }
            ms = ms << 5 | Int64(v)
        }
        for d in digits[12...] where !RunID.alphabet.contains(d) { return nil }
        return Timestamp(milliseconds: ms)
    }

    static func modificationTime(_ path: String) -> Timestamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Timestamp(milliseconds: Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec) / 1_000_000)
    }

    /// One trace file summarised; every problem becomes a note.
    public static func summarize(_ file: TraceFile) -> RecordedRun {
        var r = RecordedRun(run: file.run, path: file.path)
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try FileIO.readFile(file.path)
        } catch {
            r.start = file.startedAt
            r.notes.append("cannot read the trace: \(error)")
            return r
        }
        summarize(bytes, into: &r)
        if r.start == nil { r.start = file.startedAt }
        return r
    }

    /// Fills `r` from a trace's bytes: `run_start` from the first line, `run_end` from the last
    /// complete one, and the decisions from the lines whose type is `decision`.
    static func summarize(_ bytes: [UInt8], into r: inout RecordedRun) {
        if bytes.isEmpty {
            r.notes.append("empty trace (cordon was killed before writing run_start?)")
            return
        }
        let firstEnd = bytes.firstIndex(of: 0x0a) ?? bytes.count
        switch TraceReader.parseLine(bytes[0..<firstEnd]) {
        case .success(let e):
            if e.type == TraceEventType.runStart.rawValue {
                readStart(e, into: &r)
            } else {
                r.notes.append("first event is \(e.type), not run_start")
                if r.run != e.run && !e.run.isEmpty {
                    r.notes.append("the file name says \(r.run), the events \(e.run)")
                }
            }
        case .failure(let problem):
            r.notes.append("line 1 unreadable (\(describe(problem))): no run_start")
        }
        readEnd(bytes, into: &r)
        countDecisions(bytes, into: &r)
    }

    static func readStart(_ e: TraceEvent, into r: inout RecordedRun) {
        if e.run != r.run {
            r.notes.append("the file name says \(r.run), run_start says \(e.run)")
            r.run = e.run
        }
        r.start = e.ts
        r.agent = e["agent"]?.stringValue
        r.session = e["session"]?.stringValue
        r.project = e["project"]?.stringValue
        r.command = e["command"]?.arrayValue?.compactMap(\.stringValue)
        if let pid = e["pid"]?.intValue, pid > 0 { r.running = isCordonAlive(Int32(clamping: pid), since: e.ts) }
    }

    /// The last line that is a complete event; a torn last line (a killed cordon, a full disk)
    /// is noted and the line before it read instead.
    static func readEnd(_ bytes: [UInt8], into r: inout RecordedRun) {
        var end = bytes.count
        if bytes.last != 0x0a {
            r.notes.append("truncated last line (the run was cut off?)")
            guard let nl = bytes.lastIndex(of: 0x0a) else {
                r.running = false
                return
            }
            end = nl
        } else {
            end -= 1
        }
        let start = (bytes[0..<end].lastIndex(of: 0x0a)).map { $0 + 1 } ?? 0
        var ended = false
        if start < end, case .success(let e) = TraceReader.parseLine(bytes[start..<end]),
            e.type == TraceEventType.runEnd.rawValue
        {
            ended = true
            r.running = false
            r.outcome = e["outcome"]?.stringValue
            r.exitCode = e["exitCode"]?.intValue
            r.signal = e["signal"]?.intValue
            r.cordonExit = e["cordonExit"]?.intValue
            r.limits = e["limits"]?.arrayValue?.compactMap(\.stringValue) ?? []
            r.error = e["error"]?.stringValue
            r.durationMs = e["durationMs"]?.doubleValue
            if r.outcome == nil { r.notes.append("run_end has no outcome") }
        }
        if !ended && !r.running {
            r.notes.append("no run_end: cordon was killed or the trace was cut off")
        }
    }

    static let decisionType = Array("\"type\":\"decision\"".utf8)

    /// Counts `decision` events. Only lines holding `"type":"decision"` are parsed (inside a
    /// JSON string the quotes would be escaped, so the text appears only as a key and value;
    /// a nested object of a tool call could hold it too, hence the parse and the type check).
    static func countDecisions(_ bytes: [UInt8], into r: inout RecordedRun) {
        var unreadable = 0
        var counts = DecisionCounts()
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            var from = 0
            while from < buf.count {
                guard let at = find(decisionType, in: buf, from: from) else { break }
                var lineStart = at
                while lineStart > 0 && buf[lineStart - 1] != 0x0a { lineStart -= 1 }
                let lineEnd = memchr(base + at, 0x0a, buf.count - at).map {
                    base.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                }
                // A torn last line is already noted by readEnd.
                guard let lineEnd else { break }
                from = lineEnd + 1
                switch TraceReader.parseLine(bytes[lineStart..<lineEnd]) {
                case .success(let e):
                    guard e.type == TraceEventType.decision.rawValue else { continue }
                    switch e["decision"]?["decision"]?.stringValue {
                    case "allow": counts.allow += 1
                    case "requires_approval": counts.requiresApproval += 1
                    case "block": counts.block += 1
                    default: unreadable += 1
                    }
                case .failure: unreadable += 1
                }
            }
        }
        r.decisions = counts
        if unreadable > 0 {
            r.notes.append("\(unreadable) decision line\(unreadable == 1 ? "" : "s") unreadable (not counted)")
        }
    }

    /// The first offset of `needle` in `buf` at or after `from`: memchr for its byte at
    /// `anchor` (a rare one: `y`, not the quote every JSON string starts with), then memcmp.
    /// Swift's Glibc does not export the GNU memmem.
    static func find(_ needle: [UInt8], in buf: UnsafeBufferPointer<UInt8>, from: Int, anchor: Int = 2) -> Int? {
        guard let base = buf.baseAddress, anchor < needle.count else { return nil }
        let byte = Int32(needle[anchor])
        var at = from
        return needle.withUnsafeBufferPointer { n -> Int? in
            guard let nb = n.baseAddress else { return nil }
            while buf.count - at >= n.count {
                let window = buf.count - at - n.count + 1
                guard let p = memchr(base + at + anchor, byte, window) else { return nil }
                at = base.distance(to: p.assumingMemoryBound(to: UInt8.self)) - anchor
                if memcmp(base + at, nb, n.count) == 0 { return at }
                at += 1
            }
            return nil
        }
    }

    static func describe(_ p: TraceReader.Problem) -> String {
        switch p {
        case .empty: "empty line"
        case .notJSON: "not JSON"
        case .badJSON(let e): "\(e.message) at column \(e.column)"
        case .badEvent(let e): e.reason
        }
    }

    /// Whether `pid` is a live process named cordon that was already running at `since` (the
    /// writer of a trace without run_end). The name and the start time keep a recycled pid, or
    /// a later cordon that got the same pid, from passing for it.
    static func isCordonAlive(_ pid: Int32, since: Timestamp) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let comm = try? FileIO.readFile("/proc/\(pid)/comm", limit: 64) else { return false }
        // Exactly `cordon`: a prefix would take the test runner (`cordonPackageTe...`) for it.
        guard comm == Array("cordon\n".utf8) else { return false }
        guard let started = processStart(pid) else { return true }
        // Clock ticks are 10 ms and btime is whole seconds: a second of slack.
        return started.milliseconds <= since.milliseconds + 1000
    }

    /// When `pid` started: /proc/stat's btime plus field 22 of /proc/PID/stat (clock ticks).
    static func processStart(_ pid: Int32) -> Timestamp? {
        guard let stat = try? FileIO.readFile("/proc/\(pid)/stat", limit: 4096),
            let boot = try? FileIO.readFile("/proc/stat", limit: 1 << 20)
        else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        // Field 3 (state) is the first after ')', so field 22 is at index 19.
        guard fields.count > 19, let ticks = Int64(String(decoding: fields[19], as: UTF8.self)) else { return nil }
        let text = String(decoding: boot, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let btime = Int64(line.dropFirst(6).trimmingPrefix(while: { $0 == " " }))
        else { return nil }
        let hz = Int64(sysconf(Int32(_SC_CLK_TCK)))
        guard hz > 0 else { return nil }
        return Timestamp(milliseconds: btime * 1000 + ticks * 1000 / hz)
    }
}
