// The tie-breakers for programs the gate has no rule for (../shared/gate-classes.md: "unknown
// tool that clearly mutates remote/system state -> approve"). They read what the command line
// itself says a program does, whatever the program is called: an option named for deleting, a
// credential given inline, a raw disk device among the arguments, a `key generate` or `plugin
// add` subcommand, a database, capture or daemon program recognised by the shape of its name.
// They run only when no other rule of Effects spoke for the program, and never for the
// text-only, local-verb, interpreter or editor programs that `strongVerb` also leaves alone.

extension Effects {
    /// Parts of an option name that say it deletes (A1): `--delete-older-than`, `--removeworkspace`.
    static let deletingParts = ["delete", "remove", "purge", "wipe", "erase", "destroy"]
    /// ...and what it deletes: stored files and data sets, or everything past an age. Without
    /// one of these the option edits part of a file (`--remove-all-tags`, `--delete title`).
    static let deletedThings = [
        "older", "old-", "before", "expired", "unused", "orphan", "workspace", "file", "dir", "branch", "backup",
        "snapshot", "data", "db", "user", "account", "volume", "cache", "history", "generation", "log", "repo",
        "source", "vm", "disk", "image", "container", "bucket", "record", "node", "pool", "duplicates", "entry",
        "entries", "instance", "machine",
    ]

    /// Parts of an option name that say its value is a credential (R5, A13).
    static let credentialParts = [
        "password", "passwd", "passcode", "passphrase", "token", "secret", "apikey", "api-key",
    ]

    /// Parts of an option name that say the credential is read from somewhere, not given.
    static let credentialSources = ["file", "cmd", "command", "env", "prompt", "stdin", "path", "fd", "helper"]

    /// Nouns whose `add`/`install`/`remove` subcommand installs or removes software (A4):
    /// `cordova platform add`, `quarkus extension add`, `nix profile add`.
    static let softwareNouns: NameSet = [
        "plugin", "plugins", "extension", "extensions", "ext", "package", "packages", "pkg", "platform", "platforms",
        "module", "modules", "addon", "addons", "add-on", "dependency", "dependencies", "dep", "deps", "profile",
        "toolchain", "runtime", "runtimes", "sdk", "sdks", "library", "libraries", "component", "components",
    ]
    static let softwareVerbs: NameSet = [
        "add", "install", "remove", "uninstall", "upgrade", "update", "enable", "disable", "rm", "del",
    ]

    /// Nouns of a subcommand that handles keys, tokens and credentials (A11 creating keys,
    /// A13 reading secrets): `sq key generate`, `octez-client gen keys`, `spark token`.
    static let credentialNouns: NameSet = [
        "key", "keys", "keypair", "keypairs", "token", "tokens", "apikey", "api-key", "api-keys", "credential",
        "credentials", "creds", "secret", "secrets", "password", "passwords", "keyring", "wallet", "pass", "passwd",
    ]

    /// Options that run the command as root (A7): `pacdiff --sudo`, `ansible --become`.
    static let rootOptions: NameSet = ["--sudo", "--use-sudo", "--as-root", "--become", "--root-helper", "--doas"]

    /// Daemons and network servers that start serving when run (R6): started by an agent they
    /// serve the machine or the network, whatever their configuration.
    static let daemons: NameSet = [
        "nginx", "apache2", "httpd", "lighttpd", "bird", "bird2", "pipewire", "pipewire-pulse", "pulseaudio",
        "wireplumber", "dnsmasq", "named", "unbound", "sshd", "vsftpd", "proftpd", "smbd", "nmbd", "mysqld",
        "mariadbd", "mongod", "postgres", "redis-server", "valkey-server", "memcached", "haproxy", "squid",
        "privoxy", "tor", "i2pd", "openvpn", "hostapd", "dhcpd", "avahi-daemon", "cupsd", "rsyncd",
        "tftpd", "in.tftpd", "xinetd", "inetd", "slapd", "kdc", "krb5kdc", "mosquitto", "rabbitmq-server",
        "etcd", "consul-agent", "coredns", "traefik", "envoy", "frr", "zebra", "ospfd", "bgpd", "xrdp", "x11vnc",
        "vncserver", "Xvnc", "gateway", "fancontrol", "ippeveprinter", "ippserver", "thermald",
        // netperf's server: it forks into the background and answers benchmark clients on a port.
        "netserver",
        // A Bitcoin node joins the peer-to-peer network; Slurm's controller and node daemons
        // serve the cluster (session 15's misses).
        "bitcoind", "slurmctld", "slurmd", "slurmdbd",
    ]

