enum RunCommand: Subcommand {
    static let name = "run"
    static let summary = "gate a command and run it inside the sandbox"
    static let help = "usage: cordon run [options] [--] CMD [ARG...]\n"
    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        throw CLIError(.usage, "run: not implemented yet")
    }
}
