// Issue 12, session 15: channels a command reaches beyond the workspace through, read from what
// a program, subcommand or option means (Detectors/Effects+Channels.swift and the sets it
// extends): printers, D-Bus method calls, magnet links, browsers run without a window, ptrace
// takeovers, whole-device erasure, Kerberos tickets, password-hash extractors, conda's user
// configuration, registry reads, a forge's `create --web`, and programs run in a cgroup.
// Real commands from the tools' documentation (tldr) and the near misses each rule must leave
// as they were (gate-classes.md); MeaningTests' two parameterised tests run the tables with the
// other sessions'.
import Testing

@testable import CordonGate

@Suite("channels beyond the workspace (session 15)")
struct SessionFifteenMeaningTests {
    static let approve: [(String, String)] = [
        // A3: a file sent to a printer
        ("A3", "lp -P 1,3-5,16 src/main.swift"), ("A3", "echo \"test\" | lp"),
        ("A3", "lpr -P office-printer src/main.swift"), ("A3", "lpr -o sides=two-sided-long-edge src/main.swift"),
        // A8: a method called on a D-Bus service
        (
            "A8",
            "gdbus call --session --dest my-destination-bus --object-path /project/object --method interface.method_name --verbose --color"
        ),
        ("A8", "gdbus emit --session --object-path /project/object --signal interface.signal_name --verbose --color"),
        ("A8", "qdbus org.kde.Shutdown /Shutdown logout"),
        (
            "A8",
            "dbus-send --system --dest=org.freedesktop.NetworkManager /org/freedesktop/NetworkManager org.freedesktop.NetworkManager.Enable boolean:false"
        ),
        // A3: content fetched from a BitTorrent swarm
        ("A3", "peerflix \"magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567\" -l"),
        ("A3", "webtorrent download \"magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567\""),
        // R4: a page loaded without a window, handed to the agent
        ("R4", "firefox --headless --screenshot assets/output_file.png https://example.com/"),
        ("R4", "chromium --headless --dump-dom https://example.com"),
        ("A11", "firefox --setDefaultBrowser"),
        // A8: a running process taken over with ptrace
        ("A8", "reptyr 1234"),
        // A11: Kerberos tickets; A13: password stores and prompts, hashes pulled out for cracking
        ("A11", "kinit alice"), ("A11", "kinit -t project/keytab"), ("A11", "kdestroy"),
        ("A13", "rbw get \"my-entry\""), ("A13", "rbw get --field username \"my-entry\""),
        ("A13", "systemd-ask-password --no-tty \"Summarize this file\""),
        ("A13", "zip2john -o project/compressed_file downloads/file.zip"), ("A13", "ssh2john id_rsa"),
        // A3: a sniffer of HTTP requests on a live interface
        ("A3", "httpry -m get"), ("A3", "tcpflow -c -i eth0 port 80"),
        // A5: the last commit amended, replace refs deleted
        ("A5", "git stamp 1234"), ("A5", "git stamp Review https://example.org/project/review"),
        ("A5", "git replace --delete HEAD"),
        // A11: conda's user configuration; A4: NuGet dependencies fetched
        ("A11", "conda config --set mykey example"), ("A11", "conda config --remove mykey example"),
        ("A11", "conda config --add channels conda-forge"), ("A4", "dotnet restore"),
        ("A4", "dotnet restore --ignore-failed-sources"),
        // A9: machine and container managers; reload, enter and launch change them
        ("A9", "vagrant reload"), ("A9", "vagrant reload --provision"), ("A9", "docker-machine create demo"),
        ("A9", "docker-machine stop demo"), ("A9", "toolbox rm --force web"), ("A9", "toolbox create -i demo"),
        ("A9", "toolbox enter -d fedora --release f1.2.3"), ("A9", "multipass launch --name vm1"),
        // A4: a verb written as one word ending in install
        ("A4", "zinit creinstall repository_owner/webapp"),
        // A1: a bare deletion option on a recursive walk of a directory
        ("A1", "fdupes --recurse --delete --noprompt src/components"),
        // A8 still: cgcreate makes a control group
        ("A8", "cgcreate -g cpu:my-cgroup"),
        // A11, R6: a cluster made outside the workspace; the server started
        ("A11", "initdb --pgdata /usr/local/var/postgres"), ("R6", "pg_ctl --pgdata data start"),
        // Near misses: a forge's create without --web; a registry write
        ("A9", "gh issue create --title x --body y"),
        ("A3", "skopeo copy docker://server.example.com/image:tag dir:src/components"),
        ("R3", "skopeo delete docker://server.example.com/image:tag"),
    ]

