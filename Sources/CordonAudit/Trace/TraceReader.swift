// Reads a JSON trace back, with errors that name the file and line: torn lines, unknown
// versions, garbage. A torn *last* line is what a killed cordon leaves behind, so it is a
// warning and the events before it are kept; anything else wrong is an error.
import CordonBase
import CordonGate
import CordonPolicy

#if canImport(Glibc)
    import Glibc
#endif

public struct Trace: Sendable {
    public var path: String
    public var events: [TraceEvent]
    /// Problems that did not stop reading (a torn last line, gaps in `seq`).
    public var warnings: [String]

    public var run: String? { events.first?.run }
    public var start: TraceEvent? { events.first { $0.type == "run_start" } }
    public var end: TraceEvent? { events.last { $0.type == "run_end" } }
}

public enum TraceReader {
    public static func read(_ path: String) throws(AuditError) -> Trace {
        let bytes = try AuditError.readFile(path)
        return try parse(bytes, path: path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws(AuditError) -> Trace {
        let (events, warnings) = try scan(bytes, path: path) { event, _ in event }
        return Trace(path: path, events: events, warnings: warnings)
    }

    /// Reads every event and keeps `transform(event, line)` of each, in order, with the
    /// warnings and errors `parse` gives. Lines are parsed and transformed on every processor
    /// (a 100,000-event trace is ~40 MB of JSON, and replay reads it before re-scoring
    /// anything); a reader that needs only part of an event drops the rest on the worker
    /// thread. What a line means for the trace (is it the last, does its seq follow) is
    /// decided afterwards, in order, exactly as reading one by one would.
    public static func scan<T: Sendable>(
        _ bytes: [UInt8], path: String, _ transform: @escaping @Sendable (TraceEvent, Int) -> T
    ) throws(AuditError) -> (items: [T], warnings: [String]) {
        var items: [T] = []
        var warnings: [String] = []
        let lines = lineRanges(bytes)
        var parsed = ParallelMap.map(count: lines.count, threads: ParallelMap.availableThreads, minimumPerThread: 512) {
            i -> Scanned<T> in
            switch parseLine(bytes[lines[i]]) {
            case .success(let e): return Scanned(problem: nil, run: e.run, seq: e.seq, item: transform(e, i + 1))
            case .failure(let problem): return Scanned(problem: problem, run: "", seq: 0, item: nil)
            }
        }
        items.reserveCapacity(parsed.count)
        var expectedSeq: [String: Int] = [:]
        // Nearly every trace is one run: its counter is kept outside the dictionary.
        var currentRun: String?
        var currentWant = 0
        var failure: AuditError?
        // Items are moved out of `parsed`, not copied and then released with the original:
        // this loop runs on one thread and reads each item once, so the result is the same.
        // Figures: docs/benchmarks-gate.md.
        parsed.withUnsafeMutableBufferPointer { buf in
            lines: for i in buf.indices {
                let n = i + 1
                let isLast = i == lines.count - 1
                if let problem = buf[i].problem {
                    switch problem {
                    case .empty:
                        if isLast { break lines }
                        failure = AuditError(.malformed, "\(path):\(n): empty line", path: path, line: n)
                    case .notJSON:
                        failure = AuditError(
                            .malformed, "\(path):\(n): not a JSON trace line (binary or other data)", path: path,
                            line: n)
                    case .badJSON(let error):
                        if isLast {
                            warnings.append(
                                "\(path):\(n): truncated last line skipped (the run was cut off?): \(error.message)")
                            break lines
                        }
                        failure = AuditError(
                            .malformed, "\(path):\(n):\(error.column): \(error.message)", path: path, line: n)
                    case .badEvent(let error):
                        failure = AuditError(.malformed, "\(path):\(n): \(error.reason)", path: path, line: n)
                    }
                    break lines
                }
                if isLast {
                    warnings.append("\(path):\(n): last line has no newline (the run was cut off?)")
                }
                let seq = buf[i].seq
                if buf[i].run != currentRun {
                    if let r = currentRun { expectedSeq[r] = currentWant }
                    currentRun = buf[i].run
                    currentWant = expectedSeq[buf[i].run] ?? 0
                }
                if seq != currentWant {
                    warnings.append(
                        "\(path):\(n): seq \(seq) where \(currentWant) was expected (\(seq > currentWant ? "events missing" : "events repeated or reordered"))"
                    )
                }
                currentWant = seq + 1
                var item: T?
                swap(&item, &buf[i].item)
                if let item { items.append(item) }
            }
        }
        if let failure { throw failure }
        return (items, warnings)
    }

    /// The field names docs/trace.schema.json defines (up to 15 bytes): taken from this table
    /// instead of built as new strings, line after line.
    static let fieldNames = JSONKeyTable([
        "v", "ts", "run", "seq", "type", "action", "actionId", "actionType", "address", "afterSeconds", "agent",
        "agentId", "args", "argv", "attempts", "blocksIn", "blocksOut", "by", "chain", "channel", "channels", "command",
        "context", "cordonExit", "cwd", "dropped",
        "error", "interruptedBy", "limits",
        "decision", "denials", "detail", "detector", "durationMs", "endpoints", "environment", "evidence", "exitCode",
        "family", "filesDeleted", "filesWritten", "findings", "host", "hosts", "id", "isolation", "kind", "level",
        "limit", "maxRssKiB",
        "outcome", "path", "pid", "policy", "policyRule", "port", "ppid", "programs", "project", "reason", "reasons",
        "result", "rule", "rusage", "sandbox", "score", "session", "sessionId", "sha256", "signal", "source", "summary",
        "sysMs", "syscall", "tamper", "to", "tool", "userMs", "value", "via", "protocol", "bytesUp", "bytesDown",
        "connections", "refused",
    ])

    /// What is wrong with a line on its own.
    enum Problem: Error {
        case empty
        case notJSON
        case badJSON(JSONError)
        case badEvent(TraceFormatError)
    }

    /// One line on its own; what it means in the trace is decided by `scan`.
    struct Scanned<T: Sendable>: Sendable {
        var problem: Problem?
        var run: String
        var seq: Int
        var item: T?
    }

    /// Where each line is, newline excluded; like `split(separator: 0x0a,
    /// omittingEmptySubsequences: false)` (text after the last newline, even none, is a last
    /// line), but found with memchr: splitting byte by byte was a tenth of reading a trace.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else {
                ranges.append(0..<0)
                return
            }
            var start = 0
            while start <= buf.count {
                let rest = buf.count - start
                guard rest > 0, let nl = memchr(base + start, 0x0a, rest) else {
                    ranges.append(start..<buf.count)
                    break
                }
                let end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                ranges.append(start..<end)
                start = end + 1
            }
        }
        return ranges
    }

    static func parseLine(_ raw: ArraySlice<UInt8>) -> Result<TraceEvent, Problem> {
        if raw.isEmpty { return .failure(.empty) }
        if raw.first != UInt8(ascii: "{")
            || raw.withUnsafeBufferPointer({ b in b.baseAddress.map { memchr($0, 0, b.count) != nil } ?? false })
        {
            return .failure(.notJSON)
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(raw, keys: fieldNames)
        } catch {
            return .failure(.badJSON(error))
        }
        do {
            return .success(try TraceEvent(json: value))
        } catch {
            return .failure(.badEvent(error))
        }
    }
}
