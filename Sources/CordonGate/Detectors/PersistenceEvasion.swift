// Persistence (things that run again later) and defence evasion (hiding what ran).

enum Persistence {
    static let startupFiles = [
        "~/.bashrc", "~/.bash_profile", "~/.profile", "~/.zshrc", "~/.zprofile", "~/.zshenv", "~/.bash_login",
        "~/.bash_logout", "~/.kshrc", "~/.config/fish/config.fish", "/etc/profile", "/etc/bash.bashrc", "/etc/zshrc",
        "/etc/zsh/zshrc", "/etc/environment", "~/.xinitrc", "~/.xprofile", "~/.config/autostart/", "/etc/rc.local",
        "/etc/profile.d/", "~/.inputrc",
    ]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "crontab":
            // Listing (`-l`) is harmless; installing a file, editing, or removing changes jobs.
            if !inv.has("-l") || a.command(k).position > 0 {
                a.hit(.cronJob, k, reason: "crontab \(inv.args.joined(separator: " ")): changes scheduled jobs")
            }
        case "at", "batch":
            if !inv.hasAny(["-l", "-r", "-d", "-c"]) { a.hit(.atJob, k, reason: "\(p) schedules commands to run later") }
        case "systemctl":
            let sub = inv.subcommand ?? ""
            if ["enable", "link", "edit", "set-property", "daemon-reload", "preset", "revert", "unmask", "add-wants"].contains(sub) {
                a.hit(.systemdUnit, k, reason: "systemctl \(sub) changes what starts at boot")
            }
        case "systemd-run":
            if inv.args.contains(where: { $0.hasPrefix("--on-") || $0 == "--timer-property" }) {
                a.hit(.systemdUnit, k, reason: "systemd-run schedules a transient timer")
            }
        case "launchctl":
            if inv.subcommand == "load" || inv.subcommand == "bootstrap" { a.hit(.systemdUnit, k, reason: "launchctl loads a job") }
        case "git":
            if inv.args.contains(where: { $0.hasPrefix("core.hooksPath") || $0.hasPrefix("core.hookspath") }) && inv.subcommand == "config" {
                a.hit(.gitHook, k, reason: "git config core.hooksPath runs scripts on every git command")
            }
        default:
            break
        }
        for (name, value) in inv.environment where ["LD_PRELOAD", "LD_AUDIT", "DYLD_INSERT_LIBRARIES"].contains(name) && !value.isEmpty {
            a.hit(.preload, k, reason: "\(name)=\(value) injects a library into \(p)")
        }
        if inv.environment.contains(where: { $0.0 == "LD_LIBRARY_PATH" && $0.1.hasPrefix("/tmp") || $0.0 == "PYTHONSTARTUP" }) {
            a.hit(.pythonStartup, k, score: 60, reason: "loads code from an environment hook")
        }
        for t in a.writtenFiles(k) {
            let n = t.homeNormalised
            if n.has(".ssh/authorized_keys") {
                a.hit(.authorizedKeys, k, reason: "adds a key to \(t): a standing way in")
            } else if n == "/etc/ld.so.preload" {
                a.hit(.preload, k, score: 95, reason: "writes /etc/ld.so.preload: every program loads the library")
            } else if startupFiles.contains(where: { n == $0 || ($0.hasSuffix("/") && n.hasPrefix($0)) }) {
                a.hit(.shellStartupFile, k, reason: "writes \(t), which runs at every login or shell")
            } else if n.hasPrefix("/etc/cron") || n.hasPrefix("/var/spool/cron") {
                a.hit(.cronJob, k, reason: "writes \(t): a scheduled job")
            } else if n.hasPrefix("/etc/systemd/") || n.hasPrefix("/lib/systemd/") || n.hasPrefix("/usr/lib/systemd/") || n.has(".config/systemd/user") || n.hasPrefix("/etc/init.d/") {
                a.hit(.systemdUnit, k, reason: "writes \(t): a service or timer")
            } else if n.has(".git/hooks/") {
                a.hit(.gitHook, k, reason: "writes \(t): runs on git operations")
            } else if n.hasSuffix("sitecustomize.py") || n.hasSuffix("usercustomize.py") || (n.hasSuffix(".pth") && n.has("-packages")) {
                a.hit(.pythonStartup, k, reason: "writes \(t): runs at every python start")
            }
        }
    }

    static func checkScript(_ a: Analysis) {
        for (name, value) in a.script.bareAssignments where name == "PROMPT_COMMAND" && !value.value.isEmpty {
            a.hit(.promptCommand, evidence: "PROMPT_COMMAND=\(value.value)", reason: "PROMPT_COMMAND runs a command before every prompt")
        }
        for (name, value) in a.script.bareAssignments where name == "LD_PRELOAD" && !value.value.isEmpty {
            a.hit(.preload, evidence: "LD_PRELOAD=\(value.value)", reason: "LD_PRELOAD injects a library into later programs")
        }
    }
}

