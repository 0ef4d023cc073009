// Effects: system tools and raw disks (gate-classes.md A8, A11, A12): boot loaders, desktop
// and security settings, keys, namespaces, power; partitions, file systems and firmware.

extension Effects {
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
        // Device programmers and flashers (A12: firmware and chips written or erased).
        "rkdeveloptool", "minipro", "sunxi-fel", "fastboot", "heimdall", "edl", "nrfjprog", "uuu", "pyocd",
        "JLinkExe", "blhost", "ch341prog", "mtkclient",
    ]

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
        case "efibootmgr":
            // Alone or with display options (`-v`, `-u`) it lists the boot entries.
            if inv.hasAny([
                "-c", "--create", "-B", "--delete-bootnum", "-o", "--bootorder", "-n", "--bootnext", "-N",
                "--delete-bootnext", "-a", "--active", "-A", "--inactive", "-t", "--timeout", "-T",
                "--delete-timeout", "-O", "--delete-bootorder", "-D", "--remove-dups", "-C", "--create-only",
            ]) {
                a.hit(.systemChange, k, reason: "efibootmgr changes the firmware's boot entries")
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
            // Any of them asked to list, show or report (`ndctl list`, `fastboot devices`,
            // `rkdeveloptool ld`, `fwupdtool get-devices`).
            || ["list", "show", "status", "info", "devices", "ld", "rci", "rfi", "version", "getvar"].contains(sub)
            || isCompoundRead(sub)
            || p.eq("parted") && (inv.hasAny(["-l", "--list"]) || pos.contains("print"))
            // minipro's `-L NAME` searches the list of chips it supports; nothing is attached.
            || p.eq("minipro") && inv.hasAny(["-L", "--search"])
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

}
