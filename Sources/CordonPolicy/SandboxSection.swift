// The `sandbox:` section: isolation mode, timeout, network, filesystem, limits, seccomp
// profile, environment and the uid/gid the sandbox maps to.

extension PolicyDecoder {
    static let sandboxKeys = [
        "mode", "root", "image", "require", "timeout", "grace", "network", "network_allow", "network_domains",
        "unix_sockets", "filesystem", "limits",
        "seccomp", "env", "home", "uid", "gid",
    ]
    static let sandboxModes = ["namespaces", "landlock", "rootfs"]
    static let layers = ["namespaces", "landlock", "seccomp", "cgroups"]
    static let networkModes = ["none", "host", "allow-list", "domains"]

    mutating func sandbox(_ node: YAMLNode) -> SandboxPolicy {
        var s = SandboxPolicy()
        guard let f = fields(node, "sandbox", known: Self.sandboxKeys) else { return s }

        if let m = f["mode"], let text = m.scalar, text == "container" || Suggest.distance(text, "container") <= 2 {
            // AgentCop files say `mode: container` with `image:`; cordon runs no image
            // runtime, but an unpacked image works as a root directory.
            let image = f["image"]?.scalar ?? "IMAGE"
            fail(
                m,
                "sandbox.mode '\(text)' is not supported: cordon does not run container images. Unpack the image into a directory with `docker export $(docker create \(image)) | tar -x -C DIR` (or build one with `debootstrap stable DIR`), then use `mode: rootfs` with `root: DIR`"
            )
        } else {
            assign(&s.mode, f["mode"]) { d, n in
                d.choice(n, "sandbox.mode", Self.sandboxModes).flatMap(SandboxMode.init)
            }
            if let image = f["image"] {
                fail(
                    image,
                    "sandbox.image only goes with mode: container, which cordon does not run; use mode: rootfs with root: DIR"
                )
            }
        }
        assignOptional(&s.root, f["root"]) { $0.string($1, "sandbox.root") }
        if s.mode == .rootfs, s.root == nil || s.root == "" {
            fail(f["mode"] ?? node, "sandbox.mode rootfs needs sandbox.root: DIR, an unpacked image directory")
        }
        if s.mode != .rootfs, s.root != nil, let r = f["root"] {
            fail(r, "sandbox.root only applies to mode: rootfs (the mode here is \(s.mode.rawValue))")
        }

        assign(&s.require, f["require"]) { d, n in
            d.list(n, "sandbox.require") { d, i, p in d.choice(i, p, Self.layers) }
        }
        if s.mode == .landlock, s.require.contains("namespaces"), let r = f["require"] {
            fail(r, "sandbox.require lists namespaces, but mode: landlock runs without namespaces")
        }
        assign(&s.timeout, f["timeout"]) { $0.duration($1, "sandbox.timeout", positive: true) }
        assign(&s.grace, f["grace"]) { $0.duration($1, "sandbox.grace") }

        assign(&s.network, f["network"]) { d, n in
            d.choice(n, "sandbox.network", Self.networkModes).flatMap(NetworkMode.init)
        }
        assign(&s.networkAllow, f["network_allow"]) { d, n in
            d.list(n, "sandbox.network_allow") { d, item, path in d.endpoint(item, path) }
        }
        if s.network == .allowList, s.networkAllow.isEmpty, f["network_allow"]?.sequence?.isEmpty ?? true {
            fail(
                f["network"] ?? node,
                "sandbox.network allow-list needs sandbox.network_allow entries (host:port or CIDR:port)")
        }
        if s.network != .allowList, !s.networkAllow.isEmpty, let a = f["network_allow"] {
            fail(
                a,
                "sandbox.network_allow only applies to network: allow-list (the network here is \(s.network.rawValue))")
        }

        assign(&s.unixSockets, f["unix_sockets"]) { d, n in
            d.list(n, "sandbox.unix_sockets") { d, item, path in
                guard let p = d.string(item, path) else { return nil }
                guard p.hasPrefix("/") else {
                    d.fail(
                        item,
                        "\(path) '\(p)' is not an absolute path: name the socket file as the sandbox sees it, e.g. /run/user/1000/ssh-agent.sock"
                    )
                    return nil
                }
                return p
            }
        }
        if let n = f["network_domains"] { s.networkDomains = networkDomains(n) }
        let listed = s.networkDomains.allow.count + s.networkDomains.deny.count + s.networkDomains.ask.count
        if s.network != .domains, listed > 0, let n = f["network_domains"] {
            fail(
                n,
                "sandbox.network_domains only applies to network: domains (the network here is \(s.network.rawValue))")
        }
        if s.network == .domains, s.networkDomains.allow.isEmpty, s.networkDomains.ask.isEmpty {
            fail(
                f["network_domains"] ?? f["network"] ?? node,
                "sandbox.network domains needs sandbox.network_domains.allow (or ask) entries, e.g. allow: [pypi.org, \"*.pythonhosted.org\"]"
            )
        }
        if s.network == .domains, s.mode == .landlock, let n = f["network"] {
            fail(n, "sandbox.network domains needs a network namespace, which mode: landlock does not have")
        }

        if let n = f["filesystem"] { s.filesystem = filesystem(n) }
        if let n = f["limits"] { s.limits = limits(n) }
        assign(&s.seccomp, f["seccomp"]) { d, n in
            // Not expanded: the profile decides the seccomp cache key, which is the policy hash.
            guard let name = d.string(n, "sandbox.seccomp", expand: false) else { return nil }
            // A name, never a path: profiles come from sandbox/seccomp/ only.
            guard !name.isEmpty, name.utf8.allSatisfy({ Self.isNameByte($0) }) else {
                d.fail(
                    n,
                    "sandbox.seccomp must be a profile name from sandbox/seccomp/ (letters, digits, - and _), found '\(name)'"
                )
                return nil
            }
            return name
        }
        if let n = f["env"] { s.env = env(n) }
        if let n = f["home"] { s.home = home(n) }
        assign(&s.uid, f["uid"]) { d, n in d.int(n, "sandbox.uid", 1...4_294_967_294).map { UInt32($0) } }
        assign(&s.gid, f["gid"]) { d, n in d.int(n, "sandbox.gid", 1...4_294_967_294).map { UInt32($0) } }
        return s
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
    }

