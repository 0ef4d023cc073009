// The families of issue 12, session 10 (Effects+Families.swift, GitExtensions.swift, the
// Proxmox, session-server and read-follower rules): real commands from the tools'
// documentation, several per family and mostly of programs the labelled set does not hold,
// and near misses that must stay allowed (gate-classes.md).
import Testing

@testable import CordonGate

@Suite("program families by subcommand, option and name")
struct FamilyTests {
    static let approve: [(String, String)] = [
        // A3: download/fetch/pull/sync subcommands and downloader names
        ("A3", "exercism download --track rust --exercise hello-world"), ("A3", "dvc pull"),
        ("A3", "atuin sync"), ("A3", "fdroidcl download org.example.app"), ("A3", "ani-cli --download show"),
        ("A3", "twitch-dl download 1234"),
        // A11: a tool's user-level configuration written
        ("A11", "kaggle config set --name proxy --value http://proxy"), ("A11", "jf config add"),
        ("A11", "mytool config editor=vim"),
        // R1: wordlists; B4: pass-the-hash; R5: domain/user:password targets
        ("R1", "john --wordlist=docs/wordlist.txt docs/hashes.txt"),
        ("R1", "aircrack-ng -w docs/wordlist.txt data/capture.cap"),
        ("R5", "addcomputer.py -computer-name PC$ -computer-pass hunter2 example.com/alice:hunter2"),
        ("R5", "lookupsid.py CORP/alice:hunter2@10.0.0.5"),
        // A13: sound recorders and cameras
        ("A13", "arecord --duration 10 media/file.wav"), ("A13", "gpu-screen-recorder -w screen -o out.mp4"),
        ("A13", "zbarcam --raw"),
        // A9: the verb is in the program's name
        ("A9", "elasticsearch-create-enrollment-token --scope kibana"), ("A9", "distrobox-create web -i ubuntu"),
        ("A4", "xbps-remove jq"),
        // R6: agents, daemons, window managers and X servers
        ("R6", "zabbix_agent2 -c config/zabbix_agent2.conf"), ("R6", "transmission-daemon"),
        ("R6", "beanstalkd"), ("R6", "qtile start"), ("R6", "Xephyr -ac :2"), ("R6", "kwin_wayland --replace"),
        // A10: SQL clients pointed at a server; a connection option
        ("A10", "usql postgres://alice@db.example.com/app"), ("A10", "dbeaver --connect appdb"),
        // B7's kin: load generators
        ("B7", "stress-ng --cpu 4 --timeout 60s"),
        // R4: programs named for a public service
        ("R4", "ansiweather -l Rzeszow,PL"), ("R4", "argos-translate --from-lang es --to-lang en texto"),
        // A9: Proxmox abbreviations; kubectl deny
        ("A9", "pct se 100 --hostname demo"), ("A9", "qm shu 100"), ("A9", "pvesm r my-storage"),
        ("A9", "kubectl certificate deny csr-1"),
        // A2, A3, A5, R6: git extensions by name part
        ("A2", "git sed 'foo' 'bar'"), ("A5", "git delete-merged-branches"), ("A5", "git psykorebase main"),
        ("A5", "git undo 2"), ("A3", "git scp origin src/a.c"), ("A3", "git pr 12"), ("R6", "git instaweb --start"),
        ("A5", "git reauthor --all --correct-email name@example.com"),
        // A4: install options, package-manager spellings, python -m pip
        ("A4", "arduino --install-library Servo:1.2.0"), ("A4", "mkcert -uninstall"),
        ("A4", "gem install rake --version '~> 1.0'"), ("A4", "python3 -m pip install requests"),
        ("A4", "uv tool upgrade ruff"), ("A4", "brew bundle"), ("A4", "npm it jq --save"), ("A4", "ni jq"),
        ("A14", "nlx cowsay"), ("A4", "k3s-uninstall.sh"), ("A4", "func azure functionapp publish main"),
        // A3: download subcommands of known programs, bare addresses, sending
        ("A3", "pip download jq"), ("A3", "koji download-build 1234"), ("A3", "dlv connect 192.168.1.10"),
        ("A3", "adb connect 192.168.1.10:5555"), ("A3", "kdeconnect-cli --send-sms hi --destination +155555"),
        ("A3", "tgsend -n dev 'hello'"), ("R4", "gcloud feedback"),
        // A8, R6: killers, mounts, daemons
        ("A8", "tcpkill -i eth1 host 192.95.4.27"), ("A8", "gocryptfs project/cipher /mnt/usb"),
        ("R6", "eww daemon"), ("R6", "bluetoothd -n"),
        // A1, A9: deep deletes, VM undefine and deletion options
        ("A9", "ceph osd pool delete tank"), ("A9", "virsh undefine --domain vm1"),
        ("A1", "quickemu --delete-vm --vm config/file.conf"),
        // A3, R5, A9: connect subcommands, user:password@host, directory deploys, local tools' deploy tasks
        ("A3", "kopia repository connect filesystem --path repos/webapp"), ("A3", "piactl connect"),
        ("R5", "mssqlclient.py alice:hunter2@db01 -db appdb"), ("A9", "surge projects/webapp"),
        ("A9", "mkdocs gh-deploy"),
    ]

