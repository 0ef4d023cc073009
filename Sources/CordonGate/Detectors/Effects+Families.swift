// More of gate-classes.md's tie-breaker for programs the gate has no rule for, read from what
// a subcommand, an option or the program's own name says it does (issue 12, session 10):
//
// - a `download`/`fetch`/`pull`/`clone`/`sync`/`grab` subcommand, or a program named for
//   downloading (`*downloader`, `*-dl`), brings content in from another machine (A3);
// - `X config k=v`, `X config set ...` store a setting in the tool's user-level
//   configuration, outside the workspace (A11); `config get`/`list` only read (a bare
//   `X set K V` is not judged: as often a workspace `.env` or a fan speed as a system setting);
// - a password wordlist is brute-forcing a credential (R1); NTLM `-hashes` is pass-the-hash
//   (R1: block); an Impacket-style `domain/user:password` target is an inline credential (R5);
// - programs named for recording sound or for a camera capture (A13, R10);
// - a program whose own name says it creates, deletes, installs or deploys
//   (`elasticsearch-create-enrollment-token`, `foo-uninstall`): the name is the verb (A9);
// - a program named as an agent or daemon serves the machine or network (R6);
// - a program named as an SQL client and pointed at a server opens a database session (A10).
//
// Each rule is a class of programs with one meaning; the near misses that must stay allowed
// are in Tests/CordonGateTests/FamilyTests.swift.

extension Effects {
    // Tables of remoteState (Effects+Network.swift): Proxmox's CLIs, and resource words
    // followed by a read verb.
    static let proxmoxCLIs: NameSet = [
        "qm", "pct", "pvesm", "pveum", "pvenode", "pveceph", "ha-manager", "pvesh", "pvecm",
    ]

    /// Words that are verbs elsewhere but name a resource when a read verb follows them.
    static let nounVerbs: NameSet = [
        "release", "rollout", "auth", "secrets", "secret", "tag", "label", "snapshot", "archive", "mirror", "deploy",
        "deployment", "proxy", "tunnel", "link", "lock", "cache", "import", "export", "sync",
    ]
    /// Read verbs that, as the word after a resource, make the whole call a read (L7).
    static let readFollowers: NameSet = [
        "list", "ls", "view", "show", "status", "logs", "log", "describe", "get", "info", "history", "inspect",
        "can-i", "watch", "whoami",
    ]

    /// Verbs that act whatever word follows them: the word after them is what they run,
    /// install or remove (`pipx run ls`, `npm install view`, `X delete list`), never a read verb.
    static let actingVerbs: NameSet = [
        "run", "exec", "x", "dlx", "ssh", "shell", "execute", "call", "invoke", "start", "attach", "connect",
        "install", "i", "in", "it", "add", "a", "require", "remove", "rm", "uninstall", "un", "del", "delete",
        "update", "up", "upgrade", "kill", "stop", "destroy", "purge", "push", "upload", "publish", "deploy",
        "send", "post", "put", "set", "create", "new", "apply", "drop", "erase", "wipe",
    ]

    /// `gcloud auth list`, `npm access list`, `aws configure get`, `grype db status`, `claude mcp
    /// list`: a resource or group word followed by a read verb is a read (L7), whatever the first
    /// word is elsewhere, unless the first word acts on what follows it.
    /// The first word must be a word (`alice@host ls` is a login and a remote command); for
    /// package managers `get` fetches (`dart pub get`), so `fetching` leaves it out.
    static func readsAfter(_ pos: borrowing [String], fetching: Bool = false) -> Bool {
        guard pos.count >= 2, readFollowers.contains(pos[1]), !(fetching && pos[1] == "get"),
            !actingVerbs.contains(pos[0])
        else { return false }
        return pos[0].utf8.allSatisfy { b in
            b >= 0x61 && b <= 0x7A || b >= 0x30 && b <= 0x39 || b == 0x2D || b == 0x5F || b == 0x3A
        }
    }

    /// Subcommands that bring content in from another machine (A3).
    static let fetchVerbs: NameSet = ["download", "fetch", "pull", "clone", "sync", "grab", "dl", "mirror"]

    /// Subcommands that hold a tool's settings; with an assignment or `set` they write them.
    static let configNouns: NameSet = ["config", "configure", "configuration", "settings", "setting", "prefs"]
    static let configWriteVerbs: NameSet = ["set", "add", "unset", "edit", "write", "reset", "rm", "remove", "delete"]

