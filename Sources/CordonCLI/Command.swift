import CordonPolicy
// Subcommand registry and dispatch. Each subcommand lives in its own file under Commands/.
import CordonRun

#if canImport(Glibc)
    import Glibc
#endif

/// Where a subcommand writes. Tests capture; the binary writes to fds 1 and 2.
public protocol OutputSink: AnyObject {
    func out(_ s: String)
    func err(_ s: String)
}

public final class StandardOutput: OutputSink {
    public init() {}
    public func out(_ s: String) { Self.write(1, s) }
    public func err(_ s: String) { Self.write(2, s) }
    static func write(_ fd: Int32, _ s: String) {
        var s = s
        s.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                guard let base = buf.baseAddress else { return }
                let n = Glibc.write(fd, base + off, buf.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
    }
}

public struct Context {
    public var output: OutputSink
    public var environment: [String: String]
    /// True when stdout is a terminal: colour and interactive prompts only then.
    public var stdoutIsTTY: Bool
    public var stdinIsTTY: Bool
    public init(output: OutputSink, environment: [String: String], stdoutIsTTY: Bool, stdinIsTTY: Bool) {
        self.output = output
        self.environment = environment
        self.stdoutIsTTY = stdoutIsTTY
        self.stdinIsTTY = stdinIsTTY
    }
}

public protocol Subcommand {
    static var name: String { get }
    /// One line for `cordon --help`.
    static var summary: String { get }
    /// Usage, description and the option table the parser uses: `cordon NAME --help`.
    static var helpText: HelpText { get }
    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32
}

extension Subcommand {
    /// The full text for `cordon NAME --help`, rendered from `helpText`.
    static var help: String { helpText.rendered }
}

public enum CordonCommand {
    public static let version = "0.1.0"

    /// Registered subcommands, in the order `--help` lists them.
    nonisolated(unsafe) static var commands: [any Subcommand.Type] = [
        RunCommand.self, CheckCommand.self, InspectCommand.self, ValidateCommand.self, LogCommand.self,
        StatsCommand.self, RunsCommand.self, ReplayCommand.self, TestCommand.self, ReportCommand.self,
        PolicyCommand.self, ScanCommand.self, DoctorCommand.self, ApprovalsCommand.self, ActionsCommand.self,
        HookCommand.self, ServeCommand.self, MCPProxyCommand.self, BaselineCommand.self,
    ]

    static var usage: String {
        var s = """
            cordon \(version): a sandboxed execution runner for AI agents

            usage: cordon <subcommand> [options] [--] [args]

            subcommands:

            """
        for c in commands { s += "  " + c.name.padding(to: 10) + c.summary + "\n" }
        s += "\nRun 'cordon <subcommand> --help' for its options.\n"
        return s
    }

    /// Runs the CLI and returns the process exit code. Errors print as
    /// `cordon: error: ...` plus a hint, on stderr.
    public static func main(_ argv: [String], _ ctx: Context) -> Int32 {
        let args = Array(argv.dropFirst())
        guard let first = args.first else {
            ctx.output.err(usage)
            return ExitCode.usage.rawValue
        }
        if first == "--help" || first == "-h" || first == "help" {
            ctx.output.out(usage)
            return ExitCode.success.rawValue
        }
        if first == "--version" {
            ctx.output.out("cordon \(version)\n")
            return ExitCode.success.rawValue
        }
        if first == WarmRunner.name {
            // Internal: started by `cordon serve --warm`, not listed in --help.
            do { return try WarmRunner.main(Array(args.dropFirst()), ctx) } catch {
                report(error, ctx)
                return error.code.rawValue
            }
        }
        guard let cmd = commands.first(where: { $0.name == first }) else {
            let hint =
                Suggest.closest(first, in: commands.map { $0.name }).map { "did you mean 'cordon \($0)'?" }
                ?? "see 'cordon --help'"
            report(CLIError(.usage, "unknown subcommand '\(first)'", hint: hint), ctx)
            return ExitCode.usage.rawValue
        }
        let rest = Array(args.dropFirst())
        if rest.first == "--help" || rest.first == "-h" {
            ctx.output.out(cmd.help)
            return ExitCode.success.rawValue
        }
        do {
            return try cmd.run(rest, ctx)
        } catch {
            report(error, ctx)
            return error.code.rawValue
        }
    }

    public static func report(_ e: CLIError, _ ctx: Context) {
        var s = "cordon: error: \(e.message)\n"
        if let h = e.hint { s += "hint: \(h)\n" }
        ctx.output.err(s)
    }
}

extension String {
    func padding(to n: Int) -> String { count >= n ? self + " " : self + String(repeating: " ", count: n - count) }
}
