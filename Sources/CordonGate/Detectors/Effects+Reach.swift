// Session 15b (../shared/gate-classes.md): what a program reaches through one subcommand or
// option, read from what that word means for every program that uses it: a trash emptied, a
// file-transfer session's `put`, a configuration written for every project (`-g`), a
// certificate authority asked for a certificate, a remote target named by its option, data
// refreshed from the network by a bare `--update`, a removal option with nothing of the
// workspace to act on, a running service's console. `reach` runs last, for an invocation no
// other rule spoke for.

extension Effects {
    /// Trash managers: `empty` and `rm` delete for good what was only moved aside (A1);
    /// putting into the trash, listing and restoring keep it recoverable.
    static let trashTools: NameSet = ["trash", "trashy", "gtrash", "trash-cli"]
    static let trashDeleters: NameSet = ["trash-empty", "trash-rm"]
    static let trashDeleteVerbs: NameSet = ["empty", "rm", "remove", "purge", "prune", "clean"]

    /// Words typed into an ftp, sftp, tftp or lftp session (tldr's `[Interactive]` lines):
    /// each moves files between this machine and the server (A3). `get` also reads a variable
    /// in some shells (`tlmgr shell`: `get MY_VAR`), so it counts only with a file-like operand.
    static let transferSessionWords: NameSet = ["put", "mput", "mget", "reput", "reget"]

    /// Subcommands under `config` that only read; anything else given with `-g`/`--global`
    /// writes the user's configuration for every project.
    static let configReadWords: NameSet = ["get", "list", "ls", "show", "view", "help", "describe", "path", "info"]
    static let configReadOptions: NameSet = [
        "--get", "--get-all", "--get-regexp", "--get-urlmatch", "--list", "-l", "--show-origin", "--show-scope",
        "--help", "-h",
    ]
    /// Verbs under `config` that switch which profile, context or configuration every later
    /// call uses (`gcloud config configurations activate`, `kubectl config use-context`).
    static let configSwitchVerbs: NameSet = ["activate", "use", "use-context", "switch", "select"]

    /// ACME clients and the options that make them ask a certificate authority for, renew or
    /// revoke a certificate (A3: a remote service acts), or install one into a server's
    /// configuration and reload it (A11, A8).
    static let acmeShActions: NameSet = [
        "--issue", "--renew", "-r", "--renew-all", "--revoke", "--register-account", "--signcsr", "--install-cert",
        "-i", "--deploy", "--cron", "--upgrade", "--install",
    ]

    /// Options that name the machine a network tool is aimed at (impacket's `-target-ip`,
    /// `-dc-ip`, `-dc-host`): the run connects there (R1: a query of a remote target).
    static let targetOptions: NameSet = [
        "-target-ip", "--target-ip", "-dc-ip", "--dc-ip", "-dc-host", "--dc-host",
    ]

    /// The options an ACME or certificate tool names hosts with, for the certificate: the
    /// names go into a file, nothing connects to them (`mkcert example.org`, `step
    /// certificate create host.example.com …`).
    static func namesCertificates(_ inv: borrowing Invocation) -> Bool {
        let p = inv.program
        if p.eq("mkcert") || p.eq("minica") { return true }
        if p.eq("step"), inv.positionals.first == "certificate",
            inv.positionals.dropFirst().first.map({ ["create", "sign", "inspect", "verify"].contains($0) }) == true
        {
            return true
        }
        return false
    }

    /// Coding agents and LLM CLIs pointed at a model on this machine (`codex --oss
    /// --local-provider lmstudio`, `--local`): the prompt does not leave it (R4 is about third
    /// parties).
    static func usesLocalModel(_ inv: borrowing Invocation) -> Bool {
        if inv.hasAny(["--oss", "--local-provider", "--local"]) { return true }
        if let u = inv.value(of: "--api-base", "--base-url", "--host", "--endpoint") { return isLoopbackTarget(u) }
        return false
    }

