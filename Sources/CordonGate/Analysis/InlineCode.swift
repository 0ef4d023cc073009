// Inline interpreter code (`python -c`, `perl -e`, `awk 'BEGIN{...}'`, `vim -c ':!sh'`) is a
// finding of its own, and the commands it shells out to are parsed and analysed like any other
// command when they are string literals we can read.

/// Calls that run a command, across the languages agents inline.
private let shellOutCalls = [
    "os.system(", "os.popen(", "subprocess.call(", "subprocess.run(", "subprocess.Popen(",
    "subprocess.check_output(",
    "subprocess.check_call(", "subprocess.getoutput(", "subprocess.getstatusoutput(", "pty.spawn(",
    "os.execl(",
    "os.execlp(", "os.execv(", "os.execvp(", "os.execve(", "os.spawnl(", "os.spawnlp(", "system(",
    "exec(", "popen(",
    "shell_exec(", "passthru(", "proc_open(", "pcntl_exec(", "os.execute(", "io.popen(", "execSync(",
    "spawnSync(",
    "spawn(", "execFile(", "execFileSync(", "Kernel.exec(", "IO.popen(", "Open3.", "%x(", "system ",
    "exec ",
    "Runtime.getRuntime().exec(", "run(`", "child_process",
]

private let socketMarkers = [
    "socket.socket", "socket(", "fsockopen", "TCPSocket", "IO::Socket", "net.Socket", "net.connect",
    "createConnection",
    "require(\"socket\")", "require('socket')", "socket.tcp", "Socket.new", "new Socket(",
    "UDPSocket", "stream_socket_client",
    "Socket::", "connect((", "using Sockets", "[socket ", "require(\"net\")", "require('net')",
    "/inet/tcp/", "/inet/udp/", "java.net.Socket", "socket.connect",
]
private let listenMarkers = [
    "/0/0\"", "bind(", "listen(", "accept(", "TCPServer", "stream_socket_server", "createServer",
    "k.bind(",
]
private let spawnMarkers = [
    "/bin/sh", "/bin/bash", "pty.spawn", "dup2", "subprocess", "exec(", "system(", "popen",
    "os.execute", "spawn(",
    "cmd.exe", "sh -i", "proc_open", "shell_exec", "\"sh\"", "'sh'", "run(`", "exec $", "spawn ",
    "ProcessBuilder", "getRuntime().exec", "|& getline", "Cmd(", "`sh`", "`bash", "run(pipeline(",
]
private let networkMarkers = [
    "urllib", "urlopen", "urlretrieve", "http.client", "requests.", "http.server", "SimpleHTTPServer",
    "socketserver",
    "file_get_contents(\"http", "file_get_contents(getenv", "open-uri", "WEBrick", "require(\"http",
    "require('http",
    "fetch(", "LWP::", "HTTP::", "Net::HTTP", "java.net.URL", "File::Fetch", "download(", "socket",
    "HTTPServer", "http.get", "http.request", "curl_exec", "'http://", "\"http://", "'ftp://",
]
private let setuidMarkers = [
    "setuid(0)", "setuid 0", "setresuid(0", "setreuid(0", "Sys.setuid(0)", "setgid(0)",
]

/// The marker lists above as `Needles` (same answers as `hasAny` over the list: none is empty).
private let libraryMarkers = [
    "LoadLibrary", "dlopen", "cdll.", "ffi.load", "DynaLoader", "Fiddle", "System.load(", "ctypes.CDLL",
]
private let markerNeedles = (
    library: Needles(libraryMarkers),
    // One pass answers "neither a library load nor an archive module" for most code, so the
    // collection check (T1560.002) costs no extra pass over a big program.
    libraryOrArchive: Needles(libraryMarkers + Effects.archiveModuleNames),
    setuid: Needles(setuidMarkers), socket: Needles(socketMarkers), spawn: Needles(spawnMarkers),
    listen: Needles(listenMarkers), network: Needles(networkMarkers),
    shellOut: Needles(shellOutCalls)
)

