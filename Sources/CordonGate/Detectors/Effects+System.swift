// Effects: the local system (gate-classes.md A8): processes, services, kernel and network
// configuration, users, mounts, printers and schedulers. Raw disks and system tools are in
// Effects+SystemTools.swift, capture in Effects+Capture.swift, packages and third-party code in
// Effects+Software.swift, databases, third-party services and permissions in Effects+Services.swift.

extension Effects {
    // MARK: the local system
    static let processKillers: NameSet = [
        "kill", "pkill", "killall", "xkill", "skill", "snice", "renice", "killall5", "fuser",
    ]
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
        "ipcrm", "cgclassify", "cgcreate", "cgdelete", "cgset", "chrt", "cancel", "lprm", "lpmove",
        "atrm",
    ]

    static func localSystem(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        let sub = pos.first ?? ""
        if processKillers.contains(p) {
            // fuser only lists the processes using a file unless told to kill them (`-k`).
            if p.eq("fuser") && !inv.hasAny(["-k", "--kill"]) { return }
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
            } else if ["log-level", "log-target", "service-watchdogs"].contains(sub) && pos.count == 1
                || ["service-log-level", "service-log-target"].contains(sub) && pos.count == 2
            {
                // Without a value they print the current setting (`systemctl service-log-level nginx`).
            } else if p.eq("update-rc.d") || p.eq("chkconfig"), case let q = bootPositionals(inv), q.count >= 2,
                ["defaults", "enable", "disable", "remove", "on", "off", "reset", "add", "del", "start", "stop"]
                    .contains(
                        q[1])
            {
                // The service comes first, the verb second: `update-rc.d mysql defaults`, `chkconfig sshd on`.
                a.hit(.systemChange, k, reason: "\(p) \(q[0]) \(q[1]) changes which services start at boot")
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
        case "ipcrm", "cgclassify", "cgcreate", "cgdelete", "cgset", "chrt":
            // `chrt -p PID`, `chrt --max` print a process's policy; a priority and a target set it.
            if !p.eq("chrt") || pos.count >= 2 {
                a.hit(.systemChange, k, reason: "\(p) changes processes or kernel objects")
            }
        case "cancel", "lprm", "lpmove":
            // CUPS: print jobs cancelled or moved between queues (A8).
            // (With `-h HOST` the jobs are another machine's: the network rules judge that.)
            if !args.isEmpty && !inv.has("-h") {
                a.hit(.systemChange, k, reason: "\(p) cancels or moves print jobs")
            }
        case "atrm":
            a.hit(.outsideWrite, k, reason: "atrm removes scheduled jobs")
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
                isCompoundRead(sub) || p.eq("balooctl") && ["status", "indexSize", "monitor"].contains(sub)
                || p.eq("udevadm") && ["info", "monitor", "test", "settle"].contains(sub)
                || p.eq("iwlist") && !pos.contains(where: { ["wpakeys", "keys", "enc", "encryption"].contains($0) })
                || p.eq("bluetoothctl")
                    && (pos.isEmpty || ["list", "show", "info", "devices", "paired-devices"].contains(sub))
                || p.eq("lpoptions") && inv.has("-l")
                || p.eq("tpm2") && ["getcap", "pcrread", "readpublic", "print", "getrandom"].contains(sub)
                || p.eq("mokutil") && inv.hasAny(["--list-enrolled", "--sb-state", "-l"])
                || p.eq("sbctl") && ["status", "list-files", "verify"].contains(sub)
                || p.eq("hciconfig") && pos.count <= 1
                // `cupsctl` alone, or pointed at a server, prints the settings; `name=value` and
                // `--[no-]remote-admin`-style options change them.
                || p.eq("cupsctl") && !args.contains(where: { $0.contains("=") || $0.hasPrefix("--") })
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
            // With no operand they list, except `mount -a`/`swapon -a`: everything in /etc/fstab.
            if (p.eq("mount") || p.eq("swapon"))
                && (pos.isEmpty && !inv.hasAny(["-a", "--all"])
                    || inv.hasAny(["-l", "--show", "--summary", "-s"]))
            {
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
                // nmcli takes any prefix of its objects (`nmcli d`, `nmcli g hostname`, `nmcli radio w`)
                // and shows them unless a verb acts (`up`, `modify`, `off`) or a value is given to set.
                || p.eq("nmcli") && !nmcliActs(pos)
                || !p.eq("nmcli")
                    && [
                        "show", "status", "list", "monitor", "dev", "info", "-h", "--help", "link", "scan", "general",
                        "phy", "event", "networking",
                    ]
                    .contains(sub)
                    && !pos.dropFirst().contains(where: {
                        ["set", "connect", "disconnect", "up", "down", "modify", "add", "delete", "del", "on", "off"]
                            .contains($0)
                    })
                // An object's `get` reads it (`iw reg get`, `iw dev wlan0 get power_save`); `set` writes.
                || !p.eq("nmcli") && pos.count >= 2 && pos.dropFirst().contains("get")
                    && !pos.contains(where: {
                        ["set", "connect", "disconnect", "up", "down", "modify", "add", "delete", "del"].contains($0)
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
        servicesAndData(a, k, inv)
        thirdPartyCode(a, k, inv)
        permissions(a, k, inv)
        packages(a, k, inv)
    }

    /// Whether an nmcli call changes something: an acting verb, a password shown, or
    /// `general hostname NAME` / `general logging level X` setting a value.
    static func nmcliActs(_ pos: [String]) -> Bool {
        let acting: Set<String> = [
            "up", "down", "modify", "mod", "add", "delete", "del", "connect", "disconnect", "set", "on", "off",
            "reload", "import", "clone", "edit", "hotspot", "show-password", "reapply", "load", "migrate",
        ]
        if pos.contains(where: { acting.contains($0) }) { return true }
        // `nmcli networking c c` checks connectivity; only on/off change networking.
        if let o = pos.first, o.utf8.count >= 2, "networking".hasPrefix(o) { return false }
        // nmcli takes any prefix of a verb (`nmcli c d UUID`, `nmcli device w c HomeWifi`): a short
        // word after the object that starts an acting verb and no read verb acts.
        let reads = [
            "show", "status", "list", "monitor", "help", "wifi", "wwan", "all", "permissions", "hostname",
            "logging",
        ]
        if pos.dropFirst().prefix(2).contains(where: { w in
            w.utf8.count <= 3 && acting.contains(where: { $0.hasPrefix(w) })
                && !reads.contains(where: { $0.hasPrefix(w) })
        }) {
            return true
        }
        guard let o = pos.first, "general".hasPrefix(o), pos.count >= 3 else { return false }
        return "hostname".hasPrefix(pos[1]) || "logging".hasPrefix(pos[1])
    }

    static func quietSource(_ dev: String) -> Bool {
        ["/dev/zero", "/dev/urandom", "/dev/random", "/dev/null", "/dev/stdin", "/dev/fd/0"].contains(dev)
    }

    /// `chkconfig --level 35 httpd on`: the runlevels are the option's value, not the service.
    static func bootPositionals(_ inv: borrowing Invocation) -> [String] {
        let pos = inv.positionals
        guard inv.has("--level"), let v = inv.value(of: "--level"), pos.first == v else { return pos }
        return Array(pos.dropFirst())
    }
}
