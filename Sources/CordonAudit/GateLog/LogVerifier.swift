// `cordon log verify`: walks the chain through a set of gate.log files and names the first line
// that does not follow, and why (edited, dropped, inserted, reordered, truncated, malformed).
import CordonBase

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
    /// What is kept of every line: enough to find a line's real predecessor when one fails,
    /// without holding whole files (a rotated set can be several hundred MiB).
    struct Line {
        var file: String
        var number: Int
        var chain: String?
    }

    /// A failing line, its body, and the line after it (which tells "edited" from "inserted").
    struct Failure {
        var index: Int
        var body: [UInt8]
        var next: (body: [UInt8], chain: String?)?
    }

    /// Verifies `files` as one chain, in the order given (use `LogDirectory.orderAsSet`). Reads
    /// one file at a time.
    public static func verify(files: [String]) throws(AuditError) -> VerifyReport {
        var lines: [Line] = []
        var report = VerifyReport(files: files, lines: 0, problem: nil, notes: [])
        var prev = Chain.genesis
        var failure: Failure?
        for f in files {
            let bytes = try AuditError.readFile(f)
            var start = 0
            var n = 0
            while start < bytes.count {
                n += 1
                let nl = bytes[start...].firstIndex(of: 0x0a)
                let end = nl ?? bytes.count
                let (body, chain) = split(bytes[start..<end])
                start = end + 1
                let i = lines.count
                lines.append(Line(file: f, number: n, chain: chain))
                if let fl = failure {
                    // Past the first bad line: only collect chains (and the next line's body).
                    if fl.next == nil { failure?.next = (Array(body), chain) }
                    continue
                }
                func fail(_ reason: String) -> VerifyReport {
                    report.lines = lines.count
                    report.problem = .init(file: f, line: n, reason: reason)
                    return report
                }
                if nl == nil { return fail("truncated: the last line has no newline (cut short or a torn write)") }
                if body.isEmpty && chain == nil { return fail("empty line (inserted by hand?)") }
                guard let chain else {
                    return fail("no chain value at the end of the line (truncated, garbage or edited)")
                }
                if Chain.next(previous: prev, body: Array(body)) != chain {
                    if i == 0 && continuesEarlierFile(f) {
                        report.notes.append(
                            "\(f):1 continues the chain of a file that is not in the set (rotated away?); that line is taken as given"
                        )
                    } else {
                        failure = Failure(index: i, body: Array(body))
                    }
                }
                prev = chain
            }
        }
        report.lines = lines.count
        if let fl = failure {
            let l = lines[fl.index]
            report.problem = .init(file: l.file, line: l.number, reason: diagnose(fl, lines))
        }
        if report.problem == nil, let current = files.last(where: { $0.hasSuffix("gate.log") }),
            let (path, anchor) = LogAnchor.beside(current)
        {
            report.problem = checkAnchor(anchor, path: path, file: current, lines: lines.filter { $0.file == current })
        }
        return report
    }

    /// The chain holds; does the current gate.log still end where cordon last wrote it?
    static func checkAnchor(_ anchor: LogAnchor?, path: String, file: String, lines: [Line]) -> VerifyReport.Problem? {
        guard let a = anchor else {
            return .init(file: path, line: 0, reason: "the anchor is unreadable (damaged or replaced outside cordon)")
        }
        if let first = a.broken.first {
            let more = a.broken.count > 1 ? " (and \(a.broken.count - 1) more)" : ""
            return .init(
                file: file, line: a.lines, reason: "changed outside cordon, as its writer found: \(first)\(more)")
        }
        let have = lines.count
        let found = have == 0 ? "the file is empty" : "the file has \(have) lines"
        if have < a.lines {
            let how = have == 0 ? "emptied" : "truncated"
            return .init(
                file: file, line: have,
                reason:
                    "\(how): the anchor records \(a.lines) lines ending in chain \(a.chain); \(found) (last lines dropped)"
            )
        }
        if a.lines > 0, lines[a.lines - 1].chain != a.chain {
            return .init(
                file: file, line: a.lines,
                reason:
                    "rewritten: line \(a.lines) ends in chain \(lines[a.lines - 1].chain ?? "-"), the anchor records \(a.chain) (the log was rewritten with a recomputed chain)"
            )
        }
        if have > a.lines {
            return .init(
                file: file, line: a.lines + 1,
                reason:
                    "lines \(a.lines + 1)-\(have) were not written by cordon's writer (the anchor ends at line \(a.lines)): appended by hand?"
            )
        }
        return nil
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
    static func diagnose(_ f: Failure, _ lines: [Line]) -> String {
        let i = f.index
        let l = lines[i]
        func follows(_ prevChain: String, _ bodyBytes: [UInt8], _ chain: String?) -> Bool {
            guard let chain else { return false }
            return Chain.next(previous: prevChain, body: bodyBytes) == chain
        }
        func name(_ k: Int) -> String {
            lines[k].file == l.file ? "line \(lines[k].number)" : "\(lines[k].file):\(lines[k].number)"
        }
        // Which line (if any) is this line's real predecessor?
        for k in lines.indices where k != i - 1 && k != i {
            guard let ck = lines[k].chain, follows(ck, f.body, l.chain) else { continue }
            if k > i {
                return "out of order: this line follows \(name(k)) in the chain (lines reordered)"
            }
            let between = k + 1 == i - 1 ? name(k + 1) : "\(name(k + 1))-\(lines[i - 1].number)"
            return "does not follow the line before it but \(name(k)): \(between) inserted, or this line moved"
        }
        if i > 0 && follows(Chain.genesis, f.body, l.chain) {
            return "starts a new chain: lines were inserted before it, or the log was replaced"
        }
        if let next = f.next {
            if i > 0, let cp = lines[i - 1].chain, follows(cp, next.body, next.chain) {
                return "inserted: the next line follows \(name(i - 1)) directly"
            }
            if let c = l.chain, follows(c, next.body, next.chain) {
                return "chain mismatch: this line was edited, or the line before it was dropped"
            }
            return "chain mismatch: this line was edited or inserted (it follows no line in the set)"
        }
        return "chain mismatch: this last line was edited or inserted, or a line before it was dropped"
    }
}
