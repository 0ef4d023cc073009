// Destructive file operations and disk or device writes.

enum Destruction {
    /// Paths whose recursive deletion destroys the system or the user's home.
    static let criticalPaths: NameSet = [
        "/", "/*", "~", "~/", "~/*", "$HOME", "$HOME/", "$HOME/*", "${HOME}", "${HOME}/", "..", "../",
        "../*", ".", "./",
        "*", ".*", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc", "/root",
        "/sbin", "/srv",
        "/sys", "/usr", "/var", "/usr/bin", "/usr/lib", "/usr/local", "/var/lib", "/etc/*", "/usr/*",
        "/var/*", "/home/*",
        "/boot/*", "C:\\", "/mnt", "/media", "/snap",
    ]
    static let systemPrefixes = [
        "/etc/", "/boot/", "/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/var/lib/", "/sys/",
        "/proc/sys/",
    ]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "rm", "unlink", "rmdir":
            let recursive = inv.hasAny(["-r", "-R", "--recursive"])
            let targets = inv.argWords.filter { !$0.value.hasPrefix("-") || $0.value == "-" }
            for t in targets {
                let v = t.value.homeNormalised
                let trimmed = v.count > 1 && v.hasSuffix("/") ? String(v.dropLast()) : v
                if recursive && (criticalPaths.contains(v) || criticalPaths.contains(trimmed)) {
                    a.hit(.deleteCritical, k, reason: "deletes \(t.value) recursively")
                    return
                }
                // `rm -rf "$DIR/"*`: an empty variable turns this into `rm -rf /*`.
                if recursive && !t.isStatic && (v.hasPrefix("$") || v.hasPrefix("${"))
                    && (v.has("/") || v.hasSuffix("*"))
                {
                    a.hit(
                        .deleteUnsetVariable, k,
                        reason: "deletes a path built on a variable that may be empty (\(t.value))")
                    return
                }
                if recursive && systemPrefixes.contains(where: { v.hasPrefix($0) }) {
                    a.hit(
                        .deleteCritical, k, score: 85,
                        reason: "deletes the system directory \(t.value) recursively")
                    return
                }
            }
            if inv.argsFromInput && recursive && inv.has("-f") {
                a.hit(.deleteBroad, k, reason: "force-deletes whatever paths arrive on standard input")
            }
        case "find":
            let deletes =
                inv.has("-delete")
                || inv.args.enumerated().contains { j, x in
                    ["-exec", "-execdir"].contains(x) && j + 1 < inv.args.count
                        && ["rm", "/bin/rm", "shred", "unlink"].contains(inv.args[j + 1])
                }
            if deletes {
                let root = inv.args.first { !$0.hasPrefix("-") } ?? "."
                let narrowed = inv.hasAny([
                    "-name", "-iname", "-path", "-ipath", "-regex", "-mtime", "-mmin", "-newer", "-size",
                    "-empty", "-user", "-type",
                ])
                if criticalPaths.contains(root.homeNormalised) && !narrowed || root == "/" {
                    a.hit(.deleteCritical, k, score: 90, reason: "find deletes everything under \(root)")
                } else if !narrowed {
                    a.hit(
                        .deleteBroad, k,
                        reason: "find deletes a whole tree (\(root)) with no name or age filter")
                }
            }
        case "shred", "srm", "wipe", "scrub":
            // scrub overwrites files (or a whole device) with patterns, as shred does. Given a
            // block device the whole disk is gone (B1: `shred -n 1 /dev/sdb`, `scrub /dev/sdb`).
            if let d = inv.positionals.first(where: isBlockDevice) {
                a.hit(.deviceWrite, k, reason: "\(p) overwrites the whole device \(d)")
            } else {
                a.hit(.shred, k, reason: "\(p) destroys file contents beyond recovery")
            }
        case "truncate":
            if inv.value(of: "-s", "--size").map({ $0 == "0" }) == true {
                a.hit(.truncateFile, k, reason: "truncates files to zero bytes")
            }
        case "dd":
            if let of = inv.args.first(where: { $0.hasPrefix("of=") }).map({ String($0.dropFirst(3)) }),
                isBlockDevice(of)
            {
                a.hit(.deviceWrite, k, reason: "dd writes straight to the device \(of)")
            }
        case _
        where p.hasPrefix("mkfs") || p.eq("wipefs") || p.eq("mkswap") || p.eq("mke2fs") || p.eq("mkdosfs"):
            // An image file (`mkfs.erofs image.erofs root/`) is not a device; listing (`wipefs /dev/sdb`) erases nothing.
            let device = inv.args.first { $0.hasPrefix("/dev/") }
            if let device, !p.eq("wipefs") || inv.hasAny(["-a", "--all", "-o", "--offset"]) {
                a.hit(.makeFilesystem, k, reason: "\(p) erases \(device)")
            }
        case "fdisk", "sfdisk", "cfdisk", "parted", "sgdisk", "gdisk", "blkdiscard":
            let readOnly =
                inv.hasAny([
                    "-l", "--list", "-p", "--print", "-L", "--list-types", "-v", "--verify", "-i", "--info",
                    "-d", "--dump", "-b", "--backup",
                ])
                || (p.eq("parted") && (inv.args.contains("print") || inv.has("-l")))
            // Naming only a device opens the interactive editor: raw disk access that asks
            // (gate-classes.md A12); a scripted change (`sfdisk < layout`, `parted mklabel`,
            // `sgdisk --zap-all`) rewrites the table and blocks (B1).
            let interactive =
                ["fdisk", "gdisk", "cfdisk", "parted"].contains(p) && inv.positionals.count == 1
                && !a[commandOf: k].redirects.contains { $0.op == "<" || $0.op == "<<" || $0.op == "<<<" }
                && a[commandOf: k].position == 0
            if !readOnly && !interactive { a.hit(.partitionWrite, k, reason: "\(p) changes a partition table") }
        default:
            break
        }
        // Redirections and tee into system files or block devices.
        let redirected = a.outputTargets(k)
        for t in a.writtenFiles(k) {
            let viaShell: Bool? = redirected.contains(t) ? false : nil
            if isBlockDevice(t) {
                a.hit(.deviceWrite, k, reason: "writes straight to the device \(t)")
            } else if systemPrefixes.contains(where: { t.hasPrefix($0) }) && !t.hasPrefix("/proc/sys/")
                && !t.hasPrefix("/etc/sudoers")
                && t != "/etc/passwd" && t != "/etc/shadow" && t != "/etc/group"
                && t != "/etc/ld.so.preload"
            {
                if p.eq("cp") || p.eq("mv") || p.eq("ln") || p.eq("install") || p.eq("rsync") || p.eq("sed")
                    || p.eq("touch") || p.eq("truncate") || p.eq("dd")
                {
                    a.hit(.overwriteSystemFile, k, score: 60, target: t, reason: "\(p) changes the system file \(t)")
                } else {
                    // Appending a line to /etc config (`| sudo tee -a /etc/fstab`) asks; replacing binaries blocks.
                    let appends =
                        a[commandOf: k].redirects.contains { $0.op == ">>" && $0.target.value == t }
                        || (p.eq("tee") && inv.hasAny(["-a", "--append"]))
                    a.hit(
                        .overwriteSystemFile, k, score: t.hasPrefix("/etc/") ? (appends ? 60 : nil) : 85,
                        elevated: viaShell, target: t,
                        reason: "\(appends ? "appends to" : "overwrites") the system file \(t)")
                }
            }
        }
    }

    static func isBlockDevice(_ s: String) -> Bool {
        guard s.hasPrefix("/dev/") else { return false }
        for d in [
            "/dev/sd", "/dev/hd", "/dev/vd", "/dev/xvd", "/dev/nvme", "/dev/mmcblk", "/dev/disk",
            "/dev/mapper/", "/dev/md", "/dev/loop", "/dev/dm-", "/dev/mem", "/dev/kmem", "/dev/port",
        ]
        where s.hasPrefix(d) {
            return true
        }
        return false
    }
}
