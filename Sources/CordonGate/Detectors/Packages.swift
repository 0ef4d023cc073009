// Package installation: a supply-chain risk; installs from URLs or other indexes ask.

enum Packages {
    private enum Installer { case python, node, language, system, archive, easyInstall }

    /// Each installer's family, found by one table lookup (asked for every program, and most
    /// install nothing) rather than a switch over these 46 names. Byte equality answers as that
    /// switch would: no name holds K, `;` or a backquote. Figures: docs/benchmarks-gate.md.
    private static let installers: NameTable<Installer> = {
        var t: [(String, Installer)] = []
        func add(_ names: [String], _ f: Installer) { t += names.map { ($0, f) } }
        add(
            ["pip", "pip3", "pip2", "pipx", "uv", "poetry", "pdm", "conda", "mamba", "micromamba"],
            .python)
        add(["npm", "pnpm", "yarn", "bun", "npx"], .node)
        add(
            [
                "gem", "cargo", "go", "composer", "cpan", "cpanm", "luarocks", "opam", "stack", "cabal",
                "nimble", "dotnet", "helm",
            ], .language)
        add(
            [
                "apt", "apt-get", "aptitude", "dnf", "yum", "zypper", "apk", "pacman", "brew", "snap",
                "flatpak", "port", "pkg", "emerge", "nix-env",
            ], .system)
        add(["dpkg", "rpm"], .archive)
        add(["easy_install"], .easyInstall)
        return NameTable(t)
    }()

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        // Programs outside the table install nothing (the switch below had no other case).
        guard let family = installers[p] else { return }
        let sub = inv.subcommand ?? ""
        var installs = false
        switch family {
        case .python:
            installs =
                sub == "install" || sub == "add" || (p.eq("uv") && inv.args.prefix(2) == ["pip", "install"])
                || (p.eq("uv") && sub == "tool" && inv.args.contains("install"))
        case .node:
            installs =
                ["install", "i", "add", "ci"].contains(sub) && inv.args.count > 1
                || (p.eq("npm") && sub == "install" && inv.has("-g"))
        case .language:
            installs =
                sub == "install" || (p.eq("composer") && sub == "require")
                || (p.eq("dotnet") && sub == "tool" && inv.args.contains("install"))
                // `dotnet restore` downloads the project's NuGet dependencies (A4, like `npm ci`).
                || (p.eq("dotnet") && sub == "restore")
            if p.eq("helm") { installs = false }
        case .system:
            installs =
                sub == "install" || sub == "add" || sub == "reinstall"
                || (p.eq("pacman")
                    && inv.args.contains(where: {
                        $0.hasPrefix("-S") && !$0.hasPrefix("-Ss") && !$0.hasPrefix("-Si")
                    }))
                || (p.eq("nix-env") && inv.has("-i"))
        case .archive:
            installs = inv.hasAny(["-i", "--install", "-U", "--upgrade"])
        case .easyInstall:
            installs = true
        }
        // R7: dry runs and simulations change nothing; `cargo install --list`, `pyenv install
        // --list` list what is or could be installed.
        guard installs,
            !inv.hasAny(["--dry-run", "--simulate", "--just-print", "--no-act", "--print-uris", "--list"]),
            !(p.hasPrefix("apt") && inv.has("-s"))
        else { return }
        let fromURL = inv.args.first {
            $0.hasPrefix("git+") || $0.hasPrefix("http://") || $0.hasPrefix("https://")
                || $0.hasPrefix("ftp://") || $0.has("github.com/")
                || $0.hasSuffix(".tar.gz") || $0.hasSuffix(".whl") || $0.hasSuffix(".rpm")
                || $0.hasSuffix(".deb") && $0.has("://")
        }
        if let u = fromURL, !(p.eq("go") && !u.has("://")) {
            a.hit(.packageFromURL, k, reason: "\(p) installs code straight from \(u)")
        } else if inv.hasAny(["--index-url", "-i", "--extra-index-url", "--trusted-host", "--registry"])
            && (p.hasPrefix("pip") || p.eq("npm") || p.eq("uv"))
        {
            a.hit(.packageFromURL, k, reason: "\(p) installs from a non-default index")
        } else {
            a.hit(.packageInstall, k, reason: "\(p) \(sub) installs packages")
        }
    }
}
