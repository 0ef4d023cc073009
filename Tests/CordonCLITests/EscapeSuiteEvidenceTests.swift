// The escape suite, evidence: what the command could leave for a later run's evidence and
// approval store to trust.
import CordonBase
import Foundation
import Testing

@Suite(
    "escape suite: evidence", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason),
    .timeLimit(.minutes(10)))
struct EscapeSuiteEvidenceTests {
    /// A workspace that is a fresh git repository, its `.git` the sandbox user's (as root).
    func gitWorkspace() throws -> Workspace {
        let ws = try Workspace()
        let initRepo = try Shell.run("/usr/bin/git", ["init", "-q", ws.path])
        #expect(initRepo.status == 0, "\(initRepo.stderr)")
        if geteuid() == 0 { _ = try Shell.run("/bin/chown", ["-R", "65534:65534", ws.path + "/.git"]) }
        return ws
    }

    // Regression: with the evidence elsewhere (--log-dir, CORDON_HOME) and no .cordon/ in the
    // workspace, nothing covered that name: the command made .cordon/ with a state.db of its own
    // (remembered approvals, an approver key's hash) and a gate.log, which the next run in that
    // workspace, with the default log directory, took for its own.
    @Test("with --log-dir elsewhere, the command cannot plant a .cordon/ for the workspace's next run")
    func plantedLogDirectory() throws {
        let ws = try Workspace()
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cordon-logs-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: logs) }
        try ws.write(
            "plant.sh",
            "mkdir -p .cordon/traces; echo forged > .cordon/state.db; echo forged > .cordon/gate.log; echo done\n")
        let r = try ws.run(["sh", "./plant.sh"], options: ["--log-dir", logs, "--no-monitor"])
        #expect(r.stdout == "done\n", "\(r.stdout)\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: logs + "/gate.log"), "the evidence went to --log-dir")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: ws.path + "/.cordon")) ?? []
        #expect(left == [".gitignore"], "the workspace's .cordon/ holds \(left)")
        // CORDON_HOME the same way.
        let viaEnv = try ws.run(["sh", "./plant.sh"], options: ["--no-monitor"], env: ["CORDON_HOME": logs])
        #expect(viaEnv.stdout == "done\n", "\(viaEnv.stdout)\(viaEnv.stderr)")
        let after = (try? FileManager.default.contentsOfDirectory(atPath: ws.path + "/.cordon")) ?? []
        #expect(after == [".gitignore"], "the workspace's .cordon/ holds \(after)")
    }

    // Regression: `~/.config/cordon` was hidden only by the default policy's `hide:` list, so a
    // policy with its own list exposed cordon's keys to a command whose workspace is the home
    // directory: the store key forges remembered rules (docs/approvals.md), the approver key
    // decides approvals.
    @Test("cordon's keys stay hidden when the workspace is HOME, even under a policy that hides nothing")
    func keysHiddenAtHome() throws {
        let ws = try Workspace()
        let keys = ws.path + "/.config/cordon"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        try ws.write(".config/cordon/approver.key", String(repeating: "a", count: 64) + "\n")
        for p in [ws.path + "/.config", keys] { chmod(p, 0o700) }
        chmod(keys + "/approver.key", 0o600)
        // As root the workspace belongs to the sandbox's user: so do the keys here, so that only
        // the hiding (not the permission bits) keeps them from the command.
        if geteuid() == 0 { _ = try Shell.run("/bin/chown", ["-R", "65534:65534", ws.path + "/.config"]) }
        try ws.write("p.yaml", "extends: default\nsandbox:\n  filesystem:\n    hide: []\n")
        try ws.write(
            "look.sh",
            "cat .config/cordon/approver.key && echo READ; ls -A .config/cordon; touch .config/cordon/planted && echo WROTE; echo end\n"
        )
        let r = try ws.run(
            ["sh", "./look.sh"], options: ["--policy", ws.path + "/p.yaml", "--no-monitor"], env: ["HOME": ws.path])
        #expect(r.stdout.hasSuffix("end\n"), "\(r.status): \(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("READ") && !r.stdout.contains("approver.key"), "\(r.stdout)")
        #expect(!r.stdout.contains("WROTE"), "\(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: keys + "/planted"))
    }

    // Regression (found by the session-14 red team): `.git/` stays writable for commits, and a
    // `.git/commondir` naming a directory of the command's made the host's next `git status`
    // read that directory's config, whose core.fsmonitor ran on the host.
    @Test("a .git/commondir the command writes is moved aside before git on the host reads it")
    func gitCommondirQuarantined() throws {
        let ws = try gitWorkspace()
        try ws.write(
            "plant.sh",
            """
            mkdir -p evil/objects evil/refs
            printf '[core]\\n\\trepositoryformatversion = 0\\n\\tfsmonitor = "touch %s/PWNED; false"\\n' "$PWD" > evil/config
            echo ../evil > .git/commondir && echo planted

            """)
        let r = try ws.run(["sh", "./plant.sh"], options: ["--no-monitor"])
        #expect(r.stdout == "planted\n", "\(r.status): \(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("moved aside"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/.git/commondir"))
        let aside = try FileManager.default.contentsOfDirectory(atPath: ws.path + "/.git").filter {
            $0.hasPrefix("commondir.cordon-quarantine-")
        }
        #expect(aside.count == 1, "\(aside)")
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("source=tamper") && log.contains("decision=quarantined"), "\(log)")
        // The host's git after the run: nothing of the command's runs.
        let env = ["GIT_CONFIG_NOSYSTEM": "1", "HOME": ws.path + "/.cordon"]
        _ = try Shell.run("/usr/bin/git", ["-c", "safe.directory=*", "-C", ws.path, "status"], env: env)
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/PWNED"), "core.fsmonitor ran on the host")
        // Control: the planted file back in place, and the same git runs the command's program.
        if let name = aside.first {
            rename(ws.path + "/.git/" + name, ws.path + "/.git/commondir")
            _ = try Shell.run("/usr/bin/git", ["-c", "safe.directory=*", "-C", ws.path, "status"], env: env)
            #expect(FileManager.default.fileExists(atPath: ws.path + "/PWNED"), "control: the attack did not work")
        }
    }

    // Regression (found by the session-14 red team): only `.git/config` was protected, and a
    // submodule's config in `.git/modules/NAME/config` is read by the host's own `git status`,
    // which runs a git inside each populated submodule: its core.fsmonitor ran on the host.
    @Test("a submodule's config and hooks under .git/modules are as read-only as .git/config")
    func submoduleConfigProtected() throws {
        let ws = try Workspace()
        let source = ws.path + ".sub-source"
        defer { try? FileManager.default.removeItem(atPath: source) }
        let env = ["GIT_CONFIG_NOSYSTEM": "1", "HOME": ws.path + "/.cordon"]
        let git = [
            "-c", "safe.directory=*", "-c", "user.email=t@t", "-c", "user.name=t", "-c", "protocol.file.allow=always",
        ]
        let setup =
            "git init -q \(source) && git -C \(source) \(git.joined(separator: " ")) commit -q --allow-empty -m one && git init -q \(ws.path) && git -C \(ws.path) \(git.joined(separator: " ")) submodule -q add \(source) nested/sub"
        let made = try Shell.run("/bin/sh", ["-c", setup], env: env)
        #expect(made.status == 0, "\(made.stderr)")
        let config = ws.path + "/.git/modules/nested/sub/config"
        #expect(FileManager.default.fileExists(atPath: config), "no submodule git directory")
        if geteuid() == 0 { _ = try Shell.run("/bin/chown", ["-R", "65534:65534", ws.path]) }
        let line = "\tfsmonitor = \"touch \(ws.path)/PWNED; false\"\n"
        try ws.write(
            "plant.sh",
            """
            printf '[core]\\n%s' '\(line)' >> .git/modules/nested/sub/config && echo wrote-config
            mkdir -p .git/modules/nested/sub/hooks && echo x > .git/modules/nested/sub/hooks/post-checkout && echo wrote-hook
            mv .git/modules/nested/sub .git/modules/nested/moved && echo moved
            echo end

            """)
        let r = try ws.run(["sh", "./plant.sh"], options: ["--no-monitor"])
        #expect(r.stdout == "end\n", "\(r.status): \(r.stdout)\(r.stderr)")
        _ = try Shell.run("/usr/bin/git", ["-c", "safe.directory=*", "-C", ws.path, "status"], env: env)
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/PWNED"), "core.fsmonitor ran on the host")
        // Control: the same line written on the host, and the host's git status runs it.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: config))
        handle.seekToEndOfFile()
        handle.write(Data("[core]\n\(line)".utf8))
        try handle.close()
        _ = try Shell.run("/usr/bin/git", ["-c", "safe.directory=*", "-C", ws.path, "status"], env: env)
        #expect(FileManager.default.fileExists(atPath: ws.path + "/PWNED"), "control: the attack did not work")
    }

    // Regression (found by the session-14 red team): staging a gitlink in front of a repository
    // the command made is ordinary index writing, and the host's `git status` then ran a git
    // inside that repository, with its config: its core.fsmonitor ran on the host.
    @Test(
        "a submodule the command staged in front of a git directory of its own is moved aside after the run",
        arguments: [2, 4])
    func stagedSubmoduleQuarantined(indexVersion: Int) throws {
        let ws = try gitWorkspace()
        try ws.write(
            "plant.sh",
            """
            g="git -c safe.directory=* -c user.email=t@t -c user.name=t"
            $g update-index --index-version \(indexVersion)
            $g init -q evil && $g -C evil commit -q --allow-empty -m x
            printf '[core]\\n\\tfsmonitor = "touch %s/PWNED; false"\\n' "$PWD" >> evil/.git/config
            $g update-index --add --cacheinfo 160000,$($g -C evil rev-parse HEAD),evil && echo staged

            """)
        let r = try ws.run(["sh", "./plant.sh"], options: ["--no-monitor"])
        #expect(r.stdout == "staged\n", "\(r.status): \(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("moved aside"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/evil/.git"))
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("rule=git-submodule") && log.contains("source=tamper"), "\(log)")
        let env = ["GIT_CONFIG_NOSYSTEM": "1", "HOME": ws.path + "/.cordon"]
        _ = try Shell.run("/usr/bin/git", ["-c", "safe.directory=*", "-C", ws.path, "status"], env: env)
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/PWNED"), "core.fsmonitor ran on the host")
        // Control: the command's git directory back in place, and the host's git status runs it.
        let aside = try FileManager.default.contentsOfDirectory(atPath: ws.path + "/evil").filter {
            $0.hasPrefix(".git.cordon-quarantine-")
        }
        #expect(aside.count == 1, "\(aside)")
        if let name = aside.first {
            rename(ws.path + "/evil/" + name, ws.path + "/evil/.git")
            _ = try Shell.run("/usr/bin/git", ["-c", "safe.directory=*", "-C", ws.path, "status"], env: env)
            #expect(FileManager.default.fileExists(atPath: ws.path + "/PWNED"), "control: the attack did not work")
        }
    }
}
