// Effects: software (gate-classes.md A4, A14): packages installed, removed, upgraded or
// published, and someone else's code fetched and run.

extension Effects {
    static let thirdPartyRunners: NameSet = ["npx", "bunx", "pipx", "uvx", "pnpx", "dlx"]

    /// Every program packages' switch has a case for.
    static let packagePrograms: NameSet = [
        "apt", "apt-get", "aptitude", "dnf", "yum", "zypper", "apk", "brew", "port", "pkg", "emerge", "xbps-install",
        "xbps-remove", "eopkg", "swupd", "slackpkg", "nala", "pkcon", "tdnf", "microdnf", "opkg", "pkgin", "pkg_add",
        "pkgutil", "urpmi", "rpm-ostree", "flatpak", "guix", "nix-env", "pixi", "nix-channel", "mas", "choco",
        "winget", "scoop", "pacstrap", "debootstrap", "wajig", "pkgtool", "pacman", "yay", "paru", "pamac", "rpm",
        "aura", "pikaur", "trizen", "pakku", "aurman", "pacaur", "yaourt", "powerpill", "mmdebstrap", "cdebootstrap",
        "multistrap",
        "dpkg", "uv", "pip", "pip3", "pip2", "pipx", "poetry", "pdm", "conda", "mamba", "micromamba", "pipenv", "hatch",
        "rye", "npm", "pnpm", "yarn", "bun", "cargo", "go", "gem", "bundle", "bundler", "composer", "cpan", "cpanm",
        "luarocks", "opam", "stack", "cabal", "nimble", "dotnet", "rustup", "tlmgr", "sdk", "sdkmanager", "asdf",
        "mise", "rtx", "nvm", "pyenv", "rbenv", "nodenv", "volta", "fnm", "goenv", "jenv", "juliaup", "ghcup",
        "elan", "vcpkg", "conan", "spack", "helm", "krew", "code", "codium", "vim-plug", "pio", "platformio",
        "arduino-cli", "raco", "julia", "R", "Rscript", "pear", "pecl", "mvn", "gradle", "flutter", "dart", "pub",
        "deno", "twine", "fvm", "snapcraft", "apm", "ppm", "qpm", "dub", "zef", "nix", "home-manager",
        "gh-extension",
    ]

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