private let pythonNames: NameSet = [
    "python", "python2", "python3", "pypy", "pypy3", "python2.7", "python3.8", "python3.9",
    "python3.10", "python3.11",
    "python3.12", "python3.13",
]
let awkNames: NameSet = ["awk", "gawk", "mawk", "nawk", "busybox-awk"]
let editorNames: NameSet = [
    "vi", "vim", "view", "rvim", "rview", "vimdiff", "ex", "nvim", "gvim", "evim",
]

extension Analysis {
    /// Records inline code carried by `inv` and parses the commands it shells out to.
    func inlineScripts(of inv: borrowing Invocation, index: Int, under k: Int, context: Inherited) {
        let p = inv.program
        // Only interpreters, awk, editors, gimp and gdb carry inline code.
        guard
            inv.kind.contains(.interpreter) || inv.kind.contains(.editor) || pythonNames.contains(p)
                || awkNames.contains(p) || p.eq("gdb") || p.eq("gimp")
        else { return }
        var pieces: [(String, String)] = []  // (language, code)
        if pythonNames.contains(p) {
            if let c = inv.value(of: "-c") { pieces.append(("python", c)) }
        } else if p.eq("perl") {
            if let j = inv.args.firstIndex(where: {
                $0.hasPrefix("-") && !$0.hasPrefix("--") && ($0.hasSuffix("e") || $0.hasSuffix("E"))
            }),
                j + 1 < inv.args.count
            {
                pieces.append(("perl", inv.args[j + 1]))
            }
        } else if p.eq("expect") {
            if let c = inv.value(of: "-c") { pieces.append(("expect", c)) }
        } else if p.eq("ruby") || p.eq("lua") || p.eq("luajit") || p.eq("jrunscript") || p.eq("julia")
            || p.eq("Rscript")
            || p.eq("osascript") || p.eq("tclsh")
        {
            for (j, a) in inv.args.enumerated() where a == "-e" && j + 1 < inv.args.count {
                pieces.append((p, inv.args[j + 1]))
            }
        } else if p.eq("node") || p.eq("nodejs") || p.eq("deno") || p.eq("bun") {
            if let c = inv.value(of: "-e", "--eval", "-p", "--print") { pieces.append(("node", c)) }
        } else if p.eq("php") {
            if let c = inv.value(of: "-r") { pieces.append(("php", c)) }
        } else if awkNames.contains(p) {
            if !inv.has("-f"), let prog = awkProgram(inv.args) { pieces.append(("awk", prog)) }
        } else if editorNames.contains(p) {
            for (j, a) in inv.args.enumerated()
            where (a == "-c" || a == "--cmd") && j + 1 < inv.args.count {
                pieces.append(contentsOf: editorCommand(inv.args[j + 1]))
            }
            for a in inv.args where a.hasPrefix("+") && a.utf8.count > 1 {
                pieces.append(contentsOf: editorCommand(String(a.dropFirst())))
            }
        } else if p.eq("gimp") {
            if let c = inv.value(of: "-b", "--batch") { pieces.append(("python", c)) }
        } else if p.eq("gdb") {
            for (j, a) in inv.args.enumerated()
            where (a == "-ex" || a == "--eval-command") && j + 1 < inv.args.count {
                let c = inv.args[j + 1]
                if c.hasPrefix("!") { pieces.append(("shell", String(c.dropFirst()))) }
                if c.hasPrefix("shell ") { pieces.append(("shell", String(c.dropFirst(6)))) }
                if c.hasPrefix("python ") { pieces.append(("python", String(c.dropFirst(7)))) }
            }
        }
        guard !pieces.isEmpty else { return }
        var ctx = context
        ctx.wrappers.append(p)
        for (language, code) in pieces {
            if language == "shell" {
                parseNested(code, under: k, context: ctx)
                continue
            }
            inlineCode.append((index, language, code))
            analyseCode(code, language: language, invocation: index, under: k, context: ctx)
        }
    }

