// The tie-breakers for programs the gate has no rule for (Effects+Semantics.swift): what the
// command line says a program does decides, whatever the program is called. Real commands
// from tools' documentation, spread across programs, and near misses that must stay allowed.
import Testing

@testable import CordonGate

@Suite("tie-breakers for unknown programs")
struct SemanticTieBreakerTests {
    static let approve: [(String, String)] = [
        // A1: an option named for deleting
        ("A1", "nix-collect-garbage --delete-older-than 30d"), ("A1", "rdiff-backup --remove-older-than 2W backup/"),
        ("A1", "git-bulk --removeworkspace my-workspace"), ("A1", "snapraid --purge-older 10"),
        // R5: a credential given inline
        ("R5", "lambo new --create-db --dbuser=alice --dbpassword=hunter2 myapp"),
        ("R5", "snowsql --mfa-passcode 123456"), ("R5", "octopus login --apikey API-XXXX"),
        ("R5", "sentry-cli --auth-token sntrys_x releases list"),
        // A12: a raw disk or SCSI device
        ("A12", "sg_raw -b /dev/sg0 12 00 00 00 60 00"), ("A12", "nvme-cli smart-log /dev/nvme0"),
        ("A12", "lvm_import_vdo --vdo-config vdo.conf /dev/mapper/vdo_volume"),
        // A10: database clients, named as such
        ("A10", "pg_createsubscriber -d appdb --pgdata data"), ("A10", "mysqlsh --uri root@localhost:3306"),
        ("A10", "mongotop 5"),
        // A13, R10: screen and camera capture, named as such
        ("A13", "i3-scrot"), ("A13", "rpicam-still -o shot.jpg"), ("A13", "fswebcam -r 640x480 image.jpg"),
        ("A13", "ffmpeg-wrapper -i /dev/video0 clip.mp4"),
        // R6: daemons and servers
        ("R6", "nginx -c conf/nginx.conf -p project"), ("R6", "pipewire -v"), ("R6", "bird -c config/bird.conf"),
        ("R6", "mosquitto -p 1883"),
        // A4: plugins, extensions and platforms added or removed
        ("A4", "cordova platform add linux"), ("A4", "quarkus extension add smallrye-health"),
        ("A4", "nix profile add nixpkgs#hello"), ("A4", "kn plugin install kn-quickstart"),
        // A11, A13: keys, tokens and credentials
        ("A11", "sq key generate --own-key --name demo"), ("A11", "octez-client gen keys alice"),
        ("A13", "spark token"), ("A11", "step crypto keypair pub.pem priv.pem"),
        // A7: an option that runs as root
        ("A7", "pacdiff --sudo --backup"), ("A7", "topgrade --sudo"),
        // A3: an option naming another host; A9: a write request to a service
        ("A3", "lxi screenshot --address 192.168.1.10"), ("A3", "grpcurl-lite --server api.example.com list"),
        ("A9", "cli4 --post name=example.com type=A /zones/:example.com/dns_records"),
        ("A9", "restish -X DELETE https://api.example.com/items/1"),
        // Name families: PowerShell verbs, job submitters, VPN clients, synchronisers, mounters,
        // package installers, web services, a db subcommand, coding agents
        ("A8", "Remove-Item -Recurse build2"), ("A9", "salloc -N 2 bash"), ("A9", "sbatch job.sh"),
        ("A9", "vercel"), ("A8", "mullvad connect"), ("A8", "tailscale up --ssh"), ("A8", "openvpn3 session-start"),
        ("A2", "unison src/a src/b"), ("A8", "xmount --in ewf image.E01 /mnt/data"),
        ("A8", "gocryptfs-mount vault mnt"),
        ("A4", "gdebi downloads/package.deb"), ("R4", "ytfzf lofi"), ("R4", "spotify-tui"),
        ("A10", "plesk db"), ("A10", "rails-lite dbconsole"), ("R4", "copilot -p 'fix the bug in main.js'"),
        ("R4", "codex 'add tests'"), ("A5", "git apply --unsafe-paths --directory /etc x.patch"),
        ("A3", "wireshark"), ("A3", "tcpdump -i eth0"), ("A9", "limactl create --name vm1 template:debian"),
    ]

    static let allow: [(String, String)] = [
        // Options that only keep, list or skip deletions; credentials read from a file.
        ("L1", "rdiff-backup --list-increments backup/"), ("L2", "hugo --no-delete-dest"),
        ("L2", "restic-wrapper --password-file pw.txt snapshots"), ("L2", "bw-helper --token-env BW_SESSION"),
        // Local databases and SQL tools that connect to nothing.
        ("L2", "sqlite3 app.db .tables"), ("L2", "sqlfluff lint query.sql"), ("L2", "sqlc generate"),
        // Names that only look like the families above.
        ("L2", "tokei src"), ("L2", "keycastr"), ("L1", "camelcase-cli src/file.txt"),
        ("L2", "zola serve"), ("L5", "dnf builddep --help-cmd"),
        ("L5", "foo-tool plugin list"), ("L5", "foo-tool --help-all"),
        // Addresses as data, loopback, and local subcommands of the families above.
        ("L1", "mmdblookup -f data/dataset.mmdb --ip 8.8.8.8 country"), ("L2", "devserver --host 127.0.0.1"),
        ("L2", "crawler-lite --proxy http://127.0.0.1:8080 urls.txt"), ("L1", "Get-ChildItem -Recurse"),
        ("L7", "mullvad status"), ("L7", "tailscale status"), ("L7", "llm models"), ("L1", "tcpdump -r capture.pcap"),
        ("L1", "sngrep -I data/file.pcap"), ("L1", "mountpoint /mnt"), ("L2", "nginx -t"),
        ("L2", "haproxy -c -f h.cfg"),
        ("L3", "metaflac --remove-all-tags media/file.flac"), ("L3", "mkvpropedit --delete title media/file.mkv"),
        ("L1", "trdsql \"SELECT * FROM data.csv\""), ("L6", "git apply fix.patch"),
    ]

    @Test("unknown programs whose command line says they change state ask", arguments: approve)
    func asks(_ rule: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision == .requiresApproval, "\(rule): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }

    @Test("near misses of the tie-breakers stay allowed", arguments: allow)
    func allowed(_ rule: String, _ command: String) {
        let d = decide(command)
        #expect(d.decision == .allow, "\(rule): \(command) -> \(d.decision) \(d.score) \(d.reasons)")
    }
}