    /// Short options that carry a credential for one CLI, spelled long elsewhere (R5): doctl's
    /// and vercel's `-t` is their `--access-token`/`--token`.
    static let shortCredentialOptions: [String: String] = ["doctl": "-t", "vercel": "-t"]

    /// Consoles attached to a running service that run commands in it (A8): Asterisk's `-r`/
    /// `-R`/`-x` connect to the running PBX, FreeSWITCH's `fs_cli` likewise.
    static let serviceConsoles: NameSet = ["asterisk", "rasterisk", "fs_cli"]

    /// A word that names a file or directory of the workspace: relative, with a slash or an
    /// extension (`src/main.swift`, `media/file.flac`).
    static func isWorkspaceOperand(_ w: String) -> Bool {
        guard let f = w.utf8.first, f != UInt8(ascii: "/"), f != UInt8(ascii: "~"), f != UInt8(ascii: "$") else {
            return false
        }
        return w.containsByte(UInt8(ascii: "/")) || w.utf8.dropFirst().contains(UInt8(ascii: "."))
    }

    /// Every program `namedReach` has a rule for.
    static let reachPrograms: NameSet = [
        "trash", "trashy", "gtrash", "trash-cli", "trash-empty", "trash-rm", "gio", "put", "mput", "mget", "reput",
        "reget", "get", "mkcert", "acme.sh", "doctl", "vercel", "asterisk", "rasterisk", "fs_cli", "gcalcli",
    ]

    /// True when a rule spoke.
    @discardableResult
    static func reach(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ fam: Family) -> Bool {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        // The rules of named programs, behind one lookup (most programs are none of them).
        if reachPrograms.contains(p), namedReach(a, k, inv) { return true }
        // Known tools' subcommands their family has no rule for: Effects+Subcommands.swift.
        if subcommandPrograms.contains(p), subcommandReach(a, k, inv) { return true }
        if reachConventions(a, k, inv) { return true }
        // A11: `ng config KEY VALUE -g`, `pip config unset K --global`, `git config --global
        // --unset K`: a setting written for every project of the user, not this one.
        if let c = pos.prefix(2).firstIndex(of: "config") {
            let after = pos[(c + 1)...]
            if let g = args.first(where: { $0 == "-g" || $0 == "--global" }), !inv.hasAny(Array(configReadOptions)),
                !(after.first.map { configReadWords.contains($0) } ?? true)
                    || inv.hasAny([
                        "--unset", "--unset-all", "--add", "--edit", "-e", "--replace-all", "--remove-section",
                    ])
            {
                a.hit(.outsideWrite, k, reason: "\(p) config \(g) writes the user's configuration for every project")
                return true
            }
            // A11: switching the active profile or context of a CLI changes where every later
            // call goes (`gcloud config configurations activate NAME`).
            if let i = after.prefix(2).firstIndex(where: { configSwitchVerbs.contains($0) }), i + 1 < pos.count {
                a.hit(.outsideWrite, k, reason: "\(p) config … \(pos[i]) switches the CLI's active configuration")
                return true
            }
        }
        // R1: a tool aimed at a remote machine by an option (`rpcmap.py -target-ip ADDR`).
        // (Every one of them has `-ip` or `-host` in its name: a byte search first.)
        for (j, w) in args.enumerated() where (w.has("-ip") || w.has("-host")) && targetOptions.contains(optionName(w))
        {
            if let v = optionValue(args, j), !v.isEmpty, !isLoopbackTarget(v) {
                a.hit(.egress, k, reason: "\(p) \(optionName(w)) connects to the target \(v)")
                return true
            }
        }
        // The rules below read an unknown program's options; a known family has its own.
        guard fam.isEmpty else { return false }
        // A4/A3: a lone `--update` refreshes a tool's data or the tool itself from the network
        // (`gitmoji --update`, `searchsploit --update`, `slapt-get --update`).
        if args.count == 1, args[0] == "--update" || args[0] == "--self-update" {
            a.hit(.softwareChange, k, reason: "\(p) \(args[0]) fetches updates from the network")
            return true
        }
        // A1: a removal option with nothing of the workspace to act on deletes what the
        // program keeps (`cheatshh --delete-command`, `nix-collect-garbage --delete-old`,
        // `add-apt-repository --remove SPEC`); given a workspace file (`exiv2 --delete a
        // src/main.swift`, `metaflac --remove-tag T file.flac`) it edits that file (L3). Not
        // after a subcommand, whose own meaning decides (`adb forward --remove-all` drops port
        // forwards), nor for a filter of piped text (`echo hi | boxes --remove`), nor for a
        // cache's cleaner (`paccache --remove --keep 1`: A1's exception for caches).
        if args.first?.isOptionLike == true,
            let f = args.first(where: { w in
                guard w.utf8.count >= 8, w.hasPrefix("--delete") || w.hasPrefix("--remove") else { return false }
                let n = optionName(w)
                return n == "--delete" || n == "--remove" || n.hasPrefix("--delete-") || n.hasPrefix("--remove-")
            }), !pos.contains(where: isWorkspaceOperand), !p.has("cache"), a.previous(before: k) == nil
        {
            a.hit(.fileDelete, k, reason: "\(p) \(optionName(f)) deletes what the program keeps")
            return true
        }
        return false
    }

