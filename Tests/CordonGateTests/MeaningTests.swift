// The meanings of issue 12, session 11 (Effects+*.swift): what a program, subcommand or option
// means, found by studying the misses of a fresh labelled sample and of tldr commands outside
// the labelled set. Real commands from the tools' documentation, and the near misses each rule
// must leave allowed (gate-classes.md).
import Testing

@testable import CordonGate

@Suite("meanings of programs, subcommands and options (sessions 11 to 13)")
struct MeaningTests {
    static let approve: [(String, String)] = [
        // R6: session idle and notification daemons, web servers started by a subcommand
        ("R6", "swayidle -w timeout 300 'swaylock -f'"), ("R6", "dunst"), ("R6", "gitea web"),
        ("R6", "spotdl web"), ("R6", "fancontrol"),
        // A3, R5: net-snmp clients with a community string, parallel shells
        ("R5", "snmpbulkwalk -v2c -c public 10.0.0.1"), ("A3", "pssh -h project/hosts.txt uptime"),
        ("A3", "pdsh -w node[1-4] uptime"), ("A3", "dbclient alice@server.example.com -t ls"),
        // A9: virtual machines started, containers brought up, keys rotated
        ("A9", "qemu-system-x86_64 -hda disk.img -m 2048"), ("A9", "virt-qemu-run config/guest.xml"),
        ("A9", "kompose up --file docker-compose.yml"), ("A9", "docker swarm ca --rotate"),
        ("A9", "cf bind-service myapp db"),
        // A8: mounts, swap, print queues
        ("A8", "smbnetfs /mnt/data"), ("A8", "dphys-swapfile swapoff"), ("A8", "cancel -a office-printer"),
        ("A8", "lprm -"), ("A8", "nmcli c d 123e4567-e89b-12d3-a456-426614174000"),
        ("A8", "nmcli device wifi connect HomeWifi"),
        // A11: the user's shell, registries, defaults, scheduled jobs, hardware keys
        ("A11", "atrm 10"), ("A11", "conda init zsh"), ("A11", "nix registry pin nixpkgs"),
        ("A11", "nvm alias default 20"), ("A11", "ykman oath accounts add demo"), ("A11", "byobu-enable"),
        ("A11", "dolt config --global --add user.name alice"),
        // A12: device programmers
        ("A12", "minipro -p my-chip -E"), ("A12", "rkdeveloptool wl 0 downloads/image.img"),
        // R4, A13: code rendered by a web service, results posted, the clipboard recorded
        ("R4", "carbon-now src/main.swift"), ("R4", "nixpkgs-review pr --post-result 1234"), ("A13", "copyq"),
        // A4, A14: `get` fetches for package managers; acting verbs act on the word after them
        ("A4", "dart pub get"), ("A14", "pipx run ls"), ("A4", "npm install view"),
        // A10, A8: a database client's check still opens a session; boot entries reordered
        ("A10", "mysqlcheck --check users"), ("A8", "efibootmgr -o 0001,0002"),
    ]

