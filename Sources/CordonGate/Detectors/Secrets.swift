// Credential and secret access, and the combination of a secret read with a network send.

enum Secrets {
    static let metadataAddresses = Needles([
        "169.254.169.254", "metadata.google.internal", "fd00:ec2::254", "100.100.100.200",
    ])
    static let secretHints = Needles([
        "id_", "ident", ".env", "ssh", "aws", "kube", "docker", "netrc", "pgpass", "credential",
        "pypirc", "npmrc", "shadow",
        "passwd", "gnupg", "password", "firefox", "chrom", "Login", "logins", "key4", "keyring",
        "vault", "gcloud", "azure",
        "secrets", "environ", "private", "hosts.yml", "terraformrc", "cargo", "history", "krb5",
        "accessTokens",
    ])
    static let skipFlagValues: NameSet = [
        "-i", "-f", "--identity", "-o", "-k", "--key", "--cert", "-E",
    ]
    /// Programs that use a key or credential file without revealing it.
    static let keyUsers: NameSet = [
        "ssh", "ssh-add", "ssh-keygen", "ssh-copy-id", "chmod", "chown", "chgrp", "ls", "stat", "test",
        "[", "file",
        "touch", "mkdir", "git", "sftp", "ssh-keyscan", "gpg", "aws", "kubectl", "docker", "helm",
        "gcloud", "az", "vault",
        "pass", "keychain", "setfacl", "getfacl", "restorecon", "chattr", "lsattr", "rm", "shred",
        "export", "unset", "secret-tool",
        "echo", "mv", "sshfs", "autossh", "mosh", "dotenv",
    ]

    /// File names that are secrets wherever they are.
    static let secretNames: NameSet = [
        "id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", "identity", ".netrc", "_netrc", ".pgpass",
        ".git-credentials", ".pypirc",
        ".npmrc", "shadow", "gshadow", "master.passwd", "logins.json", "key4.db", "Login Data",
        "login.keyring",
        ".vault-token", "credentials.db", "application_default_credentials.json", "accessTokens.json",
        ".terraformrc",
        ".bash_history", ".zsh_history", ".sh_history", ".ash_history", "krb5.keytab", ".env",
    ]
    /// Directories whose contents are secrets.
    static let secretDirectories = [
        ".gnupg/", ".password-store", ".mozilla/firefox", ".config/google-chrome", ".config/chromium",
        ".local/share/keyrings",
        "/var/run/secrets/", "/run/secrets/", "/etc/ssl/private", ".ssh/id_",
    ]

    static func secretPath(_ s: String) -> Bool {
        s.utf8.count >= 4 && secretPath(s, punctuation: s.pathPunctuation)
    }

