// Approvals end to end with the built binary: runs that wait in the queue and are approved,
// rejected or left to expire by another process; execs held inside the sandbox; cancellation
// when the waiting run is killed; a sandboxed command that tries to approve itself; remembered
// rules; inspect and `actions show`; 20 runs decided at once from two processes.
import CordonBase
import CordonTestSupport
import Foundation
import Testing

/// A workspace with a git repository whose `origin` is a bare repository next to it, an
/// approver key registered with its store, and helpers to find and decide approvals.
final class ApprovalBench {
    let ws: Workspace
    var path: String { ws.path }
    var key: String { path + "/../" + (path.split(separator: "/").last.map(String.init) ?? "") + ".key" }

    init(repo: Bool = true) throws {
        ws = try Workspace()
        if repo {
            let setup =
                "git init -q --bare remote.git && git init -q repo && cd repo && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m first && git remote add origin ../remote.git"
            let r = try Shell.run("/bin/sh", ["-c", setup], cwd: path)
            #expect(r.status == 0, "\(r.stderr)")
            if geteuid() == 0 { _ = try Shell.run("/bin/chown", ["-R", "65534:65534", path]) }
        }
        let k = try Shell.cordon(["approvals", "key", "--output", key], cwd: path)
        #expect(k.status == 0, "\(k.stderr)")
    }

    deinit { unlink(key) }

    func cordon(_ args: [String], limit: Double = 60) throws -> Result {
        try Shell.cordon(args, cwd: path, limit: limit)
    }

    /// Pending approvals as JSON objects.
    func pending() throws -> [JSONValue] {
        let r = try cordon(["approvals", "list", "--json"])
        return r.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
    }

    /// Waits (up to 20 s) until `count` approvals are pending; returns their ids.
    func waitPending(_ count: Int = 1) throws -> [String] {
        for _ in 0..<400 {
            let p = try pending()
            if p.count >= count { return p.compactMap { $0["id"]?.stringValue } }
            usleep(50_000)
        }
        Issue.record("no \(count) pending approvals appeared")
        return []
    }

    func status(_ id: String) throws -> String? {
        try JSONValue.parse(try cordon(["approvals", "show", id, "--json"]).stdout)["status"]?.stringValue
    }
}

/// Runs `body` on its own thread; `wait()` returns its result.
final class Background<T: Sendable>: @unchecked Sendable {
    private var value: T?
    private let done = DispatchSemaphore(value: 0)
    init(_ body: @escaping @Sendable () -> T) {
        Thread.detachNewThread {
            self.value = body()
            self.done.signal()
        }
    }
    func wait() -> T {
        done.wait()
        return value!
    }
}

