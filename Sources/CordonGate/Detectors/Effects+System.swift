// Effects: the local system (gate-classes.md A4, A6, A8, A10, A12-A14, R10): processes,
// services, kernel and network configuration, users, raw disks, capture, databases, third-party
// code and services, permissions and packages.

extension Effects {
    // MARK: the local system

    static let processKillers: NameSet = ["kill", "pkill", "killall", "xkill", "skill", "snice", "renice", "killall5"]
    static let accountTools: NameSet = [
        "useradd", "usermod", "userdel", "groupadd", "groupdel", "groupmod", "passwd", "chpasswd", "chage",
        "gpasswd", "adduser", "deluser", "addgroup", "delgroup", "newusers", "vipw", "vigr", "pwconv",
        "chfn", "chsh",
    ]
    static let serviceVerbs: NameSet = [
        "start", "stop", "restart", "reload", "enable", "disable", "mask", "unmask", "kill", "isolate",
        "set-default", "daemon-reload", "edit", "preset", "revert", "link", "try-restart", "reload-or-restart",
        "reset-failed", "set-property", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate",
        "emergency", "rescue", "default", "condrestart", "force-reload", "set-environment", "unset-environment",
        "import-environment", "add-wants", "add-requires", "freeze", "thaw", "clean", "bind", "mount-image", "cancel",
        "soft-reboot", "kexec", "poweroff", "reboot", "halt", "switch-root", "service-log-level",
        "service-log-target", "log-level", "log-target", "set-log-level", "exit",
    ]
    static let diskTools: NameSet = [
        "fdisk", "gdisk", "cfdisk", "cgdisk", "sfdisk", "parted", "hdparm", "sdparm", "fsck", "e2fsck",
        "fsck.ext4", "fsck.ext3", "fsck.vfat", "fsck.fat", "dosfsck", "xfs_repair", "ntfsfix", "badblocks",
        "smartctl", "nvme", "mdadm", "lvcreate", "lvremove", "lvresize", "lvextend", "lvreduce", "vgcreate",
        "vgextend", "vgreduce", "pvcreate", "pvremove", "pvmove", "cryptsetup", "losetup", "kpartx", "tune2fs",
        "resize2fs", "xfs_growfs", "btrfs", "zpool", "zfs", "avrdude", "esptool", "esptool.py", "dfu-util",
        "flashrom", "st-flash", "picotool", "fwupdmgr", "teensy_loader_cli", "openocd", "bossac", "stm32flash",
        "mtd_debug", "flash_erase", "nandwrite", "dcfldd", "ddrescue", "growpart", "partprobe", "blockdev",
        "e4defrag", "debugfs", "dumpe2fs-w", "ndctl", "vgremove", "vgchange", "lvchange", "wipefs",
        "sg_format", "mkswap", "swaplabel",
    ]
    static let captureTools: NameSet = [
        "scrot", "gnome-screenshot", "grim", "maim", "flameshot", "spectacle", "xwd", "screencapture",
        "wf-recorder", "ksnip", "shutter", "xfce4-screenshooter", "deepin-screenshot", "peek",
        "simplescreenrecorder", "kazam", "vokoscreen", "recordmydesktop", "byzanz-record", "logkeys",
        "showkey", "xinput", "evtest", "xdotool", "ydotool", "wtype", "xte", "xclip", "xsel", "wl-paste",
        "pbpaste", "copyq", "clipman", "cliphist", "cb", "clipse", "gpaste-client", "xdg-screensaver", "slock",
        "i3lock", "xlock", "swaylock",
        "gnome-screensaver-command", "xscreensaver-command", "light-locker-command", "rfkill", "pass", "gopass",
        "bw", "op", "keepassxc-cli", "secret-tool", "lpass", "kwallet-query", "gnome-keyring-daemon",
        "import", "ffmpeg", "xdotool", "ydotool", "gpg",
    ]
    static let databaseClients: NameSet = [
        "snowsql",
        "psql", "mysql", "mariadb", "mongo", "mongosh", "redis-cli", "cqlsh", "sqlcmd", "clickhouse-client",
        "influx", "pgcli", "mycli", "usql", "dropdb", "createdb", "createuser", "dropuser", "pg_restore",
        "mysqladmin", "mongorestore", "mongoimport", "mongodump", "mongoexport", "pg_dump", "pg_dumpall",
        "mysqldump", "cockroach", "etcdctl", "memcflush", "valkey-cli", "keydb-cli", "arangosh", "cypher-shell",
        "neo4j-admin", "sqlplus", "isql", "bcp", "initdb", "pg_ctl", "pg_ctlcluster", "pg_upgrade", "pg_recvlogical",
        "pg_receivewal", "pg_basebackup", "pg_resetwal", "pg_rewind", "reindexdb", "vacuumdb", "clusterdb",
        "pg_createcluster", "pg_dropcluster", "mysql_upgrade", "mysql_secure_installation", "mysql_install_db",
        "mysqlcheck", "myisamchk", "mongofiles", "rsql", "rabbitmqctl", "rabbitmq-plugins", "influx_inspect",
        "cockroach", "surreal", "tidb-server", "litecli", "pgbench", "mysqlslap", "mariadb-admin",
        "mariadb-dump", "mariadb-upgrade", "pg_restore",
    ]
    static let thirdPartyServices: NameSet = [
        "llm", "sgpt", "shell-gpt", "aichat", "mods", "chatgpt", "gpt", "openai", "claude", "gemini", "tgpt",
        "fabric", "aider", "trans", "translate-shell", "crow", "deepl", "ntfy", "pushover", "telegram-send",
        "slack", "slack-cli", "signal-cli", "twilio", "ddgr", "googler", "snyk", "sonar-scanner", "codeclimate",
        "pastebinit", "termbin", "ix", "sprunge", "gist", "wgetpaste", "imgur", "hastebin", "sentry-cli",
        "discord", "teams", "matrix-commander", "toot", "twtxt", "rtv", "irssi", "weechat", "ollama",
        // Coding agents and LLM CLIs: a prompt with the project's code goes to the model's service.
        "copilot", "crush", "codex", "goose", "opencode", "cursor-agent", "qwen", "qwen-code", "gemini-cli",
        "amp", "kimi",
    ]
    static let serviceLocalVerbs: NameSet = [
        "list", "ls", "ps", "show", "serve", "export", "models", "stats", "config", "version", "help", "logs",
        "completion", "sessions", "session", "debug",
    ]
    static let thirdPartyRunners: NameSet = ["npx", "bunx", "pipx", "uvx", "pnpx", "dlx"]

