// Session 16 (../shared/gate-classes.md): what one subcommand or option of a known tool does,
// where the tool's family has no rule for it: a package manager's `download`/`reposync`/
// `source` fetches packages (A3), a password cracker given hashes recovers passwords (A13,
// R1), conntrack's delete and flush options change the kernel's connection table (A8), IPFS's
// `add`/`get`/`cat` publish to or fetch from the swarm (A3), and code-mod and
// renaming tools rewrite every matching file of a tree at once (A2). Run from `reach`, after
// every other rule, for an invocation nothing else spoke for; the near misses that stay
// allowed are in Tests/CordonGateTests/SessionSixteenTests.swift.

extension Effects {
    /// Package managers whose `download`-style subcommands fetch packages from the configured
    /// repositories into a directory without installing them.
    static let packageFetchers: NameSet = ["dnf", "dnf5", "yum", "microdnf", "apt", "apt-get", "zypper"]
    /// The subcommands that fetch (`dnf download`, `dnf reposync`, `apt-get source`, `zypper
    /// source-download`); `--url`/`--urls`/`--print-uris` only print where a package is.
    static let packageFetchVerbs: NameSet = ["download", "reposync", "source", "source-download"]

    /// Password crackers: given a hash (a file of hashes or a hash itself) they recover the
    /// password; `--show` prints the passwords already recovered.
    static let passwordCrackers: NameSet = ["john", "hashcat", "hashcat.bin"]

    /// conntrack's options that change the kernel's connection-tracking table (delete entries,
    /// flush it, create or update one); `-L`, `-E`, `-G`, `-C`, `-S` only read.
    static let conntrackWrites: NameSet = ["-D", "--delete", "-F", "--flush", "-I", "--create", "-U", "--update"]

    /// IPFS subcommands that announce local content to the swarm or fetch content from it.
    static let ipfsNetworkVerbs: NameSet = ["add", "get", "cat"]

    /// Tools that rewrite or rename every matching file under a directory in one run (A2);
    /// their previews are `--dry-run` (every family) and their own `-n`/`-sim` spellings.
    static let treeRewriters: NameSet = ["fastmod", "repren", "rnm"]
    static let treeRewriterPreviews: NameSet = ["-n", "-sim", "--simulation", "--help", "-h", "--version", "-v"]

    /// Package, plugin and version managers the gate had no rule for, and the words (options
    /// or subcommands) with which each installs, removes or upgrades software (A4); their
    /// search, list, info and help words do not.
    static let packageToolWords: [String: NameSet] = [
        "appman": ["-i", "-r", "-u", "-s", "install", "remove", "update", "--install", "--remove", "--update"],
        "pacstall": ["-I", "-R", "-U", "-Up", "-A", "--install", "--remove", "--upgrade", "--add-repo"],
        "paxs": ["-i", "-r", "-u", "--install", "--remove", "--update", "--upgrade"],
        "pikman": ["i", "r", "install", "remove", "autoremove", "upgrade", "update", "purge"],
        "prt-get": ["install", "depinst", "update", "upgrade", "remove", "sysup", "grpinst"],
        "mhwd": ["-i", "-r", "-a", "--install", "--remove", "--auto", "-f"],
        "kpackagetool5": ["-i", "-r", "-u", "--install", "--remove", "--upgrade"],
        "kpackagetool6": ["-i", "-r", "-u", "--install", "--remove", "--upgrade"],
        "gacutil": ["-i", "-u", "-il", "-ul", "-us", "-if"],
        "lure": ["in", "install", "rm", "remove", "up", "upgrade", "addrepo", "ar", "removerepo", "rr"],
        "shelly": ["-S", "-R", "-Rs", "-Rns", "-U", "-Syu", "install", "remove", "purify", "upgrade", "update"],
        "skills": ["a", "add", "install", "i"],
        "corepack": ["hydrate", "install", "prepare", "use", "up"],
        "bob": ["use", "install", "i", "update", "sync"],
        "steamcmd": ["+app_update", "+workshop_download_item", "+app_uninstall"],
    ]
    /// Tools whose operand alone is what they install, remove or fetch: `pkgadd PKG`, `pkgrm
    /// PKG`, `sdkmanager PKG`, `eget owner/repo` (a release binary downloaded and installed),
    /// `n 1.2.3` (a Node.js version).
    static let operandInstallers: NameSet = ["pkgadd", "pkgrm", "sdkmanager", "eget", "n"]
    /// Their words that only read or run what is there.
    static let operandInstallerReads: NameSet = [
        "--list", "-l", "ls", "list", "bin", "which", "use", "run", "exec", "--help", "-h", "help", "--version",
        "-V", "lsr", "ls-remote",
    ]

