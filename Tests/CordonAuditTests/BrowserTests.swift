// The report in a real browser. Skipped (saying why) where Chromium is not installed; on the
// project machine and in CI it is (`apt-get install chromium`).
import CordonBase
import CordonTestSupport
import Glibc
import Testing

@testable import CordonAudit

let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
    access($0, X_OK) == 0
}

@Suite(
    "the report in headless Chromium", .enabled(if: chromium != nil, "chromium is not installed"),
    .timeLimit(.minutes(10)))
struct BrowserTests {
    @Test("Chromium parses every timeline marker and renders a full page")
    func renders() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let rec = try recordSampleRun(dir)
        let html = dir + "/report.html"
        let r = cordon(["report", rec.tracePath, "--output", html])
        try #require(r.status == 0, "\(r.stderr)")
        let browser = try #require(chromium)
        let base = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(dir)/profile"]
        // The DOM as the browser built it: a malformed SVG or an unclosed tag would change it.
        let dom = runProcess(base + ["--dump-dom", "file://\(html)"])
        #expect(dom.status == 0)
        let source = readText(html)
        func count(_ s: String, _ needle: String) -> Int {
            s.split(separator: needle, omittingEmptySubsequences: false).count - 1
        }
        #expect(count(dom.stdout, "<circle") == 2, "one circle per decision")
        #expect(count(dom.stdout, "<circle") == count(source, "<circle"))
        #expect(count(dom.stdout, "<article class=\"item\"") == 1, "the blocked item")
        #expect(dom.stdout.contains("</svg>"))
        // And a screenshot, as scripts/report-screenshot.sh takes it: a PNG of the asked width.
        let png = dir + "/report.png"
        let shot = runProcess(
            base + ["--hide-scrollbars", "--window-size=1280,1600", "--screenshot=\(png)", "file://\(html)"])
        #expect(shot.status == 0)
        let bytes = try FileIO.readFile(png)
        try #require(bytes.count > 24)
        #expect(Array(bytes[1..<4]) == Array("PNG".utf8))
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1280)
        #expect(bytes.count > 20_000, "a rendered page, not a blank one")
    }
}
