// Credential and secret access, exfiltration, and the combination of the two.

enum Secrets {
    static let skipFlagValues: Set<String> = ["-i", "-f", "--identity", "-o", "-k", "--key", "--cert", "-E"]
    /// Programs that use a key or credential file without revealing it.
    static let keyUsers: Set<String> = [
        "ssh", "ssh-add", "ssh-keygen", "ssh-copy-id", "chmod", "chown", "chgrp", "ls", "stat", "test", "[", "file",
        "touch", "mkdir", "git", "sftp", "ssh-keyscan", "gpg", "aws", "kubectl", "docker", "helm", "gcloud", "az", "vault",
        "pass", "keychain", "setfacl", "getfacl", "restorecon", "chattr", "lsattr", "rm", "shred", "export", "unset", "secret-tool",
        "echo", "mv", "sshfs", "autossh", "mosh", "dotenv",
    ]

    /// File names that are secrets wherever they are.
    static let secretNames: Set<String> = [
        "id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", "identity", ".netrc", "_netrc", ".pgpass", ".git-credentials", ".pypirc",
        ".npmrc", "shadow", "gshadow", "master.passwd", "logins.json", "key4.db", "Login Data", "login.keyring",
        ".vault-token", "credentials.db", "application_default_credentials.json", "accessTokens.json", ".terraformrc",
        ".bash_history", ".zsh_history", "krb5.keytab", ".env",
    ]
    /// Directories whose contents are secrets.
    static let secretDirectories = [
        ".gnupg/", ".password-store", ".mozilla/firefox", ".config/google-chrome", ".config/chromium", ".local/share/keyrings",
        "/var/run/secrets/", "/run/secrets/", "/etc/ssl/private", ".ssh/id_",
    ]

    static func secretPath(_ s: String) -> Bool {
        let u = s.utf8
        // Every secret path has a dot or a slash; flags and plain words are rejected here.
        guard u.count >= 4, u.contains(where: { $0 == 0x2E || $0 == 0x2F }) else { return false }
        let name = s.basename
        if secretNames.contains(name) {
            // `shadow` only as /etc/shadow; the rest anywhere.
            return name != "shadow" && name != "gshadow" || s.hasPrefix("/etc/")
        }
        if name.hasPrefix("id_") && (name.hasPrefix("id_rsa") || name.hasPrefix("id_ed25519") || name.hasPrefix("id_ecdsa") || name.hasPrefix("id_dsa")) {
            return !name.hasSuffix(".pub")
        }
        if name.hasPrefix(".env.") {
            return !name.hasSuffix(".example") && !name.hasSuffix(".sample") && !name.hasSuffix(".template") && !name.hasSuffix(".dist")
        }
        guard u.contains(0x2F) else { return false }
        let n = s.homeNormalised
        if name == "credentials" || name == "config" || name == "config.json" || name == "hosts.yml" {
            return n.has(".aws/") || n.has(".kube/") || n.has(".docker/") || n.has("gh/hosts") || n.has(".cargo/")
        }
        if n.hasPrefix("/proc/") && n.hasSuffix("/environ") { return true }
        // Whole credential directories (`tar czf - ~/.ssh`).
        if n.hasPrefix("~/."), ["~/.ssh", "~/.aws", "~/.gnupg", "~/.kube", "~/.docker", "~/.password-store", "~/.config/gcloud"].contains(n.hasSuffix("/") ? String(n.dropLast()) : n) {
            return true
        }
        return secretDirectories.contains { n.has($0) }
    }

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        // gpg --export-secret-keys.
        if p == "gpg" || p == "gpg2" {
            if inv.hasAny(["--export-secret-keys", "--export-secret-subkeys"]) {
                a.hit(.secretKeyExport, k, reason: "exports private GPG keys")
            }
        }
        if p == "env" || p == "printenv" || (p == "set" && inv.args.isEmpty) || (p == "export" && (inv.args.isEmpty || inv.args == ["-p"])) {
            if inv.args.filter({ !$0.hasPrefix("-") }).isEmpty || p == "env" && inv.args.allSatisfy({ $0.hasPrefix("-") }) {
                a.hit(.environmentDump, k, reason: "prints the whole environment (tokens and keys included)")
            }
        }
        if inv.args.contains(where: { $0.has("169.254.169.254") || $0.has("metadata.google.internal") || $0.has("fd00:ec2::254") || $0.has("100.100.100.200") }) {
            a.hit(.cloudMetadata, k, reason: "reaches the cloud metadata service (instance credentials)")
        }
        // Secret files read.
        var found: String?
        if p == "scp" || p == "rsync" {
            // Copying a key to a remote host is exfiltration even though scp "uses" keys.
            found = inv.positionals.dropLast().first(where: secretPath)
        } else if !keyUsers.contains(p) {
            var skipNext = false
            for arg in inv.args {
                if skipNext { skipNext = false; continue }
                if (p == "ssh" || p == "curl") && skipFlagValues.contains(arg) { skipNext = true; continue }
                let path = arg.utf8.first == UInt8(ascii: "@") ? String(arg.dropFirst()) : arg
                if secretPath(path) { found = path; break }
            }
        }
        if found == nil { found = a.inputTargets(k).first(where: secretPath) }
        if let s = found {
            a.hit(.secretFileRead, k, reason: "reads a secret: \(s)")
        }
    }

    static func checkScript(_ a: Analysis) {
        // A secret read (or the environment dumped) and something sent out, in one script.
        let readers = a.hits.filter { [.secretFileRead, .environmentDump, .secretKeyExport, .cloudMetadata].contains($0.signal) }
        guard let r = readers.first else { return }
        let sender = a.invocations.indices.first { k in
            let inv = a.invocations[k]
            if inv.kind.contains(.sender) && inv.program != "dig" || a.command(k).redirects.contains(where: { $0.target.value.hasPrefix("/dev/tcp/") }) {
                return !(r.invocation == k && inv.program == "ssh")
            }
            return false
        }
        guard let s = sender else { return }
        // The metadata address is itself reached by curl; only a second sender exfiltrates it.
        if r.signal == .cloudMetadata && r.invocation == s { return }
        a.hit(.secretSentOut, s, evidence: r.evidence + " -> " + a.evidence(s),
              reason: "exfiltration: a secret (\(r.reason)) and a network send (\(a.invocations[s].program)) in one command")
    }
}

