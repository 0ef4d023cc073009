// The built `cordon scan`: exit codes, the JSON contract, masking in every format, baselines,
// suppressions, skipped files, the cache, and SARIF checked against the SARIF 2.1.0 schema.
import CordonBase
import CordonScan
import CordonTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A scratch directory with files copied from the fixtures (or written), removed afterwards.
final class Scratch {
    let path: String
    init() {
        var t = Array("/tmp/cordon-scan-test-XXXXXX".utf8CString)
        path = mkdtemp(&t).map { String(cString: $0) } ?? "/tmp/cordon-scan-test"
    }
    deinit { _ = TestProcess.run(["/bin/rm", "-rf", path]) }

    func write(_ rel: String, _ text: String) {
        write(rel, Array(text.utf8))
    }
    func write(_ rel: String, _ bytes: [UInt8]) {
        let full = path + "/" + rel
        let dir = String(full.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
        _ = TestProcess.run(["/bin/mkdir", "-p", dir])
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = bytes.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        close(fd)
    }
    func copy(_ fixture: String, as rel: String? = nil) throws {
        write(rel ?? fixture, try Fixtures.bytes(fixture))
    }
    func read(_ rel: String) -> String {
        (try? FileIO.readFile(path + "/" + rel)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

func scan(_ args: [String], in dir: String) -> ProcessResult {
    TestProcess.run([TestProcess.cordon, "scan"] + args, cwd: dir)
}

@Suite("cordon scan, end to end")
struct CommandTests {
    @Test("near misses pass --min-score 75 --fail-on CRITICAL,HIGH; vulnerable code fails it (exit 0 / 1)")
    func exitCodes() throws {
        let s = Scratch()
        try s.copy("python/shell_agent_safe.py", as: "agent/tools.py")
        try s.copy("js/agent_safe.ts", as: "agent/web.ts")
        try s.copy("config/good/docker-compose.yml", as: "docker-compose.yml")
        let ok = scan([".", "-r", "--min-score", "75", "--fail-on", "CRITICAL,HIGH"], in: s.path)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("PASS"))
        try s.copy("python/shell_agent_vulnerable.py", as: "agent/runner.py")
        let bad = scan([".", "-r", "--min-score", "75"], in: s.path)
        #expect(bad.status == 1, "\(bad.stdout)")
        #expect(bad.stdout.contains("agent/runner.py:19:11: CRITICAL shell-injection"))
        #expect(bad.stdout.contains("agent/runner.py: trust score 0 is below 75"))
        // Without --recursive a directory's subdirectories are not read.
        let flat = scan([".", "--min-score", "75"], in: s.path)
        #expect(flat.status == 0, "\(flat.stdout)")
    }

    @Test("usage errors exit 64, unreadable paths and baselines 65, each with a hint")
    func errors() {
        let s = Scratch()
        s.write("a.py", "print('hi')\n")
        s.write("bad.json", "{not json")
        s.write("other.json", "{\"findings\": 3}")
        for (args, code, text) in [
            ([String](), Int32(64), "give at least one PATH"),
            (["a.py", "--min-score", "120"], 64, "--min-score: '120'"),
            (["a.py", "--fail-on", "SEVERE"], 64, "not one of CRITICAL, HIGH, MEDIUM, LOW"),
            (["a.py", "--format", "xml"], 64, "--format: 'xml'"),
            (["a.py", "--output", "report.pdf"], 64, "name it .html, .sarif or .json"),
            (["a.py", "--recursve"], 64, "did you mean --recursive"),
            (["missing.py"], 65, "missing.py: No such file or directory"),
            (["a.py", "--baseline", "nothere.json"], 65, "nothere.json"),
            (["a.py", "--baseline", "bad.json"], 65, "not JSON"),
            (["a.py", "--baseline", "other.json"], 65, "not a cordon scan JSON report"),
        ] {
            let r = scan(args, in: s.path)
            #expect(r.status == code, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(text), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("hint:"), "\(args): \(r.stderr)")
        }
    }

    @Test("JSON carries rule, severity, CWE, file, line, column, snippet, message, fix and scores")
    func json() throws {
        let s = Scratch()
        try s.copy("python/injection_vulnerable.py", as: "app.py")
        try s.copy("python/eval_safe.py", as: "clean.py")
        let r = scan([".", "--json"], in: s.path)
        #expect(r.status == 0)
        let v = try JSONValue.parse(r.stdout)
        let f = try #require(v["findings"]?.arrayValue?.first)
        #expect(f["rule"]?.stringValue == "sql-injection")
        #expect(f["severity"]?.stringValue == "HIGH")
        #expect(f["cwe"]?.stringValue == "CWE-89")
        #expect(f["file"]?.stringValue == "app.py")
        #expect(f["line"]?.intValue == 19)
        #expect(f["column"]?.intValue == 5)
        #expect(f["snippet"]?.stringValue?.contains("cur.execute(f\"SELECT") == true)
        #expect(f["fix"]?.stringValue?.isEmpty == false)
        #expect(f["message"]?.stringValue?.contains("customer") == true)
        #expect(v["score"]?.intValue == 0)
        let files = try #require(v["files"]?.arrayValue)
        #expect(files.map { $0["path"]?.stringValue } == ["app.py", "clean.py"])
        #expect(files.last?["score"]?.intValue == 100)
    }

    @Test("a secret never appears in text, JSON, SARIF or HTML output")
    func masking() throws {
        let s = Scratch()
        try s.copy("python/secrets_vulnerable.py", as: "settings.py")
        try s.copy("config/bad/.env", as: ".env")
        let secrets = [
            "4fT9xQ2mZr8LkP0vWb7NcY3hJd6GsE1aUo5iKt2RqVw8XyZbCd", "Z7Q4RT2WX9L3MN6P", "S3cr3tPassw0rd",
            "Xk9vQ2mW7pL4rT8yN1bZ5cF3hJ6dS0aG2eU4iO7kM9nB1vC3xZ5q",
        ]
        for format in ["text", "json", "sarif", "html"] {
            let r = scan([".", "--format", format], in: s.path)
            #expect(r.stdout.contains("hardcoded-secret"), "\(format)")
            for secret in secrets { #expect(!r.stdout.contains(secret), "\(format) leaks \(secret)") }
        }
        let out = scan([".", "--output", "r.html"], in: s.path)
        #expect(out.status == 0)
        for secret in secrets { #expect(!s.read("r.html").contains(secret)) }
    }

    @Test("a baseline accepts known findings and fails on a new one, naming its file and line")
    func baseline() throws {
        let s = Scratch()
        try s.copy("python/langchain_tools_vulnerable.py", as: "agent/tools.py")
        let first = scan([".", "-r", "--output", "baseline.json"], in: s.path)
        #expect(first.status == 0)
        // Lines added above move every finding: they are still the same findings.
        s.write("agent/tools.py", "# a new header comment\n\n" + s.read("agent/tools.py"))
        let same = scan([".", "-r", "--baseline", "baseline.json", "--fail-on", "CRITICAL"], in: s.path)
        #expect(same.status == 0, "\(same.stdout)")
        #expect(!same.stdout.contains("shell-tool"), "\(same.stdout)")
        try s.copy("python/eval_vulnerable.py", as: "agent/math.py")
        let worse = scan([".", "-r", "--baseline", "baseline.json"], in: s.path)
        #expect(worse.status == 1)
        #expect(worse.stdout.contains("agent/math.py:13: new HIGH eval-injection"), "\(worse.stdout)")
        #expect(!worse.stdout.contains("agent/tools.py:"), "\(worse.stdout)")
    }

    @Test("a suppressed finding is listed with its reason and does not lower the score")
    func suppression() throws {
        let s = Scratch()
        try s.copy("python/suppressed.py", as: "deploy.py")
        let r = scan(["deploy.py", "--json", "--min-score", "100"], in: s.path)
        #expect(r.status == 0, "\(r.stdout)")
        let v = try JSONValue.parse(r.stdout)
        let f = try #require(v["findings"]?[0])
        #expect(f["rule"]?.stringValue == "shell-injection")
        #expect(f["suppressed"]?.stringValue == "target is validated by the CLI's choices")
        #expect(v["score"]?.intValue == 100)
        let text = scan(["deploy.py"], in: s.path)
        #expect(text.stdout.contains("(suppressed: target is validated by the CLI's choices)"))
        // The marker inside a string is not a comment: nothing is suppressed.
        s.write("s.py", "import os\ndef f(x):\n    os.system(x); y = \"# cordon: ignore[shell-injection] no\"\n")
        let str = scan(["s.py", "--json"], in: s.path)
        #expect(try JSONValue.parse(str.stdout)["findings"]?[0]?["suppressed"]?.isNull == true)
    }

    @Test("binary, invalid UTF-8 and unknown files are skipped with a note, never a crash")
    func skipped() throws {
        let s = Scratch()
        s.write("blob.py", [0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2, 3])
        s.write("latin1.js", [0x63, 0x6F, 0x6E, 0x73, 0x74, 0x20, 0x61, 0x3D, 0x27, 0xE9, 0x27, 0x0A])
        s.write("notes.txt", "plain text")
        s.write(".vscode/mcp.json", "{\"servers\": {\"x\": ")
        s.write("ok.py", "print('fine')\n")
        let r = scan([".", "-r", "notes.txt", "--min-score", "90"], in: s.path)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("note: skipped blob.py: binary file"))
        #expect(r.stdout.contains("note: skipped latin1.js: not valid UTF-8"))
        #expect(r.stdout.contains("note: skipped notes.txt: not a kind cordon scan reads"))
        #expect(r.stdout.contains("note: skipped .vscode/mcp.json: not valid JSON at 1:"))
        #expect(r.stdout.contains("1 files scanned"), "\(r.stdout)")
    }

    @Test("--exclude skips matching files; dependency folders are never walked")
    func excludes() throws {
        let s = Scratch()
        try s.copy("python/eval_vulnerable.py", as: "vendor/lib.py")
        try s.copy("python/eval_vulnerable.py", as: "node_modules/x/index.py")
        try s.copy("python/eval_vulnerable.py", as: "tests/test_eval.py")
        try s.copy("python/eval_safe.py", as: "app.py")
        let r = scan([".", "-r", "--exclude", "vendor/*", "--exclude", "test_*.py", "--fail-on", "HIGH"], in: s.path)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("1 files scanned"), "\(r.stdout)")
    }

    @Test("the cache returns the same report for unchanged content")
    func cache() throws {
        let s = Scratch()
        try s.copy("js/agent_vulnerable.ts", as: "agent.ts")
        let a = scan(["agent.ts", "--json", "--cache", ".cordon"], in: s.path)
        #expect(s.read(".cordon/scan-cache.jsonl").contains("scan-10"))
        let b = scan(["agent.ts", "--json", "--cache", ".cordon"], in: s.path)
        #expect(a.stdout == b.stdout)
        // A damaged cache is ignored, not trusted.
        s.write(".cordon/scan-cache.jsonl", "{\"k\": 1}\nnot json\n")
        let c = scan(["agent.ts", "--json", "--cache", ".cordon"], in: s.path)
        #expect(a.stdout == c.stdout)
    }

    static let sarifSchema = Repository.root + "/../shared/schemas/sarif-schema-2.1.0.json"

    // The OASIS schema is not part of the repository (nor of ../shared/corpora): when a copy
    // sits at ../shared/schemas the document is validated against it; the structural checks
    // below run either way.
    @Test(
        "SARIF has the 2.1.0 structure (schema-validated when a copy is present): rules, levels, relative URIs, fingerprints"
    )
    func sarif() throws {
        let s = Scratch()
        try s.copy("python/shell_agent_vulnerable.py", as: "src/agent one.py")
        try s.copy("python/suppressed.py", as: "src/deploy.py")
        let r = scan([".", "-r", "--output", "out.sarif"], in: s.path)
        #expect(r.status == 0)
        if access(Self.sarifSchema, R_OK) == 0 {
            let check = TestProcess.run([
                "python3", "-c",
                """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
                errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))
                for e in errors[:10]: print(list(e.path), e.message[:200])
                sys.exit(1 if errors else 0)
                """, Self.sarifSchema, s.path + "/out.sarif",
            ])
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        }
        let v = try JSONValue.parse(s.read("out.sarif"))
        #expect(v["version"]?.stringValue == "2.1.0")
        #expect(v["$schema"]?.stringValue?.contains("sarif") == true)
        let run = try #require(v["runs"]?[0])
        let rules = try #require(run["tool"]?["driver"]?["rules"]?.arrayValue)
        #expect(rules.contains { $0["id"]?.stringValue == "shell-injection" })
        #expect(rules.first?["properties"]?["security-severity"]?.stringValue == "9.5")
        #expect(rules.first?["help"]?["text"]?.stringValue?.contains("Fix:") == true)
        let results = try #require(run["results"]?.arrayValue)
        let first = try #require(results.first)
        #expect(first["level"]?.stringValue == "error")
        #expect(
            first["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue
                == "src/agent%20one.py")
        #expect(first["locations"]?[0]?["physicalLocation"]?["region"]?["startLine"]?.intValue == 19)
        #expect(first["partialFingerprints"]?["primaryLocationLineHash"]?.stringValue?.count == 32)
        #expect(results.contains { $0["suppressions"] != nil })
    }

    @Test("the HTML report is self-contained, lists files worst first and filters without JavaScript")
    func html() throws {
        let s = Scratch()
        try s.copy("python/secrets_vulnerable.py", as: "a.py")
        try s.copy("python/interpreters_vulnerable.py", as: "b.py")
        let r = scan([".", "--output", "report.html", "--min-score", "80"], in: s.path)
        #expect(r.status == 1)
        let h = s.read("report.html")
        #expect(h.hasPrefix("<!DOCTYPE html>"))
        #expect(!h.contains("<script"))
        #expect(!h.contains("src=\"http"))
        #expect(!h.contains("href=\"http"))
        #expect(h.contains("#sev-CRITICAL:not(:checked) ~ main .f.CRITICAL{display:none}"))
        #expect(h.contains("<label for=\"sev-HIGH\">"))
        let worst = try #require(h.find("<td>a.py</td>"))
        let better = try #require(h.find("<td>b.py</td>"))
        #expect(h.distance(from: h.startIndex, to: worst) < h.distance(from: h.startIndex, to: better))
    }
}

extension String {
    func find(_ needle: String) -> String.Index? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i }
            i = index(after: i)
        }
        return nil
    }
}

