// docs/gate.md carries the score table; it must say what the code does.
import CordonTestSupport
import Testing

@testable import CordonGate

@Suite("docs", .timeLimit(.minutes(10)))
struct DocsTests {
    @Test("every signal's detector and score appear in docs/gate.md, and nothing else does")
    func scoreTable() throws {
        let doc = try #require(readText(Repository.path("docs/gate.md")), "docs/gate.md is missing")
        for s in Signal.allCases {
            #expect(
                doc.contains("| `\(s.rawValue)` | \(s.detector) | \(s.score) |"),
                "docs/gate.md row for \(s.rawValue)")
        }
        let rows = doc.split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.count == Signal.allCases.count)
    }
}
