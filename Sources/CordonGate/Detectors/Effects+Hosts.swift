// Effects: hosts read from an argument's text (gate-classes.md A3): URLs, `user@host`, bare
// names and names with a path, a property set to a URL; loopback is never another machine.

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
            var scheme = Substring(str.utf8.prefix(r.lowerBound))
            // A driver prefix before the URL (GDAL's `WMS:https://host/ows`, `WCS:http://...`):
            // the driver fetches the URL after it, so the scheme is the part after the colon.
            if let c = scheme.utf8.lastIndex(of: UInt8(ascii: ":")), c != scheme.utf8.startIndex,
                scheme.utf8[..<c].allSatisfy({ ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) })
            {
                scheme = Substring(scheme.utf8[scheme.utf8.index(after: c)...])
            }
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
}