    /// Every program localSystem's switch has a case for: one lookup skips the switch for the rest.
    static let systemPrograms: NameSet = [
        "systemctl", "service", "rc-service", "sv", "launchctl", "supervisorctl", "pm2", "initctl", "update-rc.d",
        "chkconfig", "rc-update", "loginctl", "busctl", "snap", "runsvctrl", "jj", "tomb", "scancel", "qdel",
        "bkill", "condor_rm", "qsig", "qhold", "ss", "setenforce", "wakeonlan", "etherwake", "wol", "wondershaper",
        "agetty", "getty", "inputattach", "pmount", "pumount", "grub-mount", "steamosctl", "udevadm",
        "sensors-detect", "cupsctl", "cupsenable", "cupsdisable", "lpadmin", "lpoptions", "cupsaccept", "cupsreject",
        "balooctl", "tpm2", "tpm2_clear", "fwupdtool", "mokutil", "sbctl", "cryptenroll", "systemd-cryptenroll",
        "bluetoothctl", "btmgmt", "hciconfig", "iwlist", "airmon-ng", "aireplay-ng", "macchanger", "modprobe",
        "insmod", "rmmod", "depmod", "kmod", "sysctl", "hostname", "hostnamectl", "timedatectl", "localectl", "date",
        "hwclock", "mount", "umount", "swapon", "swapoff", "fusermount", "fusermount3", "eject", "udisksctl",
        "mount.cifs", "mount.nfs", "bindfs", "unionfs", "ip", "ifconfig", "iwconfig", "ifup", "ifdown", "route",
        "iw", "nmcli", "nmtui", "wpa_cli", "brctl", "ethtool", "tc", "vconfig", "dhclient", "dhcpcd", "netplan",
        "resolvectl", "networkctl", "wg", "wg-quick", "tailscale", "zerotier-cli", "openvpn", "nordvpn",
        "expressvpn", "protonvpn", "warp-cli", "iptables", "ip6tables", "nft", "ufw", "firewall-cmd",
        "iptables-restore", "ebtables", "arptables", "pfctl", "ipset", "crontab", "at", "batch", "update-grub",
        "grub-install", "grub-mkconfig", "update-initramfs", "dracut", "mkinitcpio", "efibootmgr", "bootctl",
        "kernelstub", "grub2-mkconfig", "update-alternatives", "alternatives", "ldconfig", "update-ca-certificates",
        "gsettings", "dconf", "xdg-mime", "xdg-settings", "defaults", "localedef", "locale-gen", "dpkg-reconfigure",
        "ssh-keygen", "ssh-add", "authconfig", "setsebool", "semanage", "restorecon", "aa-enforce", "aa-complain",
        "aa-disable", "tzselect", "update-locale", "systemd-firstboot", "machinectl", "snapper", "timeshift",
        "etckeeper", "chroot", "unshare", "nsenter", "setarch", "prlimit", "cpupower", "tuned-adm",
        "powerprofilesctl", "x86_energy_perf_policy", "nvidia-smi", "nvidia-settings", "xrandr", "brightnessctl",
        "light", "rtcwake", "pm-suspend", "pm-hibernate", "systemd-run", "run0", "kexec",
        "ipcrm", "cgclassify", "cgexec", "cgcreate", "cgdelete", "cgset", "chrt",
    ]

    /// Every program packages' switch has a case for.
    static let packagePrograms: NameSet = [
        "apt", "apt-get", "aptitude", "dnf", "yum", "zypper", "apk", "brew", "port", "pkg", "emerge", "xbps-install",
        "xbps-remove", "eopkg", "swupd", "slackpkg", "nala", "pkcon", "tdnf", "microdnf", "opkg", "pkgin", "pkg_add",
        "pkgutil", "urpmi", "rpm-ostree", "flatpak", "guix", "nix-env", "pixi", "nix-channel", "mas", "choco",
        "winget", "scoop", "pacstrap", "debootstrap", "wajig", "pkgtool", "pacman", "yay", "paru", "pamac", "rpm",
        "aura", "pikaur", "trizen", "pakku", "mmdebstrap", "cdebootstrap", "multistrap",
        "dpkg", "uv", "pip", "pip3", "pip2", "pipx", "poetry", "pdm", "conda", "mamba", "micromamba", "pipenv", "hatch",
        "rye", "npm", "pnpm", "yarn", "bun", "cargo", "go", "gem", "bundle", "bundler", "composer", "cpan", "cpanm",
        "luarocks", "opam", "stack", "cabal", "nimble", "dotnet", "rustup", "tlmgr", "sdk", "sdkmanager", "asdf",
        "mise", "rtx", "nvm", "pyenv", "rbenv", "nodenv", "volta", "fnm", "goenv", "jenv", "juliaup", "ghcup",
        "elan", "vcpkg", "conan", "spack", "helm", "krew", "code", "codium", "vim-plug", "pio", "platformio",
        "arduino-cli", "raco", "julia", "R", "Rscript", "pear", "pecl", "mvn", "gradle", "flutter", "dart", "pub",
        "deno", "twine", "fvm", "snapcraft", "apm", "ppm", "qpm", "dub", "zef", "nix", "home-manager",
        "gh-extension",
    ]

    /// Every program deletion's switch has a case for.
    static let deletionPrograms: NameSet = [
        "rm", "unlink", "srm", "wipe", "shred", "trash-rm", "rmtrash-empty", "truncate", "find", "git", "rmdir",
        "mv", "rename", "mmv", "prename", "perl-rename", "file-rename", "rename.ul", "zmv", "vidir", "qmv", "f2",
        "sed", "perl", "ruby",
    ]

