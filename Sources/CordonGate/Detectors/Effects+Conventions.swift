// Conventions many programs share, read from what an option or argument means rather than from
// a program's name (session 13, ../shared/gate-classes.md): an option that makes a program
// listen on the network, an option that drives a program's own service (`--service start`), a
// pid file (only daemons write one), switching the context every later cluster or stack command
// uses, capture elements of a media pipeline, sniffers and bulk renamers named as such, and the
// selections of Gentoo's `eselect` and the kernel keyring's `keyctl`. They run after every other
// rule of Effects has stayed silent for the program.

extension Effects {
    /// Options that make a program accept connections (R6): their value is the address or
    /// port it binds. A loopback value or a unix socket path keeps it on this machine.
    /// (Not `--listening` or `--listener`: netstat lists listening sockets, phing names a class.)
    static let listenOptions: NameSet = [
        "--listen", "-listen", "--listen-port", "--listen_port", "-listen-port", "--listen-host", "--listen-address",
        "--listen-addr", "--listen_addr", "--listen-on", "--listen-ip",
    ]

    /// A program's own service driven through an option: `AdGuardHome --service start`,
    /// `httpd -k restart`, `nginx -s stop` (A8).
    static let lifecycleVerbs: NameSet = [
        "start", "stop", "restart", "reload", "install", "uninstall", "quit", "graceful", "graceful-stop", "enable",
        "disable",
    ]

    /// GStreamer sources that read a camera, microphone or screen (A13, R10); test and file
    /// sources (`videotestsrc`, `filesrc`) do not.
    static let captureElements: NameSet = [
        "v4l2src", "ximagesrc", "pipewiresrc", "libcamerasrc", "pulsesrc", "alsasrc", "autoaudiosrc", "autovideosrc",
        "jackaudiosrc", "osssrc", "oss4src", "kmssrc", "rpicamsrc", "avfvideosrc", "avfaudiosrc", "dx9screencapsrc",
        "gdiscreencapsrc", "d3d11screencapturesrc", "dshowvideosrc", "dshowaudiosrc", "wasapisrc", "wasapi2src",
        "directsoundsrc", "openalsrc", "ksvideosrc", "nvarguscamerasrc", "waylanddisplaysrc", "gtkwaylandsrc",
    ]

    /// Nouns whose `use`/`select`/`switch` changes the context every later command of the
    /// tool acts on (A9, like `kubectl config use-context`): `docker context use`, `pulumi
    /// stack select`.
    static let contextNouns: NameSet = ["context", "contexts", "ctx", "stack", "stacks"]
    static let contextVerbs: NameSet = ["use", "select", "switch"]

    /// The context switchers of kubectl: with an argument they change the kubeconfig's current
    /// context or namespace (`kubectx demo`, `kubens -`); alone, or with `-c`, they list it.
    static let contextSwitchers: NameSet = ["kubectx", "kubens", "kubeswitch", "kctx", "kns"]

    /// `eselect MODULE VERB`: these verbs only print; the others change a system-wide selection
    /// under /etc or /usr (A11: `eselect profile set`, `eselect repository disable`).
    static let eselectReads: NameSet = ["list", "show", "read", "count", "help", "usage", "version", "unread"]

    /// `keyctl` verbs that print a key's payload (A13) and those that store or change keys (A11).
    static let keyctlReads: NameSet = ["read", "print", "pipe"]
    static let keyctlWrites: NameSet = [
        "add", "padd", "update", "pupdate", "newring", "link", "unlink", "clear", "purge", "invalidate", "setperm",
        "chown", "chgrp", "timeout", "negate", "reject", "instantiate", "pinstantiate", "move", "restrict_keyring",
    ]

    /// Nouns whose fetch verb (`clone`, `pull`, `download`...) brings a repository, flake,
    /// package or model from elsewhere (A3).
    static let fetchedNouns: NameSet = [
        "repo", "repos", "repository", "repositories", "flake", "project", "model", "models", "dataset", "datasets",
        "space", "template", "templates", "starter",
    ]

    /// Parts of an option name that say its token only pages through results.
    static let paginationParts = ["start", "next", "page", "continuation", "idempotency", "cursor", "marker"]

    /// Version-control systems whose `serve` subcommand serves the repository over the network.
    static let vcsServers: NameSet = ["hg", "fossil", "bzr", "brz", "darcs", "pijul", "sl", "jj"]

