// The tie-breaker's verbs (../shared/gate-classes.md: "unknown tool that clearly mutates
// remote/system state -> approve"): a subcommand or option that installs, removes, deploys,
// stops or logs in, said by a program the gate has no other rule for; the everyday local tools
// whose same verbs mean something local; lockers, root switchers, daemons by name.

extension Effects {
    /// Verbs that, as a subcommand of any program, install, remove, publish, deploy, stop,
    /// log in or otherwise change state beyond the workspace: the tie-breaker's "unknown tool
    /// that clearly mutates remote/system state" (`wajig purge`, `meteor remove`, `scancel`).
    static let strongVerbs: NameSet = [
        "install", "uninstall", "reinstall", "remove", "purge", "delete", "destroy", "deploy", "undeploy",
        "publish", "unpublish", "push", "upload", "kill", "enable", "disable", "stop", "restart", "drop",
        "login", "logout", "auth", "flash", "wipe", "erase", "mount", "swapon", "swapoff", "umount", "unmount",
        "attach",
        "detach", "join", "leave", "revoke", "grant", "shutdown", "reboot", "hibernate", "abandon",
        "self-update", "selfupdate", "update", "upgrade", "downgrade", "rollback", "terminate", "unregister",
        "deregister", "register", "submit", "resubmit", "provision", "rm", "del", "send", "switch", "share",
        // Taking a deployed site or environment down (`surge teardown example.com`).
        "teardown",
        // Fetching packages or data from elsewhere (A3); feedback and reports sent to a vendor (R4).
        "download", "feedback",
        // Applying configuration to a system or cluster, taking a deployment down, making a
        // setting or version the machine-wide default, and scheduling (timers, cron) are
        // all changes beyond the workspace (gate-classes A9, A11).
        "apply", "up", "down", "global", "schedule", "unschedule", "unset",
        // Attack-emulation tools run a technique against the host or account (`detonate`).
        "detonate",
        // Putting a thing back to its first state loses what it holds (`kubeadm reset`, `pueue
        // reset`, `talosctl reset`); burning writes an image to a disk or disc (A12); a transfer
        // moves money or ownership (`octez-client transfer`).
        "reset", "burn", "transfer",
    ]
    /// Strong verbs that decide as a third word as well.
    static let deepVerbs: NameSet = [
        "publish", "deploy", "uninstall", "install", "upload", "unpublish", "destroy", "delete", "remove", "purge",
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
        // Global (user- or machine-wide) configuration rather than the project's (A11).
        "--global", "--system-wide",
    ]

    /// A strong flag given its value in the same word: `firejail --shutdown=7777`,
    /// `tool --install=plugin`.
    static func strongFlagWithValue(_ w: String) -> Bool {
        guard w.utf8.count > 6, w.hasPrefix("--"), let eq = w.utf8.firstIndex(of: UInt8(ascii: "=")) else {
            return false
        }
        let name = String(Substring(w.utf8[..<eq]))
        return name != "--global" && name != "--system-wide" && strongFlags.contains(name)
    }

    /// Screen and console lockers (R10).
    static let lockers: NameSet = [
        "physlock", "vlock", "slock", "xlock", "i3lock", "i3lock-fancy", "swaylock", "xsecurelock",
        "betterlockscreen", "xtrlock", "alock", "light-locker", "xautolock", "hyprlock", "gtklock", "waylock",
        "blurlock",
    ]

