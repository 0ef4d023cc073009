// An exec's argument shape: the program, its subcommand for tools that have them, its flags
// (sorted, values dropped), and the classes of the paths it names. `git commit -m "fix" a.c`
// and `git commit -m "typo" b.c` are one shape, `git commit -m x` and `cat /etc/shadow` are
// not. What a profile learns about execs is counted by shape, so the agent's habits are
// learned without its file names and messages.

public struct ExecShape: Sendable, Equatable, Hashable {
    public var program: String
    public var subcommand: String?
    public var flags: [String]
    public var pathClasses: [PathClass]
    /// The arguments that named paths outside the workspace, tmp and devices (for reasons).
    public var outsidePaths: [String]

    /// Programs whose first non-flag word is a subcommand worth telling apart.
    static let subcommandTools: Set<String> = [
        "git", "npm", "yarn", "pnpm", "cargo", "swift", "go", "docker", "podman", "kubectl", "pip", "pip3", "apt",
        "apt-get", "systemctl", "make", "gh", "brew", "dotnet", "poetry", "uv", "bundle", "rake", "gradle", "mvn",
    ]

    public init(argv: [String], path: String?, cwd: String, workspace: String, home: String?) {
        let name = (path ?? argv.first ?? "?").split(separator: "/").last.map(String.init) ?? "?"
        // An interpreter running a script is that script (`python3 -m pytest` is pytest).
        program = name
        var flags = Set<String>()
        var classes = Set<PathClass>()
        var outside: [String] = []
        var sub: String?
        let args = argv.dropFirst()
        func note(_ a: String) {
            // The argument itself, or the paths written inside it (an option's value, inline
            // code): a read outside the workspace through `python3 -c` is still one.
            for p in PathClass.looksLikePath(a) ? [a] : PathClass.embedded(a) {
                let abs = PathClass.absolute(p, cwd: cwd, home: home)
                let c = PathClass.of(abs, workspace: workspace, home: home)
                classes.insert(c)
                if c == .system || c == .home || c == .hidden || c == .other { outside.append(abs) }
            }
        }
        for a in args {
            if a.hasPrefix("-") && a.count > 1 {
                if a.contains("=") { note(a) }
                let flag = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
                // Short flags packed together (`-rn`) are one flag set: split them.
                if !flag.hasPrefix("--") && flag.count > 2 && flag.count <= 6
                    && flag.dropFirst().allSatisfy({ $0.isLetter })
                {
                    for c in flag.dropFirst() { flags.insert("-\(c)") }
                } else if flag.count <= 40 {
                    flags.insert(flag)
                }
                continue
            }
            if sub == nil && Self.subcommandTools.contains(name) && a.allSatisfy({ $0.isLetter || $0 == "-" }) {
                sub = a
                continue
            }
            note(a)
        }
        subcommand = sub
        self.flags = flags.sorted()
        pathClasses = classes.sorted { $0.rawValue < $1.rawValue }
        outsidePaths = outside
    }

    /// The shape as one word-like key: `git commit -a -m`, `cat <system>`.
    public var key: String {
        var parts = [program]
        if let s = subcommand { parts.append(s) }
        parts.append(contentsOf: flags)
        parts.append(contentsOf: pathClasses.map { "<\($0.rawValue)>" })
        return parts.joined(separator: " ")
    }
}