    /// Options that say which address a server binds.
    static let bindOptions: NameSet = ["--bind", "--binding", "--bind-address", "--bind-addr", "--bind-ip"]

    /// `192.168.1.10:8080` -> `192.168.1.10`.
    static func hostPart(_ v: String) -> String {
        v.utf8.firstIndex(of: UInt8(ascii: ":")).map { String(Substring(v.utf8[..<$0])) } ?? v
    }

    /// A forge's shared records and what changes them (A9).
    static let forgeNouns: NameSet = ["issue", "issues", "pr", "prs", "mr", "release", "releases", "milestone"]
    static let forgeVerbs: NameSet = [
        "create", "new", "close", "reopen", "merge", "comment", "delete", "edit", "approve", "publish", "transfer",
    ]

    /// Endings of an option that names a secret rather than giving it (`--secret-id name`,
    /// `--token-name ci`): the value is which one, not the credential.
    static let identifierSuffixes = ["-id", "_id", "-ids", "-name", "-arn", "-type", "-ttl"]

    /// Session verbs of a session or exit tool (R10, A8).
    static let sessionVerbs: NameSet = [
        "lock", "lock-session", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate", "sleep",
    ]

    /// Every word the positional rules below read as a noun, for one lookup per word first.
    static let conventionNouns: NameSet = [
        "context", "contexts", "ctx", "stack", "stacks", "repo", "repos", "repository", "repositories", "flake",
        "project", "model", "models", "dataset", "datasets", "space", "template", "templates", "starter", "issue",
        "issues", "pr", "prs", "mr", "release", "releases", "milestone", "service", "services",
    ]

    /// The programs some rule below names, for one lookup first.
    static let conventionPrograms: NameSet = [
        "eselect", "keyctl", "rails", "apptainer", "singularity", "git", "hg", "fossil", "bzr", "brz", "darcs", "pijul",
        "sl", "jj", "kubectx", "kubens", "kubeswitch", "kctx", "kns",
    ]

    /// Parts of unknown programs' names the name rules below look for, searched in one pass.
    static let conventionNameParts = Needles([
        "dlna", "install", "aur", "pac", "lock", "exit", "session", "dm-tool", "logout", "leave", "power",
        "screensaver",
        "gst-launch", "sniff", "renam", "vncserver", "rdpserver",
    ])