    /// Every program `subcommandReach` has a rule for.
    static let subcommandPrograms: NameSet = packageFetchers.union(passwordCrackers).union(treeRewriters).union([
        "conntrack", "ipfs", "trust",
    ]).union(packageToolWords.keys).union(operandInstallers)

    /// True when a rule spoke.
    static func subcommandReach(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) -> Bool {
        let p = inv.program
        let pos = inv.positionals
        let sub = pos.first ?? ""
        // A3: `dnf download jq`, `dnf reposync --repoid r`, `apt-get source jq` bring packages
        // in from the repositories' servers (a download like any other, not an install).
        if packageFetchers.contains(p), packageFetchVerbs.contains(sub),
            !inv.hasAny(["--url", "--urls", "--print-uris"])
        {
            a.hit(.egress, k, reason: "\(p) \(sub) fetches packages from the repositories")
            return true
        }
        // A13/R1: a cracker given hashes recovers passwords (`john docs/hashes.txt`, `hashcat -m
        // 0 -a 3 HASH`), and `--show` prints the recovered ones; `--list=formats`, `-b`
        // (benchmark) and `--example-hashes` name no hash and only print the tool's catalogue.
        if passwordCrackers.contains(p), !pos.isEmpty || inv.args.contains(where: { $0.hasPrefix("--restore") }) {
            a.hit(.secretSearch, k, reason: "\(p) cracks password hashes")
            return true
        }
        // A8: `conntrack -D -s ADDR`, `conntrack -F` drop the kernel's tracked connections.
        if p.eq("conntrack"), let f = inv.args.first(where: { conntrackWrites.contains($0) }) {
            a.hit(.systemChange, k, reason: "conntrack \(f) changes the kernel's connection-tracking table")
            return true
        }
        // A3: `ipfs add` announces files to the swarm (anyone with the hash fetches them), `ipfs
        // get`/`cat` fetch content from it, `ipfs pin add` fetches and keeps, `ipfs name publish`
        // points a public name at content; `pin ls`, `repo gc`, `id`, `config show` stay local.
        if p.eq("ipfs"),
            ipfsNetworkVerbs.contains(sub)
                || pos.count >= 2 && (sub == "pin" && pos[1] == "add" || sub == "name" && pos[1] == "publish")
        {
            a.hit(.egress, k, reason: "ipfs \(sub) publishes to or fetches from the IPFS network")
            return true
        }
        // A4: a package, plugin or version manager's install, remove or upgrade word
        // (`appman -i jq`, `lure in jq`, `mhwd -i pci my-driver`, `kpackagetool6 -t T -r x`).
        if let words = packageToolWords[p] {
            if let w = inv.args.first(where: { words.contains($0) }) {
                a.hit(.softwareChange, k, reason: "\(p) \(w) installs, removes or upgrades software")
                return true
            }
            return false
        }
        // A4: the operand is the package (`pkgadd jq`, `sdkmanager jq`, `eget zyedidia/micro`,
        // `n 1.2.3`); their list, which and run words read (`n use 1.2.3 file.js` runs).
        if operandInstallers.contains(p) {
            if let first = pos.first, !inv.args.contains(where: operandInstallerReads.contains),
                !p.eq("n") || first.utf8.first.map({ $0 >= 0x30 && $0 <= 0x39 }) == true
                    || ["latest", "lts", "stable", "current", "rm", "uninstall", "prune"].contains(first)
            {
                a.hit(.softwareChange, k, reason: "\(p) \(first) installs, removes or fetches software")
                return true
            }
            return false
        }
        // A11: p11-kit's `trust anchor FILE` adds a CA to (or `--remove` takes one out of) the
        // system's trust store, and `extract-compat` rewrites the system's CA bundles; `trust
        // list`, `trust extract … DIR` (a copy into the workspace) read.
        if p.eq("trust") {
            if sub == "anchor" || sub == "extract-compat" {
                a.hit(.outsideWrite, k, reason: "trust \(sub) changes the system's trusted certificate authorities")
                return true
            }
            return false
        }
        // A2: `fastmod OLD NEW`, `repren --from X --to Y *.csv`, `rnm -ns/f names dir` rewrite
        // or rename every matching file of a tree in one run.
        if treeRewriters.contains(p), !inv.args.isEmpty, !inv.args.contains(where: treeRewriterPreviews.contains) {
            a.hit(.bulkChange, k, reason: "\(p) rewrites or renames every matching file at once")
            return true
        }
        return false
    }

    /// Options that name a mail recipient; with an address as their value the run sends mail.
    /// (Not `--recipient`/`-r`: gpg and age encrypt *for* a recipient, nothing is sent.)
    static let mailRecipientOptions: NameSet = [
        "--to", "--cc", "--bcc", "--rcpt", "--rcpt-to", "--mail-to", "--mailto", "--email-to",
    ]