@Suite(
    "approvals end to end", .serialized, .timeLimit(.minutes(10)),
    .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
struct ApprovalsTests {
    func runInBackground(_ bench: ApprovalBench, _ argv: [String], options: [String] = []) -> Background<Result> {
        let path = bench.path
        return Background {
            (try? Shell.cordon(
                ["run", "--workspace", path, "--approval", "queue"] + options + ["--"] + argv, cwd: path, limit: 90))
                ?? TestProcess.run(["/bin/false"])
        }
    }

    @Test("a queued run is approved by another process and then runs; the approval is recorded everywhere")
    func queueApproved() throws {
        let b = try ApprovalBench()
        let run = runInBackground(b, ["sh", "-c", "cd repo && git push origin HEAD:main"])
        let ids = try b.waitPending()
        let id = try #require(ids.first)
        let approve = try b.cordon(["approvals", "approve", id, "--key", b.key, "--note", "ship it"])
        #expect(approve.status == 0, "\(approve.stderr)")
        let r = run.wait()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("cordon: waiting for approval \(id) (score "))
        #expect(r.stderr.contains("approve with: cordon approvals approve \(id)"))
        // The inner `git push` is what was approved: not asked again inside.
        #expect(!r.stderr.contains("refused inside"))
        let branch = try Shell.run(
            "/usr/bin/git", ["--git-dir", b.path + "/remote.git", "rev-parse", "--verify", "main"])
        #expect(branch.status == 0, "the push reached the bare repository")
        #expect(try b.status(id) == "approved")
        let log = try String(contentsOfFile: b.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("decision=requested") && log.contains("source=approval"))
        #expect(log.contains("approval \(id) approved by key"))
        #expect(try b.cordon(["log", "verify"]).status == 0)
        // Deciding twice: 65, and the first decision stands.
        let again = try b.cordon(["approvals", "reject", id, "--key", b.key])
        #expect(again.status == 65)
        #expect(again.stderr.contains("already approved"))
        #expect(try b.status(id) == "approved")
    }

    @Test("rejected: exit 77; not decided in time: exit 75 and expired")
    func rejectedAndExpired() throws {
        let b = try ApprovalBench()
        let run = runInBackground(b, ["sh", "-c", "cd repo && git push origin HEAD:main"])
        let id = try #require(try b.waitPending().first)
        #expect(try b.cordon(["approvals", "reject", id, "--key", b.key, "--note", "not today"]).status == 0)
        let r = run.wait()
        #expect(r.status == 77, "\(r.stderr)")
        #expect(r.stderr.contains("rejected"))
        let expiring = try b.cordon(
            [
                "run", "--approval", "queue", "--approval-timeout", "1s", "--", "sh", "-c",
                "cd repo && git push origin HEAD:x",
            ])
        #expect(expiring.status == 75, "\(expiring.stderr)")
        let all = try b.cordon(["approvals", "list", "--status", "expired", "--json"]).stdout
        #expect(all.split(separator: "\n").count == 1)
        // Unknown ids, and approving without a terminal or key.
        #expect(try b.cordon(["approvals", "approve", "A-ZZZZZ", "--key", b.key]).status == 65)
        let noKey = try b.cordon(["approvals", "approve", id])
        #expect(noKey.status == 65 || noKey.status == 64)
    }

    @Test("an exec inside the sandbox that needs approval is held, approved from outside, and completes")
    func heldExecApproved() throws {
        let b = try ApprovalBench()
        try b.ws.write(
            "push.sh", "echo start; cd repo && git push -q origin HEAD:main; echo \"push exit $?\"; echo end\n")
        let run = runInBackground(b, ["sh", "./push.sh"])
        let id = try #require(try b.waitPending().first)
        let shown = try JSONValue.parse(try b.cordon(["approvals", "show", id, "--json"]).stdout)
        #expect(shown["command"]?.stringValue?.contains("git push") == true)
        let t0 = Date()
        #expect(try b.cordon(["approvals", "approve", id, "--key", b.key]).status == 0)
        let r = run.wait()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("start") && r.stdout.contains("push exit 0") && r.stdout.contains("end"))
        #expect(Date().timeIntervalSince(t0) < 30)
        #expect(try Shell.run("/usr/bin/git", ["--git-dir", b.path + "/remote.git", "rev-parse", "main"]).status == 0)
    }

    @Test("a held exec that is rejected fails with EPERM and the script goes on")
    func heldExecRejected() throws {
        let b = try ApprovalBench()
        try b.ws.write("push.sh", "cd repo && git push -q origin HEAD:main; echo \"push exit $?\"; echo end\n")
        let run = runInBackground(b, ["sh", "./push.sh"])
        let id = try #require(try b.waitPending().first)
        #expect(try b.cordon(["approvals", "reject", id, "--key", b.key]).status == 0)
        let r = run.wait()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("end"))
        #expect(!r.stdout.contains("push exit 0"))
        #expect(r.stderr.lowercased().contains("not permitted") || r.stderr.contains("EPERM"), "\(r.stderr)")
        #expect(
            try Shell.run("/usr/bin/git", ["--git-dir", b.path + "/remote.git", "rev-parse", "--verify", "main"])
                .status != 0)
    }

    @Test("killing a waiting cordon run (SIGKILL) leaves its approval cancelled, not pending")
    func killedWaiterCancels() throws {
        let b = try ApprovalBench()
        let marker = "marker-\(UUID().uuidString.prefix(8))"
        let run = runInBackground(b, ["sh", "-c", "cd repo && git push origin HEAD:\(marker)"])
        let id = try #require(try b.waitPending().first)
        _ = try Shell.run("/usr/bin/pkill", ["-KILL", "-f", "cordon run .*\(marker)"])
        _ = run.wait()
        #expect(try b.pending().isEmpty)
        #expect(try b.status(id) == "cancelled")
    }

    @Test("a sandboxed command cannot approve its own pending approval, even with cordon's binary")
    func sandboxCannotApprove() throws {
        let b = try ApprovalBench()
        try FileManager.default.copyItem(atPath: Binaries.cordon, toPath: b.path + "/cordon-copy")
        if geteuid() == 0 { chown(b.path + "/cordon-copy", 65534, 65534) }
        let waiting = runInBackground(b, ["sh", "-c", "cd repo && git push origin HEAD:main"])
        let id = try #require(try b.waitPending().first)
        try b.ws.write(
            "self.sh",
            "./cordon-copy approvals approve \(id) --key \(b.key); echo \"approve exit $?\"; ./cordon-copy approvals approve \(id) </dev/null; echo \"tty exit $?\"\n"
        )
        let r = try b.cordon(["run", "--approval", "deny", "--", "sh", "./self.sh"])
        #expect(r.stdout.contains("approve exit"), "\(r.stderr)")
        #expect(!r.stdout.contains("approve exit 0"))
        #expect(!r.stdout.contains("tty exit 0"))
        #expect(try b.status(id) == "pending")
        #expect(try b.cordon(["approvals", "reject", id, "--key", b.key]).status == 0)
        #expect(waiting.wait().status == 77)
    }

    @Test("remembered for the session: the same action does not ask again; another session or a riskier variant does")
    func rememberedSession() throws {
        let b = try ApprovalBench()
        let run = runInBackground(
            b, ["sh", "-c", "cd repo && git push origin HEAD:one"], options: ["--session", "s-remember"])
        let id = try #require(try b.waitPending().first)
        let approve = try b.cordon(["approvals", "approve", id, "--key", b.key, "--remember", "session"])
        #expect(approve.status == 0, "\(approve.stderr)")
        #expect(approve.stdout.contains("'git push origin'"))
        #expect(run.wait().status == 0)
        let same = try b.cordon(
            [
                "run", "--session", "s-remember", "--approval-timeout", "0", "--", "sh", "-c",
                "cd repo && git push origin HEAD:two",
            ])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stderr.contains("remembered"))
        let other = try b.cordon(
            [
                "run", "--session", "s-other", "--approval-timeout", "0", "--", "sh", "-c",
                "cd repo && git push origin HEAD:three",
            ])
        #expect(other.status == 75)
        let riskier = try b.cordon(
            [
                "run", "--session", "s-remember", "--approval-timeout", "0", "--", "sh", "-c",
                "cd repo && git push --force origin HEAD:four",
            ])
        #expect(riskier.status == 75 || riskier.status == 77, "\(riskier.stderr)")
        let rules = try b.cordon(["approvals", "rules", "--json"]).stdout.split(separator: "\n")
        #expect(rules.count == 1)
        let rule = try JSONValue.parse(String(rules[0]))["id"]?.stringValue ?? ""
        #expect(try b.cordon(["approvals", "forget", rule]).status == 0)
        #expect(try b.cordon(["approvals", "rules", "--json"]).stdout.isEmpty)
        let log = try String(contentsOfFile: b.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("decision=forgotten"))
    }

    // Regression: a `.cordon/state.db` that came with the code (committed to the repository by
    // whoever wrote it, or left by an earlier sandboxed command) was trusted like this user's
    // own: its remembered rules let commands through without asking, and its approver keys
    // could decide. The project a rule is for is the directory's name, known in advance.
    @Test("a state store written by another cordon (another user's key): its rules and approver keys do not count")
    func foreignStoreGrantsNothing() throws {
        let b = try ApprovalBench()
        var template = Array("/tmp/cordon-evil-home-XXXXXX".utf8CString)
        let evilHome = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: evilHome) }
        let evil = ["HOME": evilHome]
        let evilKey = evilHome + "/approver.key"
        let path = b.path
        // The other cordon: its own approver key, then a `git push` remembered for the project.
        #expect(try Shell.cordon(["approvals", "key", "--output", evilKey], cwd: path, env: evil).status == 0)
        let first = Background {
            (try? Shell.cordon(
                [
                    "run", "--workspace", path, "--approval", "queue", "--", "sh", "-c",
                    "cd repo && git push origin HEAD:one",
                ],
                cwd: path, env: evil, limit: 90)) ?? TestProcess.run(["/bin/false"])
        }
        guard let id = try b.waitPending().first else {
            let r = first.wait()
            Issue.record("the other cordon's run did not queue: \(r.status) \(r.stderr)")
            return
        }
        let approve = try Shell.cordon(
            ["approvals", "approve", id, "--key", evilKey, "--remember", "project"], cwd: path, env: evil)
        #expect(approve.status == 0, "\(approve.stderr)")
        #expect(first.wait().status == 0)
        // Control: for the cordon that wrote it, the rule lets the next push through.
        let control = try Shell.cordon(
            ["run", "--approval-timeout", "0", "--", "sh", "-c", "cd repo && git push origin HEAD:two"], cwd: path,
            env: evil)
        #expect(control.status == 0, "\(control.stderr)")
        #expect(control.stderr.contains("remembered"))
        // This user's cordon: the same store, the same project, and it asks.
        let mine = try b.cordon([
            "run", "--approval-timeout", "0", "--", "sh", "-c", "cd repo && git push origin HEAD:three",
        ])
        #expect(mine.status == 75, "\(mine.stderr)")
        #expect(!mine.stderr.contains("remembered"))
        let rules = try b.cordon(["approvals", "rules", "--json"])
        #expect(rules.stdout.contains("\"sealed\":false"), "\(rules.stdout)")
        #expect(rules.stderr.contains("ignored"))
        // The other cordon's approver key cannot decide what this user's cordon queued.
        let queued = runInBackground(b, ["sh", "-c", "cd repo && git push origin HEAD:four"])
        let waiting = try #require(try b.waitPending().first)
        let decide = try b.cordon(["approvals", "approve", waiting, "--key", evilKey])
        #expect(decide.status != 0)
        #expect(decide.stderr.contains("not an approver key"), "\(decide.stderr)")
        #expect(try b.status(waiting) == "pending")
        #expect(try b.cordon(["approvals", "reject", waiting, "--key", b.key]).status == 0)
        #expect(queued.wait().status == 77)
    }

    @Test("inspect queues an approval: actions show says pending, then approved with the note")
    func inspectThenActionsShow() throws {
        let b = try ApprovalBench(repo: false)
        try b.ws.write(
            "p.yaml",
            """
            agent_id: production-agent
            environment: production
            gate:
              rules:
                - id: requires_approval_production_deploy
                  match: { action_type: production_deploy, environment: production }
                  decision: requires_approval
                  score: 85
                  reason: Production deployment requires approval
            """)
        try b.ws.write(
            "req.json",
            #"{"id":"act-77","agentId":"deployer-1","actionType":"production_deploy","description":"deploy","context":{},"environment":"production"}"#
        )
        let r = try b.cordon(["inspect", "--policy", b.path + "/p.yaml", "--request", b.path + "/req.json"])
        #expect(r.status == 75)
        let answer = try JSONValue.parse(r.stdout)
        let id = try #require(answer["approvalId"]?.stringValue)
        #expect(answer["approvalUrl"]?.stringValue == "cordon://approvals/\(id)")
        let pending = try JSONValue.parse(try b.cordon(["actions", "show", "act-77", "--json"]).stdout)
        #expect(pending["status"]?.stringValue == "pending")
        #expect(pending["approvalId"]?.stringValue == id)
        #expect(pending["riskLevel"]?.stringValue == "critical")
        #expect(try b.cordon(["approvals", "approve", id, "--key", b.key, "--note", "window ok"]).status == 0)
        let decided = try JSONValue.parse(try b.cordon(["actions", "show", id, "--json"]).stdout)
        #expect(decided["status"]?.stringValue == "approved")
        #expect(decided["decisionNote"]?.stringValue == "window ok")
        #expect(decided["decidedAt"]?.stringValue != nil)
        #expect((decided["auditSummary"]?.arrayValue?.count ?? 0) == 2)
        let keys = decided.objectValue?.map(\.0) ?? []
        #expect(keys == ["approvalId", "actionId", "status", "riskLevel", "decidedAt", "decisionNote", "auditSummary"])
        #expect(try b.cordon(["actions", "show", "act-none", "--json"]).status == 65)
    }

    @Test("20 runs waiting at once, decided in a random order from two processes: each gets its own decision")
    func twentyAtOnce() throws {
        let b = try ApprovalBench(repo: false)
        try b.ws.write("p.yaml", "extends: default\ngate:\n  commands:\n    require_approval: [touch]\n")
        let runs = (0..<20).map { k in
            runInBackground(
                b, ["touch", "made-\(k)"], options: ["--policy", b.path + "/p.yaml", "--agent", "agent-\(k)"])
        }
        let ids = try b.waitPending(20)
        #expect(ids.count == 20)
        var byAgent: [String: String] = [:]
        for p in try b.pending() {
            if let a = p["agent"]?.stringValue, let id = p["id"]?.stringValue { byAgent[a] = id }
        }
        let approveSet = Set((0..<20).filter { $0 % 3 != 0 })
        let order = Array(0..<20).shuffled()
        let halves = [Array(order[0..<10]), Array(order[10..<20])]
        let key = b.key
        let path = b.path
        let map = byAgent
        let deciders = halves.map { half in
            Background { () -> [Int32] in
                half.map { k in
                    let verb = approveSet.contains(k) ? "approve" : "reject"
                    return
                        (try? Shell.cordon(
                            ["approvals", verb, map["agent-\(k)"] ?? "?", "--key", key], cwd: path))?.status ?? -1
                }
            }
        }
        for d in deciders { #expect(d.wait().allSatisfy { $0 == 0 }) }
        for (k, run) in runs.enumerated() {
            let r = run.wait()
            #expect(r.status == (approveSet.contains(k) ? 0 : 77), "run \(k): \(r.stderr)")
            #expect(FileManager.default.fileExists(atPath: b.path + "/made-\(k)") == approveSet.contains(k))
        }
        let log = try String(contentsOfFile: b.path + "/.cordon/gate.log", encoding: .utf8)
        for (k, id) in map.map({ ($0.key, $0.value) }) {
            let n = Int(k.dropFirst(6))!
            let want = approveSet.contains(n) ? "approved" : "rejected"
            #expect(try b.status(id) == want)
            #expect(log.components(separatedBy: "approval \(id) \(want) by").count == 2, "one line for \(id)")
        }
        #expect(try b.cordon(["log", "verify"]).status == 0)
    }
}