    /// A4: software installed, removed or upgraded (Packages scores installs; this adds the
    /// rest of the package managers' verbs, plus publishing).
    static func packages(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        guard packagePrograms.contains(p) else { return }
        let pos = inv.positionals
        let sub = pos.first ?? ""
        // `cargo install --list`, `pyenv install --list`, `npm access list`, `npm token list`,
        // `dnf module list`: listing what is installed or owned changes nothing (L7).
        if inv.has("--list") || readsAfter(pos, fetching: true) { return }
        // A11: shell start-up files (`conda init`), the user's flake registry (`nix registry
        // pin`), the default version every shell gets (`nvm alias default 20`).
        if (p.eq("conda") || p.eq("mamba") || p.eq("micromamba")) && sub == "init" && !inv.has("--dry-run")
            || p.eq("nix") && sub == "registry"
                && pos.dropFirst().first.map({ ["add", "pin", "remove"].contains($0) }) == true
            || p.eq("nvm") && (sub == "alias" && pos.count >= 3 || sub == "unalias")
        {
            a.hit(.outsideWrite, k, reason: "\(p) \(sub) changes the user's shell or tool configuration")
            return
        }
        let changes: Set<String>
        switch Name(p) {
        case "apt", "apt-get", "aptitude", "dnf", "yum", "zypper", "apk", "brew", "port", "pkg", "emerge",
            "xbps-install", "xbps-remove", "eopkg", "swupd", "slackpkg", "nala", "pkcon", "tdnf", "microdnf",
            "opkg", "pkgin", "pkg_add", "pkgutil", "urpmi", "rpm-ostree", "flatpak", "guix", "nix-env", "pixi",
            "nix-channel", "mas", "choco", "winget", "scoop", "pacstrap", "debootstrap", "wajig", "pkgtool",
            "mmdebstrap",
            "cdebootstrap", "multistrap":
            changes = [
                "install", "remove", "purge", "upgrade", "update", "dist-upgrade", "full-upgrade", "autoremove",
                "reinstall", "downgrade", "erase", "add", "del", "uninstall", "delete", "sync", "refresh",
                "distro-sync", "dup", "in", "rm", "up", "ug", "autoclean", "clean-deps", "build-dep", "fix",
                "upgrade-all", "bundle-add", "bundle-remove", "tap", "untap", "link", "unlink", "pin", "unpin",
                "selfupdate", "self-update", "mark", "hold", "unhold", "swap", "shell", "localinstall", "groupinstall",
                "module", "copr", "config-manager", "makecache", "-i", "--install", "-u", "--upgrade", "-e",
                "--uninstall",
                "--add", "--remove", "--update", "deploy", "rebase", "override", "apply-live", "cleanup",
                // `brew bundle` installs a Brewfile's packages (`bundle check`/`list` only read).
                "bundle",
            ]
            if p.eq("brew") && sub == "bundle",
                let next = pos.dropFirst().first, ["check", "list", "dump", "exec", "edit"].contains(next)
            {
                return
            }
            if p.eq("brew") && ["cleanup"].contains(sub) { return }
            // `brew tap` alone lists the taps.
            if p.eq("brew") && sub == "tap" && pos.count == 1 { return }
            if ["pacstrap", "debootstrap", "mmdebstrap", "cdebootstrap", "multistrap"].contains(p) {
                a.hit(.softwareChange, k, reason: "\(p) installs a system into \(sub)")
                return
            }
        case "pacman", "yay", "paru", "pamac", "rpm", "dpkg", "aura", "pikaur", "trizen", "pakku", "aurman", "pacaur",
            "yaourt", "powerpill":
            // `-Rh`, `-Uh` print help, `-Rp`, `-Sp` print what would be done; dpkg's and rpm's `-S`
            // searches for the package owning a file.
            // (rpm's `-ivh` is an install: `h` prints hash marks there.)
            let pacmanStyle = !(p.eq("rpm") || p.eq("dpkg"))
            let flags = inv.args.filter {
                $0.hasPrefix("-") && !$0.hasPrefix("--")
                    && !(pacmanStyle && $0.dropFirst(2).contains(where: { $0 == "h" || $0 == "p" }))
            }
            let mutating =
                flags.contains { f in
                    (pacmanStyle && f.hasPrefix("-S") && !f.hasPrefix("-Ss") && !f.hasPrefix("-Si")
                        && !f.hasPrefix("-Sl") && !f.hasPrefix("-Sg"))
                        || f.hasPrefix("-R") || f.hasPrefix("-U")
                        || (f.hasPrefix("-i") && (p.eq("rpm") || p.eq("dpkg")))
                        || (p.eq("dpkg") && (f == "-r" || f == "-P" || f == "--configure"))
                        || (p.eq("rpm") && (f == "-e" || f.hasPrefix("-F")))
                        // aura's `-A` syncs from the AUR as `-S` does from the repositories; yay's
                        // and paru's `-Yc` removes the packages nothing depends on any more.
                        || (p.eq("aura") && f.hasPrefix("-A") && !f.hasPrefix("-As") && !f.hasPrefix("-Ai"))
                        || ((p.eq("yay") || p.eq("paru")) && f.hasPrefix("-Y") && f.contains("c"))
                } || inv.hasAny(["--install", "--remove", "--purge", "--upgrade", "--erase", "--sync", "--freshen"])
                || p.eq("pamac") && ["install", "remove", "upgrade", "update", "build", "reinstall"].contains(sub)
                || p.eq("yay") && inv.args.isEmpty || p.eq("paru") && inv.args.isEmpty
            // `aurman --sync -s TODO`, `--sync --info`: a sync operation asked to search or describe.
            let query =
                pacmanStyle && inv.hasAny(["-s", "--search", "-i", "--info"])
                && !flags.contains(where: { $0.hasPrefix("-R") || $0.hasPrefix("-U") }) && !inv.has("--remove")
            if mutating && !query {
                a.hit(.softwareChange, k, reason: "\(p) installs, removes or upgrades packages")
            }
            return
        case "pip", "pip3", "pip2", "pipx", "poetry", "pdm", "conda", "mamba", "micromamba", "pipenv", "hatch", "rye",
            "uv":
            changes = [
                "install", "uninstall", "add", "remove", "update", "upgrade", "lock-update", "create", "env-create",
                "sync", "inject", "reinstall", "reinstall-all", "upgrade-all", "uninstall-all", "self", "publish",
                "upload", "ensurepath",
            ]
            // `pip download` fetches packages without installing them: a download (A3), which a
            // sandbox with no network, or only cordon's proxy, already governs.
            if sub == "download" {
                a.hit(.egress, k, reason: "\(p) download fetches packages from the network")
                return
            }
            if p.eq("conda") && sub == "env"
                && pos.dropFirst().first.map({ ["create", "update", "remove"].contains($0) }) == true
            {
                a.hit(.softwareChange, k, reason: "conda env changes an environment")
                return
            }
        case "npm", "pnpm", "yarn", "bun":
            changes = [
                "install", "i", "add", "a", "remove", "rm", "r", "uninstall", "un", "unlink", "update", "up", "upgrade",
                "ci",
                "publish", "unpublish", "deprecate", "link", "dedupe", "prune", "audit-fix", "global", "dist-tag",
                "owner", "access", "token", "adduser", "login", "logout", "set", "team", "org", "hook", "star",
                "unstar", "pack-publish", "rebuild", "patch-commit", "import", "it", "cit", "install-test",
                "install-ci-test", "ddp",
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
                // `cargo fetch` downloads the locked dependencies, as `go mod download` does.
                "fetch",
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
            // Maven's `install` is a build phase: the artifact is built and copied into the local
            // ~/.m2 repository (L2); `deploy` publishes it to a remote repository (A4).
            if p.eq("mvn") && sub == "install" { return }
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
                    || p.eq("mvn") && s == "deploy" || p.eq("nix") && s == "install"
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
        // `apt list -i`, `nimble list -i`: after a read subcommand `-i` means installed, not install.
        let readSub = readVerbs.contains(sub) && !changes.contains(sub)
        if changes.contains(sub) || !readSub && inv.args.contains(where: { $0.isOptionLike && changes.contains($0) })
            || [
                // (Plurals too: `mise plugins add demo` is `mise plugin add demo`.)
                "group", "groups", "module", "modules", "env", "extension", "extensions", "plugin", "plugins",
                "platform", "platforms", "profile", "tool", "tools", "python", "pip",
            ]
            .contains(sub)
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

    /// Build systems' install step (`make install`, `ninja -C build install`, `meson install`,
    /// `cmake --install build`) copies the build into its prefix, `/usr/local` unless told
    /// otherwise: a write outside the workspace (A11). Not with a staging directory or a prefix
    /// inside the workspace or /tmp (`DESTDIR=out`, `--prefix project/dist`, `PREFIX=/tmp/x`).
    static let buildSystems: NameSet = ["make", "gmake", "bmake", "ninja", "samu", "meson", "cmake", "muon"]

    static func buildInstall(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let installs =
            p.eq("cmake")
            ? inv.args.contains(where: { $0 == "--install" || $0.hasPrefix("--install=") })
            : inv.positionals.prefix(2).contains(where: { $0 == "install" || $0 == "install-strip" })
        guard installs else { return }
        func inside(_ v: Substring) -> Bool { !v.hasPrefix("/") || v.hasPrefix("/tmp") || v.hasPrefix("/var/tmp") }
        for (name, value) in inv.environment where name == "DESTDIR" || name == "PREFIX" || name == "prefix" {
            if inside(Substring(value)) { return }
        }
        let args = inv.args
        for (j, w) in args.enumerated() {
            for key in ["DESTDIR=", "PREFIX=", "prefix=", "--prefix=", "--destdir="] where w.hasPrefix(key) {
                if inside(w.dropFirst(key.utf8.count)) { return }
            }
            if w == "--prefix" || w == "--destdir", j + 1 < args.count, inside(Substring(args[j + 1])) { return }
        }
        a.hit(.outsideWrite, k, reason: "\(p) install copies the build into the system prefix")
    }
}