    func analyseCode(
        _ code: String, language: String, invocation index: Int, under k: Int, context: Inherited,
        payload: Bool = false
    ) {
        let short =
            code.utf8.count > 80 ? String(decoding: code.utf8.prefix(80), as: UTF8.self) + "..." : code
        if !payload { hit(.inlineCode, index, evidence: short, reason: "runs inline \(language) code") }
        // One pass over the code per marker list (`Needles`), not one per marker: code can be
        // long. Same answer as `has` over each marker. Figures: docs/benchmarks-gate.md.
        let libraryOrArchive = code.containsAny(markerNeedles.libraryOrArchive)
        if libraryOrArchive && code.containsAny(markerNeedles.library) {
            hit(
                .libraryLoad, index, evidence: short,
                reason: "inline \(language) code loads a native library")
        }
        if code.containsAny(markerNeedles.setuid) {
            hit(
                .setuidInCode, index, evidence: short, reason: "inline \(language) code switches to uid 0")
        }
        let socket = code.containsAny(markerNeedles.socket)
        if socket && code.containsAny(markerNeedles.spawn) {
            if code.containsAny(markerNeedles.listen) && !code.has("connect") {
                hit(
                    .bindShell, index, evidence: short,
                    reason: "inline \(language) code serves a shell on a listening socket")
            } else {
                hit(
                    .scriptingSocketShell, index, evidence: short,
                    reason: "inline \(language) code connects a socket to a shell")
            }
        } else if code.containsAny(markerNeedles.network), !Effects.codeTargetsOnlyLoopback(code) {
            // A client of a local dev server (urllib to localhost) is ordinary work, not
            // egress (gate-classes.md A3).
            hit(
                .rawSocketTransfer, index, evidence: short,
                reason: "inline \(language) code moves data over the network")
        } else if !payload && Programs.isShellPath(code) && code.containsAny(markerNeedles.spawn) {
            hit(.shellEscape, index, evidence: short, reason: "inline \(language) code starts a shell")
        }
        if libraryOrArchive, code.containsAny(Effects.archiveModules), code.containsAny(Effects.collectedInCode) {
            hit(
                .collection, index, evidence: short,
                reason: "inline \(language) code archives or compresses system, home or key files (T1560.002)")
        }
        var readable = false
        for literal in shellOutLiterals(code, awk: language == "awk") {
            readable = true
            parseNested(literal, under: k, context: context, guessed: true)
        }
        if !readable && code.containsAny(markerNeedles.shellOut) && language != "awk" && !payload {
            hit(
                .inlineShellOut, index, evidence: short,
                reason: "inline \(language) code runs commands that cannot be read statically")
        }
    }

    /// `:!cmd`, `:shell`, `:py code`, `:lua code` in an editor's `-c` argument.
    private func editorCommand(_ c: String) -> [(String, String)] {
        var s = Substring(c)
        while s.first == ":" || s.first == " " { s = s.dropFirst() }
        if s.hasPrefix("!") { return [("shell", String(s.dropFirst()))] }
        if s.hasPrefix("sh") || s.hasPrefix("shell") { return [("shell", "/bin/sh")] }
        if s.hasPrefix("set shell=") { return [("shell", String(s.dropFirst(10)))] }
        for (prefix, lang) in [
            ("py3 ", "python"), ("python3 ", "python"), ("pyx ", "python"), ("python ", "python"),
            ("py ", "python"), ("lua ", "lua"), ("perl ", "perl"), ("ruby ", "ruby"),
        ]
        where s.hasPrefix(prefix) {
            return [(lang, String(s.dropFirst(prefix.count)))]
        }
        if s.hasPrefix("call system(") || s.hasPrefix("call libcallnr") { return [("vim", String(s))] }
        return []
    }
}