    /// True when one of the conventions spoke (a hit was raised).
    static func conventions(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ fam: Family, unknown: Bool) -> Bool
    {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        // Asked for every program no other rule spoke for: one pass finds the options the
        // option rules read, and most commands have none.
        var listen: Int?
        var service: Int?
        var bind: Int?
        for j in args.indices {
            let w = args[j]
            let n = w.utf8.count
            guard n >= 2, w.utf8.first == UInt8(ascii: "-") else { continue }
            if service == nil, n <= 9, j + 1 < args.count,
                w == "--service" || w == "-service" || unknown && (w == "-s" || w == "-k" || w == "--signal"),
                lifecycleVerbs.contains(args[j + 1])
            {
                service = j
            }
            // `--listen*`, `-listen`, `--bind*`: the letter after the dashes says which to look up.
            if n >= 6 {
                let u = w.utf8
                let c = u[u.index(u.startIndex, offsetBy: u[u.index(after: u.startIndex)] == UInt8(ascii: "-") ? 2 : 1)]
                if c == UInt8(ascii: "l"), listen == nil, n >= 7, listenOptions.contains(optionName(w)) { listen = j }
                if c == UInt8(ascii: "b"), bind == nil, bindOptions.contains(optionName(w)) { bind = j }
            }
        }
        // R6: `--listen 8080`, `--listen-host 192.168.1.10`, `fzf --listen` (its HTTP server takes
        // actions, GTFOBins `command`); `--listen=localhost:8080` stays on this machine.
        if let j = listen {
            let v = optionValue(args, j)
            if !(v.map { isLoopbackTarget($0) || $0.hasPrefix("unix:") || $0.hasPrefix("/") } ?? false) {
                a.hit(.networkListener, k, score: 60, reason: "\(p) \(optionName(args[j])) listens on the network")
                return true
            }
        }
        // A8: the program's service driven through an option (`--service start`); the short
        // spellings (`-s stop`, `-k restart`) only for programs no rule knows, where they are
        // a daemon's signal option (elsewhere `-s` is a size or a session name).
        if let j = service {
            a.hit(.systemChange, k, reason: "\(p) \(args[j]) \(args[j + 1]) controls a service")
            return true
        }
        // R6: a server bound to an address other machines reach (`--binding 192.168.1.10`,
        // `--bind 0.0.0.0`); loopback stays on this machine.
        if let j = bind, let v = optionValue(args, j),
            v == "0.0.0.0" || v.hasPrefix("0.0.0.0:") || isRemoteIPv4(hostPart(v))
        {
            a.hit(.networkListener, k, score: 60, reason: "\(p) binds \(v), reachable from other machines")
            return true
        }
        if pos.prefix(3).contains(where: { conventionNouns.contains($0) }), nouns(a, k, inv) { return true }
        if conventionPrograms.contains(p), programs(a, k, inv) { return true }
        // R5: a cloud, cluster or remote client's query given its credential inline
        // (`doctl d ls --access-token ...`); not a pagination token (`--starting-token`).
        if !fam.isDisjoint(with: [.remoteState, .remoteClient, .database]),
            let j = args.indices.first(where: { j in
                optionNames(args[j], any: credentialParts) && !optionNames(args[j], any: credentialSources)
                    && !paginationParts.contains { lowerASCII(optionName(args[j])).has($0) }
                    && !identifierSuffixes.contains { lowerASCII(optionName(args[j])).hasSuffix($0) }
                    && (args[j].containsByte(UInt8(ascii: "=")) || j + 1 < args.count && !args[j + 1].isOptionLike)
                    && !credentialIsFile(args, j)
            })
        {
            a.hit(.egress, k, reason: "\(p) is given an inline credential (\(optionName(args[j])))")
            return true
        }
        // A8: a program named for mounting, known to the gate but with no rule of its own
        // (`systemd-mount DEVICE DIR`, `udiskie-mount -a`); the unknown ones are in Effects+Names.
        if !unknown, p.has("mount"), !p.eq("mountpoint"), !p.eq("showmount"),
            !pos.isEmpty || inv.hasAny(["-a", "--all"])
        {
            a.hit(.systemChange, k, reason: "\(p) mounts a file system")
            return true
        }
        // A11: `X config set K V --global` (Effects+Operands.swift), known programs too.
        if pos.count >= 2, scopedConfigWrite(a, k, inv) { return true }
        guard unknown else { return false }
        let lower = lowerASCII(p)
        if !args.isEmpty, !inv.kind.contains(.informational), operands(a, k, inv, lower) { return true }
        if lower.withBytes({ conventionNameParts.occurs(in: $0) }), named(a, k, inv, lower) { return true }
        return daemonShapes(a, k, inv, lower)
    }

    /// The rules that read a noun among the first words: a service manager's verb, the active
    /// context, a fetched repository, a forge's records.
    static func nouns(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) -> Bool {
        let p = inv.program
        let pos = inv.positionals
        // A8: `X service start NAME`, `brew services stop NAME`: a service manager's verb one
        // word later (`service(s)` is the noun; its `list`/`info` read).
        if pos.count >= 2, pos[0] == "service" || pos[0] == "services", lifecycleVerbs.contains(pos[1]) {
            a.hit(.systemChange, k, reason: "\(p) \(pos[0]) \(pos[1]) controls a service")
            return true
        }
        // A9: switching the context later commands use (`docker context use`, `pulumi stack select`).
        if let i = pos.prefix(3).firstIndex(where: { contextNouns.contains($0) }), i + 1 < pos.count,
            contextVerbs.contains(pos[i + 1])
        {
            a.hit(.remoteStateChange, k, reason: "\(p) \(pos[i]) \(pos[i + 1]) switches the active context")
            return true
        }
        // A3: a repository, flake or model fetched by a noun's verb (`fj repo clone`, `pkgctl repo
        // clone`, `nix flake clone`, `X model pull`): the first-word rule's verbs one word later.
        if pos.count >= 2, fetchedNouns.contains(pos[0]), fetchVerbs.contains(pos[1]) {
            a.hit(.egress, k, reason: "\(p) \(pos[0]) \(pos[1]) fetches from another machine")
            return true
        }
        // A9: an issue, pull request or release opened, closed or changed on a forge (`fj issue
        // create`, `X pr merge 12`); their `list`/`view` read (L7), and `create --web` only
        // opens the form in the person's browser (R4).
        if let i = pos.prefix(2).firstIndex(where: { forgeNouns.contains($0) }), i + 1 < pos.count,
            forgeVerbs.contains(pos[i + 1]), !(pos[i + 1] == "create" && inv.hasAny(["--web", "-w"]))
        {
            a.hit(.remoteStateChange, k, reason: "\(p) \(pos[i]) \(pos[i + 1]) changes a forge's issues or releases")
            return true
        }
        return false
    }

