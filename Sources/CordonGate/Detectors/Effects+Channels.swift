// Session 15 (../shared/gate-classes.md): channels a command reaches beyond the workspace
// through, each read from what a program, subcommand or option means rather than from one
// command line: a printer, the desktop's message bus, a BitTorrent swarm, a browser run
// without a window, a process taken over with ptrace, a whole device erased, the Kerberos
// ticket cache, a password hash pulled out for cracking. `channels` runs for every program
// after the family rules; each rule is keyed by a name lookup or one pass over the words.

extension Effects {
    /// CUPS and BSD print clients: what they are given leaves the machine on paper or for a
    /// network printer (A3). (`lpstat`, `lpq` only read the queue; `lprm`/`cancel` are
    /// localSystem's.)
    static let printClients: NameSet = ["lp", "lpr", "lp-cups", "lpr-cups"]

    /// D-Bus clients and the words that make one call a method or set a property (A8): the
    /// called service does whatever the method does (reboot, disable networking, change a
    /// setting). (`busctl` has its own rule in Effects+System.swift.)
    static let dbusClients: NameSet = ["gdbus", "dbus-send", "qdbus", "qdbus6", "qdbus-qt5", "dbus"]

    /// Method names that only read: introspection, listings and property reads (`GetAll`,
    /// `ListNames`, `IsActive`), and a Qt property read by its name with no argument
    /// (`…BrightnessControl.brightness`); a verb (`logout`, `setBrightness`) acts.
    static func isReadMethod(_ w: String, withArguments: Bool) -> Bool {
        let m = w.lastIndex(of: ".").map { String(w[w.index(after: $0)...]) } ?? w
        let l = lowerASCII(m)
        if ["get", "list", "is", "has", "introspect", "ping", "query", "describe", "current", "namehas"].contains(
            where: { l.hasPrefix($0) })
        {
            return true
        }
        return !withArguments && !m.isEmpty && m.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A })
            && !strongVerbs.contains(m) && !["lock", "suspend", "quit", "exit", "toggle", "poweroff"].contains(m)
    }

    /// Options of the browsers that load a page with no window and hand its content, an image
    /// of it or a PDF of it to the caller: the page reaches the agent, not the person (R4).
    static let headlessOptions: NameSet = [
        "--headless", "-headless", "--screenshot", "-screenshot", "--print-to-pdf", "--dump-dom",
    ]

    /// Options that make a browser the desktop's default (A11: the user's configuration).
    static let defaultBrowserOptions: NameSet = [
        "--setDefaultBrowser", "-setDefaultBrowser", "--make-default-browser",
    ]

    /// Commands that erase a whole device, not a file on it (B1: irreversible destruction):
    /// an NVMe format or sanitize, an ATA secure erase, a SCSI format or sanitize, a
    /// persistent-memory namespace destroyed.
    static func erasesDevice(_ inv: borrowing Invocation) -> String? {
        let p = inv.program
        let sub = inv.subcommand ?? ""
        switch Name(p) {
        case "nvme":
            if sub == "format" || sub == "sanitize" { return "nvme \(sub) erases the whole device" }
        case "hdparm":
            if let f = inv.args.first(where: { $0.hasPrefix("--security-erase") }) {
                return "hdparm \(f) erases the whole disk"
            }
        case "sg_format", "sg_sanitize":
            if !inv.positionals.isEmpty { return "\(p) erases the whole device" }
        case "ndctl":
            if sub == "destroy-namespace" { return "ndctl destroy-namespace destroys a memory namespace" }
        default:
            break
        }
        return nil
    }

    /// Tools that take over a running process with ptrace (T1055): moved to this terminal,
    /// its memory and descriptors in the caller's hands (A8).
    static let processTakeover: NameSet = ["reptyr", "injectso", "linux-inject", "gdbserver-attach"]

    /// Kerberos' ticket tools that obtain, drop or switch the user's credentials (A11: the
    /// credential cache outside the workspace, like `gh auth login`). (`klist` reads.)
    static let ticketTools: NameSet = ["kinit", "kdestroy", "kswitch", "k5start"]

    static let condaTools: NameSet = ["conda", "mamba", "micromamba"]
    static let condaConfigWrites: NameSet = [
        "--add", "--append", "--prepend", "--set", "--remove", "--remove-key", "--write-default",
    ]

    /// True when a rule spoke. `spoke`: another rule already found something for this
    /// invocation; then only the block-class rules run (a device erase is also raw disk work,
    /// and ldconfig a system change, which ask).
    static func channels(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ fam: Family, spoke: Bool) -> Bool {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        if let why = erasesDevice(inv) {
            a.hit(.deviceWrite, k, reason: why)
            return true
        }
        // B8: `ldconfig -f FILE` rebuilds the system's linker cache from the directories a
        // given file lists (GTFOBins: a temporary directory of planted libraries, then every
        // privileged program loads them). `-C` writes another cache; `-p` prints.
        if p.eq("ldconfig"), inv.has("-f"), !inv.hasAny(["-C", "-p", "--print-cache", "-n", "-N"]) {
            a.hit(.preload, k, reason: "ldconfig -f rebuilds the system's library cache from a given list")
            return true
        }
        if spoke { return false }
        if printClients.contains(p) {
            a.hit(.egress, k, reason: "\(p) sends its input to a printer")
            return true
        }
        if dbusClients.contains(p) {
            // gdbus names the verb (`call`, `emit`; `introspect`, `monitor` read); dbus-send
            // always sends a message, qdbus calls when it is given a method after the path.
            let method: String?
            let after: ArraySlice<String>
            if p.eq("gdbus") {
                method =
                    pos.first == "call" || pos.first == "emit"
                    ? inv.value(of: "--method", "-m") ?? inv.value(of: "--signal", "-s") ?? pos.first : nil
                after = []
            } else if p.eq("dbus-send") || p.eq("dbus") {
                method = pos.dropFirst().first ?? pos.first
                after = pos.dropFirst(2)
            } else {
                method = pos.count >= 3 ? pos[2] : nil
                after = pos.dropFirst(3)
            }
            // R10: a brightness, volume or colour level set through the bus is a desktop cosmetic.
            let cosmetic = ([method ?? ""] + after).contains(where: { w in
                let l = lowerASCII(w)
                return l.has("brightness") || l.has("volume") || l.has("gamma") || l.has("wallpaper")
            })
            if let m = method, !cosmetic, !isReadMethod(m, withArguments: !after.isEmpty) {
                a.hit(.systemChange, k, reason: "\(p) calls \(m) on a D-Bus service, which acts on it")
                return true
            }
        }
        if fam.contains(.opener) {
            // R4: a page loaded with no window goes to the agent (`firefox --headless
            // --screenshot out.png https://host/`); opening it for the person stays allowed.
            if args.contains(where: { headlessOptions.contains(optionName($0)) }),
                let u = args.first(where: { $0.hasPrefix("http://") || $0.hasPrefix("https://") }),
                !isLoopbackTarget(u)
            {
                a.hit(.egress, k, reason: "\(p) loads \(u) without a window and hands it to the caller")
                return true
            }
            if let f = args.first(where: { defaultBrowserOptions.contains($0) }) {
                a.hit(.outsideWrite, k, reason: "\(p) \(f) changes the desktop's default browser")
                return true
            }
            return false
        }
        // A3: a magnet link names content only a BitTorrent swarm has: fetching it connects to
        // other machines (`peerflix "magnet:?xt=…" -l`, `webtorrent "magnet:?…"`), whatever the
        // client; a text tool that prints one sends nothing.
        if fam.isDisjoint(with: [.textOnly, .remoteClient]), args.contains(where: { $0.hasPrefix("magnet:?") }) {
            a.hit(.egress, k, reason: "\(p) fetches a magnet link's content from a BitTorrent swarm")
            return true
        }
        if processTakeover.contains(p),
            pos.contains(where: { w in !w.isEmpty && w.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } })
        {
            a.hit(.processInjection, k, reason: "\(p) takes over a running process with ptrace")
            return true
        }
        if ticketTools.contains(p) {
            a.hit(.outsideWrite, k, reason: "\(p) changes the user's Kerberos credentials")
            return true
        }
        // A13, B4's milder kin: John the Ripper's extractors (`zip2john`, `ssh2john`,
        // `keepass2john`) pull a password hash out of a file so that it can be cracked.
        if p.utf8.count > 5, p.hasSuffix("2john") {
            a.hit(.secretSearch, k, reason: "\(p) extracts a password hash for cracking")
            return true
        }
        // A11: conda's settings written without naming a file go to the user's ~/.condarc
        // (`conda config --add channels x`, `--set`, `--remove`); `--file`/`--env` name
        // another, `--show`/`--get` read.
        if condaTools.contains(p), inv.subcommand == "config",
            let f = args.first(where: { condaConfigWrites.contains($0) }),
            !inv.hasAny(["--file", "-f", "--env", "--show", "--get", "--describe", "--validate"])
        {
            a.hit(.outsideWrite, k, reason: "\(p) config \(f) writes the user's conda configuration")
            return true
        }
        // Typed into an interactive program: ncdu's `b` key spawns a shell (GTFOBins).
        if p.eq("b"), args.isEmpty, k > 0, a.invocations[k - 1].program.eq("ncdu") {
            a.hit(.shellEscape, k, reason: "b typed into ncdu spawns a shell")
            return true
        }
        return false
    }
}
