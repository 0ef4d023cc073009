// ATT&CK for Linux techniques the program families did not reach on their own (issue 12,
// Effects+Tradecraft.swift): each family with commands written for this project, and near
// misses of ordinary work that must stay allowed (gate-classes.md). Also: ordinary one-liners
// in the style of natural-language-to-bash corpora are never blocked.
import CordonBase
import CordonPolicy
import CordonTestSupport
import Testing

@testable import CordonGate

@Suite("attack techniques")
struct AttackTechniqueTests {
    static let flagged: [(String, String)] = [
        // Programs staged where any user can write (T1036, T1204)
        ("staged", "/tmp/payload/bin/runme --quiet"), ("staged", "cp tools/agent /dev/shm/agent && /dev/shm/agent"),
        ("staged", "nohup /var/tmp/worker &"),
        // Transient services and timers (T1053.006, T1569)
        ("timer", "systemd-run --on-active=30s /usr/bin/touch /srv/flag"),
        ("timer", "systemd-run --user --on-calendar=daily ./backup.sh"),
        ("service", "systemd-run --unit=probe /bin/sh -c 'id > /srv/out'"),
        // Every typed command recorded (T1056.001)
        ("capture", #"trap 'printf "%s\n" "$BASH_COMMAND" >> ~/.cmdlog' DEBUG"#),
        // Password and credential-store searches (T1552.001, T1552.004)
        ("secrets", "grep -rniI 'passwd' /etc 2>/dev/null"), ("secrets", "rg -i api_key ~"),
        ("secrets", "find / -type d -name .gnupg"), ("secrets", "find ~/.aws -type f"),
        ("secrets", "cat ~/.sh_history"),
        // Ways to root (T1548.001)
        ("privesc", "find / -perm -u=s -type f 2>/dev/null"), ("privesc", "find /usr -perm /6000"),
        ("privesc", "bash linpeas.sh"),
        // Logins with a password written inline (T1110)
        ("login", "sshpass -p s3cret ssh bob@localhost"),
        // Accounts, flags, audit rules (T1136, T1222, T1562)
        ("account", "pw groupadd deploy"), ("flags", "chflags schg notes.txt"),
        ("audit", "auditctl -w /etc/hosts -p wa -k hosts"),
        // A processor burnt for nothing (T1496)
        ("cpu", "yes > /dev/null &"), ("cpu", "cat /dev/urandom > /dev/null"),
        // Lines fed to a line editor or another program's shell (T1059)
        ("fed", "printf 'r /etc/shadow\\n,p\\nq\\n' | ed"), ("fed", #"printf '! system("id")\n' | cpan"#),
        // Tunnels (T1572)
        ("tunnel", "code tunnel --accept-server-license-terms"),
        // Hidden files where nobody looks (T1564.001)
        ("hidden", "mkdir -p /dev/shm/.cache-sync"), ("hidden", "echo data > /tmp/.stash/blob"),
        // History kept from recording (T1562.003)
        ("history", "export HISTCONTROL=ignorespace"), ("history", "HISTIGNORE='*'"),
        // Programs looked up into variables, or named by them, are judged as those programs
        ("lookup", "GPG=$(command -v gpg); $GPG --batch --passphrase x -c /home/alice/notes.txt"),
        ("lookup", "$which_openssl enc -aes-256-cbc -in /etc/hosts -out /srv/x.enc -k k"),
        // Encryption for impact and collection (T1486, T1560)
        ("encrypt", "openssl pkeyutl -encrypt -pubin -inkey pub.pem -in /home/alice/notes.txt -out notes.enc"),
        ("encrypt", "zip --password hunter2 -r /tmp/out.zip ~/Documents"),
        (
            "collect",
            "python3 -c \"import tarfile; t=tarfile.open('/tmp/o.tgz','w:gz'); t.add('/home/alice/.ssh'); t.close()\""
        ),
    ]

    /// General rules found on the seeded tldr sample added to the tuned part (session 9).
    static let sampleRules: [(String, String)] = [
        ("A7", "dzdo cat /var/log/secure"), ("A7", "gksu -u root gedit"), ("A4", "aura -S firefox"),
        ("A4", "mmdebstrap bookworm rootfs.tar"), ("A8", "systemctl exit 3"),
        ("A9", "pulumi stack rm dev --version 2.0.1"), ("A5", "git update-ref refs/heads/main 1a2b3c4"),
        ("A9", "VBoxManage startvm devbox --type headless"), ("A9", "docker load < images.tar"),
        ("A10", "snowsql -q 'select 1'"), ("A11", "wine reg delete 'HKEY_CURRENT_USER\\Software\\App' /f"),
        ("A4", "ng add @angular/material"), ("R6", "lt --port 3000 --subdomain myapp"),
        ("A3", "iperf3 -c 10.0.0.7 -t 30"), ("A3", "speedtest-cli --simple"), ("A12", "fsck.ext4 -n /dev/data/home"),
    ]

    static let sampleNearMisses: [(String, String)] = [
        ("L1", "systemctl log-level"), ("L1", "nmcli networking connectivity check"), ("L6", "hg update default"),
        ("L6", "b4 prep --show-revision"), ("L2", "gdb -batch -ex bt ./app core.1234"),
        ("L5", "slurp -p"),
        ("L5", "pulumi --version"),
    ]

    @Test("general rules found on the new tuned sample ask", arguments: sampleRules)
    func sampleAsks(_ rule: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision == .requiresApproval, "\(rule): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    @Test("their near misses stay allowed", arguments: sampleNearMisses)
    func sampleAllows(_ rule: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision == .allow, "\(rule): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    static let blocked: [(String, String)] = [
        ("B3", "ttyd -p 7681 bash"), ("B3", "gotty -w zsh"),
        ("split", #"X="base64 -d"; echo aWQK | $X | sh"#), ("decode", "echo aWQK | b64decode -r | sh"),
        ("dumper", "python3 ./tools/lazagne.py browsers"),
    ]

    static let allowed: [(String, String)] = [
        ("staged", "gcc -o /tmp/hello hello.c && /tmp/hello"), ("staged", "bash /tmp/check.sh"),
        ("staged", "/tmp/venv/bin/python -m pytest"), ("staged", "/usr/local/bin/jq . data.json"),
        ("service", "systemd-run --user --scope make -j4"), ("capture", #"trap 'rm -f "$tmpfile"' EXIT"#),
        ("capture", "trap - INT TERM"), ("secrets", "grep -rn password src/"), ("secrets", "find . -name '*.yaml'"),
        ("secrets", "grep -i token README.md"), ("secrets", "grep Host ~/.ssh/config"),
        ("privesc", "find . -perm 644"), ("privesc", "find bin -perm -u+x -type f"), ("login", "ssh -V"),
        ("login", "ssh -p 2222 git@localhost"),
        ("audit", "auditctl -l"), ("cpu", "yes | head -n 3"), ("cpu", "dd if=/dev/zero of=/dev/null count=100"),
        ("fed", "printf ',s/foo/bar/g\\nw\\nq\\n' | ed notes.txt"), ("hidden", "mkdir -p /tmp/build-cache"),
        ("hidden", "touch .gitkeep"), ("history", "export HISTSIZE=5000"),
        ("lookup", "PY=$(which python3); $PY -m pytest"),
        ("collect", "python3 -c \"import gzip; print(gzip.open('data.gz').read())\""),
    ]

    @Test("attack techniques ask for approval", arguments: flagged)
    func asks(_ family: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision == .requiresApproval, "\(family): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    @Test("attack techniques that run hidden code or dump passwords block", arguments: blocked)
    func blocks(_ family: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision == .block, "\(family): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    @Test("near misses of ordinary work stay allowed", arguments: allowed)
    func allows(_ family: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision == .allow, "\(family): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    @Test("a variable holding a looked-up program is that program; an unknown one stays computed")
    func lookups() {
        #expect(lookedUpProgram("$(which python || which python3)") == "python")
        #expect(lookedUpProgram("`command -v gpg`") == "gpg")
        #expect(lookedUpProgram("$(curl -s https://example.com)") == nil)
        #expect(programNamedBy(variable: "$which_gpg") == "gpg")
        #expect(programNamedBy(variable: "${PYTHON}") == "python")
        #expect(programNamedBy(variable: "$CMD") == nil)
        #expect(decide("$CMD --now").findings.contains { $0.detector == "obfuscation" })
    }

    @Test("ordinary one-liners are never blocked")
    func oneLiners() throws {
        let path = Repository.path("Tests/CordonGateTests/Fixtures/oneliners.txt")
        let text = try #require(readText(path), "cannot read \(path)")
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(lines.count >= 100)
        for line in lines {
            let d = decide(String(line))
            #expect(d.decision != .block, "\(line) -> \(d.score) \(d.reasons)")
        }
    }
}
