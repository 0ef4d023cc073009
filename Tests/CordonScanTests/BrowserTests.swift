// The scan's HTML report in a real browser, as the run report is checked (CordonAuditTests'
// BrowserTests). Skipped, saying why, where Chromium is not installed.
import CordonBase
import CordonTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

let scanChromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
    access($0, X_OK) == 0
}

@Suite(
    "the scan report in headless Chromium", .enabled(if: scanChromium != nil, "chromium is not installed"),
    .timeLimit(.minutes(10)))
struct ScanBrowserTests {
    @Test("Chromium builds the page the report wrote: every finding, the filters, the file table")
    func renders() throws {
        let s = Scratch()
        try s.copy("python/secrets_vulnerable.py", as: "a.py")
        try s.copy("python/interpreters_vulnerable.py", as: "b.py")
        try s.copy("python/argument_injection_vulnerable.py", as: "c.py")
        let r = scan([".", "--output", "report.html"], in: s.path)
        #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
        let browser = try #require(scanChromium)
        let base = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(s.path)/profile"]
        // The DOM as the browser built it: an unclosed or misnested tag would change the counts.
        let dom = TestProcess.run(base + ["--dump-dom", "file://\(s.path)/report.html"])
        #expect(dom.status == 0, "\(dom.stderr)")
        let source = s.read("report.html")
        func count(_ text: String, _ needle: String) -> Int {
            text.split(separator: needle, omittingEmptySubsequences: false).count - 1
        }
        let findings = count(source, "<div class=\"f ")
        #expect(findings >= 10, "the fixtures' findings are in the page")
        #expect(count(dom.stdout, "<div class=\"f ") == findings)
        #expect(count(dom.stdout, "<tr>") == count(source, "<tr>"))
        #expect(count(dom.stdout, "class=\"flt\"") == count(source, "class=\"flt\""))
        #expect(dom.stdout.contains("argument-injection"))
        #expect(!dom.stdout.contains("<script"))
    }
}