    static func localSystem(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        let sub = pos.first ?? ""
        if processKillers.contains(p) {
            if !args.isEmpty && !inv.hasAny(["-l", "-L", "--list", "--table"]) {
                a.hit(.systemChange, k, reason: "\(p) signals or reprioritises processes")
            }
            return
        }
        if accountTools.contains(p) {
            // `passwd -S` and `chage -l` only print.
            if !(inv.has("-S") || inv.has("-l") && p.eq("chage")) {
                a.hit(.systemChange, k, reason: "\(p) changes users or groups")
            }
            return
        }
        switch systemPrograms.contains(p) ? Name(p) : Name("") {
        case "systemctl", "service", "rc-service", "sv", "launchctl", "supervisorctl", "pm2", "initctl",
            "update-rc.d", "chkconfig", "rc-update", "loginctl", "busctl", "snap", "runsvctrl":
            if p.eq("service") {
                if pos.count >= 2 && serviceVerbs.contains(pos[1]) || args.contains("--full-restart") {
                    a.hit(.systemChange, k, reason: "service \(pos[0]) \(pos.count > 1 ? pos[1] : "")")
                }
            } else if p.eq("snap") {
                if [
                    "remove", "refresh", "revert", "disable", "enable", "set", "unset", "connect", "disconnect",
                    "restart", "stop", "start",
                ].contains(sub) {
                    a.hit(.softwareChange, k, reason: "snap \(sub) changes installed software")
                }
            } else if ["log-level", "log-target", "service-watchdogs"].contains(sub) && pos.count == 1 {
                // Without a value they print the current setting.
            } else if serviceVerbs.contains(sub)
                || [
                    "load", "unload", "bootstrap", "bootout", "kickstart", "delete",
                    "terminate-session", "terminate-user", "kill-session", "kill-user", "lock-session", "lock-sessions",
                    "enable-linger", "disable-linger", "save", "startup", "unstartup", "flush", "defaults", "remove",
                    "add", "del", "on", "off", "call", "set-property", "update", "reread", "shutdown",
                ].contains(sub)
            {
                a.hit(.systemChange, k, reason: "\(p) \(sub) changes running services")
            }
        case "jj":
            // Jujutsu: operations that drop or rewrite changes, or talk to the remote (A5).
            if ["abandon", "rebase", "squash", "split", "diffedit", "restore", "undo", "backout", "edit", "absorb"]
                .contains(sub)
                || sub == "op" && pos.dropFirst().first.map({ ["restore", "undo", "abandon"].contains($0) }) == true
                || sub == "git" && pos.dropFirst().first.map({ ["push", "fetch", "clone"].contains($0) }) == true
            {
                a.hit(.systemChange, k, reason: "jj \(sub) rewrites or discards changes, or talks to the remote")
            }
        case "ipcrm", "cgclassify", "cgexec", "cgcreate", "cgdelete", "cgset", "chrt":
            a.hit(.systemChange, k, reason: "\(p) changes processes or kernel objects")
        case "tomb":
            if [
                "open", "close", "slam", "dig", "forge", "lock", "resize", "passwd", "setkey", "engrave", "bury",
                "exhume",
            ].contains(sub) {
                a.hit(.systemChange, k, reason: "tomb \(sub) mounts, creates or changes an encrypted store")
            }
        case "scancel", "qdel", "bkill", "condor_rm", "qsig", "qhold":
            a.hit(.systemChange, k, reason: "\(p) cancels cluster jobs")
        case "ss":
            if inv.hasAny(["-K", "--kill"]) { a.hit(.systemChange, k, reason: "ss -K kills sockets") }
        case "setenforce":
            a.hit(.systemChange, k, reason: "setenforce changes SELinux enforcement")
        case "wakeonlan", "etherwake", "wol", "wondershaper", "agetty", "getty", "inputattach", "pmount", "pumount",
            "grub-mount", "steamosctl", "udevadm", "sensors-detect", "cupsctl", "cupsenable", "cupsdisable",
            "lpadmin", "lpoptions", "cupsaccept", "cupsreject", "balooctl", "tpm2", "tpm2_clear", "fwupdtool",
            "mokutil", "sbctl", "cryptenroll", "systemd-cryptenroll", "bluetoothctl", "btmgmt", "hciconfig",
            "iwlist", "airmon-ng", "aireplay-ng", "macchanger":
            let readOnly =
                p.eq("udevadm") && ["info", "monitor", "test", "settle"].contains(sub)
                || p.eq("iwlist") && !pos.contains(where: { ["wpakeys", "keys", "enc", "encryption"].contains($0) })
                || p.eq("bluetoothctl")
                    && (pos.isEmpty || ["list", "show", "info", "devices", "paired-devices"].contains(sub))
                || p.eq("lpoptions") && inv.has("-l")
                || p.eq("tpm2") && ["getcap", "pcrread", "readpublic", "print", "getrandom"].contains(sub)
                || p.eq("mokutil") && inv.hasAny(["--list-enrolled", "--sb-state", "-l"])
                || p.eq("sbctl") && ["status", "list-files", "verify"].contains(sub)
                || p.eq("hciconfig") && pos.count <= 1
            if !readOnly { a.hit(.systemChange, k, reason: "\(p) changes devices or system state") }
        case "modprobe", "insmod", "rmmod", "depmod", "kmod":
            if !inv.hasAny(["-n", "--dry-run", "--show-depends", "-c"])
                && !(p.eq("kmod") && ["list", "static-nodes", "help"].contains(sub))
            {
                a.hit(.systemChange, k, reason: "\(p) loads or unloads kernel modules")
            }
        case "sysctl":
            if inv.hasAny(["-w", "-p", "--system", "--load"]) || pos.contains(where: { $0.contains("=") }) {
                a.hit(.systemChange, k, reason: "sysctl changes kernel settings")
            }
        case "hostname":
            if !pos.isEmpty || inv.hasAny(["-F", "--file", "-b", "--boot"]) {
                a.hit(.systemChange, k, reason: "hostname changes the host name")
            }
        case "hostnamectl", "timedatectl", "localectl":
            if sub.hasPrefix("set") || ["hostname"].contains(sub) && pos.count > 1 {
                a.hit(.systemChange, k, reason: "\(p) \(sub) changes system settings")
            }
        case "date":
            if inv.hasAny(["-s", "--set"]) || pos.contains(where: { $0.utf8.count >= 8 && $0.allSatisfy(\.isNumber) }) {
                a.hit(.systemChange, k, reason: "date sets the clock")
            }
        case "hwclock":
            if inv.hasAny(["-w", "--systohc", "-s", "--hctosys", "--set", "--adjust"]) {
                a.hit(.systemChange, k, reason: "hwclock sets the clock")
            }
        case "mount", "umount", "swapon", "swapoff", "fusermount", "fusermount3", "eject", "udisksctl",
            "mount.cifs", "mount.nfs", "bindfs", "unionfs":
            if p.eq("udisksctl") && ["status", "info", "dump", "help"].contains(sub) { return }
            if (p.eq("mount") || p.eq("swapon")) && (pos.isEmpty || inv.hasAny(["-l", "--show", "--summary", "-s"])) {
                return
            }
            a.hit(.systemChange, k, reason: "\(p) changes what is mounted")
        case "ip":
            let words = pos.map { $0.asciiLowercased }
            if words.contains(where: {
                ["add", "del", "delete", "set", "change", "replace", "flush", "up", "down", "append", "exec"].contains(
                    $0)
            }) {
                a.hit(.systemChange, k, reason: "ip \(words.joined(separator: " ")) changes the network configuration")
            }
        case "ifconfig", "iwconfig", "ifup", "ifdown", "route", "iw", "nmcli", "nmtui", "wpa_cli", "brctl",
            "ethtool", "tc", "vconfig", "dhclient", "dhcpcd", "netplan", "resolvectl", "networkctl", "wg",
            "wg-quick", "tailscale", "zerotier-cli", "openvpn", "nordvpn", "expressvpn", "protonvpn", "warp-cli":
            let readOnly =
                p.eq("ifconfig") && pos.count <= 1 || p.eq("route") && (pos.isEmpty || sub == "-n")
                || p.eq("iwconfig") && pos.count <= 1
                || p.eq("ethtool") && !inv.hasAny(["-s", "-K", "-G", "-A", "-C", "-E", "-L"])
                || [
                    "show", "status", "list", "monitor", "dev", "info", "-h", "--help", "link", "scan", "general",
                    "phy", "event", "networking",
                ]
                .contains(sub)
                    && !pos.dropFirst().contains(where: {
                        ["set", "connect", "disconnect", "up", "down", "modify", "add", "delete", "del", "on", "off"]
                            .contains($0)
                    })
            if !readOnly && !(pos.isEmpty && !["dhclient", "openvpn", "wg-quick", "nmtui", "netplan"].contains(p)) {
                a.hit(.systemChange, k, reason: "\(p) changes the network configuration")
            }
        case "iptables", "ip6tables", "nft", "ufw", "firewall-cmd", "iptables-restore", "ebtables", "arptables",
            "pfctl", "ipset":
            let listing =
                inv.hasAny(["-L", "--list", "-S", "--list-rules", "-n"])
                && !inv.hasAny(["-A", "-I", "-D", "-R", "-N", "-X", "-P", "-F"])
                || ["status", "list", "show", "--list-all", "--state", "--get-zones", "app"].contains(sub)
                || sub == "list" || p.eq("nft") && sub == "list"
            if !listing && !args.isEmpty {
                a.hit(.systemChange, k, reason: "\(p) changes firewall rules")
            }
        case "crontab":
            if !inv.has("-l") && !args.isEmpty || args.isEmpty {
                a.hit(.outsideWrite, k, reason: "crontab installs scheduled jobs")
            }
        case "at", "batch":
            if !inv.hasAny(["-l", "-c"]) { a.hit(.outsideWrite, k, reason: "\(p) schedules a job") }
        case "update-grub", "grub-install", "grub-mkconfig", "update-initramfs", "dracut", "mkinitcpio",
            "efibootmgr", "bootctl", "kernelstub", "grub2-mkconfig", "update-alternatives", "alternatives",
            "ldconfig", "update-ca-certificates", "gsettings", "dconf", "xdg-mime", "xdg-settings",
            "defaults", "localedef", "locale-gen", "dpkg-reconfigure", "ssh-keygen", "ssh-add", "authconfig",
            "setsebool", "semanage", "restorecon", "aa-enforce", "aa-complain", "aa-disable", "tzselect",
            "update-locale", "systemd-firstboot", "machinectl", "snapper", "timeshift", "etckeeper",
            "chroot", "unshare", "nsenter", "setarch", "prlimit", "cpupower", "tuned-adm", "powerprofilesctl",
            "x86_energy_perf_policy", "nvidia-smi", "nvidia-settings", "xrandr", "brightnessctl", "light",
            "rtcwake", "pm-suspend", "pm-hibernate", "systemd-run", "run0", "kexec":
            systemTool(a, k, inv)
        default:
            break
        }
        if diskTools.contains(p) { rawDisk(a, k, inv) }
        if p.eq("dd") {
            if let src = args.first(where: { $0.hasPrefix("if=/dev/") }), !quietSource(String(src.dropFirst(3))) {
                a.hit(.rawDisk, k, reason: "dd reads the raw device \(src.dropFirst(3))")
            }
        }
        if captureTools.contains(p) { capture(a, k, inv) }
        if databaseClients.contains(p) {
            // `rabbitmqctl status`, `redis-cli info`-style admin reads aside (L7).
            if !(args.count == 1 && (args[0] == "--version" || args[0] == "-V"))
                && inv.positionals.first.map({ statusVerbs.contains($0) && args.first == $0 }) != true
            {
                a.hit(.databaseSession, k, reason: "\(p) opens a database session or changes a database")
            }
        }
        // Their local subcommands (listing models, exporting a session, configuring) send nothing.
        if thirdPartyServices.contains(p) && !args.isEmpty && !serviceLocalVerbs.contains(sub) {
            a.hit(.thirdPartyService, k, reason: "\(p) sends text or code to a third-party service")
        }
        thirdPartyCode(a, k, inv)
        permissions(a, k, inv)
        packages(a, k, inv)
    }