    static let allow: [(String, String)] = [
        // Print queues read
        ("L1", "lpstat -p"),
        // D-Bus reads: names, introspection, a monitor, a property read
        ("L1", "gdbus list-names --session"), ("L1", "gdbus monitor --session"),
        ("L1", "gdbus introspect --session --dest my-destination-bus --object-path /project/object"),
        (
            "L1",
            "dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames"
        ),
        // R4: a browser opened for the person; a magnet link printed
        ("R4", "firefox https://example.com"), ("L5", "echo \"magnet:?xt=urn:btih:0123\""),
        // A13's near miss: a password manager's help; Kerberos tickets listed
        ("L5", "systemd-ask-password -h"), ("L1", "klist"),
        // Reading a saved capture
        ("L1", "httpry -r data/file.log 'host 192.168.5.25'"),
        // Local git kept recoverable
        ("L6", "git commit -m x"), ("L6", "git replace --edit HEAD"),
        // conda's reads
        ("L1", "conda config --show"), ("L1", "conda config --describe config_option"),
        // Builds, tests and listings of the same tools
        ("L2", "dotnet build"), ("L7", "docker-machine ls"), ("L7", "toolbox list --containers"),
        ("L5", "toolbox help"),
        // A3's diagnostics: a DNS trace
        ("A3", "dnstracer -s dns.example.org www.example.com"), ("A3", "dnstracer -v www.example.com"),
        // L7: a registry's metadata read
        ("L7", "skopeo list-tags docker://server.example.com/nginx"),
        ("L7", "skopeo inspect docker://server.example.com/image:tag"),
        // R4: a forge's form opened in the browser
        ("R4", "gh issue create --web"), ("R4", "gh pr create --web"),
        // A program run in a control group: the program decides
        ("L8", "cgexec -g controller:my-cgroup firefox"),
        // A daemon's option written alone: a converter's bundled letters are not it
        ("L4", "ppmtoacad -dxb assets/file.ppm > data/file.dxb"),
        // L3: a database cluster's files made in the workspace
        ("L3", "pg_ctl -D data init"), ("L3", "initdb -D data"),
        // R10: a brightness level set through the bus; a Qt property read; a vault locked
        (
            "R10",
            "qdbus org.kde.Solid.PowerManagement /org/kde/Solid/PowerManagement/Actions/BrightnessControl org.kde.Solid.PowerManagement.Actions.BrightnessControl.setBrightness 5000"
        ),
        (
            "L1",
            "qdbus org.kde.Solid.PowerManagement /org/kde/Solid/PowerManagement/Actions/BrightnessControl org.kde.Solid.PowerManagement.Actions.BrightnessControl.brightness"
        ),
        ("L5", "rbw lock"),
        // A recursive walk with a removal option and no path: a subcommand's names
        ("L6", "svn changelist --remove --recursive --changelist my-changelist ."),
        // The brief's near misses
        ("L1", "fdupes --recurse src/components"), ("A1", "rm -rf build/"), ("A3", "curl localhost:8080"),
        ("L4", "tar czf out.tgz src"),
    ]

    @Test("a whole device erased blocks; a disk's reads and a file's shred do not")
    func deviceErase() {
        for c in [
            "sudo nvme format --ses 1 --reset eth0", "nvme sanitize /dev/nvme0n1 -a 2",
            "hdparm --security-erase NULL /dev/sdb", "ndctl destroy-namespace --force namespaceX.Y",
        ] {
            let d = decide(c)
            #expect(d.decision == .block, "\(c) -> \(d.decision) \(d.score) \(d.reasons)")
        }
        #expect(decide("nvme list").decision == .allow)
        #expect(decide("sudo nvme smart-log /dev/nvme0").decision == .requiresApproval)
        #expect(decide("hdparm -I /dev/sdb").decision != .block)
    }

    @Test("a typed b in ncdu spawns a shell; ncdu alone is a disk-usage viewer")
    func ncduShell() {
        #expect(decide("ncdu\nb").decision != .allow)
        #expect(decide("ncdu").decision == .allow)
        #expect(decide("ncdu --exclude .git src").decision == .allow)
    }

    @Test("ldconfig -f rebuilds the system's library cache from a planted list; -n and -p do not")
    func ldconfigList() {
        let planted = "TF=$(mktemp -d)\necho \"$TF\" > \"$TF/conf\"\nsudo ldconfig -f \"$TF/conf\""
        #expect(decide(planted).decision == .block)
        #expect(decide("ldconfig --print-cache | grep libfoo").decision == .allow)
        #expect(decide("sudo ldconfig -n src/components").decision == .requiresApproval)
    }
}
