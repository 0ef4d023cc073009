import CordonCLI
#if canImport(Glibc)
import Glibc
#endif

let ctx = Context(
    output: StandardOutput(), environment: CordonCLI.processEnvironment(),
    stdoutIsTTY: isatty(1) == 1, stdinIsTTY: isatty(0) == 1)
exit(CordonCommand.main(CommandLine.arguments, ctx))