    /// The rules keyed by a program's name (`reachPrograms`).
    static func namedReach(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) -> Bool {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        let sub = pos.first ?? ""
        // A1: emptying the trash deletes for good (`trash empty --all`, `trash-empty 10`,
        // `trash-rm "*.o"`, `gio trash --empty`).
        if trashDeleters.contains(p) || trashTools.contains(p) && trashDeleteVerbs.contains(sub)
            || p.eq("gio") && sub == "trash" && inv.has("--empty")
        {
            a.hit(.fileDelete, k, reason: "\(p) deletes what is in the trash for good")
            return true
        }
        // A3: a transfer typed into a file-transfer session (`put notes.txt`, `mget *.png`).
        if transferSessionWords.contains(p) && !pos.isEmpty
            || p.eq("get") && (inv.has("-R") || pos.contains(where: isWorkspaceOperand))
        {
            a.hit(.egress, k, reason: "\(p) moves files between this machine and a file-transfer server")
            return true
        }
        // A11: mkcert's local CA put into (or taken out of) the system's and browsers' trust
        // stores; its other runs write a certificate into the workspace.
        if p.eq("mkcert"), inv.hasAny(["-install", "-uninstall"]) {
            a.hit(.outsideWrite, k, reason: "mkcert changes the system's trusted certificate authorities")
            return true
        }
        // A3: acme.sh asks a certificate authority (`--issue`, `--renew`, `--revoke`) or
        // installs the result into a server and reloads it (`-i`, `--install-cert`).
        if p.eq("acme.sh"), let f = args.first(where: { acmeShActions.contains(optionName($0)) }) {
            a.hit(.egress, k, reason: "acme.sh \(f) talks to a certificate authority or installs into a server")
            return true
        }
        // R5: a query given its credential inline (`doctl databases mw ls -t tok_…`).
        if p.eq("doctl") || p.eq("vercel"), let o = shortCredentialOptions[p], let v = inv.value(of: o), !v.isEmpty,
            !v.hasPrefix("$")
        {
            a.hit(.egress, k, reason: "\(p) \(o) gives the service its access token inline")
            return true
        }
        // A8: a console attached to a running service, which runs what it is given there.
        if serviceConsoles.contains(p), p.eq("fs_cli") || inv.hasAny(["-r", "-R", "-x"]) {
            a.hit(.systemChange, k, reason: "\(p) attaches to the running service and runs commands in it")
            return true
        }
        // R4: gcalcli's verbs that change the user's hosted Google calendar.
        if p.eq("gcalcli"),
            let v = pos.first(where: { ["add", "quick", "edit", "delete", "import", "remind"].contains($0) })
        {
            a.hit(.thirdPartyService, k, reason: "gcalcli \(v) changes the hosted calendar")
            return true
        }
        return false
    }
}