    /// The rules for single programs: kubectl's context switchers, eselect, keyctl, version
    /// control serving, `rails new`, a container image's test.
    static func programs(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) -> Bool {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        // A9: `kubectx demo`, `kubens -` change the kubeconfig's current context or namespace.
        if contextSwitchers.contains(p), let f = args.first, !["-c", "--current", "-h", "--help"].contains(f) {
            a.hit(.remoteStateChange, k, reason: "\(p) \(f) switches the cluster context or namespace")
            return true
        }
        if p.eq("eselect"), pos.count >= 2, !eselectReads.contains(pos[1]) {
            a.hit(.outsideWrite, k, reason: "eselect \(pos[0]) \(pos[1]) changes a system-wide selection")
            return true
        }
        if p.eq("keyctl"), let s = pos.first {
            if keyctlReads.contains(s) {
                a.hit(.inputCapture, k, reason: "keyctl \(s) prints a stored key's secret payload")
                return true
            }
            if keyctlWrites.contains(s) {
                a.hit(.outsideWrite, k, reason: "keyctl \(s) stores or changes a key in a kernel keyring")
                return true
            }
        }
        // R6: version control serving the repository to the network (`hg serve`, `fossil
        // serve`, `git daemon`); a project's dev server (`ember serve`) is not a repository.
        if let s = pos.first, s == "serve" && vcsServers.contains(p) || s == "daemon" && p.eq("git") {
            a.hit(.networkListener, k, score: 60, reason: "\(p) \(s) serves the repository to the network")
            return true
        }
        // A4: `rails new` runs `bundle install` unless told not to (`--skip-bundle`, `-B`).
        if p.eq("rails"), pos.first == "new", !inv.hasAny(["--skip-bundle", "-B"]) {
            a.hit(.softwareChange, k, reason: "rails new installs the new app's gems (bundle install)")
            return true
        }
        // A9: a container image's test script runs in a container, as `run` does.
        if p.eq("apptainer") || p.eq("singularity"), pos.first == "test" {
            a.hit(.remoteStateChange, k, reason: "\(p) test runs the image's test script in a container")
            return true
        }
        return false
    }

    /// Families of unknown programs by a part of their name (`conventionNameParts` occurs in it).
    static func named(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ lower: String) -> Bool {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        // R6: a VNC or RDP server by name (`x0vncserver -display :0`, `krdpserver -p 3389`)
        // shares this desktop, its screen and keyboard, with the network.
        if lower.has("vncserver") || lower.has("rdpserver") {
            a.hit(.networkListener, k, score: 60, reason: "\(p) shares the desktop with the network (VNC/RDP)")
            return true
        }
        // R6: DLNA and UPnP media servers share the media library with the network.
        if lower.has("dlna") {
            a.hit(.networkListener, k, score: 60, reason: "\(p) serves media to the network (DLNA)")
            return true
        }
        // A4: a system installer named as such (`archinstall`), unless it installs into a
        // prefix it is given (`gprinstall --prefix dir`: the build-install rule's exception).
        if lower.utf8.count > 8, lower.hasSuffix("install"), !inv.hasAny(["--prefix", "-p", "--help"]) {
            a.hit(.softwareChange, k, reason: "\(p) installs software")
            return true
        }
        // A4: a pacman wrapper by name (AUR helpers: `*aur*`, `pac*`) syncing, removing or
        // upgrading: `-S` (not the `-Ss`/`-Si`/`-Sl`/`-Sg` queries), `-R`, `-U`, `--sync`.
        // (Not a cache cleaner, `paccache --remove`: the A1 exception for caches.)
        if lower.has("aur") || lower.hasPrefix("pac"), !lower.has("cache"), !lower.has("clean"),
            !inv.hasAny(["-s", "--search", "-i", "--info"]),
            args.contains(where: { f in
                f == "--sync" || f == "--remove" || f == "--upgrade"
                    || f.utf8.count >= 2 && f.utf8.first == UInt8(ascii: "-") && !f.hasPrefix("--")
                        && (f.hasPrefix("-S") && !["-Ss", "-Si", "-Sl", "-Sg", "-Sp"].contains { f.hasPrefix($0) }
                            || f.hasPrefix("-R") || f.hasPrefix("-U"))
            })
        {
            a.hit(.softwareChange, k, reason: "\(p) installs, removes or upgrades packages (a pacman wrapper)")
            return true
        }
        // R10: a screen locker named as such (`blurlock`), run with options only; a session or
        // exit tool asked to lock or suspend (`i3exit lock`, `dm-tool lock`: A8 for suspend).
        // (Not a clock: `xclock`, `tty-clock`.)
        if lower.utf8.count >= 6, lower.hasSuffix("lock"), !lower.hasSuffix("clock"), lower != "shlock", pos.isEmpty {
            a.hit(.inputCapture, k, reason: "\(p) locks the screen")
            return true
        }
        if let s = pos.first, sessionVerbs.contains(s),
            ["exit", "session", "dm-tool", "logout", "leave", "power", "screensaver"].contains(where: { lower.has($0) })
        {
            a.hit(.systemChange, k, reason: "\(p) \(s) locks or suspends the session")
            return true
        }
        // A13: a media pipeline reading a camera, microphone or screen.
        if lower.hasPrefix("gst-launch"), let e = args.first(where: { captureElements.contains($0) }) {
            a.hit(.inputCapture, k, reason: "\(p) \(e) captures a camera, microphone or the screen")
            return true
        }
        // A3: a packet sniffer named as such (`sniffer.py`, `sniff.py`).
        if lower.has("sniff") {
            a.hit(.packetCapture, k, reason: "\(p) captures network traffic")
            return true
        }
        // A2: a bulk renamer named as such (`brename`, `renamer`), unless it only previews.
        if lower.has("renam"), !args.isEmpty, !inv.hasAny(["-n", "-d", "--dry-run", "--dryrun", "--preview"]) {
            a.hit(.bulkChange, k, reason: "\(p) renames files")
            return true
        }
        return false
    }

