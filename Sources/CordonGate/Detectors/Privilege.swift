// Privilege escalation: sudo and friends, setuid bits, capabilities, writes to sudoers and
// account files, and system programs run from copies in the working directory.

enum Privilege {
    static let elevators: NameSet = [
        "sudo", "doas", "pkexec", "run0", "gksudo", "gksu", "kdesu", "kdesudo", "dzdo", "pfexec",
    ]
    /// Names agents commonly give their own executables, which are not copies of system programs.
    static let projectScripts: NameSet = [
        "configure", "gradlew", "mvnw", "manage.py", "setup.py", "build.sh", "run.sh", "test.sh",
        "install.sh",
        "bootstrap", "autogen.sh", "main", "app", "server", "a.out", "start.sh", "deploy.sh",
    ]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        if inv.elevated, let w = inv.wrappers.first(where: { elevators.contains($0) }) {
            a.hit(.sudo, k, reason: "runs \(p) as root through \(w)")
        } else if elevators.contains(p) || p.eq("sudoedit") {
            a.hit(.sudo, k, reason: "\(p) \(inv.args.joined(separator: " ")): a root shell or edit")
        }
        switch Name(p) {
        case "su", "runuser":
            a.hit(.switchUser, k, reason: "\(p) switches to \(inv.positionals.first ?? "root")")
        case "login":
            // `login alice`, `login -f alice`: a session as that user (A7), as su gives.
            if let u = inv.positionals.first {
                a.hit(.switchUser, k, reason: "login starts a session as \(u)")
            }
        case "chmod":
            if let mode = inv.args.first(where: {
                !$0.hasPrefix("-") || $0.hasPrefix("-s") == false && $0.has("+s")
            }), isSetuidMode(mode) {
                a.hit(.setuidBit, k, reason: "chmod \(mode) makes a setuid/setgid program")
            }
        case "setcap":
            a.hit(.setCapability, k, reason: "setcap grants file capabilities")
        case "visudo":
            a.hit(.sudoersWrite, k, score: 60, reason: "visudo edits who may run what as root")
        case "useradd", "usermod", "adduser", "gpasswd":
            if inv.args.contains(where: {
                ["sudo", "wheel", "root", "admin", "docker", "disk", "shadow"].contains($0)
                    || $0.hasSuffix(",sudo") || $0.hasPrefix("sudo,")
            })
                || inv.hasAny(["-o"]) && inv.value(of: "-u").map({ $0 == "0" }) == true
            {
                a.hit(.accountFileWrite, k, reason: "\(p) gives an account root-equivalent groups or uid 0")
            }
        case "passwd", "chpasswd":
            if inv.positionals.contains("root") || p.eq("chpasswd") {
                a.hit(.accountFileWrite, k, score: 60, reason: "\(p) changes account passwords")
            }
        default:
            break
        }
        for t in a.writtenFiles(k) {
            if t.hasPrefix("/etc/sudoers") {
                a.hit(.sudoersWrite, k, reason: "writes to \(t)")
            } else if ["/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/master.passwd"]
                .contains(t)
            {
                a.hit(.accountFileWrite, k, reason: "writes to \(t)")
            }
        }
        // `./find . -exec /bin/sh -p \;`: running a copy of a system program from the cwd is
        // how setuid copies and planted binaries are used.
        // The copy may be a wrapper that was seen through (`./nohup /bin/sh -p`).
        if let first = a[commandOf: k].words.first?.value,
            a[commandOf: k].depth == 0 || inv.pathClass == .relative
        {
            let w = inv.pathClass == .relative ? inv.written : first
            // `./` tested before the basename is cut (most commands are not run from `./`).
            if w.hasPrefix("./"), !w.dropFirst(2).contains("/"), case let name = w.basename,
                KnownPrograms.contains(name) && !projectScripts.contains(name)
            {
                a.hit(.systemBinaryCopy, k, reason: "runs \(w), a local copy of the system program \(name)")
            }
        }
    }

    /// `u+s`, `g+s`, `+s`, `4755`, `2755`, `6755`.
    static func isSetuidMode(_ m: String) -> Bool {
        if m.has("+s") || m.has("u+s") || m.has("g+s") || m.has("=s")
            || (m.has("+") && m.hasSuffix("s"))
        {
            return true
        }
        let digits = m.utf8.filter { $0 >= 0x30 && $0 <= 0x37 }
        if digits.count == m.utf8.count && m.utf8.count == 4, let f = digits.first {
            return f == 0x32 || f == 0x34 || f == 0x36 || f == 0x37
        }
        return false
    }
}
