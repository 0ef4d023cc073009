// What a command does to the world beyond the workspace, judged from what its program,
// subcommand and arguments mean (../shared/gate-classes.md, the approval class A1-A14 and
// refinements R3-R10). Every rule here raises a signal in the approval band: nothing in this
// file blocks; the block-class families have detectors of their own.
//
// Rules are built from semantics, not example command lines: a URL naming another host is
// egress whatever the program; a cloud or cluster CLI's mutating verb changes remote state
// whatever the resource; `rm` deletes unless every target is scratch or a build artefact.

enum Effects {
    // MARK: program families

    /// Programs that only print, parse or transform text they are given: a URL among their
    /// arguments is data, not a connection (`echo https://x`, `grep https:// log`).
    static let textOnly: NameSet = [
        "echo", "printf", "grep", "egrep", "fgrep", "rg", "ag", "ack", "sed", "awk", "gawk", "mawk", "jq",
        "yq", "cut", "tr", "sort", "uniq", "wc", "head", "tail", "cat", "tac", "less", "more", "base64",
        "qrencode", "sha256sum", "md5sum", "sha1sum", "urlencode", "test", "[", "expr", "basename",
        "dirname", "printenv", "export", "declare", "local", "set", "read", "man", "tldr", "cordon", "true",
        "false", "column", "fold", "fmt", "nl", "rev", "tee", "xargs", "diff", "cmp", "file", "stat",
        "git-lfs", "python-is-python3", "trurl",
    ]

    /// Open a URL in the user's browser or viewer: R4 allows it (the person sees it).
    static let browserOpeners: NameSet = [
        "xdg-open", "open", "sensible-browser", "x-www-browser", "firefox", "chromium", "chromium-browser",
        "google-chrome", "google-chrome-stable", "brave", "brave-browser", "opera", "vivaldi", "epiphany",
        "gio", "kde-open", "kde-open5", "gnome-open", "wslview", "explorer.exe", "start", "surf", "qutebrowser",
        "kioclient", "kioclient5", "kfmclient",
        "falkon", "midori", "librewolf", "microsoft-edge",
    ]

    /// Network diagnostics that carry no payload (A3's exception).
    static let diagnostics: NameSet = [
        "ping", "ping6", "dig", "host", "nslookup", "whois", "traceroute", "traceroute6", "tracepath", "mtr",
        "drill", "arping", "fping", "tcptraceroute", "kdig", "delv", "ssh-keyscan", "nping", "adig", "hping",
        "ipcalc", "sipcalc", "mmdblookup", "geoiplookup", "dnslookup", "doggo", "dog", "q", "resolvectl-query",
    ]

    /// Clients whose positional arguments name a remote host or resource: any use talks to
    /// another machine (a URL, `user@host`, `host`), so A3 applies unless it is loopback.
    static let remoteClients: NameSet = [
        "curl", "wget", "wget2", "aria2c", "axel", "http", "https", "xh", "httpie", "curlie", "lwp-request",
        "lwp-download", "GET", "POST", "HEAD", "ssh", "mosh", "telnet", "ftp", "lftp", "tftp", "ncftp", "sftp",
        "sshfs", "youtube-dl", "yt-dlp", "gallery-dl", "you-get", "streamlink", "instaloader", "spotdl",
        "get_iplayer", "megatools-dl", "megadl", "megaget", "megaput", "rtmpdump", "w3m", "lynx", "links",
        "elinks", "monolith", "httrack", "putty", "plink", "pscp", "xfreerdp", "rdesktop", "vncviewer",
        "remmina", "mail", "mailx", "sendmail", "mutt", "neomutt", "swaks", "msmtp", "s-nail", "ssh-copy-id",
        "smbclient", "rpcclient", "ldapsearch", "snmpwalk", "snmpget", "snmpset", "redis-benchmark", "ab",
        "wrk", "hey", "siege", "locust", "vegeta", "k6", "bdfr", "twurl", "cotton", "kiterunner", "testssl",
        "testssl.sh", "sslscan", "sslyze", "amass", "subfinder", "dnsx", "dnswalk", "dnsenum", "dnsrecon",
        "fierce", "theHarvester", "cariddi", "gau", "waybackurls", "katana", "hakrawler", "ffuf", "feroxbuster",
        "nuclei", "httpx", "naabu", "vinmap", "nxc", "netexec", "crackmapexec", "enum4linux", "torsocks",
        "proxychains", "proxychains4", "tsocks", "cs", "coursier", "git-ftp", "vcsh", "yadm", "mr", "b4",
        "esearch", "efetch", "elink", "rhpkg", "fedpkg", "crane", "skopeo", "regctl", "oras",
        "hf", "huggingface-cli", "kaggle", "gdown", "rclone", "s3cmd", "mc",
        "dbclient", "autossh", "sshpass", "et", "nettacker", "wpscan", "whatweb", "wafw00f", "nikto", "zgrab",
        "zgrab2", "smbmap", "kerbrute", "joomscan", "droopescan", "dirsearch", "gospider", "paramspider",
        "gsutil", "azcopy", "xeyes", "xclock", "asciinema", "php-coveralls", "coveralls", "codecov",
        "arc", "git-review", "repo", "gnucash-cli", "nc", "ncat", "netcat", "socat", "openssl",
    ]

    /// Subcommands of remote clients that stay local or only print (`crane --help` aside).
    static let localSubcommands: NameSet = [
        "help", "version", "--version", "completion", "config", "list", "ls", "status", "show", "info",
        "search", "env", "cache", "login-status", "whoami", "wordlist", "catalog", "resolve", "lint", "fmt", "validate",
        "play", "cat",
        "s_client-help", "genrsa", "rand", "dgst", "x509", "req", "enc", "rsa", "ec", "pkey", "verify",
        "speed", "ciphers", "passwd", "sha256", "base64", "md5", "genpkey", "pkcs12", "asn1parse", "crl",
        "prime", "errstr",
    ]

    /// CLIs of clouds, clusters, hosting platforms, hypervisors and CI/code-review services:
    /// their mutating verbs change state a person owns (A9, R3).
    static let remoteStateCLIs: NameSet = [
        "aws", "az", "gcloud", "gsutil", "bq", "doctl", "linode-cli", "hcloud", "ibmcloud", "oci", "exo",
        "scw", "vultr-cli", "flyctl", "fly", "heroku", "vercel", "netlify", "railway", "render", "wrangler",
        "firebase", "amplify", "eb", "sam", "cdk", "serverless", "sls", "supabase", "doppler", "vault",
        "consul", "nomad", "argocd", "flux", "kubectl", "oc", "k", "kubectx", "kubens", "helm", "helmfile",
        "kustomize", "minikube", "kind", "k3d", "k3s", "microk8s", "eksctl", "kops", "rancher", "docker",
        "podman", "nerdctl", "ctr", "crictl", "buildah", "apptainer", "singularity", "vagrant", "qm", "pct",
        "pvesh", "pvecm", "virsh", "virt-install", "VBoxManage", "vboxmanage", "multipass", "lxc", "lxd",
        "incus", "nova", "openstack", "glance", "cinder", "neutron", "heat", "terraform", "tofu",
        "terragrunt", "pulumi", "ansible", "ansible-playbook", "puppet", "salt", "salt-call", "salt-ssh",
        "chef", "knife", "gh", "glab", "hub", "tea", "bitbucket", "jira", "linear", "mc", "rclone", "s3cmd",
        "azcopy", "devspace", "skaffold", "tilt", "okteto", "garden", "waypoint", "packer", "cf", "kn",
        "gcloud-beta", "ecs-cli", "copilot", "lightsail", "elastic-beanstalk", "kubeseal", "velero",
        "istioctl", "linkerd", "cilium", "mongocli", "atlas", "confluent", "ccloud", "stripe", "twilio",
        "auth0", "okta", "databricks", "snowsql", "dbt", "prefect", "airflow", "dagster", "mlflow", "wandb",
        "modal", "replicate", "runpod", "vast", "salloc", "sbatch", "srun", "scancel", "qsub", "qdel",
        "bsub", "condor_submit", "schroot", "tmt", "testing-farm", "mock", "copr-cli", "osc", "koji",
        "exo-compute", "sky", "runai", "juju", "lxc-start", "lxc-stop", "lxc-create", "lxc-destroy",
        "docker-compose", "podman-compose", "compose", "kubecolor", "k9s", "ibm", "ionosctl", "upcloud",
        "civo", "scaleway", "ovhcloud", "gandi", "wp", "koji", "brew-koji", "cbs", "drush", "magento", "artisan-remote",
    ]

    /// Verbs that read or print; a CLI call whose verbs are all of this kind changes nothing.
    static let readVerbs: NameSet = [
        "list", "ls", "get", "describe", "show", "view", "status", "logs", "log", "inspect", "info",
        "version", "help", "search", "whoami", "top", "ps", "images", "history", "diff", "plan", "preview",
        "validate", "explain", "api-resources", "api-versions", "cluster-info", "view-config", "current-context",
        "get-contexts", "completion", "template", "lint", "fmt", "output", "graph", "providers", "events",
        "watch", "print", "query", "browse", "tail", "read", "check", "test", "verify", "doctor", "dry-run",
        "stats", "port", "wait", "can-i", "auth-can-i", "config-view", "context-show", "env", "ip", "url",
        "inventory", "facts", "ping", "whatif", "what-if", "estimate", "cost", "usage", "quota", "quotas",
        "outputs", "state-list", "show-config", "display", "print-config", "lookup", "find", "select",
        "tree", "cat", "count", "summary", "report", "audit", "scan", "analyze", "preflight",
    ]

    /// Verbs that create, change, start, stop or delete something.
    static let mutatingVerbs: NameSet = [
        "create", "delete", "rm", "rmi", "remove", "destroy", "terminate", "purge", "apply", "deploy",
        "undeploy", "update", "set", "unset", "put", "post", "patch", "edit", "replace", "scale", "run",
        "exec", "start", "stop", "restart", "reboot", "kill", "pause", "unpause", "resume", "suspend",
        "halt", "up", "down", "rollout", "rollback", "install", "uninstall", "upgrade", "import", "export",
        "push", "pull", "login", "logout", "register", "unregister", "deregister", "attach", "detach",
        "enable", "disable", "tag", "untag", "label", "annotate", "taint", "cordon", "uncordon", "drain",
        "expose", "autoscale", "subscribe", "unsubscribe", "publish", "release", "promote", "demote",
        "mb", "rb", "cp", "mv", "sync", "mirror", "copy", "move", "upload", "download", "provision",
        "build", "prune", "clone", "fork", "merge", "close", "reopen", "comment", "approve",
        "lock", "unlock", "archive", "unarchive", "transfer", "rename", "add", "revoke", "grant", "invite",
        "authorize", "rotate", "reset", "restore", "snapshot-delete", "migrate", "cancel", "retry", "trigger",
        "dispatch", "submit", "shell", "ssh", "connect", "port-forward", "proxy", "tunnel", "mount", "umount",
        "assign", "unassign", "associate", "disassociate", "cr", "des", "resize", "clear", "flush", "wipe",
        "write", "new", "init", "link", "unlink", "secrets", "renew", "checkout", "co", "auth",
        "configure", "use-context", "use", "switch", "bootstrap", "recover", "failover", "swap", "send",
        "invoke", "call", "execute", "reindex", "truncate", "drop", "refresh",
    ]

    /// Verb prefixes (AWS style `create-bucket`, `tag-resource`, `put-object`).
    static let mutatingPrefixes = [
        "create-", "delete-", "put-", "update-", "set-", "start-", "stop-", "run-", "terminate-", "modify-",
        "attach-", "detach-", "associate-", "disassociate-", "register-", "deregister-", "tag-", "untag-",
        "enable-", "disable-", "reboot-", "import-", "invoke", "publish", "send-", "add-", "remove-",
        "revoke-", "authorize-", "copy-", "restore-", "reset-", "rotate-", "cancel-", "subscribe", "upload-",
        "apply-", "deploy-", "replace-", "rename-", "purge-", "release-", "allocate-", "accept-", "reject-",
        "change-", "move-", "install-", "uninstall-", "execute-", "batch-write", "batch-delete", "rb-",
        "mb-", "destroy-", "remove", "write-", "exec-", "resume-", "suspend-", "scale-", "resize-", "promote-",
        "unregister-", "replicate-", "migrate-", "unassign-", "assign-", "grant-", "revoke",
    ]

    static let mutatingSuffixes = [
        "-create", "-delete", "-update", "-add", "-remove", "-set", "-start", "-stop", "-restart", "-destroy",
        "-deploy", "-apply", "-attach", "-detach", "-enable", "-disable", "-put", "-upload", "-rm", "-kill",
    ]

    static func isMutatingVerb(_ w: String) -> Bool {
        if mutatingVerbs.contains(w) { return true }
        if w.utf8.contains(UInt8(ascii: "-")), mutatingSuffixes.contains(where: { w.hasSuffix($0) }) { return true }
        guard w.utf8.contains(UInt8(ascii: "-")) || w.hasPrefix("invoke") || w.hasPrefix("publish") else {
            return false
        }
        return mutatingPrefixes.contains { w.hasPrefix($0) }
    }

    // MARK: hosts

