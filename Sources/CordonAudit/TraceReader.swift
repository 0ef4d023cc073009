// Reads a JSON trace back, with errors that name the file and line: torn lines, unknown
// versions, garbage. A torn *last* line is what a killed cordon leaves behind, so it is a
// warning and the events before it are kept; anything else wrong is an error.
import CordonPolicy

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
        let bytes = try FileIO.readFile(path)
        return try parse(bytes, path: path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws(AuditError) -> Trace {
        var trace = Trace(path: path, events: [], warnings: [])
        let lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false)
        var expectedSeq: [String: Int] = [:]
        for (i, raw) in lines.enumerated() {
            let n = i + 1
            let isLast = i == lines.count - 1
            if raw.isEmpty {
                if isLast { break }
                throw AuditError(.malformed, "\(path):\(n): empty line", path: path, line: n)
            }
            if raw.contains(0) || raw.first != UInt8(ascii: "{") {
                throw AuditError(
                    .malformed, "\(path):\(n): not a JSON trace line (binary or other data)", path: path, line: n)
            }
            let value: JSONValue
            do {
                value = try JSONValue.parse(Array(raw))
            } catch {
                if isLast {
                    trace.warnings.append(
                        "\(path):\(n): truncated last line skipped (the run was cut off?): \(error.message)")
                    break
                }
                throw AuditError(.malformed, "\(path):\(n):\(error.column): \(error.message)", path: path, line: n)
            }
            let event: TraceEvent
            do {
                event = try TraceEvent(json: value)
            } catch {
                throw AuditError(.malformed, "\(path):\(n): \(error.reason)", path: path, line: n)
            }
            if isLast {
                trace.warnings.append("\(path):\(n): last line has no newline (the run was cut off?)")
            }
            let want = expectedSeq[event.run] ?? 0
            if event.seq != want {
                trace.warnings.append(
                    "\(path):\(n): seq \(event.seq) where \(want) was expected (\(event.seq > want ? "events missing" : "events repeated or reordered"))"
                )
            }
            expectedSeq[event.run] = event.seq + 1
            trace.events.append(event)
        }
        return trace
    }
}
