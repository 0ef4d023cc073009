// Conventions read from what an option or operand says, for programs the gate has no rule for
// (session 14, ../shared/gate-classes.md): a bare deletion option with no file to edit, a job
// or task of the program's own daemon driven by its number, a Wi-Fi access point targeted by its
// BSSID. They run from `conventions` after every other rule of Effects stayed silent for the
// program, and only for programs the gate does not know.

extension Effects {
    /// Options that delete what they are given, with no name saying what (A1): `buku --delete
    /// 1234`, `slapt-get --remove jq`, `kwriteconfig5 --key k --delete`. The longer names
    /// (`--delete-older-than`) are `deletingParts`' rule in Effects+Semantics.swift.
    static let bareDeletingOptions: NameSet = [
        "--delete", "--remove", "--purge", "--erase", "--wipe", "--destroy", "--drop",
    ]

    /// Verbs that start, stop or signal a running job, task or process (A8).
    static let jobVerbs: NameSet = [
        "start", "stop", "kill", "pause", "resume", "restart", "suspend", "cancel", "abort", "terminate",
    ]

    /// An operand that names a file or directory: a slash, a dot before an extension, or `.`.
    /// An option given one edits part of that file (`exiv2 --delete a photo.jpg`, `mkvpropedit
    /// --delete title film.mkv`, `setfattr --remove user.x src/main.swift`), which L3 allows.
    static func namesFile(_ w: String) -> Bool {
        w.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ".") })
    }

    /// A directory operand of a recursive walk: a path (a slash in it) whose last part has no
    /// extension (`fdupes --recurse --delete src/components` deletes the files it finds there,
    /// A1). A bare word is a subcommand or a name (`svn changelist --remove --recursive …`).
    static func namesDirectory(_ w: String) -> Bool {
        guard w.utf8.contains(UInt8(ascii: "/")) else { return false }
        let last = w.split(separator: "/").last ?? Substring(w)
        return !last.contains(".")
    }

    /// True when one of the conventions spoke (a hit was raised).
    static func operands(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ lower: String) -> Bool {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        // A1, A4, A11: a bare deletion option with nothing that names a file: what it deletes is
        // the program's stored data (a bookmark, a list, a package, a configuration key, a boot
        // entry, infected files). Not a filter fed by a pipe (`echo x | boxes --remove` edits
        // the text it reads), and not a cache cleaner (A1's exception, `paccache --remove`).
        if let f = args.first(where: { w in
            w.utf8.count >= 6 && w.utf8.first == UInt8(ascii: "-") && bareDeletingOptions.contains(optionName(w))
        }),
            !pos.contains(where: namesFile)
                || !inv.kind.contains(.known) && inv.hasAny(["-r", "-R", "--recurse", "--recursive"])
                    && pos.allSatisfy(namesDirectory),
            !inv.hasRedirects, a.previous(before: k) == nil,
            !lower.has("cache"), !lower.has("clean")
        {
            a.hit(.fileDelete, k, reason: "\(p) \(optionName(f)) deletes data the program stores")
            return true
        }
        // A8: `pueue start 1234`, `X kill 12`: a verb for a running job followed at once by its
        // number controls a job, task or process of the program's daemon (as `kill PID` does).
        // (A number after an option is its value: `next start --port 8080` starts a dev server.)
        if args.count >= 2, args[0] == pos.first, jobVerbs.contains(args[0]),
            args[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !args[1].isEmpty
        {
            a.hit(.systemChange, k, reason: "\(p) \(args[0]) \(args[1]) controls a running job or process")
            return true
        }
        // A11: OpenWrt's `uci` stages and commits the system configuration in /etc/config:
        // every verb but the reads (`show`, `get`, `export`, `changes`) edits it or discards
        // staged edits (`uci set k=v`, `uci add config main`, `uci commit`, `uci revert`).
        if p.eq("uci"), let v = pos.first, args.first == v, uciWrites.contains(v) {
            a.hit(.outsideWrite, k, reason: "uci \(v) changes the system configuration (/etc/config)")
            return true
        }
        // A9: `scrun start 3f4e5d6c7b8a`, `takeout start ID`: a lifecycle verb and a container
        // id (12 or 64 lower-case hex digits, the short and full ids of the OCI runtimes and
        // Docker) starts, stops or makes a container. (`scrun state ID`, `crictl inspect ID`
        // only read.)
        if let v = pos.first, args.first == v, containerVerbs.contains(v),
            pos.dropFirst().contains(where: isContainerID)
        {
            a.hit(.infraChange, k, reason: "\(p) \(v) changes a container by its id")
            return true
        }
        // R1: an option naming a Wi-Fi access point by its hardware address (`bully --bssid`,
        // `reaver -b`): only wireless attack and capture tools target one.
        if let f = args.first(where: { w in
            w.utf8.count >= 6 && w.utf8.first == UInt8(ascii: "-") && (optionName(w) == "--bssid" || w == "-bssid")
        }) {
            a.hit(.scanner, k, reason: "\(p) \(optionName(f)) targets a Wi-Fi access point")
            return true
        }
        // R1, A3: a program named as a scanner given a network address, a CIDR block or an
        // address range (`ipscan 192.168.0.1-254`, `nbtscan 192.168.0.1/24`) probes other hosts.
        // (Scanners of files, fonts, images and lockfiles are given paths, not addresses:
        // `clamdscan build`, `scanimage -d sdb`, `osv-scanner -L lockfile`; address calculators
        // (`sipcalc`, `cidr`) are not named for scanning.)
        if lower.has("scan"), let t = pos.first(where: isAddressTarget) {
            a.hit(.scanner, k, reason: "\(p) scans \(t)")
            return true
        }
        // A3, A9: a signature or attestation stored in the image's registry (`cosign sign --key
        // k img`, `notation sign img`); `sign-blob` and `verify` stay on this machine.
        if signatureStores.contains(p), let s = pos.first, args.first == s, signatureWrites.contains(s) {
            a.hit(.remoteStateChange, k, reason: "\(p) \(s) stores a signature in the image's registry")
            return true
        }
        // A8: `veracrypt -t volume /mnt/usb`, `cryfs dir /mnt/usb`: a source path and, last, a
        // directory under /mnt or /media is a file system mounted there (`mount SRC DIR`'s
        // shape). (One operand under /mnt is a directory read: `f3read /mnt/usb`, `genfstab -U /mnt`.)
        if pos.count >= 2, let last = pos.last, isMountPoint(last),
            pos.dropLast().contains(where: { w in w.utf8.contains(UInt8(ascii: "/")) && !isMountPoint(w) })
        {
            a.hit(.systemChange, k, reason: "\(p) mounts a file system on \(last)")
            return true
        }
        return false
    }

    /// uci's verbs that write the staged or committed configuration.
    static let uciWrites: NameSet = [
        "set", "add", "add_list", "del_list", "delete", "rename", "reorder", "commit", "revert", "import", "batch",
    ]

    /// Verbs of a container's lifecycle (A9).
    static let containerVerbs: NameSet = jobVerbs.union(["create", "run", "exec", "rm", "delete", "remove", "unpause"])

    /// A short (12) or full (64) container id: lower-case hex digits only.
    static func isContainerID(_ w: String) -> Bool {
        (w.utf8.count == 12 || w.utf8.count == 64)
            && w.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 || $0 >= 0x61 && $0 <= 0x66 })
            && w.utf8.contains(where: { $0 >= 0x61 })
    }

    /// An IPv4 address, optionally with a CIDR prefix (`/24`) or a last-octet range (`-254`):
    /// the operand shape of a network target.
    static func isAddressTarget(_ w: String) -> Bool {
        var dots = 0
        var digits = 0
        var tail = false  // after `/` or `-`
        var tailDigits = 0
        for b in w.utf8 {
            if b >= 0x30 && b <= 0x39 {
                if tail { tailDigits += 1 } else { digits += 1 }
                if digits > 3 || tailDigits > 3 { return false }
            } else if b == UInt8(ascii: "."), !tail, digits > 0 {
                dots += 1
                digits = 0
            } else if b == UInt8(ascii: "/") || b == UInt8(ascii: "-"), !tail, dots == 3, digits > 0 {
                tail = true
            } else {
                return false
            }
        }
        return dots == 3 && digits > 0 && (!tail || tailDigits > 0)
    }

    /// Image signing tools and their subcommands that push to the registry.
    static let signatureStores: NameSet = ["cosign", "notation"]
    static let signatureWrites: NameSet = ["sign", "attest", "attach", "upload", "clean"]

    /// A directory where file systems are mounted by hand or by the desktop.
    static func isMountPoint(_ w: String) -> Bool {
        w.utf8.first == UInt8(ascii: "/") && (w == "/mnt" || w.hasPrefix("/mnt/") || w.hasPrefix("/media/"))
    }

    /// `X config set|unset|add|remove KEY ... --global`: a setting written to the tool's user-
    /// or system-wide configuration (A11), whichever program it is (`pip config unset k
    /// --global`, `jj config set --user user.name demo`). Repo-local configuration stays L6/L3.
    static let configScopeOptions: NameSet = ["--global", "--user", "--system", "--site"]
    static let configEditVerbs: NameSet = [
        "set", "unset", "add", "remove", "rm", "delete", "del", "edit", "replace-all", "unset-all",
        // jj's one-letter aliases (`jj config s --user k v`): with the scope option they can only edit.
        "s", "u", "e",
    ]

    static func scopedConfigWrite(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) -> Bool {
        let pos = inv.positionals
        guard let c = pos.prefix(2).firstIndex(of: "config"), c + 1 < pos.count, configEditVerbs.contains(pos[c + 1]),
            let s = inv.args.first(where: { w in
                w.utf8.count >= 6 && w.utf8.first == UInt8(ascii: "-") && configScopeOptions.contains(w)
            })
        else { return false }
        a.hit(
            .outsideWrite, k,
            reason: "\(inv.program) config \(pos[c + 1]) \(s) changes the tool's user or system configuration")
        return true
    }
}
