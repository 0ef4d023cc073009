// Results by content: `.cordon/scan-cache.jsonl`, one line per scanned content (its SHA-256,
// its kind and the scanner's rules version) with the findings, so scanning an unchanged
// 10,000-file tree before every `cordon run` costs reading and hashing, not analysing.
// A damaged cache line is ignored (the file is scanned again), never trusted half-way. Each
// line also keeps what the file registers and defines as tools (ToolRegistrations), which the
// project pass needs whether or not the file is analysed again; a file analysed with other
// files' registrations is kept under its content key and those names.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

struct ScanCache {
    /// Bumped whenever a rule changes what it reports: old entries then miss.
    static let version = "scan-10"
    let path: String
    struct Entry: Sendable {
        var findings: [Finding]
        var tools: ToolFacts
    }
    var entries: [String: Entry] = [:]
    var added: [String: Entry] = [:]

    init(directory: String) {
        path = directory + "/scan-cache.jsonl"
        guard let bytes = try? FileIO.readFile(path, limit: 256 << 20) else { return }
        for line in bytes.split(separator: 0x0A) {
            guard let v = try? JSONValue.parse(ArraySlice(line)), let k = v["k"]?.stringValue,
                let list = v["f"]?.arrayValue
            else { continue }
            let findings = list.compactMap(Self.finding)
            guard findings.count == list.count else { continue }
            let names = { (key: String) in Set((v[key]?.arrayValue ?? []).compactMap(\.stringValue)) }
            entries[k] = Entry(findings: findings, tools: ToolFacts(registers: names("g"), defines: names("d")))
        }
    }

    static func key(_ bytes: [UInt8], _ kind: FileKind) -> String {
        SHA256.hex(bytes) + ":" + kind.rawValue + ":" + version
    }

    /// The key of a file analysed with other files' registrations (`project`).
    static func key(_ content: String, _ project: ProjectTools) -> String { content + "|" + project.key }

    mutating func store(_ key: String, _ findings: [Finding], _ tools: ToolFacts) {
        if entries[key] == nil { added[key] = Entry(findings: findings, tools: tools) }
    }

    /// Appends new entries (whole lines, one write: concurrent scans may both append; a
    /// duplicate key is harmless).
    func save() {
        guard !added.isEmpty else { return }
        var out: [UInt8] = []
        for (k, e) in added {
            let v: JSONValue = [
                "k": .string(k), "f": .array(e.findings.map(Self.json)),
                "g": .array(e.tools.registers.sorted().map { .string($0) }),
                "d": .array(e.tools.defines.sorted().map { .string($0) }),
            ]
            v.serialize(into: &out)
            out.append(0x0A)
        }
        let dir = String(path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
        if !dir.isEmpty { mkdir(dir, 0o700) }
        let fd = FileIO.open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = out.withUnsafeBytes { FileIO.writeAll(fd, $0) }
    }

    static func json(_ f: Finding) -> JSONValue {
        [
            "r": .string(f.rule), "s": .string(f.severity.name), "l": .number(Double(f.line)),
            "c": .number(Double(f.column)), "n": .number(Double(f.length)), "m": .string(f.message),
            "t": .string(f.snippet), "x": f.suppressed.map { .string($0) } ?? .null,
        ]
    }

    static func finding(_ v: JSONValue) -> Finding? {
        guard let r = v["r"]?.stringValue, let s = v["s"]?.stringValue.flatMap(Severity.init(name:)),
            let l = v["l"]?.intValue, let c = v["c"]?.intValue, let n = v["n"]?.intValue, let m = v["m"]?.stringValue,
            let t = v["t"]?.stringValue
        else { return nil }
        var f = Finding(rule: r, severity: s, line: l, column: c, length: n, message: m, snippet: t)
        f.suppressed = v["x"]?.stringValue
        return f
    }
}
