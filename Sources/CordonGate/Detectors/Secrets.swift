// Credential and secret access, exfiltration, and the combination of the two.

enum Secrets {
    /// Path fragments of secrets, matched against home-normalised arguments and redirect targets.
    static let secretFragments = [
        "/.ssh/id_", "~/.ssh/id_", ".aws/credentials", ".aws/config", ".kube/config", ".docker/config.json", ".netrc",
        ".pgpass", ".git-credentials", ".pypirc", ".npmrc", "/etc/shadow", "/etc/gshadow", "/etc/master.passwd",
        ".gnupg/", ".password-store", ".mozilla/firefox", ".config/google-chrome", ".config/chromium",
        "Login Data", "logins.json", "key4.db", ".local/share/keyrings", "login.keyring", ".vault-token",
        ".config/gcloud/credentials.db", "application_default_credentials.json", ".azure/accessTokens.json",
        "/var/run/secrets/kubernetes.io", "/run/secrets/", "/proc/self/environ", ".ssh/identity",
        "/etc/ssl/private", ".config/gh/hosts.yml", ".terraformrc", ".cargo/credentials", ".bash_history",
        "/etc/krb5.keytab", "id_rsa", "id_ed25519", "id_ecdsa", "id_dsa",
    ]
    /// Programs that use a key or credential file without revealing it.
    static let keyUsers: Set<String> = [
        "ssh", "ssh-add", "ssh-keygen", "ssh-copy-id", "chmod", "chown", "chgrp", "ls", "stat", "test", "[", "file",
        "touch", "mkdir", "git", "sftp", "ssh-keyscan", "gpg", "aws", "kubectl", "docker", "helm", "gcloud", "az", "vault",
        "pass", "keychain", "setfacl", "getfacl", "restorecon", "chattr", "lsattr", "rm", "shred", "export", "unset", "secret-tool",
        "echo", "mv", "sshfs", "autossh", "mosh", "dotenv",
    ]

    static func secretPath(_ s: String) -> Bool {
        let n = s.homeNormalised
        if n.has(".pub") && !n.has(".pub/") { return false }
        if n.basename == ".env" || n.basename.hasPrefix(".env.") && !n.hasSuffix(".example") && !n.hasSuffix(".sample") && !n.hasSuffix(".template") {
            return true
        }
        if n.hasPrefix("/proc/") && n.hasSuffix("/environ") { return true }
        return secretFragments.contains { n.has($0) }
    }

    static func check(_ a: Analysis, _ k: Int) {
        let inv = a.invocations[k]
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
        let skipFlagValues: Set<String> = ["-i", "-f", "--identity", "-o", "-k", "--key", "--cert", "-E"]
        var candidates: [String] = a.inputTargets(k)
        if !keyUsers.contains(p) {
            var skipNext = false
            for arg in inv.args {
                if skipNext { skipNext = false; continue }
                if (p == "ssh" || p == "scp" || p == "curl") && skipFlagValues.contains(arg) { skipNext = true; continue }
                candidates.append(arg.hasPrefix("@") ? String(arg.dropFirst()) : arg)
            }
        }
        if p == "scp" || p == "rsync" {
            // Copying a key to a remote host is exfiltration even though scp "uses" keys.
            candidates = inv.positionals.dropLast().map { $0 }
        }
        if let s = candidates.first(where: secretPath) {
            a.hit(.secretFileRead, k, reason: "reads a secret: \(s)")
        }
    }

    static func checkScript(_ a: Analysis) {
        // A secret read (or the environment dumped) and something sent out, in one script.
        let readers = a.hits.filter { [.secretFileRead, .environmentDump, .secretKeyExport, .cloudMetadata].contains($0.signal) }
        guard let r = readers.first else { return }
        let sender = a.invocations.indices.first { k in
            let inv = a.invocations[k]
            if Programs.senders.contains(inv.program) && inv.program != "dig" || a.command(k).redirects.contains(where: { $0.target.value.hasPrefix("/dev/tcp/") }) {
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

    static func check(_ a: Analysis, _ k: Int) {
        let inv = a.invocations[k]
        let p = inv.program
        switch p {
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
                a.hit(.netcatSendFile, k, reason: "sends a file over a raw network connection with \(p)")
            } else if !a.outputTargets(k).isEmpty {
                a.hit(.rawSocketTransfer, k, reason: "writes what arrives on a raw network connection to a file")
            }
        case "openssl":
            if inv.subcommand == "s_client" && (!a.inputTargets(k).isEmpty || !a.outputTargets(k).isEmpty) {
                a.hit(.rawSocketTransfer, k, reason: "moves a file through openssl s_client")
            }
        case "whois", "finger", "rlogin", "cancel", "lp":
            if inv.argWords.contains(where: { !$0.substitutions.isEmpty }) || !a.outputTargets(k).isEmpty || p == "lp" && inv.has("-h") || p == "cancel" && inv.has("-h") {
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
        if Programs.senders.contains(p), let site = pasteSites.first(where: { s in inv.args.contains { $0.has(s) } }) {
            a.hit(.pasteSite, k, reason: "sends data to the paste/file-drop site \(site)")
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
