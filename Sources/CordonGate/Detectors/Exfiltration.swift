// Exfiltration: local data sent to other hosts (uploads, remote copies, raw sockets, paste
// sites, DNS tunnels). The secret + network combination lives in Secrets.checkScript.

enum Exfiltration {
    static let pasteSites = [
        "pastebin.com", "transfer.sh", "0x0.st", "termbin.com", "paste.ee", "hastebin", "ix.io",
        "file.io", "sprunge.us", "paste.rs", "gofile.io", "anonfiles", "webhook.site", "requestbin",
        "pipedream.net", "ngrok.io", "dpaste", "catbox.moe", "temp.sh", "bashupload.com",
    ]

    /// The same sites, searched in one pass per argument before the per-site search that names
    /// the site (most senders' arguments contain none of them).
    static let pasteSiteNeedles = Needles(pasteSites)
    /// Interactive file-transfer sessions that `put`/`get` lines can be typed into.
    static let sessionClients: NameSet = ["ftp", "sftp", "tftp", "lftp", "smbclient"]
    static let sessionVerbs: NameSet = ["put", "get", "mput", "mget", "reput", "reget"]

    /// How a program can carry data off the machine.
    private enum Channel {
        case httpClient, wget, fileTransfer, netcat, openssl, smuggler, apacheBench, ssh, tar, backup
        case dns
    }