    /// The host a URL-like argument names, when it is another machine: `scheme://[user@]host`,
    /// `user@host:path` (scp style), `--url=https://...`. Loopback and `file://` are local.
    static func remoteHost(_ raw: String) -> String? {
        // Every form needs a ':' (`scheme://`, `user@host:path`): most arguments have none.
        guard raw.utf8.contains(UInt8(ascii: ":")) else { return nil }
        var s = Substring(raw)
        if let eq = s.firstIndex(of: "="), s[s.startIndex] == "-" { s = s[s.index(after: eq)...] }
        let str = String(s)
        if let r = str.byteRange(of: "://") {
            let scheme = Substring(str.utf8.prefix(r.lowerBound))
            let schemeOK =
                !scheme.isEmpty && scheme.utf8.count <= 16
                && scheme.utf8.allSatisfy { c in
                    let letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
                    return letter || c == 0x2b || c == 0x2d || c == 0x2e || (c >= 0x30 && c <= 0x39)
                }
            guard schemeOK, scheme.lowercased() != "file" else { return nil }
            var host = Substring(str.utf8.dropFirst(r.upperBound))
            if let end = host.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { host = host[..<end] }
            if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
            let h = String(hostOnly(host))
            if isLocal(h) { return nil }
            // `docker://nginx`, `library://user/x`, `s3://bucket`: registries and buckets are
            // remote even without a dot. An application's own scheme (`steam://open/console`,
            // `vscode://file/...`) names a host only when it looks like one.
            if networkSchemes.contains(scheme.lowercased()) { return h.isEmpty ? String(scheme) : h }
            return h.contains(".") && !h.contains("/") ? h : nil
        }
        // scp style: user@host:path (an @ before the first colon, no slash before the @).
        if let at = s.firstIndex(of: "@"), let colon = s[at...].firstIndex(of: ":"),
            !s[..<at].contains("/"), !s[..<at].isEmpty
        {
            let host = s[s.index(after: at)..<colon]
            if host.contains(".") || host.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7a }), !host.isEmpty {
                return isLocal(String(host)) ? nil : String(host)
            }
        }
        return nil
    }

    /// Whether an argument names this machine: `localhost:8080`, `http://127.0.0.1/x`,
    /// `user@localhost`.
    static func isLoopbackTarget(_ w: String) -> Bool {
        var s = Substring(w)
        if let r = w.byteRange(of: "://") {
            s = Substring(w.utf8.dropFirst(r.upperBound))
            if let end = s.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { s = s[..<end] }
        }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        return isLocal(String(hostOnly(s)))
    }

    /// Inline code whose only network peers are loopback: it names localhost / 127.0.0.1 /
    /// ::1 and no other URL or host name.
    static func codeTargetsOnlyLoopback(_ code: String) -> Bool {
        guard code.has("localhost") || code.has("127.0.0.1") || code.has("[::1]") else { return false }
        var word: [UInt8] = []
        var remote = false
        func flush() {
            if !word.isEmpty {
                let w = String(decoding: word, as: UTF8.self)
                if remoteHost(w) != nil || isBareRemoteHost(w) { remote = true }
                word.removeAll(keepingCapacity: true)
            }
        }
        for c in code.utf8 {
            if c == 0x22 || c == 0x27 || c == 0x20 || c == 0x28 || c == 0x29 || c == 0x2C || c == 0x0A || c == 0x60
                || c == 0x3B || c == 0x7B || c == 0x7D
            {
                flush()
                if remote { return false }
            } else {
                word.append(c)
            }
        }
        flush()
        return !remote
    }

    /// Every URL or host the client names is this machine (and it names at least one).
    static func onlyLoopback(_ inv: borrowing Invocation) -> Bool {
        let targets = inv.positionals.filter {
            $0.contains("://") || looksLikeHost($0) || $0.hasPrefix("localhost") || $0.hasPrefix("127.")
        }
        return !targets.isEmpty && targets.allSatisfy(isLoopbackTarget)
    }

    static let networkSchemes: Set<String> = [
        "http", "https", "ftp", "ftps", "sftp", "ssh", "git", "rsync", "rtmp", "rtmps", "rtsp", "ws", "wss", "s3",
        "gs", "gcs", "docker", "library", "oras", "oci", "smb", "cifs", "nfs", "telnet", "ldap", "ldaps", "mqtt",
        "irc", "ircs", "hdfs", "svn", "svn+ssh", "hg", "amqp", "amqps", "redis", "rediss", "postgres", "postgresql",
        "mysql", "mongodb", "mongodb+srv", "socks5", "socks5h", "socks4", "tcp", "udp", "webdav", "dav", "davs",
        "abfs", "abfss", "wasb", "wasbs", "r2", "b2", "git+ssh", "git+https", "git+http", "ssh+git", "scp", "tftp",
        "nntp", "gopher", "magnet", "ipfs", "ipns", "dns", "grpc", "grpcs", "jdbc", "rabbitmq", "kafka", "nats",
        "sip", "xmpp", "vnc", "rdp", "spice", "imap", "imaps", "pop3", "pop3s", "smtp", "smtps", "ws+unix",
    ]

    static func hostOnly(_ h: Substring) -> Substring {
        if h.hasPrefix("[") { return h.firstIndex(of: "]").map { h[h.startIndex...$0] } ?? h }
        return h.firstIndex(of: ":").map { h[..<$0] } ?? h
    }

    static func isLocal(_ h: String) -> Bool {
        let l = h.lowercased()
        return l == "localhost" || l.hasSuffix(".localhost") || l.hasPrefix("127.") || l == "::1" || l == "[::1]"
            || l == "0.0.0.0" || l == "0" || l == "local" || l.hasPrefix("localhost") || l == "host.docker.internal"
            || l == "unix"
    }

    /// A bare host name (`example.com`, `server.example.com:8080`, `10.0.0.5`): what remote
    /// clients take without a scheme. A file name like `notes.txt` or `a.out` is not one.
    static func looksLikeHost(_ w: String) -> Bool {
        guard !w.isOptionLike, !w.contains("/"), !w.contains("="), w.contains(".") || w.contains("@") else {
            return false
        }
        var host = Substring(w)
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        host = hostOnly(host)
        if isLocal(String(host)) { return false }
        let labels = host.split(separator: ".")
        guard labels.count >= 2, let tld = labels.last else { return false }
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) { return labels.count == 4 }
        return tld.utf8.count >= 2 && tld.allSatisfy(\.isLetter) && !fileExtensions.contains(String(tld))
            && !host.hasPrefix(".")
    }

    /// Top-level domains seen in real host names: a bare `name.tld` argument of any program is
    /// taken as a host only with one of these (`com.example.App`, `http.server` are not hosts).
    static let commonTLDs: Set<String> = [
        "com", "org", "net", "io", "dev", "app", "co", "uk", "de", "fr", "cloud", "edu", "gov", "info",
        "biz", "us", "ca", "au", "jp", "cn", "ru", "nl", "se", "no", "fi", "ch", "at", "be", "es", "it",
        "cz", "br", "xyz", "tech", "site", "online", "local", "internal", "lan", "corp", "home",
        "intranet", "example", "gg", "tv", "nz", "ie", "dk", "kr", "tw", "hk",
        "sg", "mx", "ar", "za", "il", "tr", "gr", "pt", "hu", "ro", "ua", "eu", "asia", "mil", "int", "arpa",
        "zone",
    ]

    /// A host name written bare as an argument of any program (`showmount -e nfs.example.com`,
    /// `tlsx -u server.example.com`): dotted, a common TLD, no path, no `@` (an e-mail address
    /// in a config value is not a connection).
    /// Names of lookups and diagnostics (`x ping host`, `tool dig host`): a host named to them
    /// is asked about, not sent anything.
    static let diagnosticWords: NameSet = [
        "ping", "dig", "lookup", "resolve", "traceroute", "trace", "whois", "nslookup", "host", "query", "calc",
    ]

    static func isBareRemoteHost(_ w: String) -> Bool {
        guard w.utf8.count >= 4, !w.isOptionLike,
            !w.utf8.contains(where: { $0 == 0x40 || $0 == 0x2F || $0 == 0x20 || $0 == 0x3D })
        else { return false }
        // The TLD first, from the bytes after the last dot (before a `:port`): most dotted
        // arguments are file names, rejected here without splitting anything.
        let u = w.utf8
        guard let lastDot = u.lastIndex(of: UInt8(ascii: ".")), lastDot != u.startIndex else { return false }
        let afterDot = u.index(after: lastDot)
        let end = u[afterDot...].firstIndex(of: UInt8(ascii: ":")) ?? u.endIndex
        let tldLen = u.distance(from: afterDot, to: end)
        guard tldLen >= 2, tldLen <= 12 else { return false }
        var tld = String(Substring(u[afterDot..<end]))
        if tld.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { tld = tld.asciiLowercased }
        guard tldSet.contains(tld) else { return false }
        let host = hostOnly(Substring(w))
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        // Addresses are data as often as destinations (ipcalc, GeoIP lookups, `ip route get`):
        // only names count here; clients that connect are judged by the remote-client rules.
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return false }
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let tld = labels.last, let first = labels.first
        else { return false }
        // Reverse-DNS identifiers (`com.example.app`, `org.freedesktop.Sdk`) are names, not hosts.
        if commonTLDs.contains(first.lowercased()) { return false }
        return commonTLDs.contains(tld.lowercased()) && !isLocal(String(host))
    }

    static let tldSet = NameSet(commonTLDs)

    static let fileExtensions: Set<String> = [
        "txt", "md", "json", "yaml", "yml", "xml", "csv", "log", "sh", "py", "js", "ts", "c", "h", "o",
        "out", "swift", "go", "rs", "zip", "gz", "tar", "tgz", "bz2", "xz", "iso", "img", "pdf", "png",
        "jpg", "jpeg", "gif", "html", "htm", "conf", "cfg", "ini", "toml", "lock", "db", "sql", "bin",
        "key", "pem", "crt", "pub", "deb", "rpm", "jar", "war", "class", "rb", "pl", "php", "java", "kt",
        "mp3", "mp4", "mkv", "wav", "ogg", "svg", "env", "bak", "tmp", "d", "so", "a", "nomad", "tf",
        "hcl", "sif", "gnucash", "ext", "file", "dat", "list", "service", "timer", "socket", "desktop",
    ]

    // MARK: the check

    /// `X sub -h`, `X help sub`: prints usage, changes nothing.
    static func asksForHelp(_ inv: borrowing Invocation) -> Bool {
        inv.args.last == "-h" || inv.args.contains("--help") || inv.args.contains("-help")
            || inv.args.last == "--version" || inv.positionals.first == "help"
    }

    /// Which of the families above a program belongs to, in one lookup: the check runs for
    /// every program, and most belong to none.
    struct Family: OptionSet, Sendable {
        let rawValue: UInt32
        static let textOnly = Family(rawValue: 1 << 0)
        static let opener = Family(rawValue: 1 << 1)
        static let diagnostic = Family(rawValue: 1 << 2)
        static let remoteClient = Family(rawValue: 1 << 3)
        static let remoteState = Family(rawValue: 1 << 4)
        static let system = Family(rawValue: 1 << 5)
        static let package = Family(rawValue: 1 << 6)
        static let deletion = Family(rawValue: 1 << 7)
        static let capture = Family(rawValue: 1 << 8)
        static let disk = Family(rawValue: 1 << 9)
        static let database = Family(rawValue: 1 << 10)
        static let service = Family(rawValue: 1 << 11)
        static let server = Family(rawValue: 1 << 12)
        static let attack = Family(rawValue: 1 << 13)
        static let recon = Family(rawValue: 1 << 14)
        static let localVerbs = Family(rawValue: 1 << 15)
        static let locker = Family(rawValue: 1 << 16)
        static let rootSwitch = Family(rawValue: 1 << 17)
        static let login = Family(rawValue: 1 << 18)
        static let destructive = Family(rawValue: 1 << 19)
        /// Other programs localSystem has rules for (killers, accounts, dd, runners, chmod...).
        static let local = Family(rawValue: 1 << 20)
        static let anyLocal: Family = [.system, .disk, .capture, .database, .service, .package, .local]
        static let noEgress: Family = [.textOnly, .opener, .diagnostic]
        /// Searchers, encrypters, archivers, debuggers (Effects.techniques).
        static let technique = Family(rawValue: 1 << 21)
    }

    static let families: NameTable<Family> = {
        var merged: [String: Family] = [:]
        var order: [String] = []
        func add(_ set: NameSet, _ f: Family) {
            for n in set {
                if merged[n] == nil { order.append(n) }
                merged[n, default: []].insert(f)
            }
        }
        add(textOnly, .textOnly)
        add(browserOpeners, .opener)
        add(diagnostics, .diagnostic)
        add(remoteClients, .remoteClient)
        add(remoteStateCLIs, .remoteState)
        add(systemPrograms, .system)
        add(packagePrograms, .package)
        add(deletionPrograms, .deletion)
        add(captureTools, .capture)
        add(diskTools, .disk)
        add(databaseClients, .database)
        add(thirdPartyServices, .service)
        add(fileServers, .server)
        add(attackTools, .attack)
        add(reconTools, .recon)
        add(localVerbTools, .localVerbs)
        add(lockers, .locker)
        add(rootSwitchers, .rootSwitch)
        add(loginCLIs, .login)
        add(searchers, .technique)
        add(encrypters, .technique)
        add(archivers, .technique)
        add(["gdb", "strace", "ltrace", "lldb", "pstack", "gcore", "ptrace", "frida", "frida-trace", "dd"], .technique)
        add(processKillers, .local)
        add(accountTools, .local)
        add(
            [
                "dd", "npx", "bunx", "pnpx", "uvx", "pipx", "uv", "pnpm", "yarn", "npm", "go", "deno", "nix",
                "nix-shell",
                "gem", "dotnet", "chmod", "chown", "chgrp", "setfacl", "chattr", "chcon", "lchown",
            ], .local)
        add(
            [
                "lvremove", "vgremove", "pvremove", "zpool", "zfs", "ykman", "gpg-card", "opensc-tool", "pkcs15-init",
                "fido2-token", "solo", "nitropy", "yubico-piv-tool",
            ], .destructive)
        return NameTable(order.map { ($0, merged[$0]!) })
    }()

    static let dryRunFlags: NameSet = [
        "--dry-run", "--dryrun", "--simulate", "--what-if", "--whatif", "--noop", "--no-act", "--just-print",
    ]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        if inv.pathClass == .dynamic {
            // `nohup "$CMD"`, `timeout 5 $PROG`: a computed program behind a launcher is how a
            // command is hidden from an allow-list (GTFOBins `command`).
            if !inv.wrappers.isEmpty {
                a.hit(.indirectExec, k, reason: "a computed program runs through \(inv.wrappers[0])")
            }
            return
        }
        if asksForHelp(inv) { return }
        indirect(a, k, inv)
        // R7: dry runs, previews and simulations change nothing.
        if inv.args.contains(where: {
            $0.utf8.count >= 6 && $0.hasPrefix("--") && (dryRunFlags.contains($0) || $0.hasPrefix("--dry-run="))
        }) {
            return
        }
        let before = a.hits.count
        // One lookup says which families the program is in; most programs are in none, and
        // only the checks that can apply run.
        let fam = families[p] ?? []
        if fam.isDisjoint(with: .noEgress) { egress(a, k, inv, fam) }
        if fam.contains(.remoteState) { remoteState(a, k, inv) }
        if !fam.isDisjoint(with: .anyLocal) { localSystem(a, k, inv) }
        if fam.contains(.deletion) { deletion(a, k, inv) }
        writesOutside(a, k, inv, fam)
        if fam.contains(.server) { services(a, k, inv) }
        if !fam.isDisjoint(with: [.attack, .recon, .destructive]) || p.has("firewall") { destructive(a, k, inv) }
        if !fam.isDisjoint(with: .technique) || inv.hasRedirects || inv.argsFromInput
            || inv.args.contains(where: { $0.utf8.count > 9 && $0.has("/proc/") })
        {
            techniques(a, k, inv)
        }
        if a.hits.count == before, fam.isDisjoint(with: [.textOnly, .localVerbs]) { strongVerb(a, k, inv, fam) }
    }

    /// Variables whose value is a program other programs run (pagers, editors, ssh, askpass).
    static let programVariables: NameSet = [
        "PAGER", "MANPAGER", "CRASHPAGER", "SYSTEMD_PAGER", "GIT_PAGER", "EDITOR", "VISUAL", "GIT_EDITOR",
        "SUDO_EDITOR", "SVN_EDITOR", "BROWSER", "GIT_SSH", "GIT_SSH_COMMAND", "RSYNC_RSH", "LESSOPEN", "LESSCLOSE",
        "SHELL", "BASH_ENV", "ENV", "SUDO_ASKPASS", "SSH_ASKPASS", "GIT_ASKPASS", "PERL5OPT", "RUBYOPT",
        "NODE_OPTIONS", "GIT_EXTERNAL_DIFF", "GIT_EXEC_PATH", "TAR_RSH", "DPKG_PAGER", "PROMPT_COMMAND",
    ]
    /// Values those variables commonly hold for ordinary work (`GIT_EDITOR=true`, `PAGER=cat`).
    static let plainPrograms: Set<String> = [
        "cat", "less", "more", "most", "true", "false", "vim", "vi", "nvim", "nano", "emacs", "code --wait", "code -w",
        "ed", "tee", "less -R", "less -FRX", "", "ssh", "delta", "bat", "diff-so-fancy", "xdg-open", "firefox",
    ]
    /// What exec options usually name: compressors, ssh, pagers, editors, formatters.
    static let benignHelpers: Set<String> = [
        "gzip", "gunzip", "bzip2", "xz", "zstd", "lz4", "pigz", "pbzip2", "lzma", "lzip", "lzop", "brotli", "zstdmt",
        "ssh", "cat", "less", "more", "true", "false", "vim", "vi", "nano", "code", "git", "npm", "node", "python3",
        "python", "make", "prettier", "black", "eslint", "tee", "sort", "uniq", "head", "tail", "jq", "none", "auto",
        "always", "never", "default", "yes", "no", "0", "1", "delta", "bat", "xdg-open",
    ]

    /// Long options whose value is a program or command line that the program runs.
    static let execOptionWords = [
        "command", "exec", "program", "-cmd", "hook", "pager", "editor", "rsh", "askpass", "interpreter",
    ]
    /// Long options that exist to run a program (any value but the usual helper asks).
    static let execLongOptions: NameSet = [
        "--to-command", "--use-compress-program", "--checkpoint-action", "--rsh", "--rsh-command", "--rsh-cmd",
        "--on-download-complete", "--on-download-error", "--on-download-start", "--on-download-stop",
        "--on-download-pause", "--on-bt-download-complete", "--curl-bin", "--upload-pack", "--receive-pack",
        "--askpass", "--use-askpass", "--pager", "--editor", "--exec-path", "--info-command", "--postrotate",
        "--ssh-command", "--proxy-command", "--run-command", "--hook", "--pre-hook", "--post-hook",
    ]
    /// Short options that run their value, per program.
    static let execShortOptions: [String: Set<String>] = [
        "tcpdump": ["-z"], "pidstat": ["-e"], "rsync": ["-e"], "scp": ["-S"], "sftp": ["-S", "-D"], "zip": ["-TT"],
        "tar": ["-I"], "man": ["-P", "-H"], "ssh": ["-o"], "flock": ["-c"], "su": ["-c"], "runuser": ["-c"],
        "script": ["-c"], "strace": ["-o"], "valgrind": ["--log-file"], "rlwrap": ["-z"], "tmux": [], "screen": [],
        "watch": [], "unbuffer": [], "expect": ["-c"], "gdb": ["-ex"], "ionice": [], "cpulimit": ["-f"],
    ]

    /// A pager/editor/ssh variable set for this program to something other than the usual.
    static func programVariable(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        if let (name, value) = inv.environment.first(where: { programVariables.contains($0.0) }),
            !plainPrograms.contains(value)
        {
            a.hit(.indirectExec, k, reason: "\(inv.program) runs \(name)=\(value)")
        }
    }

    /// GTFOBins `command`: a command run through another program's option, hook or variable.
    static func indirect(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        if a.hits.contains(where: { $0.invocation == k && $0.signal == .indirectExec }) { return }
        let args = inv.args
        let words = inv.argWords
        // Looked up once, not per argument.
        let shorts = execShortOptions[p]
        for (j, w) in args.enumerated() {
            guard w.utf8.first == UInt8(ascii: "-"), w.utf8.count >= 2 else { continue }
            var value: String?
            var dynamic = false
            var precise = false
            if w.hasPrefix("--") {
                let name = w.utf8.firstIndex(of: UInt8(ascii: "=")).map { String(Substring(w.utf8[..<$0])) } ?? w
                precise = execLongOptions.contains(name) || (p.eq("split") && name == "--filter")
                // The generic words only for an option long enough to hold one.
                guard precise || name.utf8.count >= 6 && execOptionWords.contains(where: { name.has($0) }) else {
                    continue
                }
                if let eq = w.firstIndex(of: "=") {
                    value = String(w[w.index(after: eq)...])
                    dynamic = words.count > j && !words[words.startIndex + j].isStatic
                } else if j + 1 < args.count, !args[j + 1].hasPrefix("-") {
                    value = args[j + 1]
                    dynamic = words.count > j + 1 && !words[words.startIndex + j + 1].isStatic
                }
            } else if let shorts, shorts.contains(w), j + 1 < args.count {
                precise = true
                value = args[j + 1]
                dynamic = words.count > j + 1 && !words[words.startIndex + j + 1].isStatic
                if p.eq("ssh"), let v = value, !v.lowercased().has("command") { value = nil }
            }
            // Numbers, durations and switches are settings, not programs (`--exec-timeout 5`).
            guard let v = value, !v.isEmpty, !(v.first?.isNumber ?? false) else { continue }
            // Anything but the usual helpers for that option (a compressor for tar, ssh for rsync,
            // a pager): the option exists to run a program, and this one is not the usual.
            let first = v.split(separator: " ").first.map(String.init) ?? v
            let kind = ProgramKind.of(first)
            let runs =
                dynamic || v.hasPrefix("$") || v.hasPrefix("/tmp/") || kind.contains(.shell)
                || kind.contains(.interpreter) || precise && !benignHelpers.contains(first)
            if runs {
                a.hit(.indirectExec, k, reason: "\(p) \(w) runs \(v)")
                return
            }
        }
    }

    /// Names of private keys and credential stores: what a key hunt looks for.
    static let secretNames = [
        "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".pem", ".key", ".p12", ".pfx", ".kdbx", ".keychain",
        ".netrc", "credentials", ".pgpass", "private key", "private_key", "wallet.dat", ".ovpn",
        "authorized_keys", ".git-credentials", ".jks", ".keystore",
    ]
    static let searchers: NameSet = [
        "find", "locate", "plocate", "mlocate", "fd", "fdfind", "grep", "egrep", "rg", "ag", "ack",
    ]
    static let encrypters: NameSet = [
        "openssl", "gpg", "gpg2", "ccrypt", "ccencrypt", "age", "7z", "7za", "zip", "aescrypt", "mcrypt", "scrypt",
    ]
    static let archivers: NameSet = ["tar", "zip", "7z", "7za", "rar", "bsdtar", "cpio"]
    static let collected = [
        "~", "$HOME", "/home", "/root", "/etc", ".mozilla", "google-chrome", "chromium", ".ssh", ".gnupg", ".aws",
        ".kube", ".docker", "Library/Keychains", ".password-store", "keyrings", "/var/log", "/var/mail",
    ]

    /// ATT&CK techniques without a family of their own (gate-classes.md: asks).
    static func techniques(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let args = inv.args
        if searchers.contains(p) {
            // `find / -name id_rsa`, `grep -r 'BEGIN RSA PRIVATE KEY' /home`: hunting keys.
            let isFind = p.eq("find") || p.eq("locate") || p.eq("plocate") || p.eq("mlocate")
            let patterns = isFind ? args : Array(inv.positionals.prefix(1)) + [inv.value(of: "-e", "--regexp") ?? ""]
            if let hit = patterns.first(where: { w in
                let l = w.asciiLowercased
                return secretNames.contains { l.has($0) } && !l.hasSuffix(".example") && !l.has("template")
            }) {
                a.hit(.secretSearch, k, reason: "\(p) searches for private keys or credentials (\(hit))")
                return
            }
        }
        // Another process's memory: attaching to it, or reading /proc/PID/mem.
        if args.contains(where: { $0.has("/proc/") && ($0.hasSuffix("/mem") || $0.has("/mem ")) })
            || a.inputTargets(k).contains(where: { $0.has("/proc/") && $0.hasSuffix("/mem") })
        {
            a.hit(.processInjection, k, reason: "\(p) reads or writes another process's memory")
            return
        }
        if ["gdb", "strace", "ltrace", "lldb", "pstack", "gcore", "ptrace", "frida", "frida-trace"].contains(p),
            inv.hasAny(["-p", "--pid", "--attach", "-pid"]) || (p.eq("gdb") && inv.positionals.count >= 2)
        {
            let injects = args.contains { $0.has("call ") || $0.has("dlopen") || $0.has("system(") }
            a.hit(
                .processInjection, k, score: injects ? 85 : nil,
                reason: injects ? "\(p) injects code into another process" : "\(p) attaches to another process")
            return
        }
        if encrypters.contains(p) {
            let encrypts: Bool
            if p.eq("openssl") {
                encrypts = inv.positionals.first.map { $0 == "enc" || $0.hasPrefix("aes") || $0 == "smime" } ?? false
            } else if p.eq("gpg") || p.eq("gpg2") {
                encrypts = inv.hasAny(["-c", "--symmetric", "-e", "--encrypt"])
            } else if p.eq("7z") || p.eq("7za") || p.eq("zip") {
                encrypts = args.contains { $0.hasPrefix("-p") || $0 == "-P" || $0 == "-e" || $0 == "--encrypt" }
            } else {
                encrypts = true
            }
            let bulk =
                inv.argWords.contains { !$0.isStatic }
                || args.contains {
                    $0.contains("*") || $0.hasPrefix("~") || $0.hasPrefix("/home") || $0.hasPrefix("/etc")
                        || $0.hasPrefix("/var") || $0 == "/"
                }
            if encrypts && bulk {
                a.hit(.encryptForImpact, k, reason: "\(p) encrypts files in bulk or outside the workspace")
                return
            }
        }
        if archivers.contains(p) {
            if let src = inv.positionals.first(where: { w in
                collected.contains { c in
                    w == c || w.hasPrefix(c + "/") || (c.hasPrefix(".") || c.hasPrefix("/")) && w.has(c)
                        || c == "keyrings" && w.has(c) || c == "google-chrome" && w.has(c)
                        || c == "chromium" && w.has(c)
                }
            }) {
                a.hit(.collection, k, reason: "\(p) archives \(src) (homes, browser profiles, keys or system files)")
            }
        }
    }

    /// Attack tooling that acts on another host with stolen or forged credentials (R1: pass the
    /// hash, Kerberos ticket abuse, remote execution, credential dumps): block.
    static let attackTools: NameSet = [
        "psexec.py", "wmiexec.py", "smbexec.py", "atexec.py", "dcomexec.py", "secretsdump.py", "GetUserSPNs.py",
        "GetNPUsers.py", "getTGT.py", "getST.py", "ticketer.py", "raiseChild.py", "goldenPac.py", "mimikatz",
        "pypykatz", "lsassy", "impacket-psexec", "impacket-wmiexec", "impacket-smbexec", "impacket-secretsdump",
        "impacket-GetUserSPNs", "impacket-GetNPUsers", "impacket-getTGT", "impacket-ticketer", "kerberoast",
        "rubeus", "Rubeus.exe", "ntlmrelayx.py", "impacket-ntlmrelayx", "pth-winexe", "pth-smbclient", "evil-winrm",
    ]
    /// Reconnaissance of other hosts (R1): asks.
    static let reconTools: NameSet = [
        "rpcdump.py", "lookupsid.py", "samrdump.py", "netview.py", "reg.py", "services.py", "smbclient.py",
        "impacket-rpcdump", "impacket-lookupsid", "impacket-samrdump", "enum4linux-ng", "ldapdomaindump",
        "bloodhound-python", "windapsearch", "massdns", "shuffledns", "puredns", "dnsgen", "patator",
        "prowler", "scoutsuite", "pacu", "cloudfox", "trivy-remote", "rustscan", "zmap", "masscan", "ike-scan",
    ]

    /// Block-class destruction the other detectors do not name: volumes and pools destroyed,
    /// hardware keys reset, firewalls stopped, attack tools run.
    static func destructive(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        if attackTools.contains(p) {
            // evil-winrm with a password is a login (asks); with a hash it is pass-the-hash.
            if p.eq("evil-winrm") && !inv.hasAny(["-H", "--hash"]) {
                a.hit(.egress, k, reason: "evil-winrm logs in to another host")
            } else {
                a.hit(
                    .secretSentOut, k, score: 90, reason: "\(p) attacks another host with stolen or forged credentials")
            }
            return
        }
        if reconTools.contains(p) {
            a.hit(.scanner, k, reason: "\(p) probes other hosts or cloud accounts")
            return
        }
        let pos = inv.positionals
        let sub = pos.first ?? ""
        switch Name(p) {
        case "lvremove", "vgremove", "pvremove":
            a.hit(.makeFilesystem, k, reason: "\(p) destroys volumes and the data on them")
        case "zpool":
            if ["create", "destroy", "labelclear"].contains(sub) {
                a.hit(.makeFilesystem, k, reason: "zpool \(sub) overwrites or destroys disks")
            }
        case "zfs":
            if sub == "destroy" { a.hit(.makeFilesystem, k, reason: "zfs destroy deletes datasets and their data") }
        case "ykman", "gpg-card", "opensc-tool", "pkcs15-init", "fido2-token", "solo", "nitropy", "yubico-piv-tool":
            if pos.contains(where: { $0 == "reset" || $0 == "factory-reset" || $0 == "erase" })
                || inv.hasAny(["--reset", "--erase", "-R"]) && p.eq("fido2-token")
            {
                a.hit(.deleteCritical, k, score: 85, reason: "\(p) resets a hardware key: its keys are gone for good")
            }
        default:
            if p.has("firewall"),
                pos.contains(where: { ["stop", "disable", "off", "flush"].contains($0) }) || inv.hasAny(["--panic-on"])
            {
                a.hit(.securityDisabled, k, reason: "\(p) stops the firewall")
            }
        }
    }

    /// Verbs that, as a subcommand of any program, install, remove, publish, deploy, stop,
    /// log in or otherwise change state beyond the workspace: the tie-breaker's "unknown tool
    /// that clearly mutates remote/system state" (`wajig purge`, `meteor remove`, `scancel`).
    static let strongVerbs: NameSet = [
        "install", "uninstall", "reinstall", "remove", "purge", "delete", "destroy", "deploy", "undeploy",
        "publish", "unpublish", "push", "upload", "kill", "enable", "disable", "stop", "restart", "drop",
        "login", "logout", "auth", "flash", "wipe", "erase", "format", "mount", "umount", "unmount", "attach",
        "detach", "join", "leave", "revoke", "grant", "shutdown", "reboot", "hibernate", "abandon",
        "self-update", "selfupdate", "update", "upgrade", "downgrade", "rollback", "terminate", "unregister",
        "deregister", "register", "submit", "provision", "rm", "del", "send", "switch",
    ]
    /// Strong verbs that, for these everyday local tools, mean something local.
    static let localVerbTools: NameSet = [
        "make", "cmake", "ninja", "meson", "bazel", "just", "task", "cargo", "go", "npm", "pnpm", "yarn", "bun",
        "pip", "pip3", "python", "python3", "node", "deno", "swift", "dotnet", "mvn", "gradle", "jj", "hg", "fossil",
        "svn", "git", "tmux", "screen", "zellij", "vim", "nvim", "emacs", "code", "docker", "podman",
        "kubectl", "helm", "terraform", "ansible", "poetry", "uv", "conda", "rustup", "gem", "bundle",
        "composer", "flutter", "dart", "hugo", "jekyll", "zola", "mkdocs", "sphinx-build", "pytest", "tox",
        "nox", "pre-commit", "direnv", "asdf", "mise", "nvm", "pyenv", "rbenv", "sdk", "jq", "yq", "sqlite3",
        "duckdb", "ffmpeg", "convert", "magick", "pandoc", "latexmk", "xelatex", "pdflatex", "gpg", "pass",
        "cordon", "tig", "lazygit", "watch", "timeout", "time", "nice", "env", "xargs", "parallel", "alias",
        "unalias", "set", "export", "shopt", "bindkey", "complete", "fc", "history", "trap", "ulimit",
        "fzf", "bat", "ripgrep", "rg", "fd", "tree", "stow", "ln", "cp", "mv", "mkdir", "touch", "ledger", "quilt",
        "stg", "guilt", "topgit", "git-crypt", "sg",
        "hledger", "task", "todo.sh", "timew", "jrnl", "nb", "khal", "calcurse", "remind", "when",
    ]

    /// The same verbs as long options (`kpackagetool6 --upgrade`, `tool --uninstall x`).
    static let strongFlags: NameSet = [
        "--install", "--uninstall", "--upgrade", "--purge", "--erase", "--deploy", "--publish", "--push",
        "--upload", "--kill", "--restart", "--mount", "--unmount", "--umount", "--wipe", "--flash",
        "--shutdown", "--reboot", "--login", "--logout", "--daemon", "--daemonize", "-daemon",
        "--roll-back", "--rollback", "--factory-reset",
    ]

    /// Screen and console lockers (R10).
    static let lockers: NameSet = [
        "physlock", "vlock", "slock", "xlock", "i3lock", "i3lock-fancy", "swaylock", "xsecurelock",
        "betterlockscreen", "xtrlock", "alock", "light-locker", "xautolock", "hyprlock", "gtklock", "waylock",
    ]

    /// Programs that run a command in another root: `arch-chroot`, `systemd-nspawn`, `schroot`.
    static let rootSwitchers: NameSet = [
        "arch-chroot", "systemd-nspawn", "schroot", "proot", "fakechroot", "chroot", "xchroot", "genfstab",
    ]

    static func strongVerb(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ fam: Family) {
        let p = inv.program
        if textOnly.contains(p) || localVerbTools.contains(p) || inv.kind.contains(.informational)
            || inv.kind.contains(.shell) || inv.kind.contains(.interpreter) || inv.kind.contains(.editor)
        {
            return
        }
        if fam.contains(.locker) {
            a.hit(.inputCapture, k, reason: "\(p) locks the screen or consoles")
            return
        }
        if fam.contains(.rootSwitch) {
            a.hit(.systemChange, k, reason: "\(p) runs commands in another root")
            return
        }
        if p.eq("xhost"), inv.args.contains(where: { $0.hasPrefix("+") }) {
            a.hit(.systemChange, k, reason: "xhost + opens the X display to other hosts")
            return
        }
        let pos = inv.positionals.prefix(2)
        if let v = pos.first(where: { strongVerbs.contains($0) || hasStrongPart($0) }) {
            a.hit(.systemChange, k, score: 60, reason: "\(p) \(v) changes state beyond the workspace")
            return
        }
        if let f = inv.args.first(where: { $0.isOptionLike && strongFlags.contains($0) }) {
            a.hit(.systemChange, k, score: 60, reason: "\(p) \(f) changes state beyond the workspace")
            return
        }
        // A daemon (Unix names them `…d`: knockd, cupsd, nagios2 -d) started in the
        // foreground or background serves something to the machine or network (R6).
        if isDaemonName(p), inv.hasAny(["-d", "-D", "--daemon", "--foreground", "--nodaemon", "--no-daemon"]) {
            a.hit(.networkListener, k, score: 60, reason: "\(p) starts a daemon")
            return
        }
        // `user@host` given to an unknown client is a login to another machine (dbclient, autossh).
        if inv.kind.contains(.known) == false,
            let h = inv.positionals.first(where: { w in
                guard w.utf8.contains(UInt8(ascii: "@")), let at = w.firstIndex(of: "@"), at != w.startIndex else {
                    return false
                }
                return isBareRemoteHost(String(w[w.index(after: at)...]))
            })
        {
            a.hit(.egress, k, reason: "\(p) connects to \(h)")
            return
        }
        // Inline credentials for a remote service (R5): a password or token, and a host, URL
        // or server the tool is pointed at. A local tool prompting or decrypting is not one.
        let remoteTarget = inv.args.contains {
            remoteHost($0) != nil || isBareRemoteHost($0) || $0 == "--host" || $0 == "--server" || $0 == "--url"
                || $0.hasPrefix("--host=") || $0.hasPrefix("--server=") || $0.hasPrefix("--url=") || $0 == "-H"
        }
        if remoteTarget,
            inv.args.contains(where: { w in
                guard w.utf8.count >= 6, w.hasPrefix("--") else { return false }
                let name = w.utf8.firstIndex(of: UInt8(ascii: "=")).map { String(Substring(w.utf8[..<$0])) } ?? w
                return credentialFlags.contains(name)
            })
        {
            a.hit(.egress, k, reason: "\(p) is given inline credentials for a service")
        }
    }

    /// A compound verb with a strong part: `kill-pane`, `daily-upgrade`, `db:migrate`.
    static func hasStrongPart(_ w: String) -> Bool {
        guard w.utf8.contains(where: { $0 == 0x2D || $0 == 0x3A || $0 == 0x5F }), w.utf8.count <= 40,
            !w.contains("/"), !w.contains(".")
        else { return false }
        var start = w.utf8.startIndex
        let u = w.utf8
        var i = start
        while true {
            let atEnd = i == u.endIndex
            if atEnd || u[i] == 0x2D || u[i] == 0x3A || u[i] == 0x5F {
                if i != start {
                    let part = String(Substring(u[start..<i]))
                    if strongVerbs.contains(part) || part == "migrate" { return true }
                }
                if atEnd { return false }
                start = u.index(after: i)
            }
            i = u.index(after: i)
        }
    }

    static let notDaemons: NameSet = [
        "find", "sed", "pwd", "mold", "gold", "dd", "od", "fd", "cmd", "ld", "lld", "head", "word", "bind",
        "kind", "mkd", "xxd", "rapid", "ssd", "hd", "nvd", "cd", "read", "unload", "load", "build", "shred",
        "upload", "download", "record", "fold", "expand", "grid", "cloud", "send", "add", "tod", "pushd",
        "popd", "sponged", "reload", "lspd",
    ]

    static func isDaemonName(_ p: String) -> Bool {
        p.utf8.count >= 4 && p.utf8.last == UInt8(ascii: "d") && !notDaemons.contains(p) && !p.hasSuffix("ed")
            && !p.hasSuffix("ld")
            && !p.hasSuffix("nd") && !p.hasSuffix("rd") && !p.hasSuffix("oad") && !p.hasSuffix("md")
    }

    static let credentialFlags: NameSet = [
        "--password", "--passwd", "--pass", "--token", "--api-key", "--apikey", "--api-token", "--secret",
        "--client-secret", "--access-key", "--secret-key", "--auth-token", "--dbpassword", "--db-password",
        "--credentials", "--bearer",
    ]

    /// A3 and R4: content leaves the machine or comes in from another one.
    static func egress(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ fam: Family) {
        let p = inv.program
        if p.eq("git") || p.eq("gh") || p.eq("glab") || p.eq("hub") || p.eq("svn") || p.eq("hg") {
            vcsEgress(a, k, inv)
            return
        }
        let args = inv.args
        // Recording an address in configuration is not a connection (`poetry source add N URL`,
        // `pip config set global.index-url URL`, `npm config set registry URL`).
        let configures = inv.positionals.prefix(2).contains { configWords.contains($0) }
        // A read-only query of an already-configured service stays allowed (L7), URL or not.
        let readOnlyQuery =
            fam.contains(.remoteState)
            && inv.positionals.prefix(4).contains { readVerbs.contains($0) }
            && !inv.positionals.prefix(4).contains(where: isMutatingVerb)
        if !configures, !readOnlyQuery, let host = args.lazy.compactMap(remoteHost).first {
            a.hit(.egress, k, reason: "\(p) talks to another host (\(host))")
            return
        }
        guard fam.contains(.remoteClient) else {
            if let h = inv.args.first(where: isBareRemoteHost), !configures,
                !inv.positionals.prefix(2).contains(where: { diagnosticWords.contains($0) }),
                !p.has("ping"), !p.has("dig"), !p.has("lookup")
            {
                a.hit(.egress, k, reason: "\(p) is pointed at another host (\(h))")
            }
            return
        }
        let pos = inv.positionals
        if pos.prefix(2).contains(where: { localSubcommands.contains($0) }), !p.eq("ssh") { return }
        if ["mail", "mailx", "mutt", "neomutt", "s-nail"].contains(p) {
            // Reading a mailbox (`mutt -f box`) stays local; an address or attachment sends.
            if pos.contains(where: { $0.contains("@") }) || inv.hasAny(["-s", "-a", "-A", "-t", "-c", "-b"]) {
                a.hit(.egress, k, reason: "\(p) sends mail")
            }
            return
        }
        if p.eq("openssl") {
            if pos.first == "s_client", let c = inv.value(of: "-connect"), !isLocal(String(hostOnly(Substring(c)))) {
                a.hit(.egress, k, reason: "openssl s_client connects to \(c)")
            }
            return
        }
        if p.eq("nc") || p.eq("ncat") || p.eq("netcat") || p.eq("socat") || p.eq("telnet") {
            if let h = pos.first(where: { looksLikeHost($0) || remoteHost($0) != nil }) {
                a.hit(.egress, k, reason: "\(p) connects to \(h)")
            }
            return
        }
        // Loopback only (`curl localhost:8080`, `ssh localhost`): A3's exception.
        let hosts = pos.filter { looksLikeHost($0) }
        let local = pos.contains(where: isLoopbackTarget)
        if !hosts.isEmpty {
            a.hit(.egress, k, reason: "\(p) talks to \(hosts[0])")
        } else if !local && (!pos.isEmpty || inv.argsFromInput || !inv.hasRedirects || !args.isEmpty) {
            if args.isEmpty && !["mail", "mailx", "mutt", "neomutt", "w3m", "lynx", "links", "elinks"].contains(p) {
                // A bare client with nothing to connect to prints its usage.
                if !["ssh", "ftp", "lftp", "sftp", "telnet", "putty", "asciinema", "xeyes", "xclock"].contains(p) {
                    return
                }
            }
            if ["xeyes", "xclock"].contains(p) && !args.contains(where: { $0 == "-display" }) { return }
            a.hit(.egress, k, reason: "\(p) transfers data over the network")
        }
    }

    static let configWords: NameSet = [
        "source", "remote", "config", "set-url", "registry", "mirror", "repo-add", "add-repo",
    ]

    static let gitRemoteVerbs: NameSet = [
        "clone", "fetch", "pull", "push", "ls-remote", "send-email", "svn", "p4",
    ]

    /// Version control: the verbs that talk to a remote (A3/A5); forge CLIs (R3/A9).
    static func vcsEgress(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let verbs = Array(GitSafety.subcommandWords(inv).prefix(3))
        guard let sub = verbs.first else { return }
        switch Name(p) {
        case "git":
            if gitRemoteVerbs.contains(sub)
                || verbs.dropFirst().first.map({ ["pull", "push", "fetch"].contains($0) }) == true
                    && ["subtree", "lfs", "annex", "svn", "p4", "remote"].contains(sub)
                || ["sync", "up", "town"].contains(sub) && verbs.count <= 3
                || sub == "submodule" && verbs.contains(where: { $0 == "update" || $0 == "add" || $0 == "sync" })
                || sub == "remote" && verbs.contains("update")
            {
                // A bundle or a local path is not a remote (`git pull ../other`, `x.bundle`).
                if let target = verbs.dropFirst().first, sub != "push",
                    target.hasSuffix(".bundle")
                        || (target.hasPrefix(".") || target.hasPrefix("/") || target.hasPrefix("~"))
                            && !target.contains(":")
                {
                    return
                }
                // Push too: the policy's `commands.require_approval: ["git push"]` matches the
                // words, and this matches the meaning (`git -C . push`, `git -c k=v push`).
                a.hit(.egress, k, reason: "git \(sub) talks to a remote repository")
            }
        case "svn", "hg":
            if ["checkout", "co", "update", "up", "commit", "ci", "clone", "pull", "push", "import", "export"]
                .contains(sub)
            {
                a.hit(.egress, k, reason: "\(p) \(sub) talks to a remote repository")
            }
        default:
            // gh, glab, hub: read verbs stay allowed (L7), everything else acts on the forge.
            if [
                "browse", "help", "version", "completion", "status", "alias", "search", "feed", "config", "extension",
                "ext",
            ].contains(sub) && !(sub == "extension" && verbs.contains("install")) {
                return
            }
            if sub == "copilot" || sub == "models" {
                a.hit(.thirdPartyService, k, reason: "\(p) \(sub) sends text to an AI service")
                return
            }
            if verbs.dropFirst().contains(where: { readVerbs.contains($0) || $0 == "diff" || $0 == "checks" })
                && !verbs.dropFirst().contains(where: isMutatingVerb)
            {
                return
            }
            if sub == "api" {
                let method = inv.value(of: "-X", "--method")?.uppercased() ?? "GET"
                if method == "GET" && !inv.hasAny(["-f", "-F", "--field", "--raw-field", "--input"]) { return }
            }
            if verbs.count == 1 && ["pr", "issue", "repo", "release", "run", "workflow", "gist", "mr"].contains(sub) {
                return
            }
            a.hit(.remoteStateChange, k, reason: "\(p) \(verbs.joined(separator: " ")) acts on the code forge")
        }
    }

    /// A9 and R3: a cloud, cluster, hypervisor or platform CLI asked to change something.
    static func remoteState(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let verbs = inv.positionals.prefix(4).map { $0.asciiLowercased }
        // Inner-loop dev servers and sessions of these tools run against a cluster (A9).
        if ["devspace", "skaffold", "okteto", "tilt", "garden"].contains(p) && verbs.first == "dev" {
            a.hit(.remoteStateChange, k, reason: "\(p) dev syncs and deploys to a cluster")
            return
        }
        guard !verbs.isEmpty else {
            // `vercel`, `netlify`, `flyctl` alone deploy; most others print usage.
            if ["vercel", "netlify", "devspace", "skaffold", "tilt", "tmt", "okteto", "ngrok", "cloudflared"]
                .contains(p), inv.args.isEmpty || inv.args.contains(where: { $0.hasPrefix("--") })
            {
                a.hit(.remoteStateChange, k, reason: "\(p) deploys or changes remote state")
            }
            return
        }
        if let v = verbs.first(where: isMutatingVerb) {
            // `docker build` and `podman build` are L2 (a local image); `kubectl run` is not.
            if v == "build"
                && [
                    "docker", "podman", "buildah", "nerdctl", "apptainer", "singularity", "packer", "devspace",
                    "skaffold", "docker-compose", "compose",
                ].contains(p)
                && !inv.has("--push")
            {
                return
            }
            if v == "config" || (v == "use" && !p.eq("kubectl")) || (p.eq("doppler") && v == "run")
                || p.eq("wp") && verbs.first == "config"
            {
                return
            }
            a.hit(.remoteStateChange, k, reason: "\(p) \(verbs.joined(separator: " ")) changes remote or shared state")
            return
        }
        if ["ansible", "ansible-playbook", "salt", "salt-ssh", "salloc", "sbatch", "srun", "schroot", "tmt", "nomad"]
            .contains(p), !verbs.contains(where: { readVerbs.contains($0) })
        {
            a.hit(.remoteStateChange, k, reason: "\(p) runs work on other machines")
        }
    }

    // MARK: the local system

    static let processKillers: NameSet = ["kill", "pkill", "killall", "xkill", "skill", "snice", "renice", "killall5"]
    static let accountTools: NameSet = [
        "useradd", "usermod", "userdel", "groupadd", "groupdel", "groupmod", "passwd", "chpasswd", "chage",
        "gpasswd", "adduser", "deluser", "addgroup", "delgroup", "newusers", "vipw", "vigr", "pwconv",
        "chfn", "chsh",
    ]
    static let serviceVerbs: NameSet = [
        "start", "stop", "restart", "reload", "enable", "disable", "mask", "unmask", "kill", "isolate",
        "set-default", "daemon-reload", "edit", "preset", "revert", "link", "try-restart", "reload-or-restart",
        "reset-failed", "set-property", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate",
        "emergency", "rescue", "default", "condrestart", "force-reload", "set-environment", "unset-environment",
        "import-environment", "add-wants", "add-requires", "freeze", "thaw", "clean", "bind", "mount-image", "cancel",
        "soft-reboot", "kexec", "poweroff", "reboot", "halt", "switch-root", "service-log-level",
        "service-log-target", "log-level", "log-target", "set-log-level",
    ]
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
    ]
    static let captureTools: NameSet = [
        "scrot", "gnome-screenshot", "grim", "maim", "flameshot", "spectacle", "xwd", "screencapture",
        "wf-recorder", "slurp", "ksnip", "shutter", "xfce4-screenshooter", "deepin-screenshot", "peek",
        "simplescreenrecorder", "kazam", "vokoscreen", "recordmydesktop", "byzanz-record", "logkeys",
        "showkey", "xinput", "evtest", "xdotool", "ydotool", "wtype", "xte", "xclip", "xsel", "wl-paste",
        "pbpaste", "copyq", "clipman", "cliphist", "cb", "clipse", "gpaste-client", "xdg-screensaver", "slock",
        "i3lock", "xlock", "swaylock",
        "gnome-screensaver-command", "xscreensaver-command", "light-locker-command", "rfkill", "pass", "gopass",
        "bw", "op", "keepassxc-cli", "secret-tool", "lpass", "kwallet-query", "gnome-keyring-daemon",
        "import", "ffmpeg", "xdotool", "ydotool", "gpg",
    ]
    static let databaseClients: NameSet = [
        "psql", "mysql", "mariadb", "mongo", "mongosh", "redis-cli", "cqlsh", "sqlcmd", "clickhouse-client",
        "influx", "pgcli", "mycli", "usql", "dropdb", "createdb", "createuser", "dropuser", "pg_restore",
        "mysqladmin", "mongorestore", "mongoimport", "mongodump", "mongoexport", "pg_dump", "pg_dumpall",
        "mysqldump", "cockroach", "etcdctl", "memcflush", "valkey-cli", "keydb-cli", "arangosh", "cypher-shell",
        "neo4j-admin", "sqlplus", "isql", "bcp", "initdb", "pg_ctl", "pg_ctlcluster", "pg_upgrade", "pg_recvlogical",
        "pg_receivewal", "pg_basebackup", "pg_resetwal", "pg_rewind", "reindexdb", "vacuumdb", "clusterdb",
        "pg_createcluster", "pg_dropcluster", "mysql_upgrade", "mysql_secure_installation", "mysql_install_db",
        "mysqlcheck", "myisamchk", "mongofiles", "rsql", "rabbitmqctl", "rabbitmq-plugins", "influx_inspect",
        "cockroach", "surreal", "tidb-server", "litecli", "pgbench", "mysqlslap", "mariadb-admin",
        "mariadb-dump", "mariadb-upgrade", "pg_restore",
    ]
    static let thirdPartyServices: NameSet = [
        "llm", "sgpt", "shell-gpt", "aichat", "mods", "chatgpt", "gpt", "openai", "claude", "gemini", "tgpt",
        "fabric", "aider", "trans", "translate-shell", "crow", "deepl", "ntfy", "pushover", "telegram-send",
        "slack", "slack-cli", "signal-cli", "twilio", "ddgr", "googler", "snyk", "sonar-scanner", "codeclimate",
        "pastebinit", "termbin", "ix", "sprunge", "gist", "wgetpaste", "imgur", "hastebin", "sentry-cli",
        "discord", "teams", "matrix-commander", "toot", "twtxt", "rtv", "irssi", "weechat", "ollama",
    ]
    static let thirdPartyRunners: NameSet = ["npx", "bunx", "pipx", "uvx", "pnpx", "dlx"]

    /// Every program localSystem's switch has a case for: one lookup skips the switch for the rest.
    static let systemPrograms: NameSet = [
        "systemctl", "service", "rc-service", "sv", "launchctl", "supervisorctl", "pm2", "initctl", "update-rc.d",
        "chkconfig", "rc-update", "loginctl", "busctl", "snap", "runsvctrl", "jj", "tomb", "scancel", "qdel",
        "bkill", "condor_rm", "qsig", "qhold", "ss", "setenforce", "wakeonlan", "etherwake", "wol", "wondershaper",
        "agetty", "getty", "inputattach", "pmount", "pumount", "grub-mount", "steamosctl", "udevadm",
        "sensors-detect", "cupsctl", "cupsenable", "cupsdisable", "lpadmin", "lpoptions", "cupsaccept", "cupsreject",
        "balooctl", "tpm2", "tpm2_clear", "fwupdtool", "mokutil", "sbctl", "cryptenroll", "systemd-cryptenroll",
        "bluetoothctl", "btmgmt", "hciconfig", "iwlist", "airmon-ng", "aireplay-ng", "macchanger", "modprobe",
        "insmod", "rmmod", "depmod", "kmod", "sysctl", "hostname", "hostnamectl", "timedatectl", "localectl", "date",
        "hwclock", "mount", "umount", "swapon", "swapoff", "fusermount", "fusermount3", "eject", "udisksctl",
        "mount.cifs", "mount.nfs", "bindfs", "unionfs", "ip", "ifconfig", "iwconfig", "ifup", "ifdown", "route",
        "iw", "nmcli", "nmtui", "wpa_cli", "brctl", "ethtool", "tc", "vconfig", "dhclient", "dhcpcd", "netplan",
        "resolvectl", "networkctl", "wg", "wg-quick", "tailscale", "zerotier-cli", "openvpn", "nordvpn",
        "expressvpn", "protonvpn", "warp-cli", "iptables", "ip6tables", "nft", "ufw", "firewall-cmd",
        "iptables-restore", "ebtables", "arptables", "pfctl", "ipset", "crontab", "at", "batch", "update-grub",
        "grub-install", "grub-mkconfig", "update-initramfs", "dracut", "mkinitcpio", "efibootmgr", "bootctl",
        "kernelstub", "grub2-mkconfig", "update-alternatives", "alternatives", "ldconfig", "update-ca-certificates",
        "gsettings", "dconf", "xdg-mime", "xdg-settings", "defaults", "localedef", "locale-gen", "dpkg-reconfigure",
        "ssh-keygen", "ssh-add", "authconfig", "setsebool", "semanage", "restorecon", "aa-enforce", "aa-complain",
        "aa-disable", "tzselect", "update-locale", "systemd-firstboot", "machinectl", "snapper", "timeshift",
        "etckeeper", "chroot", "unshare", "nsenter", "setarch", "prlimit", "cpupower", "tuned-adm",
        "powerprofilesctl", "x86_energy_perf_policy", "nvidia-smi", "nvidia-settings", "xrandr", "brightnessctl",
        "light", "rtcwake", "pm-suspend", "pm-hibernate", "systemd-run", "run0", "kexec",
        "ipcrm", "cgclassify", "cgexec", "cgcreate", "cgdelete", "cgset", "chrt",
    ]

    /// Every program packages' switch has a case for.
    static let packagePrograms: NameSet = [
        "apt", "apt-get", "aptitude", "dnf", "yum", "zypper", "apk", "brew", "port", "pkg", "emerge", "xbps-install",
        "xbps-remove", "eopkg", "swupd", "slackpkg", "nala", "pkcon", "tdnf", "microdnf", "opkg", "pkgin", "pkg_add",
        "pkgutil", "urpmi", "rpm-ostree", "flatpak", "guix", "nix-env", "pixi", "nix-channel", "mas", "choco",
        "winget", "scoop", "pacstrap", "debootstrap", "wajig", "pkgtool", "pacman", "yay", "paru", "pamac", "rpm",
        "dpkg", "pip", "pip3", "pip2", "pipx", "poetry", "pdm", "conda", "mamba", "micromamba", "pipenv", "hatch",
        "rye", "npm", "pnpm", "yarn", "bun", "cargo", "go", "gem", "bundle", "bundler", "composer", "cpan", "cpanm",
        "luarocks", "opam", "stack", "cabal", "nimble", "dotnet", "rustup", "tlmgr", "sdk", "sdkmanager", "asdf",
        "mise", "rtx", "nvm", "pyenv", "rbenv", "nodenv", "volta", "fnm", "goenv", "jenv", "juliaup", "ghcup",
        "elan", "vcpkg", "conan", "spack", "helm", "krew", "code", "codium", "vim-plug", "pio", "platformio",
        "arduino-cli", "raco", "julia", "R", "Rscript", "pear", "pecl", "mvn", "gradle", "flutter", "dart", "pub",
        "deno", "twine", "fvm", "snapcraft", "apm", "ppm", "qpm", "dub", "zef", "nix", "home-manager",
        "gh-extension",
    ]

    /// Every program deletion's switch has a case for.
    static let deletionPrograms: NameSet = [
        "rm", "unlink", "srm", "wipe", "shred", "trash-rm", "rmtrash-empty", "truncate", "find", "git", "rmdir",
        "mv", "rename", "mmv", "prename", "perl-rename", "file-rename", "rename.ul", "zmv", "vidir", "qmv", "f2",
        "sed", "perl", "ruby",
    ]

    static func localSystem(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        let sub = pos.first ?? ""
        if processKillers.contains(p) {
            if !args.isEmpty && !inv.hasAny(["-l", "-L", "--list", "--table"]) {
                a.hit(.systemChange, k, reason: "\(p) signals or reprioritises processes")
            }
            return
        }
        if accountTools.contains(p) {
            // `passwd -S` and `chage -l` only print.
            if !(inv.has("-S") || inv.has("-l") && p.eq("chage")) {
                a.hit(.systemChange, k, reason: "\(p) changes users or groups")
            }
            return
        }
        switch systemPrograms.contains(p) ? Name(p) : Name("") {
        case "systemctl", "service", "rc-service", "sv", "launchctl", "supervisorctl", "pm2", "initctl",
            "update-rc.d", "chkconfig", "rc-update", "loginctl", "busctl", "snap", "runsvctrl":
            if p.eq("service") {
                if pos.count >= 2 && serviceVerbs.contains(pos[1]) || args.contains("--full-restart") {
                    a.hit(.systemChange, k, reason: "service \(pos[0]) \(pos.count > 1 ? pos[1] : "")")
                }
            } else if p.eq("snap") {
                if [
                    "remove", "refresh", "revert", "disable", "enable", "set", "unset", "connect", "disconnect",
                    "restart", "stop", "start",
                ].contains(sub) {
                    a.hit(.softwareChange, k, reason: "snap \(sub) changes installed software")
                }
            } else if serviceVerbs.contains(sub)
                || [
                    "load", "unload", "bootstrap", "bootout", "kickstart", "delete",
                    "terminate-session", "terminate-user", "kill-session", "kill-user", "lock-session", "lock-sessions",
                    "enable-linger", "disable-linger", "save", "startup", "unstartup", "flush", "defaults", "remove",
                    "add", "del", "on", "off", "call", "set-property", "update", "reread", "shutdown",
                ].contains(sub)
            {
                a.hit(.systemChange, k, reason: "\(p) \(sub) changes running services")
            }
        case "jj":
            // Jujutsu: operations that drop or rewrite changes, or talk to the remote (A5).
            if ["abandon", "rebase", "squash", "split", "diffedit", "restore", "undo", "backout", "edit", "absorb"]
                .contains(sub)
                || sub == "op" && pos.dropFirst().first.map({ ["restore", "undo", "abandon"].contains($0) }) == true
                || sub == "git" && pos.dropFirst().first.map({ ["push", "fetch", "clone"].contains($0) }) == true
            {
                a.hit(.systemChange, k, reason: "jj \(sub) rewrites or discards changes, or talks to the remote")
            }
        case "ipcrm", "cgclassify", "cgexec", "cgcreate", "cgdelete", "cgset", "chrt":
            a.hit(.systemChange, k, reason: "\(p) changes processes or kernel objects")
        case "tomb":
            if [
                "open", "close", "slam", "dig", "forge", "lock", "resize", "passwd", "setkey", "engrave", "bury",
                "exhume",
            ].contains(sub) {
                a.hit(.systemChange, k, reason: "tomb \(sub) mounts, creates or changes an encrypted store")
            }
        case "scancel", "qdel", "bkill", "condor_rm", "qsig", "qhold":
            a.hit(.systemChange, k, reason: "\(p) cancels cluster jobs")
        case "ss":
            if inv.hasAny(["-K", "--kill"]) { a.hit(.systemChange, k, reason: "ss -K kills sockets") }
        case "setenforce":
            a.hit(.systemChange, k, reason: "setenforce changes SELinux enforcement")
        case "wakeonlan", "etherwake", "wol", "wondershaper", "agetty", "getty", "inputattach", "pmount", "pumount",
            "grub-mount", "steamosctl", "udevadm", "sensors-detect", "cupsctl", "cupsenable", "cupsdisable",
            "lpadmin", "lpoptions", "cupsaccept", "cupsreject", "balooctl", "tpm2", "tpm2_clear", "fwupdtool",
            "mokutil", "sbctl", "cryptenroll", "systemd-cryptenroll", "bluetoothctl", "btmgmt", "hciconfig",
            "iwlist", "airmon-ng", "aireplay-ng", "macchanger":
            let readOnly =
                p.eq("udevadm") && ["info", "monitor", "test", "settle"].contains(sub)
                || p.eq("iwlist") && !pos.contains(where: { ["wpakeys", "keys", "enc", "encryption"].contains($0) })
                || p.eq("bluetoothctl")
                    && (pos.isEmpty || ["list", "show", "info", "devices", "paired-devices"].contains(sub))
                || p.eq("lpoptions") && inv.has("-l")
                || p.eq("tpm2") && ["getcap", "pcrread", "readpublic", "print", "getrandom"].contains(sub)
                || p.eq("mokutil") && inv.hasAny(["--list-enrolled", "--sb-state", "-l"])
                || p.eq("sbctl") && ["status", "list-files", "verify"].contains(sub)
                || p.eq("hciconfig") && pos.count <= 1
            if !readOnly { a.hit(.systemChange, k, reason: "\(p) changes devices or system state") }
        case "modprobe", "insmod", "rmmod", "depmod", "kmod":
            if !inv.hasAny(["-n", "--dry-run", "--show-depends", "-c"])
                && !(p.eq("kmod") && ["list", "static-nodes", "help"].contains(sub))
            {
                a.hit(.systemChange, k, reason: "\(p) loads or unloads kernel modules")
            }
        case "sysctl":
            if inv.hasAny(["-w", "-p", "--system", "--load"]) || pos.contains(where: { $0.contains("=") }) {
                a.hit(.systemChange, k, reason: "sysctl changes kernel settings")
            }
        case "hostname":
            if !pos.isEmpty || inv.hasAny(["-F", "--file", "-b", "--boot"]) {
                a.hit(.systemChange, k, reason: "hostname changes the host name")
            }
        case "hostnamectl", "timedatectl", "localectl":
            if sub.hasPrefix("set") || ["hostname"].contains(sub) && pos.count > 1 {
                a.hit(.systemChange, k, reason: "\(p) \(sub) changes system settings")
            }
        case "date":
            if inv.hasAny(["-s", "--set"]) || pos.contains(where: { $0.utf8.count >= 8 && $0.allSatisfy(\.isNumber) }) {
                a.hit(.systemChange, k, reason: "date sets the clock")
            }
        case "hwclock":
            if inv.hasAny(["-w", "--systohc", "-s", "--hctosys", "--set", "--adjust"]) {
                a.hit(.systemChange, k, reason: "hwclock sets the clock")
            }
        case "mount", "umount", "swapon", "swapoff", "fusermount", "fusermount3", "eject", "udisksctl",
            "mount.cifs", "mount.nfs", "bindfs", "unionfs":
            if p.eq("udisksctl") && ["status", "info", "dump", "help"].contains(sub) { return }
            if (p.eq("mount") || p.eq("swapon")) && (pos.isEmpty || inv.hasAny(["-l", "--show", "--summary", "-s"])) {
                return
            }
            a.hit(.systemChange, k, reason: "\(p) changes what is mounted")
        case "ip":
            let words = pos.map { $0.asciiLowercased }
            if words.contains(where: {
                ["add", "del", "delete", "set", "change", "replace", "flush", "up", "down", "append", "exec"].contains(
                    $0)
            }) {
                a.hit(.systemChange, k, reason: "ip \(words.joined(separator: " ")) changes the network configuration")
            }
        case "ifconfig", "iwconfig", "ifup", "ifdown", "route", "iw", "nmcli", "nmtui", "wpa_cli", "brctl",
            "ethtool", "tc", "vconfig", "dhclient", "dhcpcd", "netplan", "resolvectl", "networkctl", "wg",
            "wg-quick", "tailscale", "zerotier-cli", "openvpn", "nordvpn", "expressvpn", "protonvpn", "warp-cli":
            let readOnly =
                p.eq("ifconfig") && pos.count <= 1 || p.eq("route") && (pos.isEmpty || sub == "-n")
                || p.eq("iwconfig") && pos.count <= 1
                || p.eq("ethtool") && !inv.hasAny(["-s", "-K", "-G", "-A", "-C", "-E", "-L"])
                || [
                    "show", "status", "list", "monitor", "dev", "info", "-h", "--help", "link", "scan", "general",
                    "phy", "event",
                ]
                .contains(sub)
                    && !pos.dropFirst().contains(where: {
                        ["set", "connect", "disconnect", "up", "down", "modify", "add", "delete", "del", "on", "off"]
                            .contains($0)
                    })
            if !readOnly && !(pos.isEmpty && !["dhclient", "openvpn", "wg-quick", "nmtui", "netplan"].contains(p)) {
                a.hit(.systemChange, k, reason: "\(p) changes the network configuration")
            }
        case "iptables", "ip6tables", "nft", "ufw", "firewall-cmd", "iptables-restore", "ebtables", "arptables",
            "pfctl", "ipset":
            let listing =
                inv.hasAny(["-L", "--list", "-S", "--list-rules", "-n"])
                && !inv.hasAny(["-A", "-I", "-D", "-R", "-N", "-X", "-P", "-F"])
                || ["status", "list", "show", "--list-all", "--state", "--get-zones", "app"].contains(sub)
                || sub == "list" || p.eq("nft") && sub == "list"
            if !listing && !args.isEmpty {
                a.hit(.systemChange, k, reason: "\(p) changes firewall rules")
            }
        case "crontab":
            if !inv.has("-l") && !args.isEmpty || args.isEmpty {
                a.hit(.outsideWrite, k, reason: "crontab installs scheduled jobs")
            }
        case "at", "batch":
            if !inv.hasAny(["-l", "-c"]) { a.hit(.outsideWrite, k, reason: "\(p) schedules a job") }
        case "update-grub", "grub-install", "grub-mkconfig", "update-initramfs", "dracut", "mkinitcpio",
            "efibootmgr", "bootctl", "kernelstub", "grub2-mkconfig", "update-alternatives", "alternatives",
            "ldconfig", "update-ca-certificates", "gsettings", "dconf", "xdg-mime", "xdg-settings",
            "defaults", "localedef", "locale-gen", "dpkg-reconfigure", "ssh-keygen", "ssh-add", "authconfig",
            "setsebool", "semanage", "restorecon", "aa-enforce", "aa-complain", "aa-disable", "tzselect",
            "update-locale", "systemd-firstboot", "machinectl", "snapper", "timeshift", "etckeeper",
            "chroot", "unshare", "nsenter", "setarch", "prlimit", "cpupower", "tuned-adm", "powerprofilesctl",
            "x86_energy_perf_policy", "nvidia-smi", "nvidia-settings", "xrandr", "brightnessctl", "light",
            "rtcwake", "pm-suspend", "pm-hibernate", "systemd-run", "run0", "kexec":
            systemTool(a, k, inv)
        default:
            break
        }
        if diskTools.contains(p) { rawDisk(a, k, inv) }
        if p.eq("dd") {
            if let src = args.first(where: { $0.hasPrefix("if=/dev/") }), !quietSource(String(src.dropFirst(3))) {
                a.hit(.rawDisk, k, reason: "dd reads the raw device \(src.dropFirst(3))")
            }
        }
        if captureTools.contains(p) { capture(a, k, inv) }
        if databaseClients.contains(p) {
            if !(args.count == 1 && (args[0] == "--version" || args[0] == "-V")) {
                a.hit(.databaseSession, k, reason: "\(p) opens a database session or changes a database")
            }
        }
        if thirdPartyServices.contains(p) && !args.isEmpty
            && !(p.eq("ollama") && ["list", "ls", "ps", "show", "serve"].contains(sub))
        {
            a.hit(.thirdPartyService, k, reason: "\(p) sends text or code to a third-party service")
        }
        thirdPartyCode(a, k, inv)
        permissions(a, k, inv)
        packages(a, k, inv)
    }

    static func quietSource(_ dev: String) -> Bool {
        ["/dev/zero", "/dev/urandom", "/dev/random", "/dev/null", "/dev/stdin", "/dev/fd/0"].contains(dev)
    }

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
        case "rtcwake", "pm-suspend", "pm-hibernate":
            a.hit(.systemChange, k, reason: "\(p) suspends the machine")
        case "kexec":
            break  // SystemControl: power state
        default:
            if !inv.args.isEmpty
                && !inv.hasAny([
                    "-l", "--list", "-p", "--print", "--query", "--display", "status", "--test", "--dry-run", "-n",
                ])
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
            || p.eq("parted") && (inv.hasAny(["-l", "--list"]) || pos.contains("print"))
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

    /// A13 and R10: the screen, keyboard, clipboard and password stores; screen locks and radios.
    static func capture(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        let sub = pos.first ?? ""
        var why: String?
        switch Name(p) {
        case "xclip", "xsel":
            // Reading the clipboard (`-o`, `xsel` with -o/-b alone) captures what the user copied;
            // writing to it (`-i`, a pipe into it) is ordinary work.
            if inv.hasAny(["-o", "-out", "--output"]) { why = "reads the clipboard" }
        case "wl-paste", "pbpaste": why = "reads the clipboard"
        case "cliphist", "clipse", "gpaste-client", "cb":
            if ["list", "decode", "paste", "history", "show", "get", "--list"].contains(sub)
                || pos.isEmpty && !p.eq("cb")
            {
                why = "reads the clipboard history"
            }
        case "copyq": if ["read", "clipboard", "history"].contains(sub) { why = "reads the clipboard history" }
        case "xinput": if sub == "test" || sub == "test-xi2" { why = "records keyboard and pointer input" }
        case "xdotool", "ydotool", "wtype", "xte":
            if p.eq("xdotool")
                && [
                    "getactivewindow", "getmouselocation", "search", "getwindowname", "getwindowpid",
                    "getwindowgeometry", "getwindowfocus", "get_desktop", "get_num_desktops",
                ].contains(sub)
            {
                return
            }
            why = "injects synthetic key presses or pointer events"
        case "import":
            if inv.has("-window") || args.contains("root") || pos.count == 1 { why = "captures the screen" }
        case "ffmpeg":
            if let f = inv.value(of: "-f"),
                [
                    "x11grab", "kmsgrab", "gdigrab", "avfoundation", "fbdev", "v4l2", "pulse", "alsa", "dshow",
                    "pipewire",
                ].contains(f),
                args.contains("-i")
            {
                why = "records the screen, camera or microphone"
            }
        case "rfkill": if ["block", "unblock", "toggle"].contains(sub) { why = "changes radios (wifi, bluetooth)" }
        case "pass", "gopass":
            if pos.isEmpty
                || ["show", "otp", "-c", "--clip", "cat", "find", "grep", "ls", "list"].contains(sub) && sub != "ls"
                    && sub != "list" && sub != "find"
                || ![
                    "init", "insert", "generate", "edit", "rm", "mv", "cp", "git", "ls", "list", "find", "help",
                    "version", "--help",
                ].contains(sub) && !pos.isEmpty
            {
                if pos.isEmpty { return }  // lists names only
                why = "reads a password from the store"
            } else if ["insert", "generate", "edit", "rm", "mv", "cp", "git"].contains(sub) {
                why = "changes the password store"
            }
        case "bw", "op", "keepassxc-cli", "secret-tool", "lpass", "kwallet-query":
            if [
                "get", "show", "read", "lookup", "export", "item", "list", "ls", "search", "unlock", "login", "-r",
                "open", "clip", "attachment",
            ].contains(sub)
                || p.eq("kwallet-query") && inv.hasAny(["-r", "--read-password", "-l"])
                || p.eq("secret-tool") && sub == "search"
            {
                why = "reads the password manager"
            } else if [
                "logout", "lock", "store", "create", "edit", "delete", "add", "rm", "mv", "sync", "config", "import",
            ].contains(sub) {
                why = "changes the password manager"
            }
        case "gpg":
            if inv.hasAny([
                "--export-secret-keys", "--export-secret-subkeys", "--delete-secret-keys", "--delete-keys", "--gen-key",
                "--full-generate-key", "--generate-key", "--quick-gen-key", "--import", "--edit-key", "--sign-key",
                "--lsign-key", "--delete-secret-and-public-key", "--gen-revoke", "--send-keys", "--recv-keys",
                "--refresh-keys",
            ]) {
                why = "changes, exports or exchanges keys in the keyring"
            }
        case "gnome-keyring-daemon":
            if inv.hasAny(["--unlock", "--replace", "--start"]) { why = "unlocks the keyring" }
        case "showkey", "logkeys", "evtest": why = "records keystrokes"
        case "xdg-screensaver": if sub == "lock" || sub == "activate" { why = "locks the screen" }
        case "slock", "i3lock", "xlock", "swaylock": why = "locks the screen"
        case "gnome-screensaver-command", "xscreensaver-command", "light-locker-command":
            if inv.hasAny(["-l", "--lock", "-lock", "-a", "--activate", "-activate"]) { why = "locks the screen" }
        default:
            why = "captures the screen or its recording"
        }
        if let why { a.hit(.inputCapture, k, reason: "\(p) \(why)") }
    }

    /// A14: someone else's code fetched and run.
    static func thirdPartyCode(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let pos = inv.positionals
        let sub = pos.first ?? ""
        var pkg: String?
        switch Name(p) {
        case "npx", "bunx", "pnpx", "uvx":
            pkg = pos.first
        case "pipx":
            if sub == "run" { pkg = pos.dropFirst().first }
        case "uv":
            if sub == "tool" && pos.dropFirst().first == "run" { pkg = pos.dropFirst(2).first }
            if sub == "run" && inv.hasAny(["--with"]) { pkg = inv.value(of: "--with") }
        case "pnpm", "yarn":
            if sub == "dlx" { pkg = pos.dropFirst().first }
        case "npm":
            if sub == "exec" || sub == "x" { pkg = pos.dropFirst().first ?? inv.value(of: "--package", "-p") }
            if sub == "init" || sub == "create", let t = pos.dropFirst().first { pkg = "create-" + t }
        case "go":
            if sub == "run", let target = pos.dropFirst().first, target.contains("@") || target.contains(".com/") {
                pkg = target
            }
        case "deno":
            if sub == "run", let t = pos.dropFirst().first,
                t.hasPrefix("http") || t.hasPrefix("npm:") || t.hasPrefix("jsr:")
            {
                pkg = t
            }
        case "nix":
            if ["run", "shell"].contains(sub), let t = pos.dropFirst().first, t.contains(":") || t.contains("#") {
                pkg = t
            }
        case "nix-shell":
            if inv.has("-p") { pkg = inv.value(of: "-p") ?? "packages" }
        case "gem":
            if sub == "exec" { pkg = pos.dropFirst().first }
        case "dotnet":
            if sub == "tool" && pos.dropFirst().first == "run" { pkg = pos.dropFirst(2).first }
        default:
            break
        }
        if let pkg {
            a.hit(.thirdPartyCode, k, reason: "\(p) fetches and runs third-party code (\(pkg))")
        }
    }

    /// A6: permissions and ownership (setuid bits are Privilege's, and block).
    static func permissions(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "chmod", "chown", "chgrp", "setfacl", "chattr", "chcon", "lchown":
            let pos = inv.positionals
            if pos.count >= 2
                || p.eq("setfacl") && inv.hasAny(["-m", "-x", "-b", "-k", "-M", "-X", "--set", "--modify", "--remove"])
                || p.eq("chattr") && !pos.isEmpty
                || inv.hasAny(["--reference"]) && !pos.isEmpty
            {
                a.hit(.permissionChange, k, reason: "\(p) changes permissions or ownership")
            }
        case "umask":
            break  // the current shell only (L5)
        default:
            break
        }
    }

    /// A4: software installed, removed or upgraded (Packages scores installs; this adds the
    /// rest of the package managers' verbs, plus publishing).
    static func packages(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        guard packagePrograms.contains(p) else { return }
        let pos = inv.positionals
        let sub = pos.first ?? ""
        let changes: Set<String>
        switch Name(p) {
        case "apt", "apt-get", "aptitude", "dnf", "yum", "zypper", "apk", "brew", "port", "pkg", "emerge",
            "xbps-install", "xbps-remove", "eopkg", "swupd", "slackpkg", "nala", "pkcon", "tdnf", "microdnf",
            "opkg", "pkgin", "pkg_add", "pkgutil", "urpmi", "rpm-ostree", "flatpak", "guix", "nix-env", "pixi",
            "nix-channel", "mas", "choco", "winget", "scoop", "pacstrap", "debootstrap", "wajig", "pkgtool":
            changes = [
                "install", "remove", "purge", "upgrade", "update", "dist-upgrade", "full-upgrade", "autoremove",
                "reinstall", "downgrade", "erase", "add", "del", "uninstall", "delete", "sync", "refresh",
                "distro-sync", "dup", "in", "rm", "up", "ug", "autoclean", "clean-deps", "build-dep", "fix",
                "upgrade-all", "bundle-add", "bundle-remove", "tap", "untap", "link", "unlink", "pin", "unpin",
                "selfupdate", "self-update", "mark", "hold", "unhold", "swap", "shell", "localinstall", "groupinstall",
                "module", "copr", "config-manager", "makecache", "-i", "--install", "-u", "--upgrade", "-e",
                "--uninstall",
                "--add", "--remove", "--update", "deploy", "rebase", "override", "apply-live", "cleanup",
            ]
            if p.eq("brew") && ["cleanup"].contains(sub) { return }
            if ["pacstrap", "debootstrap"].contains(p) {
                a.hit(.softwareChange, k, reason: "\(p) installs a system into \(sub)")
                return
            }
        case "pacman", "yay", "paru", "pamac", "rpm", "dpkg":
            let flags = inv.args.filter { $0.hasPrefix("-") && !$0.hasPrefix("--") }
            let mutating =
                flags.contains { f in
                    (f.hasPrefix("-S") && !f.hasPrefix("-Ss") && !f.hasPrefix("-Si") && !f.hasPrefix("-Sl")
                        && !f.hasPrefix("-Sg"))
                        || f.hasPrefix("-R") || f.hasPrefix("-U")
                        || (f.hasPrefix("-i") && (p.eq("rpm") || p.eq("dpkg")))
                        || (p.eq("dpkg") && (f == "-r" || f == "-P" || f == "--configure"))
                        || (p.eq("rpm") && (f == "-e" || f.hasPrefix("-F")))
                } || inv.hasAny(["--install", "--remove", "--purge", "--upgrade", "--erase", "--sync", "--freshen"])
                || p.eq("pamac") && ["install", "remove", "upgrade", "update", "build", "reinstall"].contains(sub)
                || p.eq("yay") && inv.args.isEmpty || p.eq("paru") && inv.args.isEmpty
            if mutating { a.hit(.softwareChange, k, reason: "\(p) installs, removes or upgrades packages") }
            return
        case "pip", "pip3", "pip2", "pipx", "poetry", "pdm", "conda", "mamba", "micromamba", "pipenv", "hatch", "rye":
            changes = [
                "install", "uninstall", "add", "remove", "update", "upgrade", "lock-update", "create", "env-create",
                "sync", "inject", "reinstall", "reinstall-all", "upgrade-all", "uninstall-all", "self", "publish",
                "upload", "ensurepath",
            ]
            if p.eq("conda") && sub == "env"
                && pos.dropFirst().first.map({ ["create", "update", "remove"].contains($0) }) == true
            {
                a.hit(.softwareChange, k, reason: "conda env changes an environment")
                return
            }
        case "npm", "pnpm", "yarn", "bun":
            changes = [
                "install", "i", "add", "remove", "rm", "uninstall", "un", "unlink", "update", "up", "upgrade", "ci",
                "publish", "unpublish", "deprecate", "link", "dedupe", "prune", "audit-fix", "global", "dist-tag",
                "owner", "access", "token", "adduser", "login", "logout", "set", "team", "org", "hook", "star",
                "unstar", "pack-publish", "rebuild", "patch-commit", "import",
            ]
            if (p.eq("npm") || p.eq("yarn") || p.eq("pnpm")) && sub == "config"
                && pos.dropFirst().first.map({ ["set", "delete", "edit", "rm"].contains($0) }) == true
            {
                a.hit(.outsideWrite, k, reason: "\(p) config changes the global configuration")
                return
            }
            if sub == "audit" && pos.contains("fix") {
                a.hit(.softwareChange, k, reason: "\(p) audit fix changes dependencies")
                return
            }
            if (sub == "install" || sub == "i") && pos.count == 1 && !inv.hasAny(["-g", "--global"]) && p.eq("npm") {
                a.hit(.softwareChange, k, reason: "npm install installs the project's dependencies")
                return
            }
        case "cargo":
            changes = [
                "install", "uninstall", "add", "remove", "rm", "update", "publish", "yank", "owner", "login", "logout",
                "upgrade", "binstall",
            ]
        case "go":
            changes = ["install", "get"]
            if sub == "mod" && pos.dropFirst().first == "download" {
                a.hit(.softwareChange, k, reason: "go mod download fetches dependencies")
                return
            }
        case "gem", "bundle", "bundler", "composer", "cpan", "cpanm", "luarocks", "opam", "stack", "cabal",
            "nimble", "dotnet", "rustup", "tlmgr", "sdk", "sdkmanager", "asdf", "mise", "rtx", "nvm", "pyenv",
            "rbenv", "nodenv", "volta", "fnm", "goenv", "jenv", "juliaup", "ghcup", "elan", "vcpkg", "conan",
            "spack", "helm", "krew", "code", "codium", "vim-plug", "pio", "platformio", "arduino-cli",
            "raco", "julia", "R", "Rscript", "pear", "pecl", "mvn", "gradle", "flutter", "dart", "pub", "deno",
            "twine", "fvm", "snapcraft", "apm", "ppm", "qpm", "dub", "zef", "nix", "home-manager", "gh-extension":
            changes = [
                "install", "uninstall", "add", "remove", "update", "upgrade", "publish", "push", "yank", "require",
                "toolchain", "component", "target", "plugin", "self", "global", "default", "--install-extension",
                "--uninstall-extension", "upload", "deploy", "release", "install-deps", "bootstrap", "fetch",
                "get", "sync", "set", "pin", "unpin", "link", "unlink", "outdated-upgrade", "restore-packages",
                "install-from", "installupdate", "env-create", "profile", "registry", "override", "reshim",
                "--install", "-i", "pub-get", "upgrade-all", "self-update", "selfupdate",
            ]
            if p.eq("rustup")
                && (sub == "show" || sub == "which" || sub == "doc" || sub == "run" || sub == "completions")
            {
                return
            }
            if p.eq("dotnet") && (sub == "publish" || sub == "pack") { return }
            if (p.eq("rustup") || p.eq("asdf") || p.eq("mise") || p.eq("sdk"))
                && ["toolchain", "component", "target", "plugin"].contains(sub),
                let next = pos.dropFirst().first, ["list", "ls"].contains(next)
            {
                return
            }
            if (p.eq("code") || p.eq("codium")) && !inv.hasAny(["--install-extension", "--uninstall-extension"]) {
                return
            }
            if p.eq("julia") || p.eq("R") || p.eq("Rscript") || p.eq("mvn") || p.eq("gradle") || p.eq("deno")
                || p.eq("nix") || p.eq("dart") || p.eq("flutter")
            {
                let s = sub
                let code = inv.value(of: "-e", "--eval") ?? ""
                if code.has("install") || code.has("Pkg.add")
                    || ["deploy", "install"].contains(s) && (p.eq("mvn") || p.eq("nix") && s == "install")
                    || p.eq("gradle") && ["publish", "uploadArchives"].contains(s) || p.eq("deno") && s == "install"
                    || (p.eq("flutter") || p.eq("dart")) && s == "pub"
                        && pos.dropFirst().first.map({ ["get", "add", "upgrade", "remove", "global"].contains($0) })
                            == true
                    || p.eq("nix") && s == "profile"
                        && pos.dropFirst().first.map({ ["install", "remove", "upgrade"].contains($0) }) == true
                    || p.eq("flutter") && s == "upgrade"
                {
                    a.hit(.softwareChange, k, reason: "\(p) installs or publishes packages")
                }
                return
            }
        default:
            return
        }
        let second = pos.dropFirst().first ?? ""
        if changes.contains(sub) || inv.args.contains(where: { $0.isOptionLike && changes.contains($0) })
            || ["group", "groups", "module", "env", "extension", "plugin", "platform", "profile"].contains(sub)
                && changes.contains(second)
            || sub == "builddep"
        {
            // Packages already scored the plain installs; this covers the rest.
            a.hit(
                .softwareChange, k,
                reason:
                    "\(p) \(sub.isEmpty ? inv.args.first ?? "" : sub) changes installed software or publishes a package"
            )
        }
    }

    // MARK: files

    /// Names that are scratch, build or cache output: deleting them loses nothing (A1 exception, R11).
    static func isDisposable(_ raw: String) -> Bool {
        var t = raw
        while t.hasSuffix("/") && t.utf8.count > 1 { t.removeLast() }
        if t.hasPrefix("/tmp/") || t.hasPrefix("/var/tmp/") || t.hasPrefix("/dev/shm/") || t == "/tmp/*" { return true }
        if t.hasPrefix("$TMPDIR") || t.hasPrefix("${TMPDIR") || t.lowercased().hasPrefix("$tmp")
            || t.lowercased().hasPrefix("${tmp")
            || t.lowercased().hasPrefix("$temp") || t.lowercased().hasPrefix("${temp") || t.hasPrefix("\"$tmp")
        {
            return true
        }
        let name = t.split(separator: "/").last.map(String.init) ?? t
        let lower = name.lowercased()
        let dirs: Set<String> = [
            "build", "builds", "dist", "target", "out", "node_modules", "__pycache__", ".cache", "cache",
            ".pytest_cache",
            ".mypy_cache", ".ruff_cache", ".tox", ".nox", ".next", ".nuxt", ".parcel-cache", ".gradle", ".build",
            "coverage", ".coverage", "htmlcov", ".eggs", "bin", "obj", "tmp", "temp", ".tmp", ".turbo", ".svelte-kit",
            ".angular", "cmake-build-debug", "cmake-build-release", "_build", "deps", ".webpack", "storybook-static",
            ".terraform", ".venv-tmp", "site", "public/build", "logs", ".sass-cache", "DerivedData", ".stack-work",
            "dist-newstyle", "elm-stuff", "bower_components", "jspm_packages", ".dart_tool", "pkg", "vendor/bundle",
        ]
        if dirs.contains(lower) || lower.hasSuffix(".egg-info") { return true }
        let exts = [
            ".o", ".obj", ".pyc", ".pyo", ".class", ".tmp", ".temp", ".log", ".swp", ".swo", "~", ".bak", ".orig",
            ".rej", ".a", ".so", ".d", ".gcda", ".gcno", ".lo", ".la", ".dSYM", ".cache", ".pid", ".lock.tmp", ".out",
        ]
        return exts.contains { lower.hasSuffix($0) } || lower.hasPrefix("tmp") || lower.hasPrefix("temp")
            || lower == "a.out" || lower == "core" || lower.hasPrefix("core.")
    }

    /// A1: deletion of anything but scratch and build output (the broad and critical cases
    /// are Destruction's, and score higher).
    static func deletion(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        guard deletionPrograms.contains(p) else { return }
        let args = inv.args
        var targets: [String] = []
        var what = "deletes"
        switch Name(p) {
        case "rm", "unlink", "srm", "wipe", "shred", "trash-rm", "rmtrash-empty":
            targets = args.filter { !$0.isOptionLike }
            if inv.argsFromInput && targets.isEmpty { targets = ["(paths from standard input)"] }
            if p.eq("shred") { what = "destroys" }
        case "truncate":
            if let s = inv.value(of: "-s", "--size"), s == "0" || s.hasPrefix("-") || s.hasPrefix("<") {
                targets = inv.positionals.filter { $0 != s }
                what = "empties"
            }
        case "find":
            let deletes =
                inv.has("-delete")
                || args.enumerated().contains { j, x in
                    ["-exec", "-execdir", "-ok", "-okdir"].contains(x) && j + 1 < args.count
                        && ["rm", "/bin/rm", "/usr/bin/rm", "shred", "unlink", "rmdir", "srm"].contains(args[j + 1])
                }
            // A name filter that only matches build or cache output (`-name '*.pyc'`) deletes
            // nothing of value, whatever the root.
            if deletes, !(inv.value(of: "-name", "-iname").map(isDisposable) ?? false) {
                targets = [args.first { !$0.isOptionLike } ?? "."]
            }
            // find -exec mv / sed -i / chmod over many files: A2 bulk change.
            if let j = args.firstIndex(where: { ["-exec", "-execdir"].contains($0) }), j + 1 < args.count {
                let cmd = args[j + 1]
                let inPlace =
                    cmd == "sed" && args[(j + 1)...].contains(where: { $0.hasPrefix("-i") })
                    || cmd == "perl" && args[(j + 1)...].contains(where: { $0.hasPrefix("-pi") || $0.hasPrefix("-i") })
                if ["mv", "rename", "chmod", "chown", "chgrp", "cp", "ln", "truncate", "dd", "tee"].contains(cmd)
                    || inPlace
                {
                    a.hit(.bulkChange, k, reason: "find -exec \(cmd) changes every file it finds")
                }
            }
        case "git":
            let words = GitSafety.subcommandWords(inv)
            if words.first == "clean" && !inv.hasAny(["-n", "--dry-run"]) {
                a.hit(.fileDelete, k, reason: "git clean deletes untracked files")
            } else if words.first == "rm" && !inv.has("--cached") {
                a.hit(.fileDelete, k, reason: "git rm deletes tracked files from the work tree")
            }
            return
        case "rmdir":
            return  // only empty directories (R9)
        case "mv", "rename", "mmv", "prename", "perl-rename", "file-rename", "rename.ul", "zmv", "vidir", "qmv", "f2":
            bulk(a, k, inv)
            return
        case "sed", "perl", "ruby":
            let inPlace = args.contains {
                $0 == "-i" || $0.hasPrefix("-i") && !$0.hasPrefix("-in") || $0.hasPrefix("--in-place")
                    || $0.hasPrefix("-pi")
            }
            let files = inv.positionals.dropFirst(p.eq("sed") && inv.value(of: "-e", "--expression") == nil ? 1 : 0)
            if inPlace && (files.count > 1 || files.contains { $0.contains("*") || $0.contains("?") }) {
                a.hit(.bulkChange, k, reason: "\(p) -i rewrites many files in place")
            }
            return
        default:
            return
        }
        guard !targets.isEmpty else { return }
        let kept = targets.filter { !isDisposable($0) }
        if kept.isEmpty { return }
        a.hit(.fileDelete, k, reason: "\(p) \(what) \(kept[0])")
    }

    /// A2: many files moved or renamed at once, or files moved out of the workspace.
    static func bulk(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let pos = inv.positionals
        if !p.eq("mv") {
            if !pos.isEmpty && !inv.hasAny(["-n", "--dry-run", "--just-print", "--no-act"]) {
                a.hit(.bulkChange, k, reason: "\(p) renames many files")
            }
            return
        }
        let sources = inv.value(of: "-t", "--target-directory") != nil ? pos : Array(pos.dropLast())
        if sources.count > 1 || sources.contains(where: { $0.contains("*") || $0.contains("?") || $0.contains("{") }) {
            a.hit(.bulkChange, k, reason: "mv moves many files at once")
        }
    }

    /// A11: writes outside the workspace (dotfiles, system configuration, other absolute paths).
    static func writesOutside(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ fam: Family) {
        let p = inv.program
        if p.eq("git") {
            if GitSafety.subcommandWords(inv).first == "config" && inv.hasAny(["--global", "--system"])
                && !inv.hasAny(["--get", "--list", "-l", "--get-all", "--get-regexp", "--show-origin"])
                && inv.positionals.count >= 3
            {
                a.hit(.outsideWrite, k, reason: "git config --global changes every repository's settings")
            }
            return
        }
        if p.eq("gh") || p.eq("glab"), inv.subcommand == "auth", let v = inv.positionals.dropFirst().first,
            ["login", "logout", "refresh", "setup-git", "token"].contains(v)
        {
            if v != "token" { a.hit(.outsideWrite, k, reason: "\(p) auth \(v) changes stored credentials") }
            return
        }
        if fam.contains(.login) {
            let w = inv.positionals.prefix(2)
            if w.contains("configure") || w.contains("login") || w.contains("logout")
                || w.contains("auth") && !w.contains("list")
            {
                a.hit(
                    .outsideWrite, k, reason: "\(p) \(w.joined(separator: " ")) changes stored logins or configuration")
                return
            }
        }
        for f in a.writtenFiles(k) {
            if let why = outsideTarget(f) {
                a.hit(.outsideWrite, k, target: f, reason: "\(p) writes \(f) (\(why))")
                return
            }
        }
    }

    static let loginCLIs: NameSet = [
        "aws", "gcloud", "az", "doctl", "heroku", "flyctl", "vercel", "netlify", "firebase", "ibmcloud", "oci",
        "docker", "podman", "npm", "cargo", "helm", "kubectl", "vault", "argocd", "hf", "huggingface-cli", "wrangler",
    ]

    /// Why a written path is outside the workspace, or nil when it is inside it or scratch.
    static func outsideTarget(_ f: String) -> String? {
        if f.hasPrefix("~") || f.hasPrefix("$HOME") || f.hasPrefix("${HOME}") || f.hasPrefix("\"$HOME") {
            return "the home directory"
        }
        guard f.hasPrefix("/") else { return nil }
        for ok in [
            "/tmp/", "/var/tmp/", "/dev/shm/", "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/fd/",
            "/proc/self/fd/", "/dev/pts/",
        ]
        where f.hasPrefix(ok) || f == String(ok.dropLast()) {
            return nil
        }
        if f.hasPrefix("/dev/") { return nil }  // devices: Destruction's
        if f.hasPrefix("/etc/") || f.hasPrefix("/usr/") || f.hasPrefix("/opt/") || f.hasPrefix("/var/")
            || f.hasPrefix("/boot/")
            || f.hasPrefix("/root/") || f.hasPrefix("/srv/") || f.hasPrefix("/lib")
        {
            return "system location"
        }
        if f.hasPrefix("/home/") || f.hasPrefix("/Users/") { return "another directory's files" }
        return "an absolute path outside the workspace"
    }

    /// R6: servers that expose files or data to the network, and system or session daemons.
    static let fileServers: NameSet = [
        "http-server", "live-server", "serve", "servez", "jhat", "updog", "miniserve", "simplehttpserver",
        "webfsd", "darkhttpd", "lighttpd", "nginx", "apache2", "httpd", "caddy", "dnsmasq", "sshd", "vsftpd",
        "proftpd", "smbd", "nmbd", "rpcbind", "mysqld", "mariadbd", "postgres", "pg_ctl", "redis-server",
        "mongod", "memcached", "pipewire-pulse", "pulseaudio", "jackd", "avahi-daemon", "chisel", "frpc", "frps",
        "bore", "localtunnel", "lt", "sish", "rathole", "inlets", "ssh-tunnel", "gotty", "ttyd", "tmate",
        "wormhole", "croc", "ffsend", "transfer", "syncthing", "resilio", "vncserver", "x11vnc", "tigervncserver",
        "xrdp", "samba", "nfsd", "exportfs", "rsyncd", "dropbear", "tor", "i3", "sway", "openbox", "xmonad",
        "awesome", "bspwm", "dwm", "startx", "xinit", "Xvfb", "weston", "gnome-session", "startplasma-x11",
        "kwin", "mutter", "picom", "compton", "dbus-daemon", "mosquitto", "rabbitmq-server", "kafka-server-start",
        "zookeeper-server-start", "elasticsearch", "consul-agent", "etcd", "minio", "registry", "verdaccio",
        "jupyter-server", "sftp-server", "ncat-broker", "proxify", "mitmproxy", "mitmweb", "mitmdump",
        "bettercap", "responder", "impacket-smbserver", "smbserver.py", "maigret", "cupsd", "guacd", "knockd",
        "bird", "bird6", "pipewire", "wireplumber", "hostapd", "create_ap", "named", "unbound", "bind9",
        "radiusd", "freeradius", "slapd", "krb5kdc", "squid", "privoxy", "haproxy", "traefik", "envoy",
        "openvpn-server", "strongswan", "ipsec", "zabbix_server", "zabbix_agentd", "prometheus", "grafana-server",
        "node_exporter", "telegraf", "influxd", "clickhouse-server", "cassandra", "couchdb", "neo4j",
        "php-fpm", "uwsgi", "sshuttle", "dex", "gpsd", "nfs-server", "rpc.mountd", "tftpd", "in.tftpd",
        "atftpd", "dhcpd", "isc-dhcp-server", "kea-dhcp4", "radvd", "xinetd", "inetd", "snmpd", "ntpd",
        "chronyd", "cron", "crond", "atd", "sshd-keygen", "Xorg", "X", "Xwayland", "lightdm", "gdm", "sddm",
        "ngrok", "cloudflared", "pixiecore", "s6-svscan", "supervisord", "nagios", "nagios2",
        "nagios3", "nagios4", "icinga2", "confettysh", "wetty", "shellinaboxd", "sshx", "upterm", "zrok", "pinggy",
    ]

    static func services(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        guard fileServers.contains(p) else { return }
        let loopback = inv.args.contains {
            $0 == "127.0.0.1" || $0 == "localhost" || $0.hasPrefix("127.0.0.1:") || $0.hasSuffix("=127.0.0.1")
                || $0.hasSuffix("=localhost") || $0 == "--local"
        }
        if loopback && !["tmate", "chisel", "bore", "localtunnel", "lt", "ngrok", "croc", "wormhole"].contains(p) {
            return
        }
        if inv.hasAny([
            "-t", "--version", "-v", "-V", "-T", "-c", "-check", "--check", "--test", "configtest", "status",
            "validate", "fmt", "adapt",
        ])
            || inv.positionals.first.map({
                ["configtest", "status", "validate", "fmt", "adapt", "version", "check"].contains($0)
            }) == true
        {
            return
        }
        a.hit(
            .networkListener, k, score: 60,
            reason: "\(p) serves files or data to other machines, tunnels, or starts a daemon")
    }
}
