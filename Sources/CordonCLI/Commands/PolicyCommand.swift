import CordonPolicy

enum PolicyCommand: Subcommand {
    static let name = "policy"
    static let summary = "lint or show policy files"
    static let help = """
        usage: cordon policy lint FILE...
               cordon policy show [FILE]

        lint   check each file; exit 0, or 78 with every error as FILE:LINE:COL: message
        show   print the effective policy (after extends and defaults) as YAML;
               without FILE, the embedded default policy

        """
    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        throw CLIError(.usage, "policy: not implemented yet")
    }
}
