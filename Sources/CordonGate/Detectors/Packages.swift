// Package installation: a supply-chain risk; installs from URLs or other indexes ask.

enum Packages {
  static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
    let p = inv.program
    let sub = inv.subcommand ?? ""
    var installs = false
    switch Name(p) {
    case "pip", "pip3", "pip2", "pipx", "uv", "poetry", "pdm", "conda", "mamba", "micromamba":
      installs =
        sub == "install" || sub == "add" || (p.eq("uv") && inv.args.prefix(2) == ["pip", "install"])
        || (p.eq("uv") && sub == "tool" && inv.args.contains("install"))
    case "npm", "pnpm", "yarn", "bun", "npx":
      installs =
        ["install", "i", "add", "ci"].contains(sub) && inv.args.count > 1
        || (p.eq("npm") && sub == "install" && inv.has("-g"))
    case "gem", "cargo", "go", "composer", "cpan", "cpanm", "luarocks", "opam", "stack", "cabal",
      "nimble", "dotnet", "helm":
      installs =
        sub == "install" || (p.eq("composer") && sub == "require")
        || (p.eq("dotnet") && sub == "tool" && inv.args.contains("install"))
      if p.eq("helm") { installs = false }
    case "apt", "apt-get", "aptitude", "dnf", "yum", "zypper", "apk", "pacman", "brew", "snap",
      "flatpak", "port", "pkg", "emerge", "nix-env":
      installs =
        sub == "install" || sub == "add" || sub == "reinstall"
        || (p.eq("pacman")
          && inv.args.contains(where: {
            $0.hasPrefix("-S") && !$0.hasPrefix("-Ss") && !$0.hasPrefix("-Si")
          }))
        || (p.eq("nix-env") && inv.has("-i"))
    case "dpkg", "rpm":
      installs = inv.hasAny(["-i", "--install", "-U", "--upgrade"])
    case "easy_install":
      installs = true
    default:
      break
    }
    guard installs else { return }
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
