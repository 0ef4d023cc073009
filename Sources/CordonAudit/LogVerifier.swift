// `cordon log verify`: walks the chain through a set of gate.log files and names the first line
// that does not follow, and why (edited, dropped, inserted, reordered, truncated, malformed).
#if canImport(Glibc)
    import Glibc
#endif

public struct VerifyReport: Sendable, Equatable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        /// 1-based line within `file`.
        public var line: Int
        public var reason: String
        public var description: String { "\(file):\(line): \(reason)" }
    }
    public var files: [String]
    public var lines: Int
    /// The first bad line; nil when the chain holds.
    public var problem: Problem?
    /// Things a reader should know that are not failures (a chain continuing from a rotated-away file).
    public var notes: [String]
    public var ok: Bool { problem == nil }
}

public enum LogVerifier {
    struct Line {
        var file: String
        var number: Int
        var body: ArraySlice<UInt8>
        var chain: String?
        var complete: Bool
    }

    /// Verifies `files` as one chain, in the order given (use `LogDirectory.orderAsSet`).
    public static func verify(files: [String]) throws(AuditError) -> VerifyReport {
        var lines: [Line] = []
        for f in files {
            let bytes = try FileIO.readFile(f)
            var start = 0
            var n = 0
            while start < bytes.count {
                n += 1
                let nl = bytes[start...].firstIndex(of: 0x0a)
                let end = nl ?? bytes.count
                let raw = bytes[start..<end]
                let (body, chain) = split(raw)
                lines.append(Line(file: f, number: n, body: body, chain: chain, complete: nl != nil))
                start = end + 1
            }
        }
        var report = VerifyReport(files: files, lines: lines.count, problem: nil, notes: [])
        var prev = Chain.genesis
        for i in lines.indices {
            let l = lines[i]
            func fail(_ reason: String) -> VerifyReport {
                report.problem = .init(file: l.file, line: l.number, reason: reason)
                return report
            }
            if !l.complete { return fail("truncated: the last line has no newline (cut short or a torn write)") }
            if l.body.isEmpty && l.chain == nil { return fail("empty line (inserted by hand?)") }
            guard let chain = l.chain else {
                return fail("no chain value at the end of the line (truncated, garbage or edited)")
            }
            if Chain.next(previous: prev, body: Array(l.body)) != chain {
                if i == 0 && continuesEarlierFile(l.file) {
                    report.notes.append(
                        "\(l.file):1 continues the chain of a file that is not in the set (rotated away?); that line is taken as given"
                    )
                } else {
                    return fail(diagnose(i, lines))
                }
            }
            prev = chain
        }
        return report
    }

    /// Splits `... chain=HEX16` into the hashed body and the value; no value when the line does
    /// not end that way.
    static func split(_ raw: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, String?) {
        let marker = Array(" chain=".utf8)
        let total = marker.count + Chain.length
        guard raw.count >= total else { return (raw, nil) }
        let m = raw.endIndex - total
        guard Array(raw[m..<(m + marker.count)]) == marker,
            raw[(m + marker.count)...].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return (raw, nil) }
        return (raw[raw.startIndex..<m], String(decoding: raw[(m + marker.count)...], as: UTF8.self))
    }

    /// A rotated file (`gate.log.N`), or a file whose `.1` sibling exists but was not given:
    /// its first line legitimately follows a line we do not have.
    static func continuesEarlierFile(_ f: String) -> Bool {
        if let dot = f.lastIndex(of: "."), Int(f[f.index(after: dot)...]) != nil { return true }
        return FileIO.exists(f + ".1")
    }

    /// Why line `i` (the first that fails) does not follow line `i-1`. Lines before `i` verified.
    static func diagnose(_ i: Int, _ lines: [Line]) -> String {
        let l = lines[i]
        let body = Array(l.body)
        func follows(_ prevChain: String, _ bodyBytes: [UInt8], _ chain: String?) -> Bool {
            guard let chain else { return false }
            return Chain.next(previous: prevChain, body: bodyBytes) == chain
        }
        func name(_ k: Int) -> String {
            lines[k].file == l.file ? "line \(lines[k].number)" : "\(lines[k].file):\(lines[k].number)"
        }
        // Which line (if any) is this line's real predecessor?
        for k in lines.indices where k != i - 1 && k != i {
            guard let ck = lines[k].chain, follows(ck, body, l.chain) else { continue }
            if k > i {
                return "out of order: this line follows \(name(k)) in the chain (lines reordered)"
            }
            let between = k + 1 == i - 1 ? name(k + 1) : "\(name(k + 1))-\(lines[i - 1].number)"
            return "does not follow the line before it but \(name(k)): \(between) inserted, or this line moved"
        }
        if i > 0 && follows(Chain.genesis, body, l.chain) {
            return "starts a new chain: lines were inserted before it, or the log was replaced"
        }
        if i + 1 < lines.count {
            let next = lines[i + 1]
            if i > 0, let cp = lines[i - 1].chain, follows(cp, Array(next.body), next.chain) {
                return "inserted: the next line follows \(name(i - 1)) directly"
            }
            if let c = l.chain, follows(c, Array(next.body), next.chain) {
                return "chain mismatch: this line was edited, or the line before it was dropped"
            }
        }
        if i + 1 == lines.count {
            return "chain mismatch: this last line was edited or inserted, or a line before it was dropped"
        }
        return "chain mismatch: this line was edited or inserted (it follows no line in the set)"
    }
}