    static func quietSource(_ dev: String) -> Bool {
        ["/dev/zero", "/dev/urandom", "/dev/random", "/dev/null", "/dev/stdin", "/dev/fd/0"].contains(dev)
    }

    static func systemTool(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let pos = inv.positionals
        let sub = pos.first ?? ""
        switch Name(p) {
        case "gsettings", "dconf":
            if ["set", "reset", "write", "reset-recursively", "load", "update"].contains(sub) {
                // R10: cosmetics stay allowed; everything else changes the user's settings.
                a.hit(.outsideWrite, k, reason: "\(p) \(sub) changes the desktop's settings")
            }
        case "xdg-mime", "xdg-settings":
            if sub == "default" || sub == "set" || sub == "install" {
                a.hit(.outsideWrite, k, reason: "\(p) \(sub) changes defaults")
            }
        case "defaults":
            if sub == "write" || sub == "delete" { a.hit(.outsideWrite, k, reason: "defaults \(sub) changes settings") }
        case "update-alternatives", "alternatives":
            if inv.hasAny(["--set", "--install", "--remove", "--config", "--auto", "--remove-all", "--all"]) {
                a.hit(.systemChange, k, reason: "\(p) changes system-wide defaults")
            }
        case "ssh-keygen":
            // Listing, fingerprints, public-key derivation and known_hosts lookups read only.
            if !inv.hasAny(["-l", "-F", "-y", "-H", "-R", "-L", "-B", "-e", "-i", "-Q"]) {
                a.hit(.outsideWrite, k, reason: "ssh-keygen creates or changes keys")
            }
        case "ssh-add":
            if !inv.hasAny(["-l", "-L", "-T"]) { a.hit(.outsideWrite, k, reason: "ssh-add loads keys into the agent") }
        case "xrandr", "brightnessctl", "light", "nvidia-smi", "cpupower", "powerprofilesctl":
            if p.eq("nvidia-smi") && inv.hasAny(["-pl", "-pm", "-r", "--gpu-reset", "-ac", "-rac", "-lgc", "-e", "-c"])
            {
                a.hit(.systemChange, k, reason: "nvidia-smi changes GPU settings")
            } else if p.eq("cpupower") && (sub == "frequency-set" || sub == "set") {
                a.hit(.systemChange, k, reason: "cpupower changes CPU settings")
            }
        case "ldconfig":
            if !inv.hasAny(["-p", "--print-cache", "-v"]) || !inv.positionals.isEmpty {
                if inv.hasAny(["-f", "-C", "-r"]) || !inv.positionals.isEmpty {
                    a.hit(.systemChange, k, reason: "ldconfig rebuilds the library cache")
                }
            }
        case "chroot", "unshare", "nsenter", "setarch", "prlimit":
            if p.eq("chroot") || p.eq("nsenter") {
                a.hit(.systemChange, k, reason: "\(p) enters another root or namespace")
            }
        case "setsebool", "semanage", "restorecon", "aa-enforce", "aa-complain", "aa-disable":
            if !(p.eq("semanage") && inv.has("-l")) {
                a.hit(.systemChange, k, reason: "\(p) changes the security policy")
            }
        case "systemd-run", "run0":
            a.hit(.systemChange, k, reason: "\(p) starts a transient system unit")
        case "machinectl", "snapper", "timeshift", "etckeeper":
            if [
                "start", "stop", "poweroff", "reboot", "terminate", "kill", "remove", "delete", "rollback", "--restore",
                "--delete", "undochange", "commit",
            ].contains(sub) || inv.hasAny(["--restore", "--delete"]) {
                a.hit(.systemChange, k, reason: "\(p) \(sub) changes system state")
            }
        case "tuned-adm", "x86_energy_perf_policy":
            if sub == "profile" && pos.count > 1 || p.eq("x86_energy_perf_policy") && !pos.isEmpty {
                a.hit(.systemChange, k, reason: "\(p) changes power settings")
            }
        case "rtcwake", "pm-suspend", "pm-hibernate":
            a.hit(.systemChange, k, reason: "\(p) suspends the machine")
        case "kexec":
            break  // SystemControl: power state
        default:
            if !inv.args.isEmpty
                && !inv.hasAny([
                    "-l", "--list", "-p", "--print", "--query", "--display", "status", "--test", "--dry-run", "-n",
                ])
                && !Effects.listsOnly(inv)
                && sub != "status" && sub != "list"
            {
                a.hit(.systemChange, k, reason: "\(p) changes system configuration")
            }
        }
    }

