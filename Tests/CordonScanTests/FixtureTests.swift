// Every fixture scans to exactly the findings its `expect:` marks name, at those lines: a
// vulnerable sample that goes unreported fails, and so does a near miss that is flagged.
import CordonScan
import Testing

@Suite("fixtures: real agent code, vulnerable and near-miss")
struct FixtureTests {
    static let all = Fixtures.files()

    @Test("each fixture yields exactly its marked findings", arguments: all)
    func fixture(_ rel: String) throws {
        let report = try Fixtures.scan(rel)
        #expect(report.skipped == nil, "\(rel) was skipped: \(report.skipped ?? "")")
        let got = Set(report.findings.filter(\.counts).map { "\($0.line) \($0.rule)" })
        let want = try Fixtures.expected(rel)
        let missing = want.subtracting(got).sorted()
        let extra = report.findings.filter { $0.counts && !want.contains("\($0.line) \($0.rule)") }
            .map { "\($0.line) \($0.rule): \($0.message)" }
        #expect(missing.isEmpty, "\(rel): expected but not found: \(missing)")
        #expect(extra.isEmpty, "\(rel): found but not expected: \(extra)")
    }

    @Test("the fixtures cover every rule with a vulnerable sample")
    func coverage() throws {
        var seen: Set<String> = []
        for f in Self.all { for e in try Fixtures.expected(f) { seen.insert(String(e.split(separator: " ")[1])) } }
        let missing = RuleCatalog.all.map(\.id).filter { !seen.contains($0) }
        #expect(missing.isEmpty, "rules with no vulnerable fixture: \(missing)")
    }

    @Test("every rule has a near-miss fixture that stays clean")
    func nearMisses() throws {
        let clean = try Self.all.filter { try Fixtures.expected($0).isEmpty }
        #expect(clean.count >= 8, "near-miss fixtures: \(clean)")
    }
}
