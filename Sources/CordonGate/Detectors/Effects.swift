// What a command does to the world beyond the workspace, judged from what its program,
// subcommand and arguments mean (../shared/gate-classes.md, the approval class A1-A14 and
// refinements R3-R10). The rules raise signals in the approval band; the few block-class
// additions are in Effects+Techniques.swift. The families are split by file (Effects+*.swift).
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
        "scamper", "hping3", "gping", "prettyping", "tcping", "trip", "trippy", "dublin-traceroute", "paris-traceroute",
        "noping", "oping", "dnstracer", "stun",
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
        "esearch", "efetch", "elink", "rhpkg", "fedpkg", "crane", "gcrane", "skopeo", "regctl", "oras",
        "hf", "huggingface-cli", "kaggle", "gdown", "rclone", "s3cmd", "mc",
        "dbclient", "autossh", "sshpass", "et", "nettacker", "wpscan", "whatweb", "wafw00f", "nikto", "zgrab",
        "zgrab2", "smbmap", "kerbrute", "joomscan", "droopescan", "dirsearch", "gospider", "paramspider",
        "gsutil", "azcopy", "xeyes", "xclock", "asciinema", "php-coveralls", "coveralls", "codecov",
        "arc", "git-review", "repo", "gnucash-cli", "nc", "ncat", "netcat", "socat", "openssl",
        // The rest of net-snmp's clients: each queries or sets an agent on a host, usually with
        // a community string or user credentials on the command line (R5).
        "snmpgetnext", "snmpbulkwalk", "snmpbulkget", "snmptable", "snmpdelta", "snmpdf", "snmpnetstat",
        "snmpstatus", "snmptest", "snmpinform", "snmptrap", "snmpusm", "snmpvacm", "onesixtyone", "braa",
        // Parallel shells: one command run on many hosts.
        "pssh", "parallel-ssh", "pdsh", "clush", "prsync", "parallel-rsync", "pscp.pssh", "parallel-scp",
        "pslurp", "mussh",
    ]

    /// Subcommands of remote clients that stay local or only print (`crane --help` aside).
    static let localSubcommands: NameSet = [
        "help", "version", "--version", "completion", "config", "list", "ls", "status", "show", "info",
        "search", "env", "cache", "login-status", "whoami", "wordlist", "catalog", "resolve", "lint", "fmt", "validate",
        "play", "cat", "prep",
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
        "pvesh", "pvecm", "pvesm", "pveum", "pvenode", "pveceph", "ha-manager", "virsh", "virt-install", "VBoxManage",
        "vboxmanage", "multipass", "lxc", "lxd",
        "incus", "nova", "openstack", "glance", "cinder", "neutron", "heat", "terraform", "tofu",
        "terragrunt", "pulumi", "ansible", "ansible-playbook", "puppet", "salt", "salt-call", "salt-ssh",
        "chef", "knife", "gh", "glab", "hub", "tea", "bitbucket", "jira", "linear", "mc", "rclone", "s3cmd",
        "azcopy", "devspace", "skaffold", "tilt", "okteto", "garden", "waypoint", "packer", "cf", "kn",
        "gcloud-beta", "ecs-cli", "copilot", "lightsail", "elastic-beanstalk", "kubeseal", "velero",
        "istioctl", "linkerd", "cilium", "mongocli", "atlas", "confluent", "ccloud", "stripe", "twilio",
        "auth0", "okta", "databricks", "snowsql", "dbt", "prefect", "airflow", "dagster", "mlflow", "wandb",
        "modal", "replicate", "runpod", "vast", "limactl", "colima", "utmctl", "prlctl", "vmrun", "quickemu", "salloc",
        "sbatch", "srun", "scancel", "qsub", "qdel",
        "bsub", "condor_submit", "schroot", "tmt", "testing-farm", "mock", "copr-cli", "osc", "koji",
        "exo-compute", "sky", "runai", "juju", "lxc-start", "lxc-stop", "lxc-create", "lxc-destroy",
        "docker-compose", "podman-compose", "compose", "kubecolor", "k9s", "ibm", "ionosctl", "upcloud",
        "civo", "scaleway", "ovhcloud", "gandi", "wp", "koji", "brew-koji", "cbs", "drush", "magento", "artisan-remote",
        // Container and machine managers with the same verbs (`toolbox rmi`, `docker-machine create`).
        "toolbox", "distrobox", "docker-machine",
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
        "controlvm", "startvm", "clonevm", "createvm", "modifyvm", "registervm", "unregistervm", "load", "join",
        "leave",
        "create", "delete", "rm", "rmi", "remove", "destroy", "terminate", "purge", "apply", "deploy",
        "undeploy", "update", "set", "unset", "put", "post", "patch", "edit", "replace", "scale", "run",
        "exec", "start", "stop", "restart", "reboot", "kill", "pause", "unpause", "resume", "suspend",
        "halt", "up", "down", "rollout", "rollback", "install", "uninstall", "upgrade", "import", "export",
        "push", "pull", "login", "logout", "register", "unregister", "deregister", "attach", "detach",
        "enable", "disable", "tag", "untag", "label", "annotate", "taint", "untaint", "cordon", "uncordon", "drain",
        "expose", "autoscale", "subscribe", "unsubscribe", "publish", "release", "promote", "demote",
        "mb", "rb", "cp", "mv", "sync", "mirror", "copy", "move", "upload", "download", "provision",
        "build", "prune", "clone", "fork", "merge", "close", "reopen", "comment", "approve",
        "lock", "unlock", "archive", "unarchive", "transfer", "rename", "add", "revoke", "grant", "invite",
        "authorize", "rotate", "reset", "restore", "snapshot-delete", "migrate", "cancel", "retry", "trigger",
        "dispatch", "submit", "resubmit", "shell", "ssh", "connect", "port-forward", "proxy", "tunnel", "mount",
        "umount",
        "assign", "unassign", "associate", "disassociate", "cr", "des", "resize", "clear", "flush", "wipe",
        "write", "new", "init", "link", "unlink", "secrets", "renew", "checkout", "co", "auth",
        "configure", "use-context", "use", "switch", "bootstrap", "recover", "failover", "swap", "send",
        "invoke", "call", "execute", "reindex", "truncate", "drop", "refresh", "deny", "reject", "undefine",
        "delsnapshot", "rmi", "nuke",
        // A shell opened inside a container of the cluster (`oc rsh POD`), like `kubectl exec`.
        "rsh",
        // Restarting a machine with new settings (`vagrant reload`), a shell inside a container
        // (`toolbox enter`), creating and starting an instance (`multipass launch`, `flyctl launch`).
        "reload", "enter", "launch",
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
        "unregister-", "replicate-", "migrate-", "unassign-", "assign-", "grant-", "revoke", "bind-", "unbind-",
    ]

    static let mutatingSuffixes = [
        "-create", "-delete", "-update", "-add", "-remove", "-set", "-start", "-stop", "-restart", "-destroy",
        "-deploy", "-apply", "-attach", "-detach", "-enable", "-disable", "-put", "-upload", "-rm", "-kill",
        "-undefine",
    ]

    /// Compound verbs that read whatever else they hold: `describe-data-set`, `get-pipeline`,
    /// `configs-list`, `ci-status` (a read verb at the start or the end decides).
    static func isCompoundRead(_ w: String) -> Bool {
        guard w.utf8.count > 5, w.utf8.contains(where: { $0 == 0x2D || $0 == 0x3A }) else { return false }
        return w.hasPrefix("describe-") || w.hasPrefix("get-") || w.hasPrefix("list-") || w.hasPrefix("show-")
            || w.hasPrefix("view-") || w.hasSuffix("-list") || w.hasSuffix("-status") || w.hasSuffix("-info")
            || w.hasSuffix("-show") || w.hasSuffix("-ls")
            // Task-runner spellings: `rails db:migrate:status`, `php artisan route:list`.
            || w.hasSuffix(":status") || w.hasSuffix(":list") || w.hasSuffix(":show")
    }

    static func isMutatingVerb(_ w: String) -> Bool {
        if mutatingVerbs.contains(w) { return true }
        if isCompoundRead(w) { return false }
        if w.utf8.contains(UInt8(ascii: "-")), mutatingSuffixes.contains(where: { w.hasSuffix($0) }) { return true }
        guard w.utf8.contains(UInt8(ascii: "-")) || w.hasPrefix("invoke") || w.hasPrefix("publish") else {
            return false
        }
        return mutatingPrefixes.contains { w.hasPrefix($0) }
    }

    // MARK: the check

    /// `X sub -h`, `X help sub`: prints usage, changes nothing.
    /// (`--help` and `--version` anywhere never reach here: Detectors.runPerProgram returns first.)
    /// Also `X -?` and `X -c ?` (usage or a list of accepted values: `pg_waldump -?`,
    /// `avrdude -c ?`), `X run-help` and `X -version`.
    static func asksForHelp(_ inv: borrowing Invocation) -> Bool {
        let args = inv.args
        if args.last == "-h" || inv.positionals.first == "help" { return true }
        return args.contains(where: { w in
            let n = w.utf8.count
            return n <= 9
                && (w == "-help" || w == "-?" || w == "?" || w == "\\?" || w == "/?" || w == "-version"
                    || n == 8 && w == "run-help")
        })
    }

    /// `aws s3 sync help`, `ibmcloud cr help`: cloud and cluster CLIs print a subcommand's usage
    /// when `help` follows it (asked only of them: elsewhere `help` may be a branch or a value).
    static func trailingHelp(_ inv: borrowing Invocation) -> Bool {
        let args = inv.args
        return args.count >= 2 && args.count <= 4 && args.last == "help"
            && args.allSatisfy({ $0.utf8.first != UInt8(ascii: "-") })
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
        /// Programs Effects.tradecraft has a rule for.
        static let tradecraft = Family(rawValue: 1 << 22)
    }

    static let families: NameTable<Family> = {
        // Merged by byte equality (UniqueNames), not through a [String: Family]: built on the
        // first decision of every `cordon run` (issue 19).
        var names = UniqueNames(capacity: 2048)
        var fams: [Family] = []
        func add(_ set: NameSet, _ f: Family) {
            for n in set {
                let (i, inserted) = names.insert(n)
                if inserted { fams.append(f) } else { fams[i].insert(f) }
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
        add(terminalMessengers, .service)
        add(remoteContentClients, .service)
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
        add(tradecraftPrograms, .tradecraft)
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
        return NameTable(unique: names.names, values: fams)
    }()

    /// `mssh`, `cssh`, `clusterssh`, `tmux-cssh`: names ending in `ssh` (not `ssh` itself,
    /// which has its own rules).
    static func isRemoteShellName(_ p: String) -> Bool {
        p.utf8.count >= 4 && p.hasSuffix("ssh") && !p.eq("bssh")  // bssh browses mDNS for servers
    }

    /// `--list`, `--list-cleaners`, `--show-config`, `--print-path`, `--status`: options that ask
    /// a program to list or print what it has.
    static func listingOption(_ w: String) -> Bool {
        guard w.utf8.count >= 6, w.hasPrefix("--") else { return false }
        // (`--listen` is not a listing: it makes a program accept connections.)
        return w.hasPrefix("--list") && !w.hasPrefix("--listen") || w.hasPrefix("--show") || w.hasPrefix("--print")
            || w == "--status"
            || w.hasPrefix("--query") || w == "--info" || w.hasPrefix("--get") || w.hasPrefix("--dump")
    }

    /// One pass: some option lists, every option lists, and every other word is a plain
    /// subcommand word (lower-case letters, digits, `-`), not a path or a value.
    static func listsAfterWords(_ args: [String]) -> Bool {
        // Options first: most calls have none, or one that does not list, and stop here.
        var lists = false
        for w in args where w.utf8.first == UInt8(ascii: "-") {
            guard listingOption(w) || w.utf8.count == 5 && w == "-list" else { return false }
            lists = true
        }
        return lists
            && args.allSatisfy({ w in
                w.utf8.first == UInt8(ascii: "-")
                    || w.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A || $0 == 0x2D || $0 >= 0x30 && $0 <= 0x39 })
            })
    }

    /// Whether every option of the call only lists or prints (and there is one).
    static func listsOnly(_ inv: borrowing Invocation) -> Bool {
        inv.args.contains(where: listingOption)
            && inv.args.allSatisfy({ $0.utf8.first != UInt8(ascii: "-") || listingOption($0) })
    }

    /// Every option is a catalogue listing (`--list-plugins`, `--list-modules`, `-list`), not
    /// a bare `--list` or `--show`, which a client sends to its server (`transmission-remote
    /// --list`, `npm star --list`).
    static func catalogueOnly(_ args: [String]) -> Bool {
        args.allSatisfy({ w in
            w.utf8.first != UInt8(ascii: "-") || w == "-list" || w.utf8.count > 7 && w.hasPrefix("--list-")
        })
    }

    static let dryRunFlags: NameSet = [
        "--dry-run", "--dryrun", "--simulate", "--what-if", "--whatif", "--noop", "--no-act", "--just-print",
        "--preview",
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
        // R1/B4: `-hashes LM:NT` logs in with a stolen hash (pass-the-hash), whatever the
        // program: an SMB or RPC client the gate knows (`smbclient.py -hashes …`) blocks as an
        // unknown Impacket script does. Every such option is at least 4 bytes and starts `-`.
        // (Not a server's: `smbserver.py -hashes LM:NT share dir` sets what clients must
        // present, nothing is sent; it still asks as a file server.)
        // (A byte test first: every such option's name starts `h`, `n` or `p` after its dashes.)
        // A qualified variant of such an option (`-hashes-rpc`: impacket's rpcmap.py, the hash
        // for the RPC bind) counts when its value is an `LM:NT` pair: `--hashes-only` without one
        // (a listing's column choice) does not.
        if let i = inv.args.indices.first(where: { i in
            let w = inv.args[i]
            guard w.utf8.count >= 4, w.utf8.first == UInt8(ascii: "-") else { return false }
            let c = w.utf8.dropFirst().first == UInt8(ascii: "-") ? w.utf8.dropFirst(2).first : w.utf8.dropFirst().first
            guard c == UInt8(ascii: "h") || c == UInt8(ascii: "n") || c == UInt8(ascii: "p") else { return false }
            if hashAuthOptions.contains(w) { return true }
            // Bytes, not Characters: this runs for every `-h…`, `-n…`, `-p…` option the gate sees.
            let name = w.utf8.drop { $0 == UInt8(ascii: "-") }
            guard name.starts(with: "hashes-".utf8) || name.starts(with: "nthash-".utf8) else { return false }
            if let eq = name.firstIndex(of: UInt8(ascii: "=")) {
                return isHashPair(String(decoding: name[name.index(after: eq)...], as: UTF8.self))
            }
            return isHashPair(i + 1 < inv.args.count ? inv.args[i + 1] : "")
        }), !p.has("server") {
            let f = String(inv.args[i].split(separator: "=", maxSplits: 1)[0])
            a.hit(.secretSentOut, k, reason: "\(p) \(f) authenticates with a password hash (pass-the-hash)")
        }
        // R7: dry runs, previews and simulations change nothing.
        if inv.args.contains(where: {
            $0.utf8.count >= 6 && $0.hasPrefix("--") && (dryRunFlags.contains($0) || $0.hasPrefix("--dry-run="))
        }) {
            return
        }
        let before = a.hits.count
        // One lookup says which families the program is in; most programs are in none, and
        // only the checks that can apply run.
        var fam = families[p] ?? []
        // `mssh`, `cssh`, `clusterssh`: a program named for ssh opens sessions on other hosts.
        if fam.isEmpty, isRemoteShellName(p) { fam = .remoteClient }
        if fam.contains(.remoteState), trailingHelp(inv) { return }
        // A check mode reports what would change (`bootc upgrade --check`, `uv sync --check`); not
        // for network and database clients, whose `--check` still connects (`mysqlcheck --check`).
        if fam.isDisjoint(with: [.remoteClient, .database]),
            inv.args.contains(where: {
                $0.utf8.count >= 7 && ($0 == "--check" || $0 == "--check-only")
            })
        {
            return
        }
        // L1, L7: `localedef --list-archive`, `bleachbit --list-cleaners`, `tool --show-config`:
        // a program asked only to list or show, with nothing else to act on.
        // A network client is asked the same way for its own catalogue (R1: `whatweb
        // --list-plugins`, `nxc smb --list-modules`, `amass enum -list`): with no host, URL or
        // address among its words it can only list what it carries (a listing of a configured
        // service is L7's read either way).
        let catalogue = fam.isDisjoint(with: .remoteClient) || catalogueOnly(inv.args)
        if inv.positionals.isEmpty, !inv.hasRedirects, let f = inv.args.first, listingOption(f), catalogue,
            inv.args.allSatisfy({ $0.utf8.first == UInt8(ascii: "-") })
        {
            return
        }
        // ...and after one or two subcommand words, when every option lists (`prowler aws
        // --list-checks`, `nodenv install --list`, `amass enum -list`): the words say what to list.
        if inv.positionals.count <= 2, inv.args.count <= 4, !inv.hasRedirects, catalogue,
            listsAfterWords(inv.args)
        {
            return
        }
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
        tradecraft(a, k, inv, fam)
        // Printers, the message bus, torrent swarms, headless browsers, device erasure:
        // Effects+Channels.swift.
        if channels(a, k, inv, fam, spoke: a.hits.count != before) { return }
        if a.hits.count == before, fam.isDisjoint(with: [.textOnly, .localVerbs]) { strongVerb(a, k, inv, fam) }
        if a.hits.count == before, buildSystems.contains(p) { buildInstall(a, k, inv) }
        // The everyday local tools' compound subcommands that publish (`mkdocs gh-deploy`,
        // `hugo deploy`-style `x:publish` tasks): the verb part decides (A9).
        if a.hits.count == before, fam.contains(.localVerbs), let s = inv.positionals.first,
            s.utf8.contains(where: { $0 == 0x2D || $0 == 0x3A }),
            s.split(whereSeparator: { $0 == "-" || $0 == ":" }).contains(where: {
                $0 == "deploy" || $0 == "publish" || $0 == "upload"
            })
        {
            a.hit(.remoteStateChange, k, reason: "\(p) \(s) publishes or deploys")
        }
        // Conventions many programs share (a listening option, `--service start`, a context
        // switch, a pid file...): Effects+Conventions.swift.
        if a.hits.count == before, conventions(a, k, inv, fam, unknown: !inv.kind.contains(.known)) { return }
        if a.hits.count == before, fam.isDisjoint(with: [.textOnly, .localVerbs]) { semantics(a, k, inv, fam) }
        // Last, for what nothing above spoke for: subcommands and options whose meaning reaches
        // past the workspace (a trash emptied, `config -g`, `--update`): Effects+Reach.swift.
        if a.hits.count == before { reach(a, k, inv, fam) }
    }
}