    /// Rules for every program, run from `reach` when nothing else spoke: a Windows share
    /// named by a UNC path, a password reset or change named by the program or its subcommand,
    /// a mail recipient. True when a rule spoke.
    static func reachConventions(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) -> Bool {
        let p = inv.program
        let pos = inv.positionals
        // Runs for most calls (nothing else spoke for them): byte tests first, one pass.
        var n = 0
        for w in pos {
            let u = w.utf8
            // A3: `//server.example.com/share` is a share on another machine (SMB/CIFS): a tool
            // given one reads or changes files there (`smbcacls //server/public f --user …`).
            if u.count >= 6, u.first == UInt8(ascii: "/"), u.dropFirst().first == UInt8(ascii: "/"), isRemoteShare(w) {
                a.hit(.egress, k, reason: "\(p) works on the network share \(w)")
                return true
            }
            // A8: `grafana cli admin reset-admin-password X`: a subcommand that sets a password.
            if n < 3, changesPassword(w) {
                a.hit(.systemChange, k, reason: "\(p) changes an account's password (\(w))")
                return true
            }
            n += 1
        }
        // A8: `elasticsearch-reset-password -u alice`: the program's name says it.
        if changesPassword(p) {
            a.hit(.systemChange, k, reason: "\(p) changes an account's password")
            return true
        }
        // A8: `elasticsearch-users useradd alice -p hunter2 -r superuser`, `X userdel alice`: a
        // subcommand named as the system's account tools manages the tool's users and roles.
        // (Every such name is 7 or 8 bytes.)
        if let sub = pos.first, sub.utf8.count == 7 || sub.utf8.count == 8, accountVerbs.contains(sub),
            inv.args.first == sub
        {
            a.hit(.systemChange, k, reason: "\(p) \(sub) manages accounts")
            return true
        }
        // A3: `pop --to you@example.com < message.md`: a mail recipient given, mail is sent.
        // (Byte tests first: every such option is `--` and a letter of `tcbrme`, at most 13
        // bytes with no value attached.)
        let args = inv.args
        for (j, w) in args.enumerated() {
            let u = w.utf8
            guard u.count >= 4, u.first == UInt8(ascii: "-"), u.dropFirst().first == UInt8(ascii: "-"),
                let c = u.dropFirst(2).first,
                c == UInt8(ascii: "t") || c == UInt8(ascii: "c") || c == UInt8(ascii: "b") || c == UInt8(ascii: "r")
                    || c == UInt8(ascii: "m") || c == UInt8(ascii: "e")
            else { continue }
            let name = optionName(w)
            guard mailRecipientOptions.contains(name), let v = optionValue(args, j), isMailAddress(v) else { continue }
            a.hit(.egress, k, reason: "\(p) \(name) \(v) sends mail")
            return true
        }
        return false
    }

    /// Account tools' names, as subcommands of another program.
    static let accountVerbs: NameSet = [
        "useradd", "userdel", "usermod", "groupadd", "groupdel", "groupmod", "adduser", "deluser", "addgroup",
        "delgroup", "chpasswd",
    ]

    /// `//host.example.com/share` or `//192.168.1.10/share`, not loopback.
    static func isRemoteShare(_ w: String) -> Bool {
        guard w.utf8.count >= 6, w.hasPrefix("//") else { return false }
        let rest = w.dropFirst(2)
        guard let slash = rest.firstIndex(of: "/") else { return false }
        let host = String(rest[..<slash])
        guard host.contains("."), !host.hasPrefix("."), !host.hasSuffix("."),
            host.utf8.allSatisfy({
                $0 == 0x2E || $0 == 0x2D || $0 >= 0x30 && $0 <= 0x39 || $0 >= 0x61 && $0 <= 0x7A
                    || $0 >= 0x41 && $0 <= 0x5A
            })
        else { return false }
        return !isLoopbackTarget(host)
    }

    /// A word that joins a setting verb and a password: `reset-password`, `change_password`,
    /// `reset-admin-password`, `setpassword` (not `mkpasswd`/`makepasswd`, which only make one,
    /// nor an option, `--password`).
    static func changesPassword(_ w: String) -> Bool {
        guard w.utf8.count >= 9, w.utf8.first != UInt8(ascii: "-"), w.has("assw") else { return false }
        let l = lowerASCII(w)
        guard l.has("password") || l.has("passwd") else { return false }
        return l.has("reset") || l.has("change") || l.hasPrefix("set") || l.has("-set") || l.has("_set")
    }

    /// `you@example.com`: a local part, one `@`, a dotted domain.
    static func isMailAddress(_ v: String) -> Bool {
        guard let at = v.firstIndex(of: "@"), at != v.startIndex else { return false }
        let domain = v[v.index(after: at)...]
        return domain.contains(".") && !domain.contains("@") && !domain.contains("/") && !v.contains(" ")
    }
}
