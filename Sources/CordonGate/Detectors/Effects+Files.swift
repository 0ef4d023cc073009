// Effects: files (gate-classes.md A1, A2, A11, R6, R9, R11): deletion with the scratch/build
// exception, bulk changes, writes outside the workspace, and servers exposing data.

extension Effects {
    /// Every program deletion's switch has a case for.
    static let deletionPrograms: NameSet = [
        "rm", "unlink", "srm", "wipe", "shred", "scrub", "trash-rm", "rmtrash-empty", "truncate", "find", "git",
        "rmdir",
        "mv", "rename", "mmv", "prename", "perl-rename", "file-rename", "rename.ul", "zmv", "vidir", "qmv", "f2",
        "sed", "perl", "ruby", "hg", "svn", "bzr",
    ]

    // MARK: files

    /// Directory names that are scratch, build or cache output. A constant: a `Set` literal
    /// built on every call cost ~1 µs per argument of `rm` (a 1 MiB `rm -f a.o b.o ...` took
    /// 295 ms). Names hold no `K`, `;` or backquote, so byte equality is String equality.
    static let disposableDirs: NameSet = [
        "build", "builds", "dist", "target", "out", "node_modules", "__pycache__", ".cache", "cache",
        ".pytest_cache",
        ".mypy_cache", ".ruff_cache", ".tox", ".nox", ".next", ".nuxt", ".parcel-cache", ".gradle", ".build",
        "coverage", ".coverage", "htmlcov", ".eggs", "bin", "obj", "tmp", "temp", ".tmp", ".turbo", ".svelte-kit",
        ".angular", "cmake-build-debug", "cmake-build-release", "_build", "deps", ".webpack", "storybook-static",
        ".terraform", ".venv-tmp", "site", "public/build", "logs", ".sass-cache", "DerivedData", ".stack-work",
        "dist-newstyle", "elm-stuff", "bower_components", "jspm_packages", ".dart_tool", "pkg", "vendor/bundle",
    ]
    /// Extensions of build and scratch files, without the dot: looked up once after the last
    /// dot instead of 26 suffix comparisons per argument (the same answer: none holds a dot,
    /// and `.lock.tmp` ends in `.tmp`). `dSYM` never matches a lower-cased name, as before.
    static let disposableExtensions: NameSet = [
        "o", "obj", "pyc", "pyo", "class", "tmp", "temp", "log", "swp", "swo", "bak", "orig",
        "rej", "a", "so", "d", "gcda", "gcno", "lo", "la", "dSYM", "cache", "pid", "out",
    ]

    /// Names that are scratch, build or cache output: deleting them loses nothing (A1 exception, R11).
    static func isDisposable(_ raw: String) -> Bool {
        var t = raw
        while t.hasSuffix("/") && t.utf8.count > 1 { t.removeLast() }
        if t.hasPrefix("/tmp/") || t.hasPrefix("/var/tmp/") || t.hasPrefix("/dev/shm/") || t == "/tmp/*" { return true }
        if t.utf8.first == UInt8(ascii: "$") {
            let tl = t.lowercased()
            if t.hasPrefix("$TMPDIR") || t.hasPrefix("${TMPDIR") || tl.hasPrefix("$tmp") || tl.hasPrefix("${tmp")
                || tl.hasPrefix("$temp") || tl.hasPrefix("${temp")
            {
                return true
            }
        }
        if t.hasPrefix("\"$tmp") { return true }
        // The last path component (the text itself when it is only `/`), as the split did.
        let base = t.basename
        let lower = (base.isEmpty ? t : base).lowercased()
        if disposableDirs.contains(lower) || lower.hasSuffix(".egg-info") { return true }
        if lower.hasSuffix("~") { return true }
        if let dot = lower.utf8.lastIndex(of: UInt8(ascii: ".")),
            disposableExtensions.contains(String(decoding: lower.utf8[lower.utf8.index(after: dot)...], as: UTF8.self))
        {
            return true
        }
        return lower.hasPrefix("tmp") || lower.hasPrefix("temp") || lower == "a.out" || lower == "core"
            || lower.hasPrefix("core.")
    }

