// The tokenisers tell code from strings and comments: what they get wrong, every rule gets
// wrong after them.
import CordonBase
import CordonScan
import CordonTestSupport
import Testing

@Suite("tokenisers")
struct TokeniserTests {
    func kinds(_ l: Lexed) -> [String] { l.tokens.filter { $0.kind != .newline }.map { "\($0.kind):\($0.text)" } }

    @Test("Python: prefixes, triple quotes and escapes end strings where Python does")
    func pythonStrings() {
        let l = PythonLexer.lex(Array(#"a = rb'x\'y' + """q "" 'r' # not a comment""" # real"#.utf8))
        #expect(kinds(l) == ["name:a", "op:=", #"string:x\'y"#, "op:+", #"string:q "" 'r' # not a comment"#])
        #expect(l.comments.map(\.text) == [" real"])
    }

    @Test("Python: f-string interpolations are code, {{ }} and format specs are not")
    func fstrings() throws {
        let l = PythonLexer.lex(Array(#"f"{{literal}} {cmd!r} {width:>{n}} {obj.attr}""#.utf8))
        let s = try #require(l.tokens.first)
        #expect(s.formatted)
        #expect(s.parts.map { $0.map(\.text) } == [["cmd"], ["width"], ["obj", ".", "attr"]])
    }

    @Test("Python: logical lines continue inside brackets and after a backslash")
    func logicalLines() {
        let l = PythonLexer.lex(Array("x = f(1,\n  2)\ny = 1 + \\\n 2\n".utf8))
        #expect(l.tokens.filter { $0.kind == .newline }.count == 2)
        #expect(l.tokens.last(where: { $0.text == "2" })?.line == 4)
    }

    @Test("Python: an unterminated string ends at its line, the next line is code again")
    func unterminated() {
        let l = PythonLexer.lex(Array("s = 'oops\nos.system(x)\n".utf8))
        #expect(l.tokens.contains { $0.kind == .name && $0.text == "system" && $0.line == 2 })
    }

    @Test("JavaScript: nested template literals, regex literals and comments")
    func javascript() throws {
        let src = "const a = `x ${b ? `in ${c}` : d} y`; // exec(x)\nconst r = /ex\\/ec(/g; /* eval(z) */ q = a / b / c"
        let l = JSLexer.lex(Array(src.utf8))
        let t = try #require(l.tokens.first { $0.kind == .string })
        #expect(t.formatted && t.parts.count == 1)
        #expect(t.parts[0].contains { $0.kind == .string && $0.parts.first?.first?.text == "c" })
        #expect(l.comments.map(\.text) == [" exec(x)", " eval(z) "])
        #expect(l.tokens.contains { $0.kind == .string && $0.text == "/ex\\/ec(/g" })
        #expect(l.tokens.filter { $0.isOp("/") }.count == 2)
        #expect(!l.tokens.contains { $0.kind == .name && ($0.text == "exec" || $0.text == "eval") })
    }

    @Test("columns and lines point at the first byte of a token")
    func positions() throws {
        let l = PythonLexer.lex(Array("import os\n\n    os.system(cmd)\n".utf8))
        let t = try #require(l.tokens.first { $0.text == "system" })
        #expect(t.line == 3 && t.column == 8)
    }
}

@Suite("scores and rules")
struct ScoreTests {
    @Test("a file loses 40/20/8/2 per CRITICAL/HIGH/MEDIUM/LOW, never below 0; the project is its worst file")
    func scores() {
        func f(_ s: Severity) -> Finding { Finding(rule: "x", severity: s, file: "a", line: 1, column: 1, message: "") }
        let a = FileReport(path: "a", language: .python, bytes: 1, findings: [f(.high), f(.medium), f(.low)])
        #expect(a.score == 70)
        var sup = f(.critical)
        sup.suppressed = "reviewed"
        let b = FileReport(path: "b", language: .python, bytes: 1, findings: [sup])
        #expect(b.score == 100)
        let c = FileReport(
            path: "c", language: .python, bytes: 1, findings: [f(.critical), f(.critical), f(.critical)])
        #expect(c.score == 0)
        let skipped = FileReport(path: "d", language: .python, bytes: 1, findings: [], skipped: "binary file")
        let report = ScanReport(root: ".", files: [a, b, skipped])
        #expect(report.score == 70)
        #expect(report.meanScore == 85)
        #expect(Verdict.of(report, ScanThresholds(minScore: 75)).passed == false)
        #expect(Verdict.of(report, ScanThresholds(minScore: 70, failOn: [.critical])).passed)
        #expect(Verdict.of(report, ScanThresholds(failOn: [.high])).reasons == ["a:1: HIGH x"])
    }

    @Test("every rule is documented in docs/scan.md with its severity and CWE")
    func documented() throws {
        let doc = String(decoding: try FileIO.readFile(Repository.path("docs/scan.md")), as: UTF8.self)
        for r in RuleCatalog.all {
            #expect(doc.contains("| `\(r.id)` | \(r.severity.name) | [\(r.cweID)]"), "docs/scan.md lacks \(r.id)")
        }
    }
}
