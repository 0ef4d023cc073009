enum DoctorCommand: Subcommand {
    static let name = "doctor"
    static let summary = "report which isolation layers work on this machine"
    static let help = "usage: cordon doctor [--json]\n"
    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        throw CLIError(.usage, "doctor: not implemented yet")
    }
}