    /// A1: deletion of anything but scratch and build output (the broad and critical cases
    /// are Destruction's, and score higher).
    static func deletion(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        guard deletionPrograms.contains(p) else { return }
        let args = inv.args
        var targets: [String] = []
        var what = "deletes"
        switch Name(p) {
        case "rm", "unlink", "srm", "wipe", "shred", "scrub", "trash-rm", "rmtrash-empty":
            targets = args.filter { !$0.isOptionLike }
            if inv.argsFromInput && targets.isEmpty { targets = ["(paths from standard input)"] }
            if p.eq("shred") || p.eq("scrub") { what = "destroys" }
        case "truncate":
            if let s = inv.value(of: "-s", "--size"), s == "0" || s.hasPrefix("-") || s.hasPrefix("<") {
                targets = inv.positionals.filter { $0 != s }
                what = "empties"
            }
        case "find":
            let deletes =
                inv.has("-delete")
                || args.enumerated().contains { j, x in
                    ["-exec", "-execdir", "-ok", "-okdir"].contains(x) && j + 1 < args.count
                        && ["rm", "/bin/rm", "/usr/bin/rm", "shred", "unlink", "rmdir", "srm"].contains(args[j + 1])
                }
            // A name filter that only matches build or cache output (`-name '*.pyc'`) deletes
            // nothing of value, whatever the root.
            if deletes, !(inv.value(of: "-name", "-iname").map(isDisposable) ?? false) {
                targets = [args.first { !$0.isOptionLike } ?? "."]
            }
            // find -exec mv / sed -i / chmod over many files: A2 bulk change.
            if let j = args.firstIndex(where: { ["-exec", "-execdir"].contains($0) }), j + 1 < args.count {
                let cmd = args[j + 1]
                let inPlace =
                    cmd == "sed" && args[(j + 1)...].contains(where: { $0.hasPrefix("-i") })
                    || cmd == "perl" && args[(j + 1)...].contains(where: { $0.hasPrefix("-pi") || $0.hasPrefix("-i") })
                if ["mv", "rename", "chmod", "chown", "chgrp", "cp", "ln", "truncate", "dd", "tee"].contains(cmd)
                    || inPlace
                {
                    a.hit(.bulkChange, k, reason: "find -exec \(cmd) changes every file it finds")
                }
            }
        case "git":
            let words = GitSafety.subcommandWords(inv)
            if words.first == "clean" && !inv.hasAny(["-n", "--dry-run"]) {
                a.hit(.fileDelete, k, reason: "git clean deletes untracked files")
            } else if words.first == "rm" && !inv.has("--cached") {
                a.hit(.fileDelete, k, reason: "git rm deletes tracked files from the work tree")
            }
            return
        case "hg", "svn", "bzr":
            // Like `git rm`: a version-control remove deletes the files from the work tree too
            // (not with hg's `-A`/`--after`, svn's `--keep-local`, bzr's `--keep`: records only).
            let pos = inv.positionals
            if let s = pos.first, ["rm", "remove", "del", "delete", "erase"].contains(s),
                !inv.hasAny(["-A", "--after", "--keep-local", "--keep"])
            {
                targets = Array(pos.dropFirst())
                if targets.isEmpty && inv.hasAny(["-I", "--include", "-X", "--exclude"]) {
                    targets = ["(matched files)"]
                }
            }
        case "rmdir":
            return  // only empty directories (R9)
        case "mv", "rename", "mmv", "prename", "perl-rename", "file-rename", "rename.ul", "zmv", "vidir", "qmv", "f2":
            bulk(a, k, inv)
            return
        case "sed", "perl", "ruby":
            let inPlace = args.contains {
                $0 == "-i" || $0.hasPrefix("-i") && !$0.hasPrefix("-in") || $0.hasPrefix("--in-place")
                    || $0.hasPrefix("-pi")
            }
            let files = inv.positionals.dropFirst(p.eq("sed") && inv.value(of: "-e", "--expression") == nil ? 1 : 0)
            if inPlace && (files.count > 1 || files.contains { $0.contains("*") || $0.contains("?") }) {
                a.hit(.bulkChange, k, reason: "\(p) -i rewrites many files in place")
            }
            return
        default:
            return
        }
        guard !targets.isEmpty else { return }
        let kept = targets.filter { !isDisposable($0) }
        if kept.isEmpty { return }
        a.hit(.fileDelete, k, reason: "\(p) \(what) \(kept[0])")
    }