    /// A12: raw disks, partitions and firmware.
    static func rawDisk(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let pos = inv.positionals
        let sub = pos.first ?? ""
        // Listing and identification read only.
        if inv.hasAny(["-l", "--list", "-i", "-I", "--info", "-h", "--help"]) && !p.eq("hdparm") && !p.eq("cryptsetup")
            || p.eq("hdparm") && inv.hasAny(["-I", "-i", "-g"])
                && !inv.hasAny(["-W", "-S", "-B", "-M", "--security-erase", "--trim-sector-ranges", "-z", "-y", "-Y"])
            || p.eq("smartctl") && !inv.hasAny(["-t", "--test", "-s", "--smart", "-o", "-S", "-X", "--abort"])
            || [
                "btrfs", "zfs", "zpool", "nvme", "mdadm", "cryptsetup", "fwupdmgr", "tune2fs", "picotool", "esptool",
                "esptool.py", "debugfs",
            ].contains(p)
                && [
                    "list", "show", "status", "get", "info", "id-ctrl", "smart-log", "--detail", "-D", "--examine",
                    "-E", "luksDump", "get-devices", "get-updates", "get-upgrades", "chip_id", "flash_id", "-l",
                    "iostat", "df", "usage", "check", "scrub-status", "version", "read_mac", "list-devices",
                ].contains(sub)
            || p.eq("parted") && (inv.hasAny(["-l", "--list"]) || pos.contains("print"))
            || p.eq("mdadm") && inv.hasAny(["--detail", "-D", "--examine", "-E", "--query", "-Q"])
            || p.eq("btrfs") && pos.count >= 2 && ["show", "list", "df", "usage", "status"].contains(pos[1])
            || p.eq("zfs") && ["list", "get", "snapshot", "snap"].contains(sub)
        {
            return
        }
        if pos.isEmpty
            && ["fdisk", "gdisk", "parted", "fsck", "cryptsetup", "zfs", "zpool", "btrfs", "nvme"].contains(p)
        {
            return
        }
        a.hit(.rawDisk, k, reason: "\(p) works on raw disks, partitions or firmware")
    }

