import CordonCLI

#if canImport(Glibc)
    import Glibc
#endif

// A closed stdin/stdout/stderr at start would let the next open or pipe take its number, and
// the sandbox's stdio wiring (dup3 onto 0-2) would then clobber one of cordon's own pipes.
for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 {
    _ = open("/dev/null", O_RDWR)
}

let ctx = Context(
    output: StandardOutput(), environment: CordonCLI.processEnvironment(),
    stdoutIsTTY: isatty(1) == 1, stdinIsTTY: isatty(0) == 1)
exit(CordonCommand.main(CommandLine.arguments, ctx))
