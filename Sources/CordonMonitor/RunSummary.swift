// What a run did, in the shape of nsjail's per-path report: programs executed with counts,
// endpoints contacted, files written or deleted grouped by directory, denials, tampering.
import CordonBase
import CordonPolicy

public struct RunSummary: Sendable {
    var programs: [String: Int] = [:]
    var endpoints: [String: Int] = [:]
    var written: [String: [String: Int]] = [:]
    var deleted: [String: [String: Int]] = [:]
    public internal(set) var denials = 0
    public internal(set) var tamper = 0

    mutating func exec(_ path: String, denied: Bool) {
        programs[path, default: 0] += 1
        if denied { denials += 1 }
    }

    mutating func endpoint(_ ep: String, denied: Bool) {
        endpoints[ep, default: 0] += 1
        if denied { denials += 1 }
    }

    mutating func file(_ path: String, deleted isDelete: Bool) {
        let dir: String
        let name: String
        if let i = path.lastIndex(of: "/") {
            dir = i == path.startIndex ? "/" : String(path[..<i])
            name = String(path[path.index(after: i)...])
        } else {
            dir = "."
            name = path
        }
        if isDelete {
            deleted[dir, default: [:]][name, default: 0] += 1
        } else {
            written[dir, default: [:]][name, default: 0] += 1
        }
    }

    public var isEmpty: Bool { programs.isEmpty && endpoints.isEmpty && written.isEmpty && deleted.isEmpty }

    public var json: JSONValue {
        func counts(_ d: [String: Int]) -> JSONValue {
            .object(d.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })
        }
        func grouped(_ d: [String: [String: Int]]) -> JSONValue {
            .object(d.sorted { $0.key < $1.key }.map { ($0.key, counts($0.value)) })
        }
        return .object([
            ("programs", counts(programs)), ("endpoints", counts(endpoints)), ("filesWritten", grouped(written)),
            ("filesDeleted", grouped(deleted)), ("denials", .number(Double(denials))),
            ("tamper", .number(Double(tamper))),
        ])
    }

    /// For `--summary` on stderr.
    public var text: String {
        var s = "cordon: run summary\n"
        s += "  programs executed:\n"
        for (p, c) in programs.sorted(by: { $0.key < $1.key }) { s += "    \(c)x \(p)\n" }
        if !endpoints.isEmpty {
            s += "  endpoints contacted:\n"
            for (e, c) in endpoints.sorted(by: { $0.key < $1.key }) { s += "    \(c)x \(e)\n" }
        }
        for (title, d) in [("files written", written), ("files deleted", deleted)] where !d.isEmpty {
            s += "  \(title):\n"
            for (dir, files) in d.sorted(by: { $0.key < $1.key }) {
                s +=
                    "    \(dir)/ (\(files.values.reduce(0, +))): "
                    + files.keys.sorted().prefix(8).joined(separator: ", ")
                s += files.count > 8 ? ", ...\n" : "\n"
            }
        }
        s += "  denials: \(denials), tamper events: \(tamper)\n"
        return s
    }
}
