// Effects: egress (gate-classes.md A3, R4, R5) and remote state (A9, R3), from the hosts
// Effects+Hosts.swift reads out of the arguments; loopback is never egress.

extension Effects {
    /// Container registry clients, and their verbs that only read an image's metadata (L7:
    /// a read-only query of a registry; `copy`, `push`, `delete`, `tag` still change it).
    static let forgeCLIs: NameSet = ["gh", "glab", "hub", "tea"]

    static let registryClients: NameSet = ["crane", "gcrane", "skopeo", "regctl", "oras"]
    static let registryReads: NameSet = [
        "ls", "list-tags", "inspect", "digest", "manifest", "config", "catalog", "repo-ls", "discover",
        // gcrane's `gc` lists untagged images; it deletes nothing.
        "gc",
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
            // L7: a registry client's reads of image metadata (`skopeo list-tags`, `crane digest`).
            || registryClients.contains(p) && inv.subcommand.map({ registryReads.contains($0) }) == true
        if !configures, !readOnlyQuery, let host = args.lazy.compactMap(remoteHost).first {
            a.hit(.egress, k, reason: "\(p) talks to another host (\(host))")
            return
        }
        guard fam.contains(.remoteClient) else {
            // Host names given to a certificate maker name the certificate (`mkcert "*.example.it"`).
            if !namesCertificates(inv),
                let h = inv.args.first(where: isBareRemoteHost) ?? firstBareRemotePath(inv.args), !configures,
                !inv.positionals.prefix(2).contains(where: { diagnosticWords.contains($0) }),
                !p.has("ping"), !p.has("dig"), !p.has("lookup")
            {
                a.hit(.egress, k, reason: "\(p) is pointed at another host (\(h))")
            }
            return
        }
        let pos = inv.positionals
        if pos.prefix(2).contains(where: { localSubcommands.contains($0) }), !p.eq("ssh") { return }
        if registryClients.contains(p), let s = inv.subcommand, registryReads.contains(s) { return }
        // L7: rclone's listings of a configured remote (`rclone lsf origin:dir`, `rclone size`)
        // are read-only queries; its transfers, `cat` (content fetched) and `mount` still ask.
        if p.eq("rclone"), let s = inv.subcommand, rcloneListings.contains(s) { return }
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
            } else if p.eq("socat"), !a.hits.contains(where: { $0.invocation == k && $0.score >= 60 }),
                let h = pos.lazy.compactMap(socatPeer).first
            {
                // (Once: a socat already found moving a file or a shell has its finding.)
                a.hit(.egress, k, reason: "socat sends to \(h)")
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

    /// rclone subcommands that only list or measure what a remote holds.
    static let rcloneListings: NameSet = [
        "ls", "lsd", "lsl", "lsf", "lsjson", "size", "about", "tree", "listremotes", "version",
    ]

    /// socat address types that connect or send to a peer (`TCP:host:port`, `UDP4-DATAGRAM:
    /// 224.0.0.1:5000`, `OPENSSL:host:443`): the second field is the host. Listening and local
    /// types (`TCP-LISTEN:8080`, `UDP4-RECVFROM:5000`, `UNIX-CONNECT:/run/x.sock`) have none.
    static let socatPeerTypes: NameSet = [
        "tcp", "tcp4", "tcp6", "tcp-connect", "tcp4-connect", "tcp6-connect", "udp", "udp4", "udp6", "udp-connect",
        "udp4-connect", "udp6-connect", "udp-sendto", "udp4-sendto", "udp6-sendto", "udp-datagram", "udp4-datagram",
        "udp6-datagram", "sctp", "sctp-connect", "sctp4-connect", "sctp6-connect", "openssl", "openssl-connect",
        "ssl", "dtls", "proxy", "proxy-connect", "socks4", "socks4a", "socks5", "socks5-connect",
    ]

    /// The host a socat address sends to, when it is another machine.
    static func socatPeer(_ w: String) -> String? {
        let parts = w.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 3, socatPeerTypes.contains(String(parts[0]).asciiLowercased) else { return nil }
        let host = String(parts[1].prefix(while: { $0 != "," }))
        return host.isEmpty || isLocal(host) ? nil : host
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
            if verbs.contains("create"), inv.hasAny(["--web", "-w"]) { return }  // as in remoteState
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
        // R4: a forge's `create --web` opens the form in the person's browser (`gh pr create
        // --web`, `glab mr create --web`); nothing is created until they submit it there.
        if forgeCLIs.contains(p), verbs.contains("create"), inv.hasAny(["--web", "-w"]) { return }
        // `vercel --regions 1234`, `vercel -e ENV=var`: after a leading option, a number or a
        // `KEY=VALUE` is that option's value; subcommands are words, so there is none here.
        let onlyValues =
            !verbs.isEmpty && inv.args.first.map({ $0.utf8.first == UInt8(ascii: "-") }) == true
            && verbs.allSatisfy({ v in
                v.containsByte(UInt8(ascii: "=")) || v.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            })
        guard !verbs.isEmpty, !onlyValues else {
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
        // doctl answers to short aliases of its verbs (`doctl k c c` kubernetes cluster create,
        // `doctl a u` apps update, `doctl d u rs` databases user reset): the verb is the first word
        // after the command group that no other alias follows (`doctl compute d ls`: `d` is
        // droplet there, `ls` the verb).
        if p.eq("doctl"), verbs.count >= 2,
            let i = verbs.indices.dropFirst().first(where: { i in
                doctlVerbAliases.contains(verbs[i])
                    && (i + 1 == verbs.count || !doctlVerbAliases.contains(verbs[i + 1]))
            }), ["c", "u", "d", "rm", "rs"].contains(verbs[i])
        {
            a.hit(
                .remoteStateChange, k,
                reason: "\(p) \(verbs.joined(separator: " ")) (an aliased verb) changes cloud resources")
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
        // `pvenode config s --description x`: `config` reads, its `set` (any prefix) writes (A9).
        if proxmoxCLIs.contains(p), verbs.count >= 2, verbs[0] == "config", "set".hasPrefix(verbs[1]) {
            a.hit(
                .remoteStateChange, k,
                reason: "\(p) config \(verbs[1]) changes a Proxmox node's or guest's configuration")
            return
        }
        if let v = verbs.first(where: isMutatingVerb) {
            // `docker build` and `podman build` are L2 (a local image); `kubectl run` is not.
            if v == "build"
                && [
                    "docker", "podman", "buildah", "nerdctl", "apptainer", "singularity", "devspace",
                    "skaffold", "docker-compose", "compose",
                    // These render manifests or templates locally (`flux build kustomization`).
                    "flux", "kustomize", "sam",
                ].contains(p)
                && !inv.has("--push")
            {
                return
            }
            // `docker tag SRC TARGET` (and `image tag`) gives a local image another name; `push`
            // is what sends it (L3). (Packer's `build` is not local: its builders create images
            // in a cloud or hypervisor, A9.)
            if v == "tag" && ["docker", "podman", "nerdctl", "buildah"].contains(p) { return }
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

extension Effects {
    /// doctl's short verb aliases (create, update, delete, reset; list, get) and the full verbs
    /// they stand for, used to find which word of `doctl GROUP [NOUN] VERB` is the verb.
    static let doctlVerbAliases: Set<String> = [
        "c", "u", "d", "rm", "rs", "ls", "g", "get", "list", "create", "update", "delete",
    ]
}
