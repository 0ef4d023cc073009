// The user's environment, without leaking secrets (issue 13, section 3): the caller's PATH
// (its visible entries, toolchains on it bound read-only, never hidden paths), locale,
// timezone and who the user is, a private writable HOME holding copies of harmless
// configuration (never credentials), and one stderr line when a network-none sandbox tries
// to reach the network.
import Foundation
import Testing

/// A stand-in for the caller's home directory: made like a real one (mode 0700, the caller's),
/// with files the tests put in it.
final class FakeHome {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path + "/cordon-home-test-\(UUID().uuidString.prefix(8))"
        #expect(mkdir(base, 0o700) == 0)
        path = URL(fileURLWithPath: base).resolvingSymlinksInPath().path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ rel: String, _ text: String, mode: mode_t = 0o644) throws {
        let full = path + "/" + rel
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
        try text.write(toFile: full, atomically: false, encoding: .utf8)
        chmod(full, mode)
    }
}

@Suite(
    "cordon run with the user's environment", .serialized,
    .enabled(if: SandboxSupport.available, SandboxSupport.skipReason), .timeLimit(.minutes(10)))
struct CallerEnvironmentTests {
    // Regression: PATH was reset to /usr/local/bin:/usr/bin:..., so a toolchain on the
    // caller's PATH (swift, pyenv's python) was not found or silently replaced.
    @Test(
        "a toolchain on the caller's PATH (~/.local/bin) is found, read-only; entries under hidden paths are not on PATH"
    )
    func toolchainOnPath() throws {
        let ws = try Workspace()
        let home = try FakeHome()
        try home.write(".local/bin/mytool", "#!/bin/sh\necho mytool ran\n", mode: 0o755)
        try home.write(".ssh/bin/sshtool", "#!/bin/sh\necho hidden ran\n", mode: 0o755)
        let path = "\(home.path)/.ssh/bin:\(home.path)/.local/bin:relative/bin:/usr/bin:/bin"
        try ws.write(
            "s.sh",
            "echo PATH=$PATH\nmytool\nsshtool || echo sshtool not found\ntouch \(home.path)/.local/bin/x 2>/dev/null || echo read-only\n"
        )
        let r = try ws.run(["sh", "./s.sh"], env: ["HOME": home.path, "PATH": path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let inside = lines.first ?? ""
        #expect(inside.hasPrefix("PATH=\(home.path)/.local/bin:"), "\(inside)")
        #expect(!inside.contains(".ssh"), "a hidden path is never on PATH: \(inside)")
        #expect(!inside.contains("relative"), "relative entries are dropped: \(inside)")
        #expect(lines.contains("mytool ran"))
        #expect(lines.contains("sshtool not found"))
        #expect(lines.contains("read-only"))
    }

    @Test("swift --version works inside when swift is on the caller's PATH")
    func swiftVersion() throws {
        let found = try Shell.run("/bin/sh", ["-c", "command -v swift"])
        let swift = found.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!swift.isEmpty, "the tests run with swift on PATH")
        let dir = (URL(fileURLWithPath: swift).resolvingSymlinksInPath().path as NSString).deletingLastPathComponent
        let ws = try Workspace()
        let r = try ws.run(["swift", "--version"], env: ["PATH": "\(dir):/usr/bin:/bin"], limit: 60)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Swift version"), "\(r.stdout)")
    }

    // Regression: HOME=/tmp hid ~/.gitconfig, so `git commit` failed with "unable to
    // auto-detect email address".
    @Test("git commit works with the caller's identity; the caller's .gitconfig is copied, never written")
    func gitIdentity() throws {
        let ws = try Workspace()
        let home = try FakeHome()
        let config = "[user]\n\tname = Ada Caller\n\temail = ada@example.org\n"
        try home.write(".gitconfig", config)
        try home.write(".config/git/ignore", "*.tmp\n")
        try ws.write(
            "s.sh",
            """
            git init -q repo && cd repo && touch b && git add -A
            git commit -qm first && git log --format='%an <%ae>' && git ls-files
            cat "$HOME/.config/git/ignore"
            git config --global user.name Mallory
            echo HOME=$HOME
            """)
        let r = try ws.run(["sh", "./s.sh"], env: ["HOME": home.path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("Ada Caller <ada@example.org>"), "\(r.stdout)")
        // (Whether git applies it depends on the host's /etc/gitconfig core.excludesFile.)
        #expect(lines.contains("*.tmp"), "~/.config/git/ is copied: \(r.stdout)")
        #expect(try String(contentsOfFile: home.path + "/.gitconfig", encoding: .utf8) == config)
        // The private HOME is gone after the run.
        let inside = lines.first { $0.hasPrefix("HOME=") }.map { String($0.dropFirst(5)) } ?? ""
        #expect(inside.hasPrefix("/tmp/cordon-home-"), "\(inside)")
        #expect(!FileManager.default.fileExists(atPath: inside))
    }

    @Test("configuration holding credentials is never copied into HOME, nor hidden files or credential stores")
    func noCredentials() throws {
        let ws = try Workspace()
        let home = try FakeHome()
        try home.write(".gitconfig", "[http]\n\textraHeader = Authorization: Bearer s3cr3t-value\n")
        try home.write(".config/git/config", "[url \"https://bob:hunter2@git.example.org/\"]\n\tinsteadOf = x\n")
        try home.write(".config/git/ignore", "*.log\n")
        try home.write(".config/git/credentials", "https://bob:pw@example.org\n")
        try home.write(".npmrc", "registry=https://registry.example.org/\n")
        try home.write(".myrc", "color = true\n")
        try home.write(".tokenrc", "color = true\n")
        try ws.write(
            "p.yaml",
            "extends: default\nsandbox:\n  home:\n    copy: [~/.gitconfig, ~/.config/git, ~/.npmrc, ~/.myrc, ~/.tokenrc]\n"
        )
        let r = try ws.run(
            ["sh", "-c", "cd $HOME && find . -type f | sort"], options: ["--policy", ws.path + "/p.yaml"],
            env: ["HOME": home.path])
        #expect(r.status == 0, "\(r.stderr)")
        // Only the harmless files: the ignore list and the file the policy added.
        #expect(r.stdout == "./.config/git/ignore\n./.myrc\n", "\(r.stdout)")
    }

    @Test(
        "locale, timezone, USER and LOGNAME come from the caller; sandbox.env.inherit: [] gives the clean environment")
    func inheritedVariables() throws {
        let ws = try Workspace()
        let env = [
            "LC_ALL": "C.UTF-8", "LC_TIME": "C", "TZ": "Europe/Paris", "USER": "alice", "LOGNAME": "alice",
            "CORDON_TEST_SECRET": "no",
        ]
        let r = try ws.run(["sh", "-c", "env | sort"], env: env)
        for kv in ["LC_ALL=C.UTF-8", "LC_TIME=C", "TZ=Europe/Paris", "USER=alice", "LOGNAME=alice"] {
            #expect(r.stdout.contains(kv + "\n"), "\(kv) missing: \(r.stdout)")
        }
        #expect(!r.stdout.contains("CORDON_TEST_SECRET"))
        try ws.write("p.yaml", "extends: default\nsandbox:\n  env:\n    inherit: []\n")
        let clean = try ws.run(["sh", "-c", "env | sort"], options: ["--policy", ws.path + "/p.yaml"], env: env)
        #expect(!clean.stdout.contains("TZ=") && !clean.stdout.contains("USER="), "\(clean.stdout)")
        #expect(clean.stdout.contains("PATH=/usr/local/bin:/usr/bin"), "\(clean.stdout)")
    }

    // Regression: with network none, `pip install` retried for 8 s on DNS errors and nothing
    // said the network was off.
    @Test("a network-none sandbox that tries to resolve a name says so once on stderr; loopback does not")
    func networkOffLine() throws {
        let ws = try Workspace()
        try ws.write(
            "r.py",
            """
            import socket
            for _ in range(3):
                try:
                    socket.getaddrinfo("example.com", 443)
                except OSError as e:
                    print("failed")
            """)
        let r = try ws.run(["python3", "r.py"])
        #expect(r.stdout == "failed\nfailed\nfailed\n", "\(r.stdout)")
        let line =
            "network is off in this sandbox (policy sandbox.network: none): use --network host or a network allow-list"
        #expect(r.stderr.components(separatedBy: line).count == 2, "once: \(r.stderr)")
        try ws.write(
            "l.py",
            """
            import socket
            s = socket.socket()
            try:
                s.connect(("127.0.0.1", 9))
            except OSError:
                print("refused")
            """)
        let local = try ws.run(["python3", "l.py"])
        #expect(local.stdout == "refused\n")
        #expect(!local.stderr.contains("network is off"), "\(local.stderr)")
    }
}
