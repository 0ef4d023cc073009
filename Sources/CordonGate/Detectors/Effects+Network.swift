// Effects: egress (gate-classes.md A3, R4, R5) and remote state (A9, R3). Hosts are read from
// URLs, `user@host` and bare names; loopback is never egress.

extension Effects {
    // MARK: hosts

    /// The host a URL-like argument names, when it is another machine: `scheme://[user@]host`,
    /// `user@host:path` (scp style), `--url=https://...`. Loopback and `file://` are local.
    static func remoteHost(_ raw: String) -> String? {
        // Every form needs a ':' (`scheme://`, `user@host:path`): most arguments have none.
        guard raw.utf8.contains(UInt8(ascii: ":")) else { return nil }
        var s = Substring(raw)
        if let eq = s.firstIndex(of: "=") {
            // `--url=https://x`, and a property set to a URL: `uri=https://x` (GStreamer),
            // `source=https://x`: the program fetches what the property names.
            if s[s.startIndex] == "-" {
                s = s[s.index(after: eq)...]
            } else if eq != s.startIndex, s[..<eq].utf8.allSatisfy(isPropertyByte), raw.byteRange(of: "://") != nil {
                // (Lower case only: `HTTP_PROXY=http://...` given to `--build-arg` is a setting.)
                s = s[s.index(after: eq)...]
            }
        }
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

    /// A property name's bytes (`uri`, `source.url`, `base-url`), in lower case.
    static func isPropertyByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D || c == 0x2E
    }

    /// A host name followed by a path with no scheme, `github.com/owner/repository`: a page or
    /// repository of another machine, as Go module paths and README viewers write them.
    static func bareRemotePath(_ w: String) -> String? {
        guard w.utf8.count >= 6, let slash = w.utf8.firstIndex(of: UInt8(ascii: "/")), slash != w.utf8.startIndex,
            w.utf8.index(after: slash) != w.utf8.endIndex, w.utf8.first != UInt8(ascii: "."),
            // Most paths have no dot before their first slash (`src/main.swift`): no string is made.
            w.utf8[..<slash].contains(UInt8(ascii: "."))
        else { return nil }
        let host = String(Substring(w.utf8[..<slash]))
        return isBareRemoteHost(host) ? host : nil
    }

    /// The first `host.tld/path` argument that is not a named option's value (`-module
    /// github.com/org/name` names a Go module; after a one-letter flag, `cp -r gcr.io/x`, it is
    /// an operand).
    static func firstBareRemotePath(_ args: [String]) -> String? {
        for j in args.indices where j == 0 || !args[j - 1].isOptionLike || args[j - 1].utf8.count <= 2 {
            if let h = bareRemotePath(args[j]) { return h }
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
        // Host names are written in lower case; a word with no lower-case letter is a symbol,
        // a constant or an identifier (`AAPL.US`, `README.MD`).
        guard u.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) else { return false }
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
            if let h = inv.args.first(where: isBareRemoteHost) ?? firstBareRemotePath(inv.args), !configures,
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
                // (Coverage uploaders send the project's report when run bare.)
                if ![
                    "ssh", "ftp", "lftp", "sftp", "telnet", "putty", "asciinema", "xeyes", "xclock", "php-coveralls",
                    "coveralls", "codecov",
                ].contains(p) {
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
            let local = p.eq("hg") && ["checkout", "co", "update", "up", "commit", "ci"].contains(sub)
            if ["checkout", "co", "update", "up", "commit", "ci", "clone", "pull", "push", "import", "export"]
                .contains(sub), !local
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
        // `kubectl annotate pods web --list`, `kubectl label --list`: listing what is set.
        if inv.has("--list") { return }
        guard !verbs.isEmpty else {
            // `vercel`, `netlify`, `flyctl` alone deploy; most others print usage.
            if ["vercel", "netlify", "devspace", "skaffold", "tilt", "tmt", "okteto", "ngrok", "cloudflared"]
                .contains(p), inv.args.isEmpty || inv.args.contains(where: { $0.hasPrefix("--") })
            {
                a.hit(.remoteStateChange, k, reason: "\(p) deploys or changes remote state")
            }
            return
        }
        if let i = verbs.firstIndex(where: isMutatingVerb), i + 1 < verbs.count,
            nounVerbs.contains(verbs[i]) || !actingVerbs.contains(verbs[i])
                || (verbs[i] == "run" || verbs[i] == "workflow") && (p.eq("gh") || p.eq("glab") || p.eq("tea")),
            readFollowers.contains(verbs[i + 1]) || isCompoundRead(verbs[i + 1])
        {
            // `glab release view`, `gh run list`, `kubectl auth can-i`, `kubectl rollout status`:
            // the mutating-looking word names a resource; the verb after it only reads (L7).
            return
        }
        // Proxmox's CLIs take any unique prefix of a command (`qm di m`, `pct resi`, `pvesm r`):
        // a short word that is not the start of one of their read commands is a change (A9).
        if proxmoxCLIs.contains(p), let v = verbs.first, v.utf8.count <= 4, !readVerbs.contains(v), !readsAfter(verbs),
            ![
                "list", "status", "config", "pending", "help", "showcmd", "listsnapshot", "get", "ls", "nodes", "path",
            ].contains(
                where: { $0.hasPrefix(v) })
        {
            a.hit(
                .remoteStateChange, k, reason: "\(p) \(v) (an abbreviated command) changes a Proxmox guest or storage")
            return
        }
        if let v = verbs.first(where: isMutatingVerb) {
            // `docker build` and `podman build` are L2 (a local image); `kubectl run` is not.
            if v == "build"
                && [
                    "docker", "podman", "buildah", "nerdctl", "apptainer", "singularity", "packer", "devspace",
                    "skaffold", "docker-compose", "compose",
                    // These render manifests or templates locally (`flux build kustomization`).
                    "flux", "kustomize", "sam",
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
        // `docker swarm ca --rotate`, `... unlock-key --rotate`: the cluster's keys or certificates replaced.
        if inv.has("--rotate") {
            a.hit(.remoteStateChange, k, reason: "\(p) \(verbs.joined(separator: " ")) rotates keys or certificates")
            return
        }
        if ["ansible", "ansible-playbook", "salt", "salt-ssh", "salloc", "sbatch", "srun", "schroot", "tmt", "nomad"]
            .contains(p), !verbs.contains(where: { readVerbs.contains($0) })
        {
            a.hit(.remoteStateChange, k, reason: "\(p) runs work on other machines")
        }
    }

}