    static let allow: [(String, String)] = [
        // Reads of the same families
        ("L5", "jj config get user.email"), ("L5", "mytool config list"), ("L7", "dvc status"),
        ("L6", "git pull data/file.bundle main"), ("L6", "git squash feature/login"), ("L6", "git summary"),
        ("L6", "git effort --above 5"), ("L6", "git request-pull v1.0 origin"),
        ("L7", "glab release view v1.2.0"), ("L7", "gh run view 1234"), ("L7", "kubectl rollout status deploy/web"),
        ("L7", "kubectl auth can-i get pods"), ("L7", "rabbitmqctl status"), ("L7", "qm list"),
        ("L7", "pct status 100"),
        // Listing options
        ("L1", "localedef --list-archive"), ("L1", "bleachbit --list-cleaners"), ("L1", "arecord --list-devices"),
        // Names that only look like the families
        ("L2", "magento setup:di:compile"), ("L1", "hashid 5f4dcc3b"), ("L1", "in-toto-verify --layout root.layout"),
        ("R6", "project/data/ArkAscendedServer TheIsland_WP -port=7777"), ("L1", "trdsql \"SELECT 1\""),
        ("L5", "blight set 50 --relative"), ("L3", "dotenvx set KEY value"),
        ("L6", "docker build -t app ."), ("L5", "node --version"), ("L5", "notify-send Test 'a test'"),
        ("L6", "git authors --list"), ("L1", "rfkill"), ("L1", "resolveip 1.1.1.1"),
        ("L1", "cidr contains 10.0.0.0/16 10.0.14.5"), ("L1", "scamper -i 192.0.2.1"),
        ("L1", "gocryptfs -init project/cipher"), ("L1", "apt-clone info downloads/backup.tar.gz"),
        ("L2", "cmake --install-prefix=/tmp/x -S . -B build"), ("L1", "pip list"),
        ("L2", "mkdocs build"), ("L7", "surge list"), ("L1", "cleaner-tool notes.txt:12"),
    ]

    @Test("programs of the new families ask", arguments: approve)
    func asks(_ rule: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision != .allow, "\(rule): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    @Test("near misses of the new families stay allowed", arguments: allow)
    func allowed(_ rule: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision == .allow, "\(rule): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    @Test("pass-the-hash is blocked, docker container run with an entrypoint still asks")
    func passTheHash() {
        #expect(decide("psexec.py -hashes LM:NT example.com/alice@release").decision == .block)
        #expect(decide("docker container run --entrypoint ls nginx").decision == .requiresApproval)
    }
}