    /// Programs that run a command in another root: `arch-chroot`, `systemd-nspawn`, `schroot`.
    static let rootSwitchers: NameSet = [
        "arch-chroot", "systemd-nspawn", "schroot", "proot", "fakechroot", "chroot", "xchroot",
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
        if readsAfter(inv.positionals) { return }
        let pos = inv.positionals.prefix(2)
        // A3: `adb connect HOST`, `kopia repository connect`, `piactl connect`: the word itself,
        // not a part of one (`unix-connect ./agent.sock` is a local socket), and not loopback.
        if pos.contains("connect"),
            !inv.args.contains(where: { $0.hasPrefix("127.") || $0.hasPrefix("localhost") || $0 == "::1" })
        {
            a.hit(.egress, k, reason: "\(p) connect connects to another machine")
            return
        }
        // A third word too when it publishes, deploys or installs: `func azure functionapp publish`,
        // `git flow feature publish`, `pio system completion uninstall`.
        if let v = pos.first(where: { strongVerbs.contains($0) || hasStrongPart($0) || isInstallWord($0) })
            ?? inv.positionals.dropFirst(2).prefix(2).first(where: { deepVerbs.contains($0) }),
            // R10: `pulseaudio-ctl up`, `volumectl down` turn a volume or a light up or down.
            !((v == "up" || v == "down") && isLevelControl(p)),
            // R10: a display or sound setting put back (`hyprctl hyprsunset reset temperature`).
            !(v == "reset"
                && inv.positionals.drop(while: { $0 != "reset" }).dropFirst().first.map(isCosmeticSetting) == true)
        {
            if v == "download" {
                // A connection to another machine: the sandbox's network setting governs it.
                a.hit(.egress, k, reason: "\(p) \(v) connects to another machine")
                return
            }
            a.hit(.systemChange, k, score: 60, reason: "\(p) \(v) changes state beyond the workspace")
            return
        }
        if let j = inv.args.firstIndex(where: {
            $0.isOptionLike && (strongFlags.contains($0) || strongFlagWithValue($0))
        }),
            !globalAsModifier(inv, j)
        {
            let f = inv.args[j]
            a.hit(.systemChange, k, score: 60, reason: "\(p) \(f) changes state beyond the workspace")
            return
        }
        // A daemon (Unix names them `…d`: knockd, cupsd, nagios2 -d) started in the
        // foreground or background serves something to the machine or network (R6).
        // (The option written alone: `ppmtoacad -dxb file` bundles other letters, a converter's.)
        if isDaemonName(p),
            inv.args.contains(where: {
                ["-d", "-D", "--daemon", "--foreground", "--nodaemon", "--no-daemon"].contains($0)
            })
        {
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

    /// `--global` and `--system-wide` say where a change goes (`dolt config --global --add`,
    /// `ng config k v --global`); with no subcommand, with a read subcommand or a listing
    /// option they say what to show (`ncu --global`, `tlmgr search --global`), and followed by
    /// a value they name something else (`standard --global MY_VAR`).
    static func globalAsModifier(_ inv: borrowing Invocation, _ j: Int) -> Bool {
        let args = inv.args
        guard args[j] == "--global" || args[j] == "--system-wide" else { return false }
        // (`fooctl config --global theme dark`: after a config word the value is the setting.)
        return inv.positionals.isEmpty
            || inv.positionals.contains(where: { readVerbs.contains($0) })
            || args.contains(where: listingOption) || args.contains("--list")
            || j + 1 < args.count && !args[j + 1].isOptionLike
                && !inv.positionals.contains(where: { configNouns.contains($0) })
    }

    /// Display and sound settings (R10: desktop cosmetics).
    static func isCosmeticSetting(_ w: String) -> Bool {
        [
            "temperature", "gamma", "brightness", "volume", "color", "colour", "colors", "zoom", "font", "theme",
            "wallpaper", "contrast",
        ].contains(w)
    }

    /// Programs named for a volume, brightness or light level, whose `up`/`down` is a level.
    static func isLevelControl(_ p: String) -> Bool {
        let l = lowerASCII(p)
        return l.has("audio") || l.has("vol") || l.has("bright") || l.has("light") || l.has("pamixer")
            || l.has("sound") || l.has("backlight")
    }

    /// A compound verb with a strong part: `kill-pane`, `daily-upgrade`, `db:migrate`.
    /// A verb written as one word ending in `install` (`zinit creinstall`, `postinstall`):
    /// installs, as `install` does.
    static func isInstallWord(_ w: String) -> Bool {
        w.utf8.count >= 9 && w.hasSuffix("install") && w.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A })
    }

    static func hasStrongPart(_ w: String) -> Bool {
        guard w.utf8.contains(where: { $0 == 0x2D || $0 == 0x3A || $0 == 0x5F }), w.utf8.count <= 40,
            !w.contains("/"), !w.contains("."), !isCompoundRead(w)
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
            // `makepasswd`, `mkpasswd` make a password and print it: no daemon. (Other `…passwd`
            // programs stay: bare `smbpasswd` changes a password, `htpasswd -D` removes a user.)
            && !(p.hasSuffix("passwd") && (p.hasPrefix("make") || p.hasPrefix("mk")))
    }

    static let credentialFlags: NameSet = [
        "--password", "--passwd", "--pass", "--token", "--api-key", "--apikey", "--api-token", "--secret",
        "--client-secret", "--access-key", "--secret-key", "--auth-token", "--dbpassword", "--db-password",
        "--credentials", "--bearer",
    ]

}