    /// A2: many files moved or renamed at once, or files moved out of the workspace.
    static func bulk(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let pos = inv.positionals
        if !p.eq("mv") {
            if !pos.isEmpty && !inv.hasAny(["-n", "--dry-run", "--just-print", "--no-act"]) {
                a.hit(.bulkChange, k, reason: "\(p) renames many files")
            }
            return
        }
        let sources = inv.value(of: "-t", "--target-directory") != nil ? pos : Array(pos.dropLast())
        if sources.count > 1 || sources.contains(where: { $0.contains("*") || $0.contains("?") || $0.contains("{") }) {
            a.hit(.bulkChange, k, reason: "mv moves many files at once")
        }
    }

    /// A11: writes outside the workspace (dotfiles, system configuration, other absolute paths).
    static func writesOutside(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ fam: Family) {
        let p = inv.program
        if p.eq("git") {
            if GitSafety.subcommandWords(inv).first == "config" && inv.hasAny(["--global", "--system"])
                && !inv.hasAny(["--get", "--list", "-l", "--get-all", "--get-regexp", "--show-origin"])
                && inv.positionals.count >= 3
            {
                a.hit(.outsideWrite, k, reason: "git config --global changes every repository's settings")
            }
            return
        }
        if p.eq("gh") || p.eq("glab"), inv.subcommand == "auth", let v = inv.positionals.dropFirst().first,
            ["login", "logout", "refresh", "setup-git", "token"].contains(v)
        {
            if v != "token" { a.hit(.outsideWrite, k, reason: "\(p) auth \(v) changes stored credentials") }
            return
        }
        if fam.contains(.login) {
            let w = inv.positionals.prefix(2)
            // (`aws configure get`, `aws configure list`: a read verb after it reads.)
            if (w.contains("configure") && !readsAfter(inv.positionals)) || w.contains("login") || w.contains("logout")
                || w.contains("auth") && !w.contains(where: { readFollowers.contains($0) })
            {
                a.hit(
                    .outsideWrite, k, reason: "\(p) \(w.joined(separator: " ")) changes stored logins or configuration")
                return
            }
        }
        for f in a.writtenFiles(k) {
            if let why = outsideTarget(f) {
                a.hit(.outsideWrite, k, target: f, reason: "\(p) writes \(f) (\(why))")
                return
            }
        }
    }

    static let loginCLIs: NameSet = [
        "aws", "gcloud", "az", "doctl", "heroku", "flyctl", "vercel", "netlify", "firebase", "ibmcloud", "oci",
        "docker", "podman", "npm", "cargo", "helm", "kubectl", "vault", "argocd", "hf", "huggingface-cli", "wrangler",
    ]

    /// Why a written path is outside the workspace, or nil when it is inside it or scratch.
    static func outsideTarget(_ f: String) -> String? {
        if f.hasPrefix("~") || f.hasPrefix("$HOME") || f.hasPrefix("${HOME}") || f.hasPrefix("\"$HOME") {
            return "the home directory"
        }
        guard f.hasPrefix("/") else { return nil }
        for ok in [
            "/tmp/", "/var/tmp/", "/dev/shm/", "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/fd/",
            "/proc/self/fd/", "/dev/pts/",
        ]
        where f.hasPrefix(ok) || f == String(ok.dropLast()) {
            return nil
        }
        if f.hasPrefix("/dev/") { return nil }  // devices: Destruction's
        if f.hasPrefix("/etc/") || f.hasPrefix("/usr/") || f.hasPrefix("/opt/") || f.hasPrefix("/var/")
            || f.hasPrefix("/boot/")
            || f.hasPrefix("/root/") || f.hasPrefix("/srv/") || f.hasPrefix("/lib")
        {
            return "system location"
        }
        if f.hasPrefix("/home/") || f.hasPrefix("/Users/") { return "another directory's files" }
        return "an absolute path outside the workspace"
    }