    /// Option names for a password or hash wordlist (hashcat, john, aircrack-ng, flask-unsign).
    static let wordlistOptions: NameSet = ["--wordlist", "-wordlist", "--wordlists", "--passwords", "--pass-list"]

    /// Option names that pass an NTLM hash instead of a password (Impacket, netexec).
    static let hashAuthOptions: NameSet = ["-hashes", "--hashes", "-nthash", "--nthash", "-pth", "--pass-the-hash"]

    /// An `LM:NT` pair as these options take it: two hex hashes (either may be empty, `:NT`),
    /// or the placeholders documentation writes (`LMHASH:NTHASH`, `lm:nt`).
    static func isHashPair(_ v: String) -> Bool {
        let parts = v.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty else { return false }
        return parts.allSatisfy { part in
            part.isEmpty || part.allSatisfy(\.isHexDigit)
                || String(part.lowercased().filter(\.isLetter)).hasSuffix("hash")
                || ["lm", "nt", "ntlm"].contains(part.lowercased())
        }
    }

    /// Sound recorders (`arecord`, `pw-record`); `*recorder` names are found by their end.
    static let recorders: NameSet = ["arecord", "parecord", "pw-record", "pw-cat", "rec", "sox-rec", "audio-recorder"]

    static let niInstallers: NameSet = ["ni", "nci", "nun", "nup"]

    /// What a `--post-*` option posts to a service (not `--post-hook`, which runs a command).
    static let postedThings = ["result", "results", "comment", "comments", "review", "message", "status", "report"]

    /// Options that open a connection to a database or service.
    static let connectOptions: NameSet = [
        "--connect", "-connect", "--connection", "--connection-string", "--dsn", "--conn", "--jdbc-url",
    ]

    /// Window managers, compositors and X servers (R6: session daemons).
    static let sessionServers: NameSet = [
        "qtile", "i3", "sway", "bspwm", "awesome", "openbox", "xmonad", "dwm", "herbstluftwm", "hyprland",
        "Hyprland", "river", "labwc", "wayfire", "weston", "cage", "kwin", "kwin_x11", "kwin_wayland", "mutter",
        "fluxbox", "icewm", "jwm", "spectrwm", "leftwm", "niri", "dwl", "xfwm4", "marco", "metacity", "compiz",
        "enlightenment", "twm", "fvwm", "ratpoison", "stumpwm", "Xephyr", "Xvfb", "Xorg", "X", "Xnest",
        "Xwayland", "xinit", "startx", "picom", "compton",
        // Idle and notification daemons of a session.
        "swayidle", "hypridle", "xidlehook", "xss-lock", "dunst", "mako", "swaync", "fnott",
    ]

    /// Subcommands of a window manager's own binary that talk to the running one (a client:
    /// `qtile run-cmd`, `niri msg outputs`) rather than start a session.
    static let sessionClientVerbs: NameSet = [
        "msg", "run-cmd", "cmd-obj", "shell", "top", "check", "migrate", "validate", "ipc", "reload", "version",
        "help", "completions", "completion", "info",
    ]

    /// Verbs a program's own name may hold (`elasticsearch-create-enrollment-token`).
    static let nameVerbs: NameSet = [
        "create", "delete", "remove", "destroy", "install", "uninstall", "deploy", "publish", "upload", "purge",
        "wipe", "erase", "kill", "shutdown", "reboot", "flash", "register", "unregister", "revoke", "grant",
        "enroll", "stop", "restart", "upgrade", "clone", "burn", "enable", "disable",
        // `distrobox-rm NAME` removes what the tool manages, as `-delete` does.
        "rm",
    ]

    /// The families above, for an unknown program no other rule spoke for; true when one did.
    /// Every name part the rules below search for, tested in one pass: most names hold none.
    static let familyNameParts = Needles([
        "download", "agent", "daemon", "create", "delete", "remove", "destroy", "install", "deploy", "publish",
        "upload", "purge", "wipe", "erase", "kill", "shutdown", "reboot", "flash", "register", "revoke", "grant",
        "enroll", "stop", "restart", "upgrade", "clone", "burn", "enable", "disable", "-rm",
    ])