enum Exfiltration {
    static let pasteSites = ["pastebin.com", "transfer.sh", "0x0.st", "termbin.com", "paste.ee", "hastebin", "ix.io",
                             "file.io", "sprunge.us", "paste.rs", "gofile.io", "anonfiles", "webhook.site", "requestbin",
                             "pipedream.net", "ngrok.io", "dpaste", "catbox.moe", "temp.sh", "bashupload.com"]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "curl", "http", "https", "xh", "curlie":
            let fileData = inv.args.enumerated().contains { j, x in
                (["-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "-F", "--form", "--json"].contains(x)
                    && j + 1 < inv.args.count && (inv.args[j + 1].has("@") || inv.args[j + 1].has("<")))
                    || (x.hasPrefix("--data") && x.has("=@")) || (x.hasPrefix("-d@"))
            }
            if fileData || inv.hasAny(["-T", "--upload-file"]) {
                a.hit(.fileUpload, k, reason: "uploads a local file with \(p)")
            }
        case "wget", "wget2":
            if inv.hasAny(["--post-file", "--body-file"]) { a.hit(.fileUpload, k, reason: "uploads a local file with wget") }
        case "scp", "sftp", "rsync", "ftp", "tftp", "lftp", "smbclient", "rclone":
            let pos = inv.positionals
            let remoteDest = pos.count >= 2 && (pos.last.map(isRemote) ?? false)
            let interactive = ["sftp", "ftp", "tftp", "lftp", "smbclient"].contains(p)
            let batch = inv.hasAny(["-b", "-c", "-e", "-f"]) || p == "rclone"
            if p == "rclone" && !["copy", "sync", "move", "copyto", "moveto"].contains(inv.subcommand ?? "") {
                break
            }
            if interactive && !batch {
                a.hit(.networkTool, k, score: 30, reason: "\(p) opens an interactive file-transfer session")
            } else if remoteDest || interactive && !pos.isEmpty {
                a.hit(.remoteCopy, k, reason: "copies files to or from another host with \(p)")
            } else if pos.count >= 2 && pos.dropLast().contains(where: isRemote) && (p == "scp" || p == "rsync") {
                a.hit(.remoteCopy, k, score: 40, reason: "copies files from another host with \(p)")
            }
        case "nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat", "cryptcat":
            if !a.inputTargets(k).isEmpty || inv.args.contains(where: { $0.asciiLowercased.hasPrefix("file:") || $0.asciiLowercased.hasPrefix("open:") }) {
                // Serving a file to whoever connects (`nc -l < f`) asks; pushing it to a host (75) too, louder.
                let listening = inv.hasAny(["-l", "--listen"])
                a.hit(.netcatSendFile, k, score: listening ? 65 : nil, reason: "sends a file over a raw network connection with \(p)\(listening ? " to whoever connects" : "")")
            } else if !a.outputTargets(k).isEmpty {
                a.hit(.rawSocketTransfer, k, reason: "writes what arrives on a raw network connection to a file")
            }
        case "openssl":
            if inv.subcommand == "s_client" && (!a.inputTargets(k).isEmpty || !a.outputTargets(k).isEmpty) {
                a.hit(.rawSocketTransfer, k, reason: "moves a file through openssl s_client")
            }
        case "whois", "finger", "rlogin", "cancel", "lp":
            // Data smuggled in arguments, saved from the reply, decoded from it, or a whois
            // server on a port of the caller's choosing.
            let decoded = a.downstream(of: k).contains { Obfuscation.isDecoding(a.invocations[$0]) }
            if inv.argWords.contains(where: { !$0.substitutions.isEmpty }) || !a.outputTargets(k).isEmpty || decoded
                || p == "whois" && inv.has("-p") || p == "lp" && inv.has("-h") || p == "cancel" && inv.has("-h")
            {
                a.hit(.rawSocketTransfer, k, reason: "moves data through \(p) to another host")
            }
        case "ab":
            if inv.hasAny(["-p", "-u"]) { a.hit(.fileUpload, k, reason: "ab posts a local file") }
        case "ssh":
            if !a.inputTargets(k).isEmpty { a.hit(.remoteCopy, k, reason: "ssh sends a local file to a remote command") }
        case "tar", "gtar":
            if let f = inv.value(of: "-f", "--file") ?? inv.args.dropFirst().first, isRemote(f), inv.args.contains(where: { $0.hasPrefix("--rsh-command") }) || f.has("@") {
                a.hit(.remoteCopy, k, reason: "tar reads or writes an archive on another host")
            } else if let f = inv.args.first(where: { !$0.hasPrefix("-") && $0.has("@") && $0.has(":") }), inv.args.first.map({ !$0.hasPrefix("-") && ($0.has("f")) }) == true, isRemote(f) {
                a.hit(.remoteCopy, k, reason: "tar reads or writes an archive on another host")
            }
        case "restic", "borg", "duplicity":
            if inv.args.contains(where: { $0.hasPrefix("rest:http") || $0.hasPrefix("sftp:") || $0.hasPrefix("s3:") || $0.hasPrefix("ssh://") || ($0.has("@") && $0.has(":")) }) {
                a.hit(.remoteCopy, k, reason: "\(p) backs files up to another host")
            }
        case "dig", "nslookup", "host", "drill":
            if inv.argWords.contains(where: { !$0.substitutions.isEmpty && !$0.isStatic }) {
                a.hit(.dnsTunnel, k, reason: "DNS lookup of a name built from command output (DNS tunnelling)")
            }
        default:
            break
        }
        if inv.kind.contains(.sender), let site = pasteSites.first(where: { s in inv.args.contains { $0.has(s) } }) {
            a.hit(.pasteSite, k, reason: "sends data to the paste/file-drop site \(site)")
        }
    }

    /// `ftp HOST` then `put FILE` on the next line: the transfer is typed into the session
    /// (GTFOBins writes snippets this way; an agent feeds such lines on stdin or a here-doc).
    static func checkScript(_ a: Analysis) {
        guard let session = a.invocations.firstIndex(where: { ["ftp", "sftp", "tftp", "lftp", "smbclient"].contains($0.program) }) else { return }
        let typed = a.invocations.indices.filter { $0 > session && ["put", "get", "mput", "mget", "reput", "reget"].contains(a.invocations[$0].program) }
        for t in typed {
            let verb = a.invocations[t].program
            a.hit(.remoteCopy, t, score: verb.hasSuffix("put") ? nil : 40,
                  reason: "\(verb) typed into a \(a.invocations[session].program) session \(verb.hasSuffix("put") ? "sends a file to" : "fetches a file from") another host")
        }
    }

    /// `host:path`, `user@host:path`, `rsync://`, `s3://`, `ftp://`.
    static func isRemote(_ s: String) -> Bool {
        if s.hasPrefix("rsync://") || s.hasPrefix("s3://") || s.hasPrefix("gs://") || s.hasPrefix("ftp://") || s.hasPrefix("sftp://") { return true }
        guard let colon = s.firstIndex(of: ":"), !s.hasPrefix("/"), !s.hasPrefix("./") else { return false }
        let host = s[..<colon]
        return !host.isEmpty && !host.contains("/")
    }
}
