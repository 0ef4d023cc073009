// Program families recognised by what their names and conventions say (gate-classes.md's
// tie-breaker for unknown tools): PowerShell's Verb-Noun cmdlets, job schedulers, VPN
// clients, mounters, file synchronisers, package installers, programs named for a web
// service, and a `db` subcommand. Each is a class of programs with one meaning, so a program
// of the class the gate has never seen is judged like the ones it has.

extension Effects {
    /// PowerShell's approved verbs that change something (`Remove-NodeVersion`, `Set-Item`);
    /// `Get-`, `Show-`, `Find-`, `Test-`, `Measure-`, `Select-` and `Format-` only read.
    static let powerShellMutatingVerbs: NameSet = [
        "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Lock", "Move", "New", "Open", "Push", "Pop", "Redo",
        "Remove", "Rename", "Reset", "Set", "Split", "Join", "Undo", "Unlock", "Disable", "Enable", "Install",
        "Uninstall", "Register", "Unregister", "Restart", "Resume", "Start", "Stop", "Suspend", "Update",
        "Publish", "Unpublish", "Send", "Invoke", "Grant", "Revoke", "Protect", "Unprotect", "Deny", "Approve",
        "Mount", "Dismount", "Import", "Export", "Save", "Restore", "Backup", "Sync", "Write", "Edit", "Deploy",
    ]

    /// Cluster job schedulers: any use submits or allocates (A9), whatever follows.
    static let jobSubmitters: NameSet = [
        "salloc", "srun", "sbatch", "qsub", "bsub", "condor_submit", "oarsub", "msub", "pbsdsh", "ccc_mprun",
    ]

    /// CLIs that deploy the project when run with no subcommand (`vercel`, `surge`).
    static let deployByDefault: NameSet = ["vercel", "surge", "now"]

    /// VPN clients: connecting, importing a profile or changing settings reconfigures the
    /// machine's network (A8); their status and list verbs only read.
    static let vpnClients: NameSet = [
        "mullvad", "tailscale", "zerotier-cli", "warp-cli", "wg", "wg-quick", "nordvpn", "expressvpn",
        "protonvpn", "protonvpn-cli", "windscribe", "openconnect", "vpnc", "netbird", "headscale",
    ]

    /// Programs that synchronise two directories, overwriting files on either side (A2).
    static let synchronisers: NameSet = ["unison", "lsyncd", "csync2", "osync", "freefilesync", "syncthing-cli"]

    /// Names of web services: a program named for one talks to it (R4).
    static let serviceNameParts = [
        "youtube", "spotify", "soundcloud", "twitch", "reddit", "twitter", "mastodon", "telegram", "discord",
        "slack", "whatsapp", "bluesky", "instagram", "tiktok", "pastebin", "dropbox", "gdrive", "onedrive",
        // Programs named for fetching a public service's content into the terminal (R4).
        "weather", "wiki", "translat", "hackernews", "stackoverflow",
    ]

    /// Every name part the family tests look for, for the one-pass test.
    static let nameParts = Needles(serviceNameParts + ["mount", "pkg", "package", "gdebi", "vpn"])

    /// Subcommands that open a database session (A10): `plesk db`, `rails dbconsole`.
    static let databaseSubcommands: NameSet = ["db", "database", "dbshell", "dbconsole", "psql", "mysql", "sql-shell"]

    /// Read verbs of the families above.
    static let statusVerbs: NameSet = [
        "status", "list", "ls", "show", "info", "version", "help", "get", "check", "ping", "whois", "netcheck",
        "account-info",
    ]

    /// The name families; true when one spoke (a hit was raised).
    static func names(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, unknown: Bool) -> Bool {
        let p = inv.program
        let pos = inv.positionals
        let lower = unknown ? lowerASCII(p) : p
        // One pass over the name for every part the tests below look for: most names hold none.
        let named = unknown && lower.withBytes { nameParts.occurs(in: $0) }
        // `Verb-Noun`: PowerShell cmdlets, whose verb says what they do.
        if unknown, p.utf8.first.map({ $0 >= 0x41 && $0 <= 0x5A }) == true,
            let dash = p.utf8.firstIndex(of: UInt8(ascii: "-")),
            powerShellMutatingVerbs.contains(String(Substring(p.utf8[..<dash])))
        {
            a.hit(.systemChange, k, reason: "\(p) changes state (a PowerShell cmdlet whose verb writes)")
            return true
        }
        if jobSubmitters.contains(p) {
            a.hit(.remoteStateChange, k, reason: "\(p) submits a job or allocates cluster resources")
            return true
        }
        // With no subcommand, or with only the directory to publish (`surge projects/webapp`).
        if deployByDefault.contains(p) && (pos.isEmpty || pos.first.map({ $0.contains("/") }) == true) {
            a.hit(.remoteStateChange, k, reason: "\(p) with no subcommand deploys the project")
            return true
        }
        if vpnClients.contains(p) || named && lower.has("vpn"), let v = pos.first ?? inv.args.first,
            !statusVerbs.contains(v), !isCompoundRead(v)
        {
            a.hit(.systemChange, k, reason: "\(p) \(v) changes the machine's network (VPN)")
            return true
        }
        if synchronisers.contains(p), pos.count >= 2 {
            a.hit(.bulkChange, k, reason: "\(p) synchronises directories, overwriting files on both sides")
            return true
        }
        guard unknown else { return false }
        if named, lower.has("mount"), lower != "mountpoint", lower != "showmount", !pos.isEmpty {
            a.hit(.systemChange, k, reason: "\(p) mounts a file system")
            return true
        }
        if named, lower.has("pkg") || lower.has("package") || lower.hasPrefix("gdebi"),
            lower.hasPrefix("gdebi")
                || inv.args.contains(where: {
                    $0 == "--install" || $0 == "--remove" || $0 == "--upgrade" || $0 == "--uninstall"
                })
        {
            a.hit(.softwareChange, k, reason: "\(p) installs or removes packages")
            return true
        }
        if named && serviceNameParts.contains(where: { lower.has($0) }) && !lower.hasPrefix("wikiman")
            || lower.hasPrefix("yt") && lower.utf8.count > 3
        {
            a.hit(.thirdPartyService, k, reason: "\(p) talks to a third-party service")
            return true
        }
        if let s = pos.first, databaseSubcommands.contains(s) {
            a.hit(.databaseSession, k, reason: "\(p) \(s) opens a database session")
            return true
        }
        return false
    }
}