enum Evasion {
    static let securityServices = ["auditd", "falco", "osqueryd", "osquery", "apparmor", "firewalld", "ufw", "wazuh-agent",
                                   "crowdstrike", "falcon-sensor", "sysmon", "clamav-daemon", "clamd", "aide", "selinux",
                                   "snort", "suricata", "ossec", "tetragon", "sentinelone", "cbagentd", "rsyslog", "syslog-ng",
                                   "systemd-journald", "iptables", "nftables", "fail2ban"]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "history":
            if inv.hasAny(["-c", "-w"]) && inv.has("-c") || inv.has("-d") { a.hit(.historyTamper, k, reason: "clears shell history") }
        case "unset":
            if inv.args.contains("HISTFILE") { a.hit(.historyTamper, k, reason: "unset HISTFILE: stops recording history") }
        case "set":
            if inv.args.contains("+o") && inv.args.contains("history") { a.hit(.historyTamper, k, reason: "set +o history: stops recording history") }
        case "setenforce":
            if inv.args.first == "0" || inv.args.first?.asciiLowercased == "permissive" { a.hit(.securityDisabled, k, reason: "setenforce 0 disables SELinux") }
        case "ufw":
            if inv.subcommand == "disable" || inv.subcommand == "reset" { a.hit(.securityDisabled, k, reason: "ufw \(inv.subcommand ?? "") turns the firewall off") }
        case "iptables", "ip6tables", "nft":
            if inv.hasAny(["-F", "--flush", "-X"]) || inv.args.contains("flush") || (inv.has("-P") && inv.args.contains("ACCEPT")) {
                a.hit(.securityDisabled, k, reason: "\(p) flushes firewall rules")
            }
        case "aa-disable", "aa-complain", "aa-teardown":
            a.hit(.securityDisabled, k, reason: "\(p) switches AppArmor off")
        case "auditctl":
            if inv.has("-D") || inv.value(of: "-e") == "0" { a.hit(.securityDisabled, k, reason: "auditctl disables auditing") }
        case "systemctl", "service":
            let words = inv.args
            if words.contains(where: { ["stop", "disable", "mask", "kill"].contains($0) }),
                let svc = words.first(where: { w in securityServices.contains { w.hasPrefix($0) } })
            {
                a.hit(.securityDisabled, k, reason: "\(p) stops the security service \(svc)")
            }
        case "kill", "pkill", "killall":
            if let svc = inv.args.first(where: { w in securityServices.contains { w == $0 } }) {
                a.hit(.securityAgentKilled, k, reason: "\(p) kills the security agent \(svc)")
            }
        case "journalctl":
            if inv.args.contains(where: { $0.hasPrefix("--vacuum") || $0 == "--rotate" && false }) {
                a.hit(.logTamper, k, score: 60, reason: "journalctl --vacuum deletes system logs")
            }
        case "touch":
            if inv.hasAny(["-r", "--reference", "-d", "--date", "-t"]) { a.hit(.timestomp, k, reason: "touch sets file times to chosen values") }
        case "rm", "shred", "truncate", "unlink":
            if let t = inv.positionals.first(where: { $0.hasPrefix("/var/log") || $0.has("wtmp") || $0.has("btmp") || $0.has("lastlog") }) {
                a.hit(.logTamper, k, reason: "\(p) removes logs (\(t))")
            }
            if let t = inv.positionals.first(where: { $0.homeNormalised.has("_history") }) {
                a.hit(.historyTamper, k, reason: "\(p) removes shell history (\(t))")
            }
        case "ln":
            if inv.has("-s") && inv.args.contains("/dev/null") && inv.args.contains(where: { $0.has("_history") }) {
                a.hit(.historyTamper, k, reason: "links shell history to /dev/null")
            }
        default:
            break
        }
        for t in a.outputTargets(k) where t.hasPrefix("/var/log/") || t.homeNormalised.has("_history") {
            let cmd = a.command(k)
            if cmd.words.isEmpty || p == "echo" || p == "cat" || p == "printf" || p == ":" || p == "true" {
                a.hit(.logTamper, k, reason: "overwrites \(t)")
            }
        }
    }

    static func checkScript(_ a: Analysis) {
        for (name, value) in a.script.bareAssignments {
            if (name == "HISTFILE" && (value.value == "/dev/null" || value.value.isEmpty)) || (name == "HISTSIZE" && value.value == "0") || name == "HISTFILESIZE" && value.value == "0" {
                a.hit(.historyTamper, evidence: "\(name)=\(value.value)", reason: "\(name)=\(value.value): stops recording history")
            }
        }
        // `> /var/log/auth.log` on its own line is a command with only a redirection.
        for c in a.script.commands where c.words.isEmpty {
            for r in c.redirects where r.isOutput && (r.target.value.hasPrefix("/var/log/") || r.target.value.has("_history")) {
                a.hit(.logTamper, evidence: c.text, reason: "truncates \(r.target.value)")
            }
        }
    }
}