    /// `host:port`, `CIDR:port`, `[IPv6]:port` or `[IPv6/len]:port`; port 1-65535 or `*`.
    mutating func endpoint(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        func bad(_ why: String) -> String? {
            fail(
                node,
                "\(path) must be host:port or CIDR:port (e.g. api.example.com:443, 10.0.0.0/8:5432), found '\(text)': \(why)"
            )
            return nil
        }
        guard let colon = text.lastIndex(of: ":") else { return bad("no port") }
        var host = String(text[..<colon])
        let port = text[text.index(after: colon)...]
        if port != "*" {
            guard let p = Int(port), (1...65535).contains(p) else { return bad("port must be 1-65535 or *") }
        }
        var maxPrefix = 32
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            maxPrefix = 128
        } else if host.contains(":") {
            return bad("write IPv6 addresses in brackets, [::1]:443")
        }
        if let slash = host.firstIndex(of: "/") {
            guard let len = Int(host[host.index(after: slash)...]), (0...maxPrefix).contains(len) else {
                return bad("prefix length must be 0-\(maxPrefix)")
            }
            host = String(host[..<slash])
        }
        guard !host.isEmpty, !host.contains(" ") else { return bad("empty host") }
        return text
    }

    /// `{allow: [...], deny: [...], ask: [...]}` of host name patterns (DomainPattern).
    mutating func networkDomains(_ node: YAMLNode) -> NetworkDomains {
        var d = NetworkDomains()
        guard let f = fields(node, "sandbox.network_domains", known: ["allow", "deny", "ask", "proxy_env"]) else {
            return d
        }
        func patterns(_ dec: inout PolicyDecoder, _ n: YAMLNode, _ path: String) -> [String]? {
            dec.list(n, path) { dec, item, p in
                guard let text = dec.string(item, p) else { return nil }
                switch DomainPattern.normalise(text) {
                case .success(let v): return v
                case .failure(let why):
                    dec.fail(item, "\(p): \(why.message)")
                    return nil
                }
            }
        }
        assign(&d.allow, f["allow"]) { patterns(&$0, $1, "sandbox.network_domains.allow") }
        assign(&d.deny, f["deny"]) { patterns(&$0, $1, "sandbox.network_domains.deny") }
        assign(&d.ask, f["ask"]) { patterns(&$0, $1, "sandbox.network_domains.ask") }
        assign(&d.proxyEnvironment, f["proxy_env"]) { $0.bool($1, "sandbox.network_domains.proxy_env") }
        return d
    }

    mutating func filesystem(_ node: YAMLNode) -> FilesystemPolicy {
        var fs = FilesystemPolicy()
        let known = ["workspace", "read_only", "read_write", "tmpfs", "hide", "exec", "exec_memfd", "protect"]
        guard let f = fields(node, "sandbox.filesystem", known: known) else { return fs }
        assign(&fs.workspace, f["workspace"]) { d, n in
            guard let w = d.string(n, "sandbox.filesystem.workspace") else { return nil }
            if w.isEmpty {
                d.fail(n, "sandbox.filesystem.workspace must not be empty (use . for the working directory)")
            }
            return w.isEmpty ? nil : w
        }
        assign(&fs.readOnly, f["read_only"]) { $0.paths($1, "sandbox.filesystem.read_only") }
        assign(&fs.readWrite, f["read_write"]) { $0.paths($1, "sandbox.filesystem.read_write") }
        assign(&fs.tmpfs, f["tmpfs"]) { $0.paths($1, "sandbox.filesystem.tmpfs") }
        assign(&fs.hide, f["hide"]) { $0.paths($1, "sandbox.filesystem.hide") }
        assignOptional(&fs.exec, f["exec"]) { $0.paths($1, "sandbox.filesystem.exec") }
        assign(&fs.execMemfd, f["exec_memfd"]) { $0.bool($1, "sandbox.filesystem.exec_memfd") }
        assign(&fs.protect, f["protect"]) { d, n in
            d.list(n, "sandbox.filesystem.protect") { d, item, p in
                guard let s = d.string(item, p) else { return nil }
                guard !s.isEmpty, !s.hasPrefix("/"), !s.hasPrefix("~"), !s.split(separator: "/").contains("..") else {
                    d.fail(item, "\(p) entries are paths relative to the workspace (no /, ~ or ..), found '\(s)'")
                    return nil
                }
                return s
            }
        }
        return fs
    }

    /// Host paths: absolute, or under the invoking user's home (`~/...`). Relative paths
    /// would depend on where cordon happens to be started.
    mutating func paths(_ node: YAMLNode, _ path: String) -> [String]? {
        list(node, path) { d, item, p in
            guard let s = d.string(item, p) else { return nil }
            guard s.hasPrefix("/") || s.hasPrefix("~/") || s == "~" else {
                d.fail(item, "\(p) must be an absolute path or start with ~/, found '\(s)'")
                return nil
            }
            return s
        }
    }

    mutating func limits(_ node: YAMLNode) -> Limits {
        var l = Limits()
        let known = ["memory", "processes", "open_files", "file_size", "cpu", "output", "tmpfs", "trace"]
        guard let f = fields(node, "sandbox.limits", known: known) else { return l }
        assignOptional(&l.memory, f["memory"]) { $0.sizeLimit($1, "sandbox.limits.memory") }
        assignOptional(&l.processes, f["processes"]) { $0.countLimit($1, "sandbox.limits.processes", max: 4_194_304) }
        assignOptional(&l.openFiles, f["open_files"]) { $0.countLimit($1, "sandbox.limits.open_files", max: 1_048_576) }
        assignOptional(&l.fileSize, f["file_size"]) { $0.sizeLimit($1, "sandbox.limits.file_size") }
        assignOptional(&l.output, f["output"]) { $0.sizeLimit($1, "sandbox.limits.output") }
        assignOptional(&l.tmpfs, f["tmpfs"]) { $0.sizeLimit($1, "sandbox.limits.tmpfs") }
        assignOptional(&l.trace, f["trace"]) { $0.sizeLimit($1, "sandbox.limits.trace") }
        assignOptional(&l.cpu, f["cpu"]) { d, n -> Int?? in
            if n.scalar == "unlimited" { return .some(nil) }
            // RLIMIT_CPU counts whole seconds.
            guard let s = n.scalar, let secs = PolicyUnits.parseDuration(s), secs >= 1, secs.rounded() == secs,
                secs <= 1e9
            else {
                d.fail(
                    n, "sandbox.limits.cpu must be whole CPU seconds (e.g. 30, 5m) or unlimited, found \(d.found(n))")
                return nil
            }
            return .some(Int(secs))
        }
        return l
    }

    mutating func env(_ node: YAMLNode) -> EnvPolicy {
        var e = EnvPolicy()
        guard let f = fields(node, "sandbox.env", known: ["pass", "set", "inherit", "toolchains"]) else { return e }
        assign(&e.inherit, f["inherit"]) { d, n in
            d.list(n, "sandbox.env.inherit") { d, item, p in
                guard let name = d.string(item, p, expand: false) else { return nil }
                let stem = name.hasSuffix("_*") ? String(name.dropLast(2)) : name
                guard EnvExpansion.isName(Substring(stem)) else {
                    d.fail(item, "\(p) must be a variable name or a PREFIX_* pattern, found '\(name)'")
                    return nil
                }
                return name
            }
        }
        assign(&e.toolchains, f["toolchains"]) { $0.paths($1, "sandbox.env.toolchains") }
        assign(&e.pass, f["pass"]) { d, n in
            d.list(n, "sandbox.env.pass") { d, item, p in
                guard let name = d.string(item, p, expand: false) else { return nil }
                guard EnvExpansion.isName(Substring(name)) else {
                    d.fail(item, "\(p) must be a variable name (letters, digits and _), found '\(name)'")
                    return nil
                }
                return name
            }
        }
        assign(&e.set, f["set"]) { d, n in
            guard let map = d.stringMap(n, "sandbox.env.set") else { return nil }
            for (k, _) in n.mapping ?? [] where !EnvExpansion.isName(Substring(k.scalar ?? "")) {
                d.fail(k, "sandbox.env.set: '\(k.scalar ?? "")' is not a variable name (letters, digits and _)")
            }
            return map
        }
        return e
    }

    mutating func home(_ node: YAMLNode) -> HomePolicy {
        var h = HomePolicy()
        guard let f = fields(node, "sandbox.home", known: ["copy"]) else { return h }
        assign(&h.copy, f["copy"]) { d, n in
            guard let list = d.paths(n, "sandbox.home.copy") else { return nil }
            for (i, p) in list.enumerated() where !(p.hasPrefix("~/") && p.count > 2) {
                d.fail(
                    n.sequence?[i] ?? n,
                    "sandbox.home.copy entries must lie under the home directory (~/...), found '\(p)'")
            }
            return list
        }
        return h
    }
}
