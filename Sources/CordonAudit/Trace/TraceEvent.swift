// One event of the JSON trace: `{"v":1,"ts":...,"run":...,"seq":N,"type":...,<fields>}`.
// The envelope is fixed; the fields depend on the type (docs/trace.schema.json).
import CordonBase
import CordonPolicy

public struct TraceEvent: Sendable, Equatable {
    /// The trace format version this cordon writes and reads.
    public static let version = 1

    /// Event types cordon writes (TraceEventType, the one list). Readers accept others (a newer
    /// writer) and show them as-is.
    public static let knownTypes: Set<String> = Set(TraceEventType.allCases.map(\.rawValue))

    public var v: Int = TraceEvent.version
    public var ts: Timestamp
    public var run: String
    public var seq: Int
    public var type: String
    /// Type-specific fields, in written order.
    public var fields: [(String, JSONValue)]

    public init(ts: Timestamp, run: String, seq: Int, type: String, fields: [(String, JSONValue)]) {
        self.ts = ts
        self.run = run
        self.seq = seq
        self.type = type
        self.fields = fields
    }

    public static func == (a: TraceEvent, b: TraceEvent) -> Bool {
        a.v == b.v && a.ts == b.ts && a.run == b.run && a.seq == b.seq && a.type == b.type
            && JSONValue.object(a.fields) == JSONValue.object(b.fields)
    }

    public subscript(key: String) -> JSONValue? { fields.first { $0.0 == key }?.1 }

    public var json: JSONValue {
        .object(
            [
                ("v", .number(Double(v))), ("ts", .string(ts.description)), ("run", .string(run)),
                ("seq", .number(Double(seq))), ("type", .string(type)),
            ] + fields)
    }

    /// Reads one event from its JSON object. The reason string names what is wrong.
    public init(json: JSONValue) throws(TraceFormatError) {
        guard case .object(let pairs) = json else { throw TraceFormatError("an event must be a JSON object") }
        // One pass: the envelope's keys are picked out, the rest are the fields (the parser
        // has already refused duplicate keys).
        var vv: JSONValue?
        var tsv: JSONValue?
        var runv: JSONValue?
        var seqv: JSONValue?
        var typev: JSONValue?
        var fields: [(String, JSONValue)] = []
        fields.reserveCapacity(max(0, pairs.count - 5))
        for (k, value) in pairs {
            switch k {
            case "v": vv = value
            case "ts": tsv = value
            case "run": runv = value
            case "seq": seqv = value
            case "type": typev = value
            default: fields.append((k, value))
            }
        }
        guard let vv else { throw TraceFormatError("missing \"v\" (not a cordon trace?)") }
        guard let v = vv.intValue else { throw TraceFormatError("\"v\" must be an integer") }
        guard v == TraceEvent.version else {
            throw TraceFormatError("unknown trace version v=\(v); this cordon reads v=\(TraceEvent.version)")
        }
        guard let tsText = tsv?.stringValue, let ts = Timestamp(rfc3339: tsText) else {
            throw TraceFormatError("missing or bad \"ts\" (RFC 3339 expected)")
        }
        guard let run = runv?.stringValue else { throw TraceFormatError("missing \"run\"") }
        guard let seq = seqv?.intValue, seq >= 0 else { throw TraceFormatError("missing or bad \"seq\"") }
        guard let type = typev?.stringValue, !type.isEmpty else { throw TraceFormatError("missing \"type\"") }
        self.init(ts: ts, run: run, seq: seq, type: type, fields: fields)
    }
}

public struct TraceFormatError: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
