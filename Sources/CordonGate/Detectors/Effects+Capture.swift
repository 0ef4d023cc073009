// Effects: capture and input (gate-classes.md A13, R10): the screen, camera, microphone,
// keyboard and clipboard, synthetic input, password stores, screen locks and radios.

extension Effects {
    static let captureTools: NameSet = [
        "scrot", "gnome-screenshot", "grim", "maim", "flameshot", "spectacle", "xwd", "screencapture",
        "wf-recorder", "ksnip", "shutter", "xfce4-screenshooter", "deepin-screenshot", "peek",
        "simplescreenrecorder", "kazam", "vokoscreen", "recordmydesktop", "byzanz-record", "logkeys",
        "showkey", "xinput", "evtest", "xdotool", "ydotool", "wtype", "xte", "xclip", "xsel", "wl-paste",
        "pbpaste", "copyq", "clipman", "cliphist", "cb", "clipse", "gpaste-client", "xdg-screensaver", "slock",
        "i3lock", "xlock", "swaylock",
        "gnome-screensaver-command", "xscreensaver-command", "light-locker-command", "rfkill", "pass", "gopass",
        "bw", "op", "keepassxc-cli", "secret-tool", "lpass", "kwallet-query", "gnome-keyring-daemon",
        "import", "ffmpeg", "xdotool", "ydotool", "gpg", "rbw", "systemd-ask-password",
    ]

    /// A13 and R10: the screen, keyboard, clipboard and password stores; screen locks and radios.
    static func capture(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let args = inv.args
        let pos = inv.positionals
        let sub = pos.first ?? ""
        var why: String?
        switch Name(p) {
        case "xclip", "xsel":
            // Reading the clipboard (`-o`, `xsel` with -o/-b alone) captures what the user copied;
            // writing to it (`-i`, a pipe into it) is ordinary work.
            if inv.hasAny(["-o", "-out", "--output"]) { why = "reads the clipboard" }
        case "wl-paste", "pbpaste": why = "reads the clipboard"
        case "cliphist", "clipse", "gpaste-client", "cb":
            if ["list", "decode", "paste", "history", "show", "get", "--list"].contains(sub)
                || pos.isEmpty && !p.eq("cb")
            {
                why = "reads the clipboard history"
            }
        case "copyq":
            // Bare, it starts the clipboard manager, which records everything copied from then on.
            if ["read", "clipboard", "history"].contains(sub) || args.isEmpty { why = "reads the clipboard history" }
        case "xinput": if sub == "test" || sub == "test-xi2" { why = "records keyboard and pointer input" }
        case "xdotool", "ydotool", "wtype", "xte":
            if p.eq("xdotool")
                && [
                    "getactivewindow", "getmouselocation", "search", "getwindowname", "getwindowpid",
                    "getwindowgeometry", "getwindowfocus", "get_desktop", "get_num_desktops",
                ].contains(sub)
            {
                return
            }
            why = "injects synthetic key presses or pointer events"
        case "import":
            if inv.has("-window") || args.contains("root") || pos.count == 1 { why = "captures the screen" }
        case "ffmpeg":
            if let f = inv.value(of: "-f"),
                [
                    "x11grab", "kmsgrab", "gdigrab", "avfoundation", "fbdev", "v4l2", "pulse", "alsa", "dshow",
                    "pipewire",
                ].contains(f),
                args.contains("-i")
            {
                why = "records the screen, camera or microphone"
            }
        case "rfkill": if ["block", "unblock", "toggle"].contains(sub) { why = "changes radios (wifi, bluetooth)" }
        case "pass", "gopass":
            if pos.isEmpty
                || ["show", "otp", "-c", "--clip", "cat", "find", "grep", "ls", "list"].contains(sub) && sub != "ls"
                    && sub != "list" && sub != "find"
                || ![
                    "init", "insert", "generate", "edit", "rm", "mv", "cp", "git", "ls", "list", "find", "help",
                    "version", "--help",
                ].contains(sub) && !pos.isEmpty
            {
                if pos.isEmpty { return }  // lists names only
                why = "reads a password from the store"
            } else if ["insert", "generate", "edit", "rm", "mv", "cp", "git"].contains(sub) {
                why = "changes the password store"
            }
        case "systemd-ask-password":
            // Asks the person (or the system's agent) for a password and prints it to the caller.
            why = "asks for a password and hands it to the caller"
        case "bw", "op", "keepassxc-cli", "secret-tool", "lpass", "kwallet-query", "rbw":
            if [
                "get", "show", "read", "lookup", "export", "item", "list", "ls", "search", "unlock", "login", "-r",
                "open", "clip", "attachment", "code", "totp",
            ].contains(sub)
                || p.eq("kwallet-query") && inv.hasAny(["-r", "--read-password", "-l"])
                || p.eq("secret-tool") && sub == "search"
            {
                why = "reads the password manager"
            } else if [
                // (`lock` closes the vault: nothing is read or lost.)
                "logout", "store", "create", "edit", "delete", "add", "rm", "mv", "sync", "config", "import",
            ].contains(sub) {
                why = "changes the password manager"
            }
        case "gpg":
            if inv.hasAny([
                "--export-secret-keys", "--export-secret-subkeys", "--delete-secret-keys", "--delete-keys", "--gen-key",
                "--full-generate-key", "--generate-key", "--quick-gen-key", "--import", "--edit-key", "--sign-key",
                "--lsign-key", "--delete-secret-and-public-key", "--gen-revoke", "--send-keys", "--recv-keys",
                "--refresh-keys",
            ]) {
                why = "changes, exports or exchanges keys in the keyring"
            }
        case "gnome-keyring-daemon":
            if inv.hasAny(["--unlock", "--replace", "--start"]) { why = "unlocks the keyring" }
        case "showkey", "logkeys", "evtest": why = "records keystrokes"
        case "xdg-screensaver": if sub == "lock" || sub == "activate" { why = "locks the screen" }
        case "slock", "i3lock", "xlock", "swaylock": why = "locks the screen"
        case "gnome-screensaver-command", "xscreensaver-command", "light-locker-command":
            if inv.hasAny(["-l", "--lock", "-lock", "-a", "--activate", "-activate"]) { why = "locks the screen" }
        default:
            why = "captures the screen or its recording"
        }
        if let why { a.hit(.inputCapture, k, reason: "\(p) \(why)") }
    }

}