/// The program text of an awk command line: the first non-option argument.
func awkProgram(_ args: [String]) -> String? {
    var j = 0
    while j < args.count {
        let a = args[j]
        if a == "--" { return j + 1 < args.count ? args[j + 1] : nil }
        if a == "-F" || a == "-v" || a == "-f" || a == "-i" || a == "-l" {
            j += 2
            continue
        }
        if a.hasPrefix("-") && a.utf8.count > 1 {
            j += 1
            continue
        }
        return a
    }
    return nil
}

/// String literals passed to shell-out calls: `os.system("id")` gives `id`; a list form
/// `subprocess.run(["rm", "-rf", "/"])` gives `rm -rf /`; backquotes in perl/ruby/php give
/// their content; awk's `print | "cmd"` and `"cmd" | getline` give `cmd`.
func shellOutLiterals(_ code: String, awk: Bool) -> [String] {
    let b = Array(code.utf8)
    var out: [String] = []
    func literal(at start: Int) -> (String, Int)? {
        var k = start
        while k < b.count && (b[k] == 0x20 || b[k] == 0x28) { k += 1 }  // spaces, '('
        guard k < b.count else { return nil }
        if b[k] == 0x5b {  // '[' list form
            var parts: [String] = []
            var e = k + 1
            while e < b.count && b[e] != 0x5d {
                if b[e] == 0x22 || b[e] == 0x27, let (s, after) = literal(at: e) {
                    parts.append(s)
                    e = after
                } else {
                    e += 1
                }
            }
            return parts.isEmpty ? nil : (quoteJoin(parts), e)
        }
        let q = b[k]
        guard q == 0x22 || q == 0x27 || q == 0x60 else { return nil }
        var e = k + 1
        var v: [UInt8] = []
        while e < b.count && b[e] != q {
            if b[e] == 0x5c && e + 1 < b.count {
                v.append(b[e + 1] == 0x6e ? 0x0a : b[e + 1])
                e += 2
            } else {
                v.append(b[e])
                e += 1
            }
        }
        return (String(decoding: v, as: UTF8.self), e + 1)
    }
    for call in shellOutCalls {
        var from = 0
        while let r = code.byteRange(of: call, from: from) {
            from = r.upperBound
            // `exec(` inside `os.execl(` and friends is found by both; literals dedupe below.
            if r.lowerBound > 0 && call.first.map({ $0.isLetter }) == true {
                let prev = b[r.lowerBound - 1]
                if (prev >= 0x61 && prev <= 0x7a) || (prev >= 0x41 && prev <= 0x5a) || prev == 0x5f {
                    continue
                }
            }
            if let (s, _) = literal(at: r.upperBound), !s.isEmpty { out.append(s) }
            if out.count > 32 { break }
        }
    }
    // Backquotes run commands in perl, ruby and php.
    if !awk {
        var k = 0
        while k < b.count {
            if b[k] == 0x60, let e = b[(k + 1)...].firstIndex(of: 0x60) {
                out.append(String(decoding: b[(k + 1)..<e], as: UTF8.self))
                k = e + 1
            } else {
                k += 1
            }
        }
    } else {
        // awk: `print ... | "cmd"`, `"cmd" | getline`.
        var k = 0
        while k < b.count {
            if b[k] == 0x7c, let (s, after) = literal(at: k + 1) {
                out.append(s)
                k = after
                continue
            }
            if b[k] == 0x22, let (s, after) = literal(at: k) {
                var e = after
                while e < b.count && b[e] == 0x20 { e += 1 }
                if e < b.count && b[e] == 0x7c && !(e + 1 < b.count && b[e + 1] == 0x7c) { out.append(s) }
                k = after
                continue
            }
            k += 1
        }
    }
    var seen = Set<String>()
    return out.filter { seen.insert($0).inserted }
}