@Suite("scan on start")
struct ScanOnStartTests {
    @Test("below the policy's thresholds cordon run does not start: exit 77, findings on stderr, a source=scan line")
    func blocks() throws {
        let s = Scratch()
        try s.copy("python/eval_vulnerable.py", as: "agent/calc.py")
        s.write(
            "p.yaml",
            "extends: default\nscan: {on_start: true, min_score: 80, fail_on: [CRITICAL, HIGH], paths: [agent]}\n")
        s.write("marker.sh", "#!/bin/sh\ntouch ran\n")
        let r = TestProcess.run(
            [
                TestProcess.cordon, "run", "--policy", "p.yaml", "--approval", "deny", "--unsandboxed", "--",
                "/bin/touch", "ran",
            ],
            cwd: s.path)
        #expect(r.status == 77, "\(r.stderr)")
        #expect(r.stderr.contains("agent/calc.py:13:9: HIGH eval-injection"), "\(r.stderr)")
        #expect(r.stderr.contains("the command was not run"))
        #expect(access(s.path + "/ran", F_OK) != 0)
        let log = s.read(".cordon/gate.log")
        #expect(log.contains("decision=block"), "\(log)")
        #expect(log.contains(" source=scan ") && log.contains(" rule=scan "), "\(log)")
        #expect(s.read(".cordon/scan-cache.jsonl").contains("scan-10"))
    }

    @Test("on_fail: warn prints the findings and runs; a clean tree runs silently")
    func warns() throws {
        let s = Scratch()
        try s.copy("python/eval_vulnerable.py", as: "agent/calc.py")
        s.write("w.yaml", "extends: default\nscan: {on_start: true, min_score: 80, on_fail: warn, paths: [agent]}\n")
        let r = TestProcess.run(
            [
                TestProcess.cordon, "run", "--policy", "w.yaml", "--approval", "deny", "--unsandboxed", "--",
                "/bin/touch", "ran",
            ],
            cwd: s.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("scan.on_fail: warn, so the run starts"))
        #expect(access(s.path + "/ran", F_OK) == 0)
        #expect(s.read(".cordon/gate.log").contains("decision=allow score=100 level=critical"))
        try s.copy("python/eval_safe.py", as: "agent/calc.py")
        let clean = TestProcess.run(
            [
                TestProcess.cordon, "run", "--policy", "w.yaml", "--approval", "deny", "--unsandboxed", "--",
                "/bin/true",
            ],
            cwd: s.path)
        #expect(clean.status == 0)
        #expect(!clean.stderr.contains("trust score"), "\(clean.stderr)")
    }
}