    /// Each program's channel, found by one table lookup (asked for every program) rather than
    /// a switch over these 39 names. Byte equality answers as that switch would: no name holds
    /// K, `;` or a backquote. Figures: docs/benchmarks-gate.md.
    private static let channels: NameTable<Channel> = {
        var t: [(String, Channel)] = []
        func add(_ names: [String], _ c: Channel) { t += names.map { ($0, c) } }
        add(["curl", "http", "https", "xh", "curlie"], .httpClient)
        add(["wget", "wget2"], .wget)
        add(["scp", "sftp", "rsync", "ftp", "tftp", "lftp", "smbclient", "rclone"], .fileTransfer)
        add(["nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat", "cryptcat"], .netcat)
        add(["openssl"], .openssl)
        add(["whois", "finger", "rlogin", "cancel", "lp"], .smuggler)
        add(["ab"], .apacheBench)
        add(["ssh"], .ssh)
        add(["tar", "gtar"], .tar)
        add(["restic", "borg", "duplicity"], .backup)
        add(["dig", "nslookup", "host", "drill"], .dns)
        return NameTable(t)
    }()

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch channels[p] {
        case .httpClient?:
            let fileData = inv.args.enumerated().contains { j, x in
                ([
                    "-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "-F", "--form",
                    "--json",
                ].contains(x)
                    && j + 1 < inv.args.count && (inv.args[j + 1].has("@") || inv.args[j + 1].has("<")))
                    || (x.hasPrefix("--data") && x.has("=@")) || (x.hasPrefix("-d@"))
            }
            // Loopback is not egress (gate-classes.md A3): posting to a local dev server stays here.
            if fileData || inv.hasAny(["-T", "--upload-file"]), !Effects.onlyLoopback(inv) {
                a.hit(.fileUpload, k, reason: "uploads a local file with \(p)")
            }
        case .wget?:
            if inv.hasAny(["--post-file", "--body-file"]), !Effects.onlyLoopback(inv) {
                a.hit(.fileUpload, k, reason: "uploads a local file with wget")
            }
        case .fileTransfer?:
            let pos = inv.positionals
            let remoteDest = pos.count >= 2 && (pos.last.map(isRemote) ?? false)
            let interactive = sessionClients.contains(p)
            let batch = inv.hasAny(["-b", "-c", "-e", "-f"]) || p == "rclone"
            let fetch = fetchesAtOnce(inv)
            if p == "rclone"
                && !["copy", "sync", "move", "copyto", "moveto"].contains(inv.subcommand ?? "")
            {
                break
            }
            if interactive && !batch && !fetch, let line = fedTransfer(a, k) {
                a.hit(.remoteCopy, k, reason: "'\(line)' is fed to \(p)'s session: \(direction(line))")
            } else if interactive && !batch && !fetch {
                a.hit(.networkTool, k, score: 30, reason: "\(p) opens an interactive file-transfer session")
            } else if remoteDest || interactive && !pos.isEmpty {
                a.hit(.remoteCopy, k, reason: "copies files to or from another host with \(p)")
            } else if pos.count >= 2 && pos.dropLast().contains(where: isRemote)
                && (p == "scp" || p == "rsync")
            {
                // The other direction is the same act seen from the other machine: its files (a
                // server's logs, dumps, keys) leave it, fetched with the user's SSH identity.
                a.hit(.remoteCopy, k, reason: "copies files from another host with \(p)")
            }
        case .netcat?:
            if !a.inputTargets(k).isEmpty
                || inv.args.contains(where: {
                    $0.asciiLowercased.hasPrefix("file:") || $0.asciiLowercased.hasPrefix("open:")
                })
            {
                // Serving a file to whoever connects (`nc -l < f`) asks; pushing it to a host (75) too, louder.
                let listening = inv.hasAny(["-l", "--listen"])
                a.hit(
                    .netcatSendFile, k, score: listening ? 65 : nil,
                    reason:
                        "sends a file over a raw network connection with \(p)\(listening ? " to whoever connects" : "")"
                )
            } else if !a.outputTargets(k).isEmpty {
                a.hit(
                    .rawSocketTransfer, k, reason: "writes what arrives on a raw network connection to a file"
                )
            }
        case .openssl?:
            if inv.subcommand == "s_client" && (!a.inputTargets(k).isEmpty || !a.outputTargets(k).isEmpty) {
                a.hit(.rawSocketTransfer, k, reason: "moves a file through openssl s_client")
            }
        case .smuggler?:
            // Data smuggled in arguments, saved from the reply, decoded from it, or a whois
            // server on a port of the caller's choosing.
            let decoded = a.firstDownstream(of: k, .decodes) != nil
            if inv.argWords.contains(where: { !$0.substitutions.isEmpty }) || !a.outputTargets(k).isEmpty
                || decoded
                || p == "whois" && inv.has("-p") || p == "lp" && inv.has("-h")
                || p == "cancel" && inv.has("-h")
            {
                a.hit(.rawSocketTransfer, k, reason: "moves data through \(p) to another host")
            }
        case .apacheBench?:
            if inv.hasAny(["-p", "-u"]) { a.hit(.fileUpload, k, reason: "ab posts a local file") }
        case .ssh?:
            if !a.inputTargets(k).isEmpty {
                a.hit(.remoteCopy, k, reason: "ssh sends a local file to a remote command")
            } else if let saved = savedOutput(a, k),
                skipOptions(inv.args, from: 0, withValue: sshOptionsWithValue) + 1 < inv.args.count
            {
                // `ssh HOST "cat F" > F` is `scp HOST:F F` spelt another way (GTFOBins ssh
                // file-download); printing remote output without saving it stays a plain ssh (20).
                a.hit(
                    .remoteCopy, k,
                    reason: "ssh saves the output of a command run on another host to \(saved)")
            }
        case .tar?:
            if let f = inv.value(of: "-f", "--file") ?? inv.args.dropFirst().first, isRemote(f),
                inv.args.contains(where: { $0.hasPrefix("--rsh-command") }) || f.has("@")
            {
                a.hit(.remoteCopy, k, reason: "tar reads or writes an archive on another host")
            } else if let f = inv.args.first(where: { !$0.hasPrefix("-") && $0.has("@") && $0.has(":") }),
                inv.args.first.map({ !$0.hasPrefix("-") && ($0.has("f")) }) == true, isRemote(f)
            {
                a.hit(.remoteCopy, k, reason: "tar reads or writes an archive on another host")
            }
        case .backup?:
            if inv.args.contains(where: {
                $0.hasPrefix("rest:http") || $0.hasPrefix("sftp:") || $0.hasPrefix("s3:")
                    || $0.hasPrefix("ssh://") || ($0.has("@") && $0.has(":"))
            }) {
                a.hit(.remoteCopy, k, reason: "\(p) backs files up to another host")
            }
        case .dns?:
            if inv.argWords.contains(where: { !$0.substitutions.isEmpty && !$0.isStatic }) {
                a.hit(
                    .dnsTunnel, k, reason: "DNS lookup of a name built from command output (DNS tunnelling)")
            }
        case nil:
            break
        }
        if inv.kind.contains(.sender), inv.args.contains(where: { $0.containsAny(pasteSiteNeedles) }),
            let site = pasteSites.first(where: { s in inv.args.contains { $0.has(s) } })
        {
            a.hit(.pasteSite, k, reason: "sends data to the paste/file-drop site \(site)")
        }
    }

    /// `ftp HOST` then `put FILE` on the next line: the transfer is typed into the session
    /// (GTFOBins writes snippets this way; an agent feeds such lines on stdin or a here-doc).
    static func checkScript(_ a: Analysis) {
        guard
            // By index: `firstIndex(where:)` copied every invocation out to test its name.
            let session = a.invocations.indices.first(where: {
                sessionClients.contains(a.invocations[$0].program)
            })
        else { return }
        let typed = a.invocations.indices.filter {
            $0 > session
                && sessionVerbs.contains(a.invocations[$0].program)
        }
        for t in typed {
            let verb = a.invocations[t].program
            // Both directions: a put sends a file out; a get brings one in from a host the gate
            // cannot vouch for (plain ftp and tftp: readable and replaceable on the way, like an
            // http:// download), and takes that host's data off it.
            a.hit(
                .remoteCopy, t,
                reason:
                    "\(verb) typed into a \(a.invocations[session].program) session \(verb.hasSuffix("put") ? "sends a file to" : "fetches a file from") another host"
            )
        }
    }

    /// `host:path`, `user@host:path`, `rsync://`, `s3://`, `ftp://`.
    static func isRemote(_ s: String) -> Bool {
        if s.hasPrefix("rsync://") || s.hasPrefix("s3://") || s.hasPrefix("gs://")
            || s.hasPrefix("ftp://") || s.hasPrefix("sftp://")
        {
            return true
        }
        guard let colon = s.firstIndex(of: ":"), !s.hasPrefix("/"), !s.hasPrefix("./") else {
            return false
        }
        let host = s[..<colon]
        return !host.isEmpty && !host.contains("/")
    }
}