    static func families(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) -> Bool {
        let p = inv.program
        let lower = lowerASCII(p)
        let named = lower.withBytes { familyNameParts.occurs(in: $0) }
        let pos = inv.positionals
        let args = inv.args
        // A4, A14: antfu's `ni` family runs the project's package manager: install, clean
        // install, uninstall, upgrade; `nlx` runs a package from the registry.
        if niInstallers.contains(p) {
            a.hit(.softwareChange, k, reason: "\(p) installs, removes or upgrades packages")
            return true
        }
        if p.eq("nlx") {
            a.hit(.thirdPartyCode, k, reason: "nlx downloads and runs a package from the registry")
            return true
        }
        // R1: a wordlist is a brute-force of a password or key.
        if args.contains(where: { w in
            w.utf8.first == UInt8(ascii: "-") && wordlistOptions.contains(optionName(w))
        }) || (args.contains("-w") && args.contains(where: { lowerASCII($0).has("wordlist") })) {
            a.hit(.secretSearch, k, reason: "\(p) brute-forces a password or key with a wordlist")
            return true
        }
        // R5: `DOMAIN/user:password@host` or `domain.tld/user:password` (Impacket targets).
        if let t = pos.first(where: { isDomainCredentialTarget($0) || isUserPasswordHost($0) }) {
            a.hit(.egress, k, reason: "\(p) logs in to \(t) with an inline credential")
            return true
        }
        // A3: a download subcommand, or a program named for downloading.
        if let v = pos.first, args.first == v, fetchVerbs.contains(v) {
            a.hit(.egress, k, reason: "\(p) \(v) fetches content from another machine")
            return true
        }
        if named && lower.has("download") || lower.utf8.count >= 5 && (lower.hasSuffix("dl") || lower.hasSuffix("-dl"))
            || args.contains("--download")
        {
            a.hit(.egress, k, reason: "\(p) downloads from the network")
            return true
        }
        // A11: a setting stored in the tool's user-level configuration.
        if let c = pos.first, args.first == c, configNouns.contains(c),
            pos.count >= 2 && configWriteVerbs.contains(pos[1]) || pos.dropFirst().contains(where: isAssignment)
        {
            a.hit(.outsideWrite, k, reason: "\(p) \(c) stores a setting in its user configuration")
            return true
        }
        // A4: `--install-extension X`, `--install-boards`, `-uninstall`: an option named for
        // installing (not `--install-dir`, which says where).
        if let f = args.first(where: isInstallOption) {
            a.hit(.softwareChange, k, reason: "\(p) \(f) installs or removes software")
            return true
        }
        // A3: `--send-sms`, `--send-file`: an option named for sending something out; a program
        // named for sending (`tgsend`, `sendxmpp`).
        // `--post-result`, `--post-comment`: a result or comment posted to a service (R4).
        if let f = args.first(where: { w in
            w.utf8.count > 7
                && (w.hasPrefix("--send-")
                    || w.hasPrefix("--post-") && postedThings.contains(where: { w.hasSuffix($0) }))
        }) {
            a.hit(.egress, k, reason: "\(p) \(optionName(f)) sends data out")
            return true
        }
        // Not `notify-send`: a desktop notification stays on this machine (R10).
        if lower.utf8.count >= 6, lower.hasSuffix("send") || lower.hasPrefix("send"), !lower.has("notify") {
            a.hit(.egress, k, reason: "\(p) sends messages or files out")
            return true
        }
        // R6: `X daemon` starts the tool's daemon (`eww daemon`, `zeroclaw daemon`); `X web`
        // its web server or web interface (`gitea web`, `spotdl web`).
        // (Not `distrobox-enter web`: a program named for its verb takes a name there.)
        if args.first == "daemon" || args.first == "web" && !lower.containsByte(UInt8(ascii: "-")) {
            a.hit(.networkListener, k, score: 60, reason: "\(p) \(args[0]) starts a daemon or web server")
            return true
        }
        // A8: process killers by name (`fkill`, `tcpkill`).
        if lower.utf8.count >= 5, lower.hasSuffix("kill"), lower != "rfkill" || !pos.isEmpty {
            a.hit(.systemChange, k, score: 60, reason: "\(p) kills processes or connections")
            return true
        }
        // A8: a FUSE file system (`cryfs`, `gocryptfs`, `jmtpfs`) given a mount point.
        if lower.utf8.count >= 5, lower.hasSuffix("fs"), pos.count == 2,
            args.first.map({ !configNouns.contains($0) }) ?? true,
            pos[1].hasPrefix("/") || pos[1].hasPrefix("~") || pos[1].contains("mnt") || pos[1].contains("mount")
        {
            a.hit(.systemChange, k, reason: "\(p) mounts a file system on \(pos[1])")
            return true
        }
        // ...or given only the directory to mount it on (`jmtpfs src/phone`: the device is found).
        // (A directory: no extension in its last part; `pgmtofs in.pgm` converts a file.)
        if lower.utf8.count >= 6, lower.hasSuffix("fs"), args.count == 1, pos.count == 1,
            pos[0].containsByte(UInt8(ascii: "/")) || pos[0].hasPrefix("~"),
            !(pos[0].split(separator: "/").last ?? "").contains(".")
        {
            a.hit(.systemChange, k, reason: "\(p) mounts a file system on \(pos[0])")
            return true
        }
        // A9: a virtual machine started (`qemu-system-x86_64 -hda disk.img`, `virt-qemu-run`).
        if lower.hasPrefix("qemu-system-") || lower == "virt-qemu-run" {
            a.hit(.remoteStateChange, k, reason: "\(p) starts a virtual machine")
            return true
        }
        // A3: an IPv4 address (not loopback, not a network range) given to a client.
        // The address must be an argument of its own (not an option's value, which is as
        // often a filter or a bind address) among the first two, given to a program not
        // named for resolving or computing addresses.
        if let h = pos.prefix(2).first(where: isRemoteIPv4),
            let j = args.firstIndex(of: h), j == 0 || !args[j - 1].isOptionLike,
            !lower.has("resolv"), !lower.has("cidr"), !lower.has("lookup"), !lower.has("calc")
        {
            a.hit(.egress, k, reason: "\(p) connects to \(h)")
            return true
        }
        // A3, A10: an option that opens a connection (`dbeaver --connect appdb`, `--dsn ...`).
        if let f = args.first(where: { w in
            w.utf8.first == UInt8(ascii: "-") && connectOptions.contains(optionName(w))
        }) {
            a.hit(.egress, k, reason: "\(p) \(f) opens a connection to a service")
            return true
        }
        // B7's milder kin: a load generator run against this host (`stress --io 2`).
        if lower.hasPrefix("stress") {
            a.hit(.cpuBurn, k, reason: "\(p) loads the host's processors, memory or disks deliberately")
            return true
        }
        // R6: window managers, compositors and X servers start a session's display server.
        if sessionServers.contains(p), !args.contains(where: { configCheckFlags.contains($0) }),
            pos.first.map({ sessionClientVerbs.contains($0) }) != true
        {
            a.hit(.networkListener, k, score: 60, reason: "\(p) starts a window manager or display server")
            return true
        }
        // R6: a daemon (Unix names them `…d`: beanstalkd) started bare or with only its
        // configuration file; with other arguments the final `d` is as often a word's end.
        // (Tried in session 11: with any arguments it also took `jhead`, `htpasswd`, `openscad`,
        // `makepasswd` and `speedread`, whose final `d` is a word's end.)
        if isDaemonName(p), families[p] == nil, !lower.hasSuffix("id"), !lower.hasSuffix("od"),
            args.isEmpty || args.count == 2 && (args[0] == "-c" || args[0] == "--config" || args[0] == "-C")
                || args.count == 1 && ["-f", "-n", "--nodetach", "--foreground", "-F"].contains(args[0])
        {
            a.hit(.networkListener, k, score: 60, reason: "\(p) starts a daemon")
            return true
        }
        // A13, R10: recording sound, reading a camera.
        if lower.hasSuffix("recorder") || recorders.contains(lower) || lower.utf8.count >= 5 && lower.hasSuffix("cam") {
            a.hit(.inputCapture, k, reason: "\(p) records from a microphone, camera or screen")
            return true
        }
        // A9: the program's name is its verb.
        if named, let v = nameVerb(lower), pos.first.map({ statusVerbs.contains($0) || readVerbs.contains($0) }) != true
        {
            a.hit(.systemChange, k, score: 60, reason: "\(p) \(v == "rm" ? "remove" : v)s, as its name says")
            return true
        }
        // R6: agents and daemons by name (`zabbix_agent2`, `foo-daemon`). Not "server": a
        // game or project server binary is allowed (R6), and language servers talk on stdio.
        if named,
            lower.hasPrefix("agent") || lower.hasSuffix("agent") || lower.has("-agent") || lower.has("_agent")
                || lower.has("daemon"), !lower.has("user-agent"),
            pos.first.map({ statusVerbs.contains($0) }) != true
        {
            a.hit(.networkListener, k, score: 60, reason: "\(p) starts an agent or daemon")
            return true
        }
        // A10: SQL clients by name (`rsql`, `usql`) pointed at a server; not SQL over local
        // files (`trdsql "SELECT ..."`).
        if lower.utf8.count >= 4, lower.hasSuffix("sql"),
            args.contains(where: {
                $0.has("://") || ["-h", "--host", "-U", "-u", "--user", "--url", "--dsn"].contains(optionName($0))
            })
        {
            a.hit(.databaseSession, k, reason: "\(p) opens a database session")
            return true
        }
        return false
    }

