// Effects: commands run through other programs (GTFOBins `command`), ATT&CK techniques with no
// family of their own, the block-class additions (attack tools, volume and key destruction,
// firewall stops), and the tie-breaker for unknown tools with a strong verb.

extension Effects {

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
        if let (name, value) = inv.environment.first(where: {
            programVariables.contains($0.0)
                // A credential helper's command: `RESTIC_PASSWORD_COMMAND`, `BORG_PASSCOMMAND`.
                || $0.0.has("PASS") && ($0.0.hasSuffix("COMMAND") || $0.0.hasSuffix("_CMD"))
        }),
            !plainPrograms.contains(value)
        {
            a.hit(.indirectExec, k, reason: "\(inv.program) runs \(name)=\(value)")
        }
    }

    /// GTFOBins `command`: a command run through another program's option, hook or variable.
    static func indirect(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        if a.indirectExecHits.contains(k) { return }
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
                // Credential helpers run their value to get a password (`restic --password-command`).
                precise =
                    execLongOptions.contains(name) || (p.eq("split") && name == "--filter")
                    || name.has("pass") && (name.has("command") || name.has("cmd"))
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
                // gdb -ex takes gdb commands; only these reach a shell or an interpreter.
                if p.eq("gdb"), let v = value,
                    !["!", "shell", "python", "py", "pipe", "|", "call", "source", "python-interactive", "pi"]
                        .contains(where: { v.hasPrefix($0) })
                {
                    value = nil
                }
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
            inv.hasAny(["-p", "--pid", "--attach", "-pid"])
                || (p.eq("gdb") && inv.positionals.dropFirst().contains(where: { $0.allSatisfy(\.isNumber) }))
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
                // `enc`, a cipher as the command, or a public-key command told to `-encrypt`.
                encrypts =
                    inv.positionals.first.map { $0 == "enc" || $0.hasPrefix("aes") || $0 == "smime" } ?? false
                    || inv.hasAny(["-encrypt"])
            } else if p.eq("gpg") || p.eq("gpg2") {
                encrypts = inv.hasAny(["-c", "--symmetric", "-e", "--encrypt"])
            } else if p.eq("7z") || p.eq("7za") || p.eq("zip") {
                encrypts = args.contains {
                    $0.hasPrefix("-p") || $0 == "-P" || $0 == "-e" || $0 == "--encrypt" || $0.hasPrefix("--password")
                }
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
            } else if pos.contains(where: { w in
                actingVerbs.contains(w) || w.hasPrefix("change") || w.hasPrefix("set-") || w == "generate"
                    || w == "import" || w == "enroll" || w == "program" || w == "rename" || w == "unblock"
            }) {
                // A11: a credential, PIN or slot created or changed on the key (`ykman fido
                // fingerprints add`, `ykman piv keys generate`); `info`, `list` only read.
                a.hit(.outsideWrite, k, reason: "\(p) creates or changes credentials on a hardware key")
            }
        default:
            if p.has("firewall"),
                pos.contains(where: { ["stop", "disable", "off", "flush"].contains($0) }) || inv.hasAny(["--panic-on"])
            {
                a.hit(.securityDisabled, k, reason: "\(p) stops the firewall")
            }
        }
    }

}
