// The meanings of issue 12, session 13 (Effects+Conventions.swift, SystemControl, the pacman
// wrappers, systemctl and chkconfig): conventions many programs share, found by studying the
// misses of the fresh labelled sample s13 and tldr commands outside the labelled set. Real
// commands from the tools' documentation, and the near misses each rule must leave allowed
// (gate-classes.md); MeaningTests' two parameterised tests run them with sessions 11 and 12.
import Testing

@testable import CordonGate

@Suite("meanings of programs, subcommands and options (session 13)")
struct SessionThirteenMeaningTests {
    static let approve: [(String, String)] = [
        // R6: an option that listens on the network, a pid file (only daemons write one)
        ("R6", "st-util --listen_port 4500"), ("R6", "sslstrip --ssl --listen=8080"),
        ("R6", "systemd-socket-activate data/socket.service --listen 8080"), ("GTFOBins", "fzf --listen 6266"),
        ("R6", "dockerd -p project/pid_file"), ("R6", "lvmpolld -p /tmp/lvmpolld.pid"),
        ("R6", "minidlna -P project/pidfile"),
        // A8: a program's service driven through an option; boot runlevels; mounts; sessions
        ("A8", "AdGuardHome --service start"), ("A8", "AdGuardHome --service reload"),
        ("A8", "chkconfig --level 3 ntpd off"), ("A8", "chkconfig --level 2345 sshd on"),
        ("A8", "systemd-mount -t ext4 project/file_or_device /mnt/usb"), ("A8", "i3exit suspend"),
        ("R10", "i3exit lock"), ("R10", "dm-tool lock"), ("R10", "blurlock -u"), ("A8", "kexec --unload"),
        // A9: the context later commands use, a cluster node removed, a task resubmitted
        ("A9", "kubens -"), ("A9", "kubectx demo"), ("A9", "kubectx -d demo"),
        ("A9", "docker context use my-context"), ("A9", "pulumi stack select my-stack"),
        ("A9", "pvecm d node1"), ("A9", "koji resubmit 1234 --quiet"), ("A9", "fj issue create"),
        ("A9", "fj pr create"),
        // A3: sniffers named as such, repositories cloned by a noun's verb
        ("A3", "sniffer.py tcp"), ("A3", "fj repo clone alice/webapp"), ("A3", "pkgctl repo clone my-pkg"),
        ("A3", "nix flake clone github:owner/repo#attributes"),
        // R5: a cloud client's query with its credential inline
        ("R5", "doctl d ls --access-token tok_example123"),
        ("R5", "aws sso list-account-roles --account-id account --access-token tok_example123"),
        // A13: a media pipeline reading a camera, microphone or the screen; a key's payload
        ("A13", "gst-launch-1.0 pipewiresrc num-buffers=1 ! videoconvert ! pngenc ! filesink location=a.png"),
        ("A13", "gst-launch-1.0 v4l2src device=/dev/video0 ! autovideosink"),
        ("A13", "gst-launch-1.0 pulsesrc ! autoaudiosink"), ("A13", "keyctl read mykey"),
        ("A13", "keyctl pipe mykey"),
        // A11: a key stored in a kernel keyring, a system-wide selection
        ("A11", "echo -n key_value | keyctl padd user mykey @u"), ("A11", "eselect profile set 3"),
        ("A11", "eselect kernel set 1"),
        // A2: bulk renamers named as such; A4: pacman wrappers and the AUR
        ("A2", "brename -p foo -r bar"), ("A4", "yay -Yc"), ("A4", "aura -A jq"), ("A4", "aurman --sync jq"),
        ("A4", "pacaur -Syu"), ("A4", "yaourt -Rs jq"), ("A4", "pacstall --remove jq"),
        // R6: repositories and media served to the network, a daemon's pid file by path
        ("R6", "hg serve --port 8080"), ("R6", "git daemon --export-all src/components"),
        ("R6", "minidlna -f config/minidlna.conf"), ("R6", "collectd -P run/collectd.pid"),
        // A4: an app scaffolded with its gems installed, a system installer; A9: an image's test
        ("A4", "rails new blog"), ("A4", "archinstall --advanced"), ("A9", "apptainer test assets/image.sif"),
        // A8: a service manager's verb after its noun; R6: daemons given their configuration,
        // a server bound to an address other machines reach
        ("A8", "brew services start wget"), ("A8", "zeroclaw service start"),
        ("R6", "zabbix_server -c config/zabbix_server.conf"), ("R6", "bluetoothd -f src/main.swift"),
        ("R6", "postgres -c shared_buffers=128MB"), ("R6", "rails server --binding 192.168.1.10"),
        // R6: `--listen` is not a listing option (`--list*`), bare or with `=`
        ("GTFOBins", "fzf --listen"), ("R6", "guile --listen=8080"),
    ]