    /// A13 and R10: the screen, keyboard, clipboard and password stores; screen locks and radios.
    static func capture(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        let sub = pos.first ?? ""
        var why: String?
        switch Name(p) {
        case "xclip", "xsel":
            // Reading the clipboard (`-o`, `xsel` with -o/-b alone) captures what the user copied;
            // writing to it (`-i`, a pipe into it) is ordinary work.
            if inv.hasAny(["-o", "-out", "--output"]) { why = "reads the clipboard" }
        case "wl-paste", "pbpaste": why = "reads the clipboard"
        case "cliphist", "clipse", "gpaste-client", "cb":
            if ["list", "decode", "paste", "history", "show", "get", "--list"].contains(sub)
                || pos.isEmpty && !p.eq("cb")
            {
                why = "reads the clipboard history"
            }
        case "copyq": if ["read", "clipboard", "history"].contains(sub) { why = "reads the clipboard history" }
        case "xinput": if sub == "test" || sub == "test-xi2" { why = "records keyboard and pointer input" }
        case "xdotool", "ydotool", "wtype", "xte":
            if p.eq("xdotool")
                && [
                    "getactivewindow", "getmouselocation", "search", "getwindowname", "getwindowpid",
                    "getwindowgeometry", "getwindowfocus", "get_desktop", "get_num_desktops",
                ].contains(sub)
            {
                return
            }
            why = "injects synthetic key presses or pointer events"
        case "import":
            if inv.has("-window") || args.contains("root") || pos.count == 1 { why = "captures the screen" }
        case "ffmpeg":
            if let f = inv.value(of: "-f"),
                [
                    "x11grab", "kmsgrab", "gdigrab", "avfoundation", "fbdev", "v4l2", "pulse", "alsa", "dshow",
                    "pipewire",
                ].contains(f),
                args.contains("-i")
            {
                why = "records the screen, camera or microphone"
            }
        case "rfkill": if ["block", "unblock", "toggle"].contains(sub) { why = "changes radios (wifi, bluetooth)" }
        case "pass", "gopass":
            if pos.isEmpty
                || ["show", "otp", "-c", "--clip", "cat", "find", "grep", "ls", "list"].contains(sub) && sub != "ls"
                    && sub != "list" && sub != "find"
                || ![
                    "init", "insert", "generate", "edit", "rm", "mv", "cp", "git", "ls", "list", "find", "help",
                    "version", "--help",
                ].contains(sub) && !pos.isEmpty
            {
                if pos.isEmpty { return }  // lists names only
                why = "reads a password from the store"
            } else if ["insert", "generate", "edit", "rm", "mv", "cp", "git"].contains(sub) {
                why = "changes the password store"
            }
        case "bw", "op", "keepassxc-cli", "secret-tool", "lpass", "kwallet-query":
            if [
                "get", "show", "read", "lookup", "export", "item", "list", "ls", "search", "unlock", "login", "-r",
                "open", "clip", "attachment",
            ].contains(sub)
                || p.eq("kwallet-query") && inv.hasAny(["-r", "--read-password", "-l"])
                || p.eq("secret-tool") && sub == "search"
            {
                why = "reads the password manager"
            } else if [
                "logout", "lock", "store", "create", "edit", "delete", "add", "rm", "mv", "sync", "config", "import",
            ].contains(sub) {
                why = "changes the password manager"
            }
        case "gpg":
            if inv.hasAny([
                "--export-secret-keys", "--export-secret-subkeys", "--delete-secret-keys", "--delete-keys", "--gen-key",
                "--full-generate-key", "--generate-key", "--quick-gen-key", "--import", "--edit-key", "--sign-key",
                "--lsign-key", "--delete-secret-and-public-key", "--gen-revoke", "--send-keys", "--recv-keys",
                "--refresh-keys",
            ]) {
                why = "changes, exports or exchanges keys in the keyring"
            }
        case "gnome-keyring-daemon":
            if inv.hasAny(["--unlock", "--replace", "--start"]) { why = "unlocks the keyring" }
        case "showkey", "logkeys", "evtest": why = "records keystrokes"
        case "xdg-screensaver": if sub == "lock" || sub == "activate" { why = "locks the screen" }
        case "slock", "i3lock", "xlock", "swaylock": why = "locks the screen"
        case "gnome-screensaver-command", "xscreensaver-command", "light-locker-command":
            if inv.hasAny(["-l", "--lock", "-lock", "-a", "--activate", "-activate"]) { why = "locks the screen" }
        default:
            why = "captures the screen or its recording"
        }
        if let why { a.hit(.inputCapture, k, reason: "\(p) \(why)") }
    }