    /// Options that only check a daemon's configuration (`nginx -t`, `sshd -t`, `haproxy -c`).
    static let configCheckFlags: NameSet = [
        "-t", "-T", "--test", "--check", "--configtest", "--config-test", "--check-config", "--validate",
    ]

    /// Options that name the host a program talks to (A3): its value decides. Not `--ip`:
    /// an address is data as often as a destination (`mmdblookup --ip 8.8.8.8`).
    static let addressOptions: NameSet = [
        "--address", "--addr", "--host", "--hostname", "--server", "--remote", "--target", "--endpoint",
        "--url", "--proxy", "-proxy", "--api-url", "--base-url", "--uri",
    ]
    /// Options that send a write request to a service (A9): `--post`, `-X DELETE`.
    static let writeRequestOptions: NameSet = ["--post", "--put", "--patch"]
    static let writeMethods: NameSet = ["POST", "PUT", "PATCH", "DELETE", "post", "put", "patch", "delete"]

    /// The value of option `args[j]`: after its `=`, or the next argument.
    static func optionValue(_ args: [String], _ j: Int) -> String? {
        let w = args[j]
        if let eq = w.utf8.firstIndex(of: UInt8(ascii: "=")) {
            return String(Substring(w.utf8[w.utf8.index(after: eq)...]))
        }
        return j + 1 < args.count && !args[j + 1].isOptionLike ? args[j + 1] : nil
    }

    static func optionName(_ w: String) -> String {
        guard w.containsByte(UInt8(ascii: "=")) else { return w }
        return w.utf8.firstIndex(of: UInt8(ascii: "=")).map { String(Substring(w.utf8[..<$0])) } ?? w
    }

    /// The name lower-cased, copied only when it has an upper-case ASCII letter (rare).
    static func lowerASCII(_ s: String) -> String {
        s.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? s.lowercased() : s
    }

    /// Raw block and SCSI devices: a program handed one reads or writes a disk (A12).
    static let rawDevicePrefixes = [
        "/dev/sd", "/dev/hd", "/dev/vd", "/dev/xvd", "/dev/nvme", "/dev/mmcblk", "/dev/sg",
        "/dev/mapper/", "/dev/md", "/dev/dm-", "/dev/disk/", "/dev/mtd", "/dev/nbd", "/dev/bcache",
    ]

    /// `/dev/VG/LV`: LVM names its logical volumes by group under /dev; the other
    /// directories there hold terminals, descriptors, input and sound devices.
    static func isVolumePath(_ w: String) -> Bool {
        let parts = w.split(separator: "/")
        guard parts.count == 3, parts[0] == "dev" else { return false }
        return ![
            "pts", "shm", "fd", "input", "snd", "dri", "net", "bus", "char", "block", "tcp", "udp", "cpu", "hugepages",
            "mqueue", "usb", "serial", "v4l", "bsg", "vfio", "hidraw", "video", "fb", "dma_heap", "gpiochip",
        ].contains(String(parts[1]))
    }

    /// Whether an option's name (up to `=`) holds one of `parts` as a word or a word's start.
    static func optionNames(_ w: String, any parts: [String]) -> Bool {
        // Asked for every argument of most programs: bytes first, no allocation for non-options.
        guard w.utf8.count >= 4, w.utf8.first == UInt8(ascii: "-"), !w.hasPrefix("--no-"), !w.hasPrefix("--keep"),
            !w.hasPrefix("--dont"), !w.hasPrefix("--skip")
        else { return false }
        let name = lowerASCII(optionName(w))
        // One pass for every part any rule looks for; most options hold none.
        guard name.withBytes({ optionParts.occurs(in: $0) }) else { return false }
        return parts.contains { name.has($0) }
    }

    /// Every part `optionNames` is asked about, for the one-pass test.
    static let optionParts = Needles(deletingParts + credentialParts)