    /// - Parameter punctuation: `s.pathPunctuation`, when the caller has it already.
    static func secretPath(_ s: String, punctuation: UInt8) -> Bool {
        let u = s.utf8
        // Every secret path has a dot or a slash; flags and plain words are rejected here.
        guard u.count >= 4, punctuation & 3 != 0 else { return false }
        // Every secret name or directory below contains one of these fragments: one pass to
        // reject the rest (source files, URLs, globs) without splitting the path.
        guard s.containsAny(secretHints) else { return false }
        let name = s.basename
        if secretNames.contains(name) {
            // `shadow` only as /etc/shadow; the rest anywhere.
            return name != "shadow" && name != "gshadow" || s.hasPrefix("/etc/")
        }
        if name.hasPrefix("id_")
            && (name.hasPrefix("id_rsa") || name.hasPrefix("id_ed25519") || name.hasPrefix("id_ecdsa")
                || name.hasPrefix("id_dsa"))
        {
            return !name.hasSuffix(".pub")
        }
        if name.hasPrefix(".env.") {
            return !name.hasSuffix(".example") && !name.hasSuffix(".sample")
                && !name.hasSuffix(".template") && !name.hasSuffix(".dist")
        }
        guard u.contains(0x2F) else { return false }
        let n = s.homeNormalised
        if name == "credentials" || name == "config" || name == "config.json" || name == "hosts.yml" {
            return n.has(".aws/") || n.has(".kube/") || n.has(".docker/") || n.has("gh/hosts")
                || n.has(".cargo/")
        }
        if n.hasPrefix("/proc/") && n.hasSuffix("/environ") { return true }
        // Whole credential directories (`tar czf - ~/.ssh`).
        if n.hasPrefix("~/."),
            [
                "~/.ssh", "~/.aws", "~/.gnupg", "~/.kube", "~/.docker", "~/.password-store",
                "~/.config/gcloud",
            ].contains(n.hasSuffix("/") ? String(n.dropLast()) : n)
        {
            return true
        }
        return secretDirectories.contains { n.has($0) }
    }

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        // gpg --export-secret-keys.
        if p.eq("gpg") || p.eq("gpg2") {
            if inv.hasAny(["--export-secret-keys", "--export-secret-subkeys"]) {
                a.hit(.secretKeyExport, k, reason: "exports private GPG keys")
            }
        }
        if p.eq("env") || p.eq("printenv") || (p.eq("set") && inv.args.isEmpty)
            || (p.eq("export") && (inv.args.isEmpty || inv.args == ["-p"]))
        {
            if inv.args.filter({ !$0.hasPrefix("-") }).isEmpty
                || p.eq("env") && inv.args.allSatisfy({ $0.hasPrefix("-") })
            {
                a.hit(
                    .environmentDump, k, reason: "prints the whole environment (tokens and keys included)")
            }
        }
        // One pass over the arguments for both searches below (the metadata address in any
        // argument; the first secret path among the arguments read), so each argument's
        // punctuation is computed once. Dropping a leading `@` leaves it unchanged.
        let copies = p.eq("scp") || p.eq("rsync")
        let readsArguments = !copies && !keyUsers.contains(p)
        var metadata = false
        var found: String?
        var skipNext = false
        for arg in inv.args {
            let punctuation = arg.pathPunctuation
            if !metadata && punctuation & 5 != 0 && arg.containsAny(Secrets.metadataAddresses) {
                metadata = true
            }
            guard readsArguments && found == nil else { continue }
            if skipNext {
                skipNext = false
                continue
            }
            if (p.eq("ssh") || p.eq("curl")) && skipFlagValues.contains(arg) {
                skipNext = true
                continue
            }
            let path = arg.utf8.first == UInt8(ascii: "@") ? String(arg.dropFirst()) : arg
            if secretPath(path, punctuation: punctuation) { found = path }
        }
        if metadata {
            a.hit(.cloudMetadata, k, reason: "reaches the cloud metadata service (instance credentials)")
        }
        // Secret files read.
        if copies {
            // Copying a key to a remote host is exfiltration even though scp "uses" keys.
            found = inv.positionals.dropLast().first(where: secretPath)
        }
        if found == nil { found = a.inputTargets(k).first(where: secretPath) }
        if let s = found {
            a.hit(.secretFileRead, k, target: s, reason: "reads a secret: \(s)")
        }
    }

    static func checkScript(_ a: Analysis) {
        // A secret read (or the environment dumped) and something sent out, in one script.
        // The first such hit, found by index (filtering copied every hit, two strings each).
        let hits = a.hits
        guard
            let ri = hits.indices.first(where: {
                switch hits[$0].signal {
                case .secretFileRead, .environmentDump, .secretKeyExport, .cloudMetadata: true
                default: false
                }
            })
        else { return }
        let r = hits[ri]
        let sender = a.invocations.indices.first { k in
            let inv = a.invocations[k]
            if inv.kind.contains(.sender) && !inv.program.eq("dig")
                || a[commandOf: k].redirects.contains(where: { $0.target.value.hasPrefix("/dev/tcp/") })
            {
                return !(r.invocation == k && inv.program.eq("ssh"))
            }
            return false
        }
        guard let s = sender else { return }
        // The metadata address is itself reached by curl; only a second sender exfiltrates it.
        if r.signal == .cloudMetadata && r.invocation == s { return }
        a.hit(
            .secretSentOut, s, evidence: r.evidence + " -> " + a.evidence(s),
            reason:
                "exfiltration: a secret (\(r.reason)) and a network send (\(a.invocations[s].program)) in one command"
        )
    }
}