    /// A14: someone else's code fetched and run.
    static func thirdPartyCode(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let pos = inv.positionals
        let sub = pos.first ?? ""
        var pkg: String?
        switch Name(p) {
        case "npx", "bunx", "pnpx", "uvx":
            pkg = pos.first
        case "pipx":
            if sub == "run" { pkg = pos.dropFirst().first }
        case "uv":
            if sub == "tool" && pos.dropFirst().first == "run" { pkg = pos.dropFirst(2).first }
            if sub == "run" && inv.hasAny(["--with"]) { pkg = inv.value(of: "--with") }
        case "pnpm", "yarn":
            if sub == "dlx" { pkg = pos.dropFirst().first }
        case "npm":
            if sub == "exec" || sub == "x" { pkg = pos.dropFirst().first ?? inv.value(of: "--package", "-p") }
            if sub == "init" || sub == "create", let t = pos.dropFirst().first { pkg = "create-" + t }
        case "go":
            if sub == "run", let target = pos.dropFirst().first, target.contains("@") || target.contains(".com/") {
                pkg = target
            }
        case "deno":
            if sub == "run", let t = pos.dropFirst().first,
                t.hasPrefix("http") || t.hasPrefix("npm:") || t.hasPrefix("jsr:")
            {
                pkg = t
            }
        case "nix":
            if ["run", "shell"].contains(sub), let t = pos.dropFirst().first, t.contains(":") || t.contains("#") {
                pkg = t
            }
        case "nix-shell":
            if inv.has("-p") { pkg = inv.value(of: "-p") ?? "packages" }
        case "gem":
            if sub == "exec" { pkg = pos.dropFirst().first }
        case "dotnet":
            if sub == "tool" && pos.dropFirst().first == "run" { pkg = pos.dropFirst(2).first }
        default:
            break
        }
        if let pkg {
            a.hit(.thirdPartyCode, k, reason: "\(p) fetches and runs third-party code (\(pkg))")
        }
    }