    static func semantics(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ fam: Family) {
        let p = inv.program
        if textOnly.contains(p) || localVerbTools.contains(p) || inv.kind.contains(.informational)
            || inv.kind.contains(.shell) || inv.kind.contains(.interpreter) || inv.kind.contains(.editor)
            || !fam.isDisjoint(with: .noEgress)
        {
            return
        }
        let unknown = !inv.kind.contains(.known)
        let args = inv.args
        // A7: an option that makes the program run things as root.
        if let f = args.first(where: {
            $0.utf8.count >= 6 && $0.utf8.first == UInt8(ascii: "-") && rootOptions.contains($0)
        }) {
            a.hit(.sudo, k, reason: "\(p) \(f) runs commands as root")
            return
        }
        // A12: a raw disk or SCSI device handed to a program with no rule of its own.
        // (`fatlabel /dev/sda1`, `exfatlabel /dev/sda`: a label tool given only the device prints it.)
        if unknown, !(lowerASCII(p).hasSuffix("label") && inv.positionals.count == 1),
            let d = args.first(where: { w in
                w.utf8.count > 7 && w.utf8.first == UInt8(ascii: "/") && w.hasPrefix("/dev/")
                    && (rawDevicePrefixes.contains { w.hasPrefix($0) } || isVolumePath(w))
            })
        {
            a.hit(.rawDisk, k, target: d, reason: "\(p) works on the raw device \(d)")
            return
        }
        let pos = inv.positionals.prefix(3)
        // A4, for known programs too (their rules do not cover it): `X plugin add`, `X extension install`, `X platform remove`.
        if let n = pos.firstIndex(where: { softwareNouns.contains($0) }),
            pos.contains(where: { softwareVerbs.contains($0) }),
            n < pos.endIndex
        {
            a.hit(.softwareChange, k, reason: "\(p) \(pos[n]) installs or removes software")
            return
        }
        if names(a, k, inv, unknown: unknown) { return }
        guard unknown else { return }
        if families(a, k, inv) { return }
        // A10: database clients, named as such (`pg_createsubscriber`, `mysqlsh`, `snowsql`).
        if isDatabaseClientName(p), !isOfflineDatabaseTool(lowerASCII(p)) {
            a.hit(.databaseSession, k, reason: "\(p) opens a database session or changes a database")
            return
        }
        // A13, R10: screen and camera capture, named as such (`i3-scrot`, `rpicam-raw`).
        // (`cam -l`, `cam --list-controls` list cameras and their controls.)
        if isCaptureName(p)
            || args.contains(where: { $0.utf8.first == UInt8(ascii: "/") && $0.hasPrefix("/dev/video") }),
            !inv.hasAny(["-l", "--list"]), !args.contains(where: listingOption)
        {
            a.hit(.inputCapture, k, reason: "\(p) captures the screen or a camera")
            return
        }
        // R6: a daemon or server started by the agent.
        // (`rc-service nginx status` asks a service manager about the daemon.)
        // (A daemon's name as an option's value is a setting, not the daemon started:
        // `shotcut --SDL_AUDIODRIVER pulseaudio` picks an audio driver.)
        if daemons.contains(p) || inv.positionals.first.map({ daemons.contains($0) && inv.args.first == $0 }) == true,
            !args.contains(where: { configCheckFlags.contains($0) }), !(p.eq("haproxy") && inv.has("-c")),
            !inv.positionals.contains(where: { statusVerbs.contains($0) })
        {
            a.hit(.networkListener, k, score: 60, reason: "\(p) starts a daemon or server")
            return
        }
        // A3: an option naming another host (`--address 192.168.1.10`, `--server db.example.com`).
        if let j = args.indices.first(where: { j in
            args[j].isOptionLike && addressOptions.contains(optionName(args[j]))
                && optionValue(args, j).map { v in remoteHost(v) != nil || looksLikeHost(v) } == true
        }) {
            a.hit(.egress, k, reason: "\(p) talks to \(optionValue(args, j) ?? "another host")")
            return
        }
        // A9: a write request to a service (`--post ...`, `-X DELETE`).
        if let j = args.indices.first(where: { j in
            args[j].utf8.first == UInt8(ascii: "-") && writeRequestOptions.contains(args[j])
                || args[j].utf8.first == UInt8(ascii: "-")
                    && (args[j] == "-X" || optionName(args[j]) == "--request" || optionName(args[j]) == "--method")
                    && optionValue(args, j).map { writeMethods.contains($0) } == true
        }) {
            a.hit(.remoteStateChange, k, reason: "\(p) \(args[j]) sends a write request to a service")
            return
        }
        // A11, A13: creating, showing or importing keys, tokens and credentials.
        if let n = pos.prefix(2).first(where: { credentialNouns.contains($0) }) {
            a.hit(.outsideWrite, k, reason: "\(p) \(n) creates, shows or changes a credential")
            return
        }
        // A1: an option named for deleting (`--delete-older-than 30d`, `--removeworkspace`).
        // (deletedThings are not in optionParts: asked only of options that name a deletion.)
        if let f = args.first(where: { w in
            optionNames(w, any: deletingParts) && deletedThings.contains { lowerASCII(optionName(w)).has($0) }
        }) {
            a.hit(.fileDelete, k, reason: "\(p) \(f) deletes")
            return
        }
        // R5: a credential given inline: the program authenticates to something with it.
        // Not a file, command or variable that holds one (`--password-file`, `--token-env`).
        if let f = args.indices.first(where: { j in
            optionNames(args[j], any: credentialParts) && !optionNames(args[j], any: credentialSources)
                && (args[j].containsByte(UInt8(ascii: "=")) || j + 1 < args.count && !args[j + 1].isOptionLike)
                && !credentialIsFile(args, j)
        }) {
            let name = args[f].split(separator: "=", maxSplits: 1).first.map(String.init) ?? args[f]
            a.hit(.egress, k, reason: "\(p) is given an inline credential (\(name))")
        }
    }

