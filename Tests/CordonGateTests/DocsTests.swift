// docs/gate.md carries the score table; it must say what the code does.
import Testing

@testable import CordonGate

@Suite("docs")
struct DocsTests {
  @Test("every signal's detector and score appear in docs/gate.md, and nothing else does")
  func scoreTable() throws {
    let doc = try #require(readText("docs/gate.md"), "run from the package root")
    for s in Signal.allCases {
      #expect(
        doc.contains("| `\(s.rawValue)` | \(s.detector) | \(s.score) |"),
        "docs/gate.md row for \(s.rawValue)")
    }
    let rows = doc.split(separator: "\n").filter { $0.hasPrefix("| `") }
    #expect(rows.count == Signal.allCases.count)
  }
}