    static let allow: [(String, String)] = [
        // Usage and help in their other spellings
        ("L5", "pg_waldump -?"), ("L5", "avrdude -c ?"), ("L5", "aws s3 cp help"), ("L5", "ibmcloud cr help"),
        ("L5", "apptainer run-help assets/image.sif"), ("L5", "amass -version"),
        // Compound read verbs, and a resource word followed by a read verb
        ("L7", "aws quicksight describe-data-set --data-set-id 1234"), ("L7", "fwupdmgr get-history"),
        ("L7", "openvpn3 sessions-list"), ("L7", "gcloud auth list"), ("L7", "gh auth status"),
        ("L7", "npm token list"), ("L7", "npm access list packages alice"), ("L7", "claude mcp list"),
        ("L7", "pveum u list"),
        // Package managers listing
        ("L7", "cargo install --list"), ("L7", "pyenv install --list"), ("L1", "apt list -i"),
        ("L1", "pacman -Rp jq"), ("L5", "pacman -Rh"), ("L1", "dpkg -S src/main.swift"),
        // System tools that show
        ("L1", "chrt -p 1234"), ("L1", "chrt --max"), ("L1", "cupsctl"), ("L1", "nmcli d"),
        ("L1", "nmcli radio wifi"), ("L1", "nmcli networking c c"), ("L1", "nmcli g hostname"),
        ("L1", "ndctl list --namespaces"), ("L1", "genfstab -U /mnt/usb"), ("L1", "history -d"),
        // Offline database files, optical drives, symbols that look like hosts
        ("L1", "mysqlbinlog project/binlog"), ("L1", "pg_waldump 1 10"), ("L1", "pg_verifybackup project/backup"),
        ("L1", "handbrakecli -i /dev/sr0 --title 0"), ("L7", "longbridge quote NVDA.US"),
        // Formatters, window-manager clients, levels, conversions, local files
        ("L2", "ruff format src"), ("L4", "xml format -o config/in.xml > config/out.xml"),
        ("L8", "qtile run-cmd --float xterm"), ("L8", "niri msg outputs"), ("R10", "pulseaudio-ctl up 5"),
        ("L4", "pgmtofs assets/in.pgm > data/out.fs"), ("L1", "jhead assets/image.jpg"),
        ("L3", "htpasswd -c project/htpasswd alice"),
        // Check modes, configuration reads, label and boot-entry listings, local renders
        ("L7", "aws configure list"), ("L7", "cloudflared tunnel list"), ("L1", "efibootmgr -u"),
        ("L1", "fatlabel /dev/sda1"), ("L7", "brew tap"), ("L7", "bootc upgrade --check"), ("L1", "cam -l"),
        ("L2", "flux build kustomization demo --path project/kustomization"), ("L1", "frpc verify --config f.toml"),
        ("L2", "rails db:migrate:status"), ("L7", "rpm-ostree upgrade --preview"), ("L1", "rc-service nginx status"),
        ("L1", "pulseaudio --dump-modules"),
        // --global that says what to show or names something else
        ("L1", "ncu --global"), ("L7", "tlmgr search --global TODO"), ("L2", "standard --global MY_VAR"),
    ]

    // Every session's table, joined one at a time (one long `+` chain is more than the type
    // checker will take).
    static let everyApprove: [(String, String)] = {
        var all: [(String, String)] = approve
        all += SessionTwelveMeaningTests.approve
        all += SessionThirteenMeaningTests.approve
        all += SessionThirteenSecondRoundTests.approve
        all += SessionFourteenMeaningTests.approve
        all += SessionFourteenSecondRoundTests.approve
        all += SessionFifteenMeaningTests.approve
        all += SessionFifteenSecondRoundTests.approve
        all += SessionSixteenTests.approve
        return all
    }()

    static let everyAllow: [(String, String)] = {
        var all: [(String, String)] = allow
        all += SessionTwelveMeaningTests.allow
        all += SessionThirteenMeaningTests.allow
        all += SessionThirteenSecondRoundTests.allow
        all += SessionFourteenMeaningTests.allow
        all += SessionFourteenSecondRoundTests.allow
        all += SessionFifteenMeaningTests.allow
        all += SessionFifteenSecondRoundTests.allow
        all += SessionSixteenTests.allow
        return all
    }()

    @Test(
        "commands whose meaning asks are flagged",
        arguments: everyApprove)
    func asks(_ rule: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision != .allow, "\(rule): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    @Test(
        "near misses stay allowed",
        arguments: everyAllow)
    func allowed(_ rule: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision == .allow, "\(rule): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    @Test("another host's print queue asks, it is not blocked")
    func printQueueOnAnotherHost() {
        #expect(decide("cancel -h server.example.com -x").decision == .requiresApproval)
    }
}