    static let allow: [(String, String)] = [
        // Loopback, a unix socket, a listening-socket listing
        ("R6", "waitress-serve --listen=localhost:8080 import.path:wsgi_func"), ("L1", "netstat --listening"),
        ("L2", "tox --listenvs-all"),
        // Status through the same option; a session name that is a verb
        ("L7", "AdGuardHome --service status"), ("L8", "tmux new -s start"),
        // Listing contexts, stacks, keys and selections; showing a service's log level
        ("L7", "kubens"), ("L7", "kubectx -c"), ("L7", "docker context ls"), ("L7", "pulumi stack ls"),
        ("L1", "keyctl list @us"), ("L1", "eselect kernel list"), ("L1", "eselect news read"),
        ("L1", "systemctl service-log-level nginx"), ("L1", "chkconfig --list ntpd"), ("L7", "pvecm status"),
        ("L7", "fj issue view 12"),
        // Test sources and files in a media pipeline; clocks; a dry-run rename; AUR searches
        ("L8", "gst-launch-1.0 videotestsrc ! autovideosink"), ("L8", "xclock -digital"), ("L8", "tty-clock -c"),
        ("R7", "brename -p foo -r bar -d"), ("L7", "yaourt -Ss jq"), ("L7", "aurman --sync -s TODO"),
        ("A1", "paccache --remove --keep 1"),
        // Options that name a secret or a page, a password kept in a file; offline backups
        ("L7", "aws secretsmanager describe-secret --secret-id name"),
        ("L7", "aws ses list-receipt-rule-sets --starting-token tok_example123 --max-items 5"),
        ("L1", "pg_combinebackup -n project/full_backup project/incremental_backup -o out"),
        // Listings and checks of the same services and daemons; loopback bindings
        ("L7", "brew services list"), ("L1", "cupsd -t -c config/cupsd.conf"),
        ("L1", "fastd --verify-config --config config/fastd.conf"), ("L1", "haproxy -c -f config/haproxy.cfg"),
        ("L3", "dex -c data/file.desktop"), ("R6", "rails server --binding 127.0.0.1"),
        // Listing options after one or two subcommand words
        ("L7", "nodenv install --list"), ("L7", "prowler aws --list-checks"), ("L7", "tlmgr update --list"),
        ("L7", "dnf config-manager --dump"), ("L7", "ansible developers --list-hosts"),
        // Windows-style usage; a project's dev server; gems left to install; an index's exclusion
        ("L5", "wine reg delete /?"), ("R6", "ember serve"), ("L3", "rails new blog --skip-bundle"),
        ("L2", "mkid -p project/excluded_directory"), ("L2", "gprinstall --prefix project/installation_directory"),
    ]

    @Test("kexec loads or boots another kernel: block (B6); unloading the staged one only asks")
    func kexec() {
        #expect(decide("kexec -l project/kernel --initrd=project/initrd --reuse-cmdline").decision == .block)
        #expect(decide("kexec --exec").decision == .block)
        #expect(decide("kexec --unload").decision == .requiresApproval)
    }
}