    /// `--install-extension`, `--uninstall-boards`, `-uninstall`; not a location option.
    static func isInstallOption(_ w: String) -> Bool {
        guard w.utf8.count >= 9, w.utf8.first == UInt8(ascii: "-") else { return false }
        let name = optionName(w)
        if name == "-uninstall" || name == "-install" { return true }
        guard name.hasPrefix("--install-") || name.hasPrefix("--uninstall-") else { return false }
        return !["dir", "directory", "prefix", "path", "root", "location", "base", "lib", "scripts", "data", "headers"]
            .contains { name.hasSuffix("-" + $0) }
    }

    /// `192.168.1.10`, `10.0.0.5:8080`: a dotted IPv4 address that is not loopback or any.
    static func isRemoteIPv4(_ w: String) -> Bool {
        guard w.utf8.count >= 7, w.utf8.count <= 21, let f = w.utf8.first, f >= 0x30 && f <= 0x39 else { return false }
        let host = w.split(separator: ":", maxSplits: 1).first.map(String.init) ?? w
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isNumber) })
        else { return false }
        return !host.hasPrefix("127.") && host != "0.0.0.0"
    }

    /// `key=value` (not an option, not a URL or path with `=` in a query).
    static func isAssignment(_ w: String) -> Bool {
        guard let eq = w.utf8.firstIndex(of: UInt8(ascii: "=")), eq != w.utf8.startIndex else { return false }
        return !w.hasPrefix("-") && !w.has("://") && !w.hasPrefix("/")
    }

    /// `example.com/alice:hunter2`, `CORP/alice:pw@dc01`, `example.com/alice@release`: a
    /// Windows domain, a user and a password or host, the way Impacket tools take a target.
    static func isDomainCredentialTarget(_ w: String) -> Bool {
        // Asked of every argument of unknown programs: bytes first, Characters only for the rare hit.
        guard w.utf8.count >= 5, w.utf8.first != UInt8(ascii: "/"), w.utf8.first != UInt8(ascii: "-") else {
            return false
        }
        var slash = false
        var mark = false
        for c in w.utf8 {
            if c == UInt8(ascii: "/") {
                slash = true
            } else if c == UInt8(ascii: ":") || c == UInt8(ascii: "@") {
                mark = true
            }
        }
        guard slash, mark, let slash = w.firstIndex(of: "/"), slash != w.startIndex else { return false }
        let domain = w[..<slash]
        let rest = w[w.index(after: slash)...]
        guard !rest.isEmpty, !rest.contains("/"), !w.has("://"),
            domain.contains(".") || domain.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "-" })
        else { return false }
        // `user:password` or `user@host`; not `file.txt:12` (a path with a line number).
        // (`alice:hunter2@host` without a domain is `isUserPasswordHost`.)
        let user = rest.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let afterColon = rest.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        return !user.isEmpty && !user.contains(".") && (afterColon.isEmpty || !afterColon.allSatisfy(\.isNumber))
    }

    /// `alice:hunter2@db.example.com`: a user, a password and a host in one word (not
    /// `git@host:org/repo`, where the colon follows the host).
    static func isUserPasswordHost(_ w: String) -> Bool {
        guard w.utf8.count >= 5, let colon = w.utf8.firstIndex(of: UInt8(ascii: ":")),
            let at = w.utf8.lastIndex(of: UInt8(ascii: "@")), colon < at, colon != w.utf8.startIndex,
            !w.utf8.contains(UInt8(ascii: "/")), w.utf8.index(after: at) != w.utf8.endIndex
        else { return false }
        return w.utf8.index(after: colon) != at && w.utf8.first != UInt8(ascii: "-")
    }

    /// The verb a program's hyphenated name holds (`elasticsearch-create-enrollment-token`).
    static func nameVerb(_ lower: String) -> String? {
        guard lower.utf8.contains(where: { $0 == 0x2D || $0 == 0x5F }) else { return nil }
        // `k3s-uninstall.sh`: a script's extension is not part of its verb.
        return lower.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).first {
            nameVerbs.contains(String($0))
        }.map(String.init)
    }
}