    /// `--password project/password_file`, `--passphrase=keys/pass.txt`: the value is a relative or
    /// absolute path (a slash, no `:` or `@` of a URL or login), so the option names the file
    /// that holds the secret, as `--password-file` does.
    static func credentialIsFile(_ args: [String], _ j: Int) -> Bool {
        let v: Substring
        if let eq = args[j].firstIndex(of: "=") {
            v = args[j][args[j].index(after: eq)...]
        } else {
            v = Substring(args[j + 1])
        }
        // Only for passwords: a `--secret-key` file is the secret itself (A13).
        return lowerASCII(optionName(args[j])).has("pass") && v.utf8.contains(UInt8(ascii: "/"))
            && !v.utf8.contains(where: { $0 == 0x3A || $0 == 0x40 || $0 == 0x20 })
    }

    /// Database tools that read a server's files offline, with no session: binary logs, WAL
    /// segments and summaries, control data, backups verified against their manifest or combined
    /// from an incremental chain (`pg_combinebackup`: directories in, a directory out).
    static func isOfflineDatabaseTool(_ l: String) -> Bool {
        l.has("binlog") || l.has("waldump") || l.has("walsummary") || l.has("controldata") || l.has("verifybackup")
            || l.has("combinebackup")
    }

    static func isDatabaseClientName(_ p: String) -> Bool {
        // Asked of every unknown program: the first byte picks the one or two prefixes to test.
        let l = lowerASCII(p)
        if l.utf8.count > 5 && l.hasSuffix("sqlsh") { return true }
        switch l.utf8.first {
        case UInt8(ascii: "p"): return l.hasPrefix("pg_")
        case UInt8(ascii: "m"): return l.hasPrefix("mysql") || l.hasPrefix("mongo") || l.hasPrefix("mariadb")
        case UInt8(ascii: "r"): return l.hasPrefix("redis-")
        case UInt8(ascii: "c"): return l.hasPrefix("cql")
        default: return false
        }
    }

    /// Parts of capture tools' names, searched in one pass before the precise tests.
    static let captureNameParts = Needles([
        "scrot", "screen", "webcam", "camera", "rpicam-", "libcamera-", "raspistill", "raspivid", "cam", "shot",
    ])

    static func isCaptureName(_ p: String) -> Bool {
        let l = lowerASCII(p)
        guard l.withBytes({ captureNameParts.occurs(in: $0) }) else { return false }
        return l.has("scrot") || l.has("screenshot") || l.has("screencast") || l.has("screenrec")
            || l.has("screengrab") || l.has("webcam") || l.hasPrefix("rpicam-") || l.hasPrefix("libcamera-")
            || l.hasPrefix("raspistill") || l.hasPrefix("raspivid") || l == "cam" || l.has("camera")
            // `hyprshot`, `flameshot`: a name ending in "shot" takes screenshots; a snapshot
            // (`rusnapshot`, `qm snapshot`) copies a volume or a VM (R7), not the screen.
            || l.hasSuffix("shot") && !l.hasSuffix("snapshot")
    }
}