    /// R6: servers that expose files or data to the network, and system or session daemons.
    static let fileServers: NameSet = [
        "http-server", "live-server", "serve", "servez", "jhat", "updog", "miniserve", "simplehttpserver",
        "webfsd", "darkhttpd", "lighttpd", "nginx", "apache2", "httpd", "caddy", "dnsmasq", "sshd", "vsftpd",
        "proftpd", "smbd", "nmbd", "rpcbind", "mysqld", "mariadbd", "postgres", "pg_ctl", "redis-server",
        "mongod", "memcached", "pipewire-pulse", "pulseaudio", "jackd", "avahi-daemon", "chisel", "frpc", "frps",
        "bore", "localtunnel", "lt", "sish", "rathole", "inlets", "ssh-tunnel", "gotty", "ttyd", "tmate",
        "wormhole", "croc", "ffsend", "transfer", "syncthing", "resilio", "vncserver", "x11vnc", "tigervncserver",
        "xrdp", "samba", "nfsd", "exportfs", "rsyncd", "dropbear", "tor", "i3", "sway", "openbox", "xmonad",
        "awesome", "bspwm", "dwm", "startx", "xinit", "Xvfb", "weston", "gnome-session", "startplasma-x11",
        "kwin", "mutter", "picom", "compton", "dbus-daemon", "mosquitto", "rabbitmq-server", "kafka-server-start",
        "zookeeper-server-start", "elasticsearch", "consul-agent", "etcd", "minio", "registry", "verdaccio",
        "jupyter-server", "sftp-server", "ncat-broker", "proxify", "mitmproxy", "mitmweb", "mitmdump",
        "bettercap", "responder", "impacket-smbserver", "smbserver.py", "maigret", "cupsd", "guacd", "knockd",
        "bird", "bird6", "pipewire", "wireplumber", "hostapd", "create_ap", "named", "unbound", "bind9",
        "radiusd", "freeradius", "slapd", "krb5kdc", "squid", "privoxy", "haproxy", "traefik", "envoy",
        "openvpn-server", "strongswan", "ipsec", "zabbix_server", "zabbix_agentd", "prometheus", "grafana-server",
        "node_exporter", "telegraf", "influxd", "clickhouse-server", "cassandra", "couchdb", "neo4j",
        "php-fpm", "uwsgi", "sshuttle", "dex", "gpsd", "nfs-server", "rpc.mountd", "tftpd", "in.tftpd",
        "atftpd", "dhcpd", "isc-dhcp-server", "kea-dhcp4", "radvd", "xinetd", "inetd", "snmpd", "ntpd",
        "chronyd", "cron", "crond", "atd", "sshd-keygen", "Xorg", "X", "Xwayland", "lightdm", "gdm", "sddm",
        "ngrok", "cloudflared", "pixiecore", "s6-svscan", "supervisord", "nagios", "nagios2",
        "nagios3", "nagios4", "icinga2", "confettysh", "wetty", "shellinaboxd", "sshx", "upterm", "zrok", "pinggy",
    ]

    /// A configuration file by its extension, or a `key=value` setting.
    static func isConfigValue(_ v: String) -> Bool {
        v.containsByte(UInt8(ascii: "="))
            || [".conf", ".cfg", ".cnf", ".json", ".yaml", ".yml", ".toml", ".ini", ".config"].contains {
                v.hasSuffix($0)
            }
    }

    static func services(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        guard fileServers.contains(p), !makesDatabaseCluster(inv) else { return }
        let loopback = inv.args.contains {
            $0 == "127.0.0.1" || $0 == "localhost" || $0.hasPrefix("127.0.0.1:") || $0.hasSuffix("=127.0.0.1")
                || $0.hasSuffix("=localhost") || $0 == "--local"
        }
        if loopback && !["tmate", "chisel", "bore", "localtunnel", "lt", "ngrok", "croc", "wormhole"].contains(p) {
            return
        }
        // `-c` alone checks the configuration (`haproxy -c`); `-c` with a configuration file or
        // a setting names what the daemon starts with (`zabbix_server -c config/zabbix_server.conf`,
        // `postgres -c shared_buffers=128MB`). (`dex -c x.desktop` creates a desktop entry.)
        let args = inv.args
        let checkC =
            args.firstIndex(of: "-c").map { j in
                p.eq("haproxy") || j + 1 >= args.count || !isConfigValue(args[j + 1])
            } ?? false
        if checkC
            || inv.hasAny([
                "-t", "--version", "-v", "-V", "-T", "-check", "--check", "--test", "configtest", "status",
                "validate", "fmt", "adapt",
            ])
            || inv.positionals.first.map({
                ["configtest", "status", "validate", "fmt", "adapt", "version", "check", "completion", "verify"]
                    .contains($0)
            }) == true
            || readsAfter(inv.positionals)
        {
            return
        }
        a.hit(
            .networkListener, k, score: 60,
            reason: "\(p) serves files or data to other machines, tunnels, or starts a daemon")
    }
}
