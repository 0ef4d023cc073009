import Glibc
import Testing

@testable import CordonAudit

/// A log of `n` good lines, returned as lines (without newlines) for tampering.
func writeGoodLog(_ dir: String, lines n: Int = 10) throws -> [[UInt8]] {
    let w = try GateLogWriter(directory: LogDirectory(path: dir))
    for i in 1...n { try w.append(sampleRecord(i)) }
    return Array(readText(dir + "/gate.log").utf8).split(separator: 0x0a).map(Array.init)
}

func saveLines(_ path: String, _ lines: [[UInt8]], finalNewline: Bool = true) {
    var out: [UInt8] = []
    for (i, l) in lines.enumerated() {
        out += l
        if i < lines.count - 1 || finalNewline { out.append(0x0a) }
    }
    writeBytes(path, out)
}

@Suite("gate.log verify names the first bad line", .timeLimit(.minutes(10)))
struct TamperTests {
    func verify(_ dir: String) throws -> VerifyReport { try LogVerifier.verify(files: [dir + "/gate.log"]) }

    @Test("an untouched log verifies")
    func clean() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        _ = try writeGoodLog(dir)
        let r = try verify(dir)
        #expect(r.ok && r.lines == 10 && r.notes.isEmpty)
    }

    @Test("an edited line is named as edited")
    func edit() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        var lines = try writeGoodLog(dir)
        let text = String(decoding: lines[3], as: UTF8.self).replacingFirst("decision=allow", "decision=block")
        lines[3] = Array(text.utf8)
        saveLines(dir + "/gate.log", lines)
        let p = try #require(try verify(dir).problem)
        #expect(p.line == 4)
        #expect(p.reason.contains("edited"))
    }

    @Test("a dropped line is named: the line after the gap")
    func drop() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        var lines = try writeGoodLog(dir)
        lines.remove(at: 4)
        saveLines(dir + "/gate.log", lines)
        let p = try #require(try verify(dir).problem)
        #expect(p.line == 5)
        #expect(p.reason.contains("dropped"))
    }

    @Test("an inserted copy of another line is named as inserted")
    func insert() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        var lines = try writeGoodLog(dir)
        lines.insert(lines[7], at: 2)
        saveLines(dir + "/gate.log", lines)
        let p = try #require(try verify(dir).problem)
        #expect(p.line == 3)
        #expect(p.reason.contains("out of order") || p.reason.contains("inserted"))
    }

    @Test("a forged line with a correct chain is found at the next line, which no longer follows")
    func forgedInsert() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        var lines = try writeGoodLog(dir)
        let prev = try LogRecord.parse(lines[2][...]).chain
        var forged = sampleRecord(77, decision: "allow").body()
        forged += Array(" chain=\(Chain.next(previous: prev, body: forged))".utf8)
        lines.insert(forged, at: 3)
        saveLines(dir + "/gate.log", lines)
        let p = try #require(try verify(dir).problem)
        #expect(p.line == 5)
        #expect(p.reason.contains("line 4 inserted"))
    }

    @Test("swapped lines are named as reordered")
    func reorder() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        var lines = try writeGoodLog(dir)
        lines.swapAt(5, 6)
        saveLines(dir + "/gate.log", lines)
        let p = try #require(try verify(dir).problem)
        #expect(p.line == 6)
        #expect(p.reason.contains("out of order"))
        #expect(p.reason.contains("line 7"))
    }

    @Test("a file cut in the middle of a line is named as truncated")
    func truncate() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        var lines = try writeGoodLog(dir)
        lines[9] = Array(lines[9].prefix(40))
        saveLines(dir + "/gate.log", lines, finalNewline: false)
        let p = try #require(try verify(dir).problem)
        #expect(p.line == 10)
        #expect(p.reason.contains("truncated"))
    }

    @Test("a line cut short in the middle of the file has no chain value")
    func shortenedLine() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        var lines = try writeGoodLog(dir)
        lines[1] = Array(lines[1].dropLast(5))
        saveLines(dir + "/gate.log", lines)
        let p = try #require(try verify(dir).problem)
        #expect(p.line == 2)
        #expect(p.reason.contains("no chain value"))
    }

    @Test("binary garbage is named at its line, not a crash")
    func garbage() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        var lines = try writeGoodLog(dir, lines: 3)
        lines.insert((0..<200).map { UInt8(($0 * 37) % 256) }.filter { $0 != 0x0a }, at: 1)
        saveLines(dir + "/gate.log", lines)
        let p = try #require(try verify(dir).problem)
        #expect(p.line == 2)
        #expect(p.description.hasPrefix(dir + "/gate.log:2: "))
    }

    @Test("a rewritten first line of an unrotated log fails")
    func firstLine() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        var lines = try writeGoodLog(dir)
        lines[0] = Array(String(decoding: lines[0], as: UTF8.self).replacingFirst("score=5", "score=6").utf8)
        saveLines(dir + "/gate.log", lines)
        let p = try #require(try verify(dir).problem)
        #expect(p.line == 1)
    }

    @Test("a missing file is a read error naming it")
    func missing() throws {
        let e = try #require(throws: AuditError.self) { try LogVerifier.verify(files: ["/nonexistent/gate.log"]) }
        #expect(e.message == "open /nonexistent/gate.log: No such file or directory")
    }
}

extension String {
    func replacingFirst(_ a: String, _ b: String) -> String {
        guard let r = firstRange(of: a) else { return self }
        return self[..<r.lowerBound] + b + self[r.upperBound...]
    }
}
