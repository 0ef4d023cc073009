// A profile as JSON, the form `.cordon/state.db` keeps (and `baseline show --json` starts
// from). Objects are written with sorted keys, so the same profile is always the same text.
import CordonBase

public struct ProfileFormatError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension Profile {
    public var json: JSONValue {
        func counts(_ m: [String: Int]) -> JSONValue {
            .object(m.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })
        }
        return .object([
            ("format", .number(Double(Self.format))),
            ("runs", .number(Double(runs))),
            ("families", .object(families.sorted { $0.key < $1.key }.map { ($0.key, counts($0.value)) })),
            (
                "metrics",
                .object(metrics.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map { .number($0) })) })
            ),
            ("shapeIds", counts(shapeIds.mapValues { Int($0) })),
            ("sequences", .array(sequences.encoded.map { .number(Double($0)) })),
            ("history", .array(history.map { .number($0) })),
            ("examples", .object(examples.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ])
    }

    public init(json: JSONValue) throws(ProfileFormatError) {
        func bad(_ what: String) -> ProfileFormatError {
            ProfileFormatError(
                message: "anomaly profile is damaged (\(what)); 'cordon baseline reset' then 'cordon baseline learn'")
        }
        guard json["format"]?.intValue == Self.format else { throw bad("unknown format") }
        self.init()
        runs = json["runs"]?.intValue ?? 0
        for (family, value) in json["families"]?.objectValue ?? [] {
            var m: [String: Int] = [:]
            for (k, v) in value.objectValue ?? [] {
                guard let n = v.intValue else { throw bad("count of \(k) in \(family)") }
                m[k] = n
            }
            families[family] = m
        }
        for (name, value) in json["metrics"]?.objectValue ?? [] {
            metrics[name] = (value.arrayValue ?? []).compactMap(\.doubleValue)
        }
        for (k, v) in json["shapeIds"]?.objectValue ?? [] {
            guard let n = v.intValue else { throw bad("shape id of \(k)") }
            shapeIds[k] = Int32(n)
        }
        let enc = (json["sequences"]?.arrayValue ?? []).compactMap { $0.doubleValue.map { Int64($0) } }
        guard let seq = NGramModel(encoded: enc) else { throw bad("exec sequence model") }
        sequences = seq
        history = (json["history"]?.arrayValue ?? []).compactMap(\.doubleValue)
        for (k, v) in json["examples"]?.objectValue ?? [] { examples[k] = v.stringValue }
    }
}