extension Analysis {
    /// Code handed to an interpreter on standard input (`echo '...' | jjs`, `python <<EOF`) is
    /// inline code; text an `echo` writes to a file (`echo 'os.execute("/bin/sh")' > $TF`) is a
    /// payload, checked for shells, sockets and shell-outs.
    func payloads() {
        // Most commands echo nothing into anything: skip the bookkeeping below.
        guard
            invocations.contains(where: { $0.program.eq("echo") || $0.program.eq("printf") })
                || sink.script.commands.contains(where: { c in c.redirects.contains { $0.hereText != nil } }
                )
        else { return }
        var invocationOf: [Int: Int] = [:]
        for (k, inv) in invocations.enumerated() { invocationOf[inv.command] = k }
        let count = invocations.count
        let schedulesStdin = invocations.contains { i in
            (i.program.eq("crontab")
                && (i.args.last == "-" || i.positionals.isEmpty && !i.hasAny(["-l", "-e", "-r"])))
                || i.program.eq("at") || i.program.eq("batch")
        }
        // The command of the next stage of each command's pipeline, found in one pass: searching
        // all commands for it per echo made a script of N echoes cost N².
        lazy var nextStage: [Int: Int] = {
            var last: [Int: Int] = [:]
            var out: [Int: Int] = [:]
            for (j, c) in sink.script.commands.enumerated() {
                if let i = last[c.pipeline], sink.script.commands[i].position == c.position - 1, out[i] == nil {
                    out[i] = j
                }
                last[c.pipeline] = j
            }
            return out
        }()
        for k in 0..<count {
            let inv = invocations[k]
            let cmd = sink.script.commands[inv.command]
            var ctx = inherited[inv.command] ?? Inherited()
            ctx.wrappers.append(inv.program)
            if let here = cmd.redirects.compactMap(\.hereText).first, Programs.readsScriptFromStdin(inv) {
                if shellNames.contains(inv.program) {
                    parseNested(here, under: inv.command, context: ctx)
                } else {
                    inlineCode.append((k, inv.program, here))
                    analyseCode(here, language: inv.program, invocation: k, under: inv.command, context: ctx)
                }
                continue
            }
            guard inv.program.eq("echo") || inv.program.eq("printf") else { continue }
            // Lines echoed into `crontab -` or `at` are commands that will run later.
            if schedulesStdin {
                let textArgs = inv.args.drop { $0.hasPrefix("-") && $0.utf8.count <= 3 }.joined(
                    separator: " ")
                parseNested(cronCommand(textArgs), under: inv.command, context: ctx, guessed: true)
                continue
            }
            let text = inv.args.drop { $0.hasPrefix("-") && $0.utf8.count <= 3 }.joined(separator: " ")
            guard text.utf8.count >= 8 else { continue }
            if let next = nextStage[inv.command], let n = invocationOf[next] {
                let target = invocations[n]
                if Programs.readsScriptFromStdin(target) || jvmScripting.contains(target.program) {
                    var c = inherited[next] ?? Inherited()
                    c.wrappers.append(target.program)
                    // `echo cmd | sh` is parsed by RemoteExecution's rules.
                    if shellNames.contains(target.program) { continue }
                    inlineCode.append((n, target.program, text))
                    analyseCode(text, language: target.program, invocation: n, under: next, context: c)
                    continue
                }
            }
            if outputTargets(k).contains(where: { !$0.hasPrefix("/dev/") }) {
                analyseCode(
                    text, language: "payload", invocation: k, under: inv.command, context: ctx, payload: true)
            }
        }
    }
}

/// Script hosts that read a program on standard input though they are not general interpreters.
let jvmScripting: NameSet = [
    "jjs", "jrunscript", "tclsh", "wish", "expect", "gdb", "irb", "php", "node", "lua",
]

/// A crontab line without its five schedule fields (or `@reboot`-style nickname).
func cronCommand(_ line: String) -> String {
    let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
    if let f = fields.first, f.hasPrefix("@") {
        return line.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
    }
    let schedule = fields.prefix(5).allSatisfy {
        $0.allSatisfy { c in c.isNumber || "*/,-".contains(c) }
    }
    return schedule && fields.count == 6 ? String(fields[5]) : line
}