    /// Daemons by the shape of their command line: a `…d` name with only its configuration, a
    /// pid file.
    static func daemonShapes(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ lower: String) -> Bool {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        // R6: a `…d` daemon given only options with their values, one of them its configuration
        // (`bluetoothd -f conf`, `babeld -c a.conf -c b.conf`, `bitcoind -conf=x -datadir=y`).
        if isDaemonName(p), !lower.hasSuffix("id"), !lower.hasSuffix("od"),
            pos.allSatisfy({ w in
                args.firstIndex(of: w).map { $0 > 0 && args[$0 - 1].isOptionLike && !args[$0 - 1].contains("=") }
                    ?? false
            }),
            let c = args.firstIndex(where: { w in
                w == "-c" || w == "-f" || w == "-C" || w.hasPrefix("--config") || w.hasPrefix("-conf")
            }),
            args[c].containsByte(UInt8(ascii: "="))
                || c + 1 < args.count && (isConfigValue(args[c + 1]) || args[c + 1].containsByte(UInt8(ascii: "/"))),
            // (Not a check, a verification or a key shown from the file: `fastd --verify-config`.)
            !args.contains(where: { w in
                configCheckFlags.contains(w) || w.has("verify") || w.has("show") || w.has("test") || w.has("check")
            })
        {
            a.hit(.networkListener, k, score: 60, reason: "\(p) starts a daemon with its configuration")
            return true
        }
        // R6: a `…d` daemon given a path for its pid file (`collectd -P run/collectd.pid`).
        // (Not a name ending in `id`/`od`, `mkid -p dir`: the daemon rule's exception.)
        if isDaemonName(p), !lower.hasSuffix("id"), !lower.hasSuffix("od"),
            let j = args.firstIndex(where: { $0 == "-p" || $0 == "-P" }), j + 1 < args.count,
            args[j + 1].containsByte(UInt8(ascii: "/"))
        {
            a.hit(.networkListener, k, score: 60, reason: "\(p) \(args[j]) \(args[j + 1]): a daemon's pid file")
            return true
        }
        // R6: a pid file (`--pidfile x`, `-p run/app.pid`): only a daemon records one.
        if let f = args.first(where: { w in
            w.utf8.count >= 5 && w.has("pid")
                && (w.utf8.first == UInt8(ascii: "-")
                    ? ["--pidfile", "--pid-file", "-pidfile", "--pid_file"].contains(optionName(w))
                    : w.hasSuffix(".pid") || w.has("pid_file") || w.has("pidfile"))
        }) {
            a.hit(.networkListener, k, score: 60, reason: "\(p) \(f): a daemon writing its pid file")
            return true
        }
        return false
    }
}