    /// A6: permissions and ownership (setuid bits are Privilege's, and block).
    static func permissions(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "chmod", "chown", "chgrp", "setfacl", "chattr", "chcon", "lchown":
            let pos = inv.positionals
            if pos.count >= 2
                || p.eq("setfacl") && inv.hasAny(["-m", "-x", "-b", "-k", "-M", "-X", "--set", "--modify", "--remove"])
                || p.eq("chattr") && !pos.isEmpty
                || inv.hasAny(["--reference"]) && !pos.isEmpty
            {
                a.hit(.permissionChange, k, reason: "\(p) changes permissions or ownership")
            }
        case "umask":
            break  // the current shell only (L5)
        default:
            break
        }
    }

    /// A4: software installed, removed or upgraded (Packages scores installs; this adds the
    /// rest of the package managers' verbs, plus publishing).
    static func packages(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        guard packagePrograms.contains(p) else { return }
        let pos = inv.positionals
        let sub = pos.first ?? ""
        let changes: Set<String>
        switch Name(p) {
        case "apt", "apt-get", "aptitude", "dnf", "yum", "zypper", "apk", "brew", "port", "pkg", "emerge",
            "xbps-install", "xbps-remove", "eopkg", "swupd", "slackpkg", "nala", "pkcon", "tdnf", "microdnf",
            "opkg", "pkgin", "pkg_add", "pkgutil", "urpmi", "rpm-ostree", "flatpak", "guix", "nix-env", "pixi",
            "nix-channel", "mas", "choco", "winget", "scoop", "pacstrap", "debootstrap", "wajig", "pkgtool",
            "mmdebstrap",
            "cdebootstrap", "multistrap":
            changes = [
                "install", "remove", "purge", "upgrade", "update", "dist-upgrade", "full-upgrade", "autoremove",
                "reinstall", "downgrade", "erase", "add", "del", "uninstall", "delete", "sync", "refresh",
                "distro-sync", "dup", "in", "rm", "up", "ug", "autoclean", "clean-deps", "build-dep", "fix",
                "upgrade-all", "bundle-add", "bundle-remove", "tap", "untap", "link", "unlink", "pin", "unpin",
                "selfupdate", "self-update", "mark", "hold", "unhold", "swap", "shell", "localinstall", "groupinstall",
                "module", "copr", "config-manager", "makecache", "-i", "--install", "-u", "--upgrade", "-e",
                "--uninstall",
                "--add", "--remove", "--update", "deploy", "rebase", "override", "apply-live", "cleanup",
                // `brew bundle` installs a Brewfile's packages (`bundle check`/`list` only read).
                "bundle",
            ]
            if p.eq("brew") && sub == "bundle",
                let next = pos.dropFirst().first, ["check", "list", "dump", "exec", "edit"].contains(next)
            {
                return
            }
            if p.eq("brew") && ["cleanup"].contains(sub) { return }
            if ["pacstrap", "debootstrap", "mmdebstrap", "cdebootstrap", "multistrap"].contains(p) {
                a.hit(.softwareChange, k, reason: "\(p) installs a system into \(sub)")
                return
            }
        case "pacman", "yay", "paru", "pamac", "rpm", "dpkg", "aura", "pikaur", "trizen", "pakku":
            let flags = inv.args.filter { $0.hasPrefix("-") && !$0.hasPrefix("--") }
            let mutating =
                flags.contains { f in
                    (f.hasPrefix("-S") && !f.hasPrefix("-Ss") && !f.hasPrefix("-Si") && !f.hasPrefix("-Sl")
                        && !f.hasPrefix("-Sg"))
                        || f.hasPrefix("-R") || f.hasPrefix("-U")
                        || (f.hasPrefix("-i") && (p.eq("rpm") || p.eq("dpkg")))
                        || (p.eq("dpkg") && (f == "-r" || f == "-P" || f == "--configure"))
                        || (p.eq("rpm") && (f == "-e" || f.hasPrefix("-F")))
                } || inv.hasAny(["--install", "--remove", "--purge", "--upgrade", "--erase", "--sync", "--freshen"])
                || p.eq("pamac") && ["install", "remove", "upgrade", "update", "build", "reinstall"].contains(sub)
                || p.eq("yay") && inv.args.isEmpty || p.eq("paru") && inv.args.isEmpty
            if mutating { a.hit(.softwareChange, k, reason: "\(p) installs, removes or upgrades packages") }
            return
        case "pip", "pip3", "pip2", "pipx", "poetry", "pdm", "conda", "mamba", "micromamba", "pipenv", "hatch", "rye",
            "uv":
            changes = [
                "install", "uninstall", "add", "remove", "update", "upgrade", "lock-update", "create", "env-create",
                "sync", "inject", "reinstall", "reinstall-all", "upgrade-all", "uninstall-all", "self", "publish",
                "upload", "ensurepath",
            ]
            // `pip download` fetches packages without installing them: a download (A3), which a
            // sandbox with no network, or only cordon's proxy, already governs.
            if sub == "download" {
                a.hit(.egress, k, reason: "\(p) download fetches packages from the network")
                return
            }
            if p.eq("conda") && sub == "env"
                && pos.dropFirst().first.map({ ["create", "update", "remove"].contains($0) }) == true
            {
                a.hit(.softwareChange, k, reason: "conda env changes an environment")
                return
            }
        case "npm", "pnpm", "yarn", "bun":
            changes = [
                "install", "i", "add", "a", "remove", "rm", "r", "uninstall", "un", "unlink", "update", "up", "upgrade",
                "ci",
                "publish", "unpublish", "deprecate", "link", "dedupe", "prune", "audit-fix", "global", "dist-tag",
                "owner", "access", "token", "adduser", "login", "logout", "set", "team", "org", "hook", "star",
                "unstar", "pack-publish", "rebuild", "patch-commit", "import", "it", "cit", "install-test",
                "install-ci-test",
            ]
            if (p.eq("npm") || p.eq("yarn") || p.eq("pnpm")) && sub == "config"
                && pos.dropFirst().first.map({ ["set", "delete", "edit", "rm"].contains($0) }) == true
            {
                a.hit(.outsideWrite, k, reason: "\(p) config changes the global configuration")
                return
            }
            if sub == "audit" && pos.contains("fix") {
                a.hit(.softwareChange, k, reason: "\(p) audit fix changes dependencies")
                return
            }
            if (sub == "install" || sub == "i") && pos.count == 1 && !inv.hasAny(["-g", "--global"]) && p.eq("npm") {
                a.hit(.softwareChange, k, reason: "npm install installs the project's dependencies")
                return
            }
        case "cargo":
            changes = [
                "install", "uninstall", "add", "remove", "rm", "update", "publish", "yank", "owner", "login", "logout",
                "upgrade", "binstall",
            ]
        case "go":
            changes = ["install", "get"]
            if sub == "mod" && pos.dropFirst().first == "download" {
                a.hit(.softwareChange, k, reason: "go mod download fetches dependencies")
                return
            }
        case "gem", "bundle", "bundler", "composer", "cpan", "cpanm", "luarocks", "opam", "stack", "cabal",
            "nimble", "dotnet", "rustup", "tlmgr", "sdk", "sdkmanager", "asdf", "mise", "rtx", "nvm", "pyenv",
            "rbenv", "nodenv", "volta", "fnm", "goenv", "jenv", "juliaup", "ghcup", "elan", "vcpkg", "conan",
            "spack", "helm", "krew", "code", "codium", "vim-plug", "pio", "platformio", "arduino-cli",
            "raco", "julia", "R", "Rscript", "pear", "pecl", "mvn", "gradle", "flutter", "dart", "pub", "deno",
            "twine", "fvm", "snapcraft", "apm", "ppm", "qpm", "dub", "zef", "nix", "home-manager", "gh-extension":
            changes = [
                "install", "uninstall", "add", "remove", "update", "upgrade", "publish", "push", "yank", "require",
                "toolchain", "component", "target", "plugin", "self", "global", "default", "--install-extension",
                "--uninstall-extension", "upload", "deploy", "release", "install-deps", "bootstrap", "fetch",
                "get", "sync", "set", "pin", "unpin", "link", "unlink", "outdated-upgrade", "restore-packages",
                "install-from", "installupdate", "env-create", "profile", "registry", "override", "reshim",
                "--install", "-i", "pub-get", "upgrade-all", "self-update", "selfupdate",
            ]
            if p.eq("rustup")
                && (sub == "show" || sub == "which" || sub == "doc" || sub == "run" || sub == "completions")
            {
                return
            }
            if p.eq("dotnet") && (sub == "publish" || sub == "pack") { return }
            if (p.eq("rustup") || p.eq("asdf") || p.eq("mise") || p.eq("sdk"))
                && ["toolchain", "component", "target", "plugin"].contains(sub),
                let next = pos.dropFirst().first, ["list", "ls"].contains(next)
            {
                return
            }
            if (p.eq("code") || p.eq("codium")) && !inv.hasAny(["--install-extension", "--uninstall-extension"]) {
                return
            }
            if p.eq("julia") || p.eq("R") || p.eq("Rscript") || p.eq("mvn") || p.eq("gradle") || p.eq("deno")
                || p.eq("nix") || p.eq("dart") || p.eq("flutter")
            {
                let s = sub
                let code = inv.value(of: "-e", "--eval") ?? ""
                if code.has("install") || code.has("Pkg.add")
                    || ["deploy", "install"].contains(s) && (p.eq("mvn") || p.eq("nix") && s == "install")
                    || p.eq("gradle") && ["publish", "uploadArchives"].contains(s) || p.eq("deno") && s == "install"
                    || (p.eq("flutter") || p.eq("dart")) && s == "pub"
                        && pos.dropFirst().first.map({ ["get", "add", "upgrade", "remove", "global"].contains($0) })
                            == true
                    || p.eq("nix") && s == "profile"
                        && pos.dropFirst().first.map({ ["install", "remove", "upgrade"].contains($0) }) == true
                    || p.eq("flutter") && s == "upgrade"
                {
                    a.hit(.softwareChange, k, reason: "\(p) installs or publishes packages")
                }
                return
            }
        default:
            return
        }
        let second = pos.dropFirst().first ?? ""
        if changes.contains(sub) || inv.args.contains(where: { $0.isOptionLike && changes.contains($0) })
            || [
                "group", "groups", "module", "env", "extension", "plugin", "platform", "profile", "tool", "python",
                "pip",
            ]
            .contains(sub)
                && changes.contains(second)
            || sub == "builddep"
        {
            // Packages already scored the plain installs; this covers the rest.
            a.hit(
                .softwareChange, k,
                reason:
                    "\(p) \(sub.isEmpty ? inv.args.first ?? "" : sub) changes installed software or publishes a package"
            )
        }
    }

}
