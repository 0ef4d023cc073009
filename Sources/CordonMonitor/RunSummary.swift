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
    /// Occurrences not itemised because a table was full (see `maxEntries`).
    public internal(set) var omitted = 0

    /// Distinct programs, endpoints, directories, and files per directory, itemised: a run that
    /// execs or writes ever new names must not grow cordon's memory or its run_end event
    /// without bound (security issue E.13). Past it, occurrences are only counted in `omitted`.
    static let maxEntries = 128
    /// Files itemised per directory.
    static let maxFilesPerDirectory = 32

    /// `table[key] += 1`, unless the key is new and the table (of `limit` keys) full.
    static func count(_ table: inout [String: Int], _ key: String, limit: Int = maxEntries, omitted: inout Int) {
        if table[key] == nil && table.count >= limit {
            omitted += 1
            return
        }
        table[key, default: 0] += 1
    }

    static func count(_ table: inout [String: [String: Int]], _ dir: String, _ name: String, omitted: inout Int) {
        if table[dir] == nil && table.count >= maxEntries {
            omitted += 1
            return
        }
        count(&table[dir, default: [:]], name, limit: maxFilesPerDirectory, omitted: &omitted)
    }

    mutating func exec(_ path: String, denied: Bool) {
        Self.count(&programs, path, omitted: &omitted)
        if denied { denials += 1 }
    }

    mutating func endpoint(_ ep: String, denied: Bool) {
        Self.count(&endpoints, ep, omitted: &omitted)
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
            Self.count(&deleted, dir, name, omitted: &omitted)
        } else {
            Self.count(&written, dir, name, omitted: &omitted)
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
            ("tamper", .number(Double(tamper))), ("omitted", .number(Double(omitted))),
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
        if omitted > 0 { s += "  (\(omitted) more occurrences counted but not itemised)\n" }
        return s
    }
}
