// Persistence: things that run again later (cron, at, systemd, rc files, authorized_keys,
// preloads, git hooks, PROMPT_COMMAND, python startup hooks).

enum Persistence {
    static let startupFiles = [
        "~/.bashrc", "~/.bash_profile", "~/.profile", "~/.zshrc", "~/.zprofile", "~/.zshenv",
        "~/.bash_login",
        "~/.bash_logout", "~/.kshrc", "~/.config/fish/config.fish", "/etc/profile", "/etc/bash.bashrc",
        "/etc/zshrc",
        "/etc/zsh/zshrc", "/etc/environment", "~/.xinitrc", "~/.xprofile", "~/.config/autostart/",
        "/etc/rc.local",
        "/etc/profile.d/", "~/.inputrc",
    ]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "crontab":
            // Listing (`-l`) is harmless; installing a file, editing, or removing changes jobs.
            if !inv.has("-l") || a[commandOf: k].position > 0 {
                a.hit(
                    .cronJob, k, reason: "crontab \(inv.args.joined(separator: " ")): changes scheduled jobs")
            }
        case "at", "batch":
            if !inv.hasAny(["-l", "-r", "-d", "-c"]) {
                a.hit(.atJob, k, reason: "\(p) schedules commands to run later")
            }
        case "systemctl":
            let sub = inv.subcommand ?? ""
            if [
                "enable", "link", "edit", "set-property", "daemon-reload", "preset", "revert", "unmask",
                "add-wants",
            ].contains(sub) {
                a.hit(.systemdUnit, k, reason: "systemctl \(sub) changes what starts at boot")
            }
        case "systemd-run":
            if inv.args.contains(where: { $0.hasPrefix("--on-") || $0 == "--timer-property" }) {
                a.hit(.systemdUnit, k, reason: "systemd-run schedules a transient timer")
            }
        case "launchctl":
            if inv.subcommand == "load" || inv.subcommand == "bootstrap" {
                a.hit(.systemdUnit, k, reason: "launchctl loads a job")
            }
        case "git":
            if inv.args.contains(where: {
                $0.hasPrefix("core.hooksPath") || $0.hasPrefix("core.hookspath")
            }) && inv.subcommand == "config" {
                a.hit(.gitHook, k, reason: "git config core.hooksPath runs scripts on every git command")
            }
        default:
            break
        }
        for (name, value) in inv.environment
        where ["LD_PRELOAD", "LD_AUDIT", "DYLD_INSERT_LIBRARIES"].contains(name) && !value.isEmpty {
            a.hit(.preload, k, reason: "\(name)=\(value) injects a library into \(p)")
        }
        if inv.environment.contains(where: {
            $0.0 == "LD_LIBRARY_PATH" && $0.1.hasPrefix("/tmp") || $0.0 == "PYTHONSTARTUP"
        }) {
            a.hit(.pythonStartup, k, score: 60, reason: "loads code from an environment hook")
        }
        for t in a.writtenFiles(k) {
            let n = t.homeNormalised
            if n.has(".ssh/authorized_keys") {
                a.hit(.authorizedKeys, k, reason: "adds a key to \(t): a standing way in")
            } else if n == "/etc/ld.so.preload" {
                a.hit(
                    .preload, k, score: 95,
                    reason: "writes /etc/ld.so.preload: every program loads the library")
            } else if startupFiles.contains(where: { n == $0 || ($0.hasSuffix("/") && n.hasPrefix($0)) }) {
                a.hit(.shellStartupFile, k, reason: "writes \(t), which runs at every login or shell")
            } else if n.hasPrefix("/etc/cron") || n.hasPrefix("/var/spool/cron") {
                a.hit(.cronJob, k, reason: "writes \(t): a scheduled job")
            } else if n.hasPrefix("/etc/systemd/") || n.hasPrefix("/lib/systemd/")
                || n.hasPrefix("/usr/lib/systemd/") || n.has(".config/systemd/user")
                || n.hasPrefix("/etc/init.d/")
            {
                a.hit(.systemdUnit, k, reason: "writes \(t): a service or timer")
            } else if n.has(".git/hooks/") {
                a.hit(.gitHook, k, reason: "writes \(t): runs on git operations")
            } else if n.hasSuffix("sitecustomize.py") || n.hasSuffix("usercustomize.py")
                || (n.hasSuffix(".pth") && n.has("-packages"))
            {
                a.hit(.pythonStartup, k, reason: "writes \(t): runs at every python start")
            }
        }
    }

    static func checkScript(_ a: Analysis) {
        for (name, value) in a.script.bareAssignments
        where name == "PROMPT_COMMAND" && !value.value.isEmpty {
            a.hit(
                .promptCommand, evidence: "PROMPT_COMMAND=\(value.value)",
                reason: "PROMPT_COMMAND runs a command before every prompt")
        }
        for (name, value) in a.script.bareAssignments where name == "LD_PRELOAD" && !value.value.isEmpty {
            a.hit(
                .preload, evidence: "LD_PRELOAD=\(value.value)",
                reason: "LD_PRELOAD injects a library into later programs")
        }
    }
}
