// The compiled seccomp program, run: a classic-BPF interpreter feeds it seccomp_data (syscall
// number, architecture, arguments) and reads the action it returns, as the kernel would. The
// tests state what the filter does to a call, not what its instructions look like (after
// apple/containerization's seccomp tests).
import CSandbox
import CordonPolicy
import CordonTestSupport
import Glibc
import Testing

@testable import CordonSandbox

/// A classic-BPF interpreter for seccomp programs (linux/filter.h semantics: 32-bit A and X,
/// 16 scratch words, loads from `struct seccomp_data`, forward jumps only).
struct BPFMachine {
    struct Data {
        var nr: Int32
        var arch: UInt32 = 0xC000_003E  // AUDIT_ARCH_X86_64
        var instructionPointer: UInt64 = 0
        var args: [UInt64] = [0, 0, 0, 0, 0, 0]

        /// The 32-bit word at byte `offset` of `struct seccomp_data` (little-endian, as on x86_64).
        func word(at offset: UInt32) -> UInt32? {
            switch offset {
            case 0: return UInt32(bitPattern: nr)
            case 4: return arch
            case 8: return UInt32(truncatingIfNeeded: instructionPointer)
            case 12: return UInt32(truncatingIfNeeded: instructionPointer >> 32)
            case 16..<64 where offset % 4 == 0:
                let arg = args[Int(offset - 16) / 8]
                return offset % 8 == 0 ? UInt32(truncatingIfNeeded: arg) : UInt32(truncatingIfNeeded: arg >> 32)
            default: return nil
            }
        }
    }

    struct Fault: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs the program on one call; returns the 32-bit SECCOMP_RET_* value.
    static func run(_ program: [sock_filter], _ data: Data) throws -> UInt32 {
        var a: UInt32 = 0
        var x: UInt32 = 0
        var mem = [UInt32](repeating: 0, count: 16)
        var pc = 0
        while pc < program.count {
            let i = program[pc]
            let code = i.code
            let k = i.k
            pc += 1
            switch code & 0x07 {
            case 0x00:  // BPF_LD
                switch code & 0xe0 {
                case 0x20:  // BPF_ABS
                    guard code & 0x18 == 0x00, let w = data.word(at: k) else {
                        throw Fault(description: "bad load at \(pc - 1)")
                    }
                    a = w
                case 0x00: a = k  // BPF_IMM
                case 0x60: a = mem[Int(k)]  // BPF_MEM
                case 0x80: a = 64  // BPF_LEN: sizeof(struct seccomp_data)
                default: throw Fault(description: "unsupported load mode \(code) at \(pc - 1)")
                }
            case 0x01:  // BPF_LDX
                switch code & 0xe0 {
                case 0x00: x = k
                case 0x60: x = mem[Int(k)]
                case 0x80: x = 64
                default: throw Fault(description: "unsupported ldx mode \(code) at \(pc - 1)")
                }
            case 0x02: mem[Int(k)] = a  // BPF_ST
            case 0x03: mem[Int(k)] = x  // BPF_STX
            case 0x04:  // BPF_ALU
                let operand = code & 0x08 == 0 ? k : x
                switch code & 0xf0 {
                case 0x00: a = a &+ operand
                case 0x10: a = a &- operand
                case 0x20: a = a &* operand
                case 0x30: a = operand == 0 ? 0 : a / operand
                case 0x40: a |= operand
                case 0x50: a &= operand
                case 0x60: a = operand >= 32 ? 0 : a << operand
                case 0x70: a = operand >= 32 ? 0 : a >> operand
                case 0x80: a = 0 &- a
                case 0x90: a = operand == 0 ? 0 : a % operand
                case 0xa0: a ^= operand
                default: throw Fault(description: "unsupported alu op \(code) at \(pc - 1)")
                }
            case 0x05:  // BPF_JMP
                let operand = code & 0x08 == 0 ? k : x
                let taken: Bool
                switch code & 0xf0 {
                case 0x00:  // BPF_JA
                    pc += Int(k)
                    continue
                case 0x10: taken = a == operand
                case 0x20: taken = a > operand
                case 0x30: taken = a >= operand
                case 0x40: taken = a & operand != 0
                default: throw Fault(description: "unsupported jump \(code) at \(pc - 1)")
                }
                pc += Int(taken ? i.jt : i.jf)
            case 0x06:  // BPF_RET
                return code & 0x18 == 0x10 ? a : k
            case 0x07:  // BPF_MISC
                if code & 0xf8 == 0x00 { x = a } else { a = x }  // TAX / TXA
            default:
                throw Fault(description: "unknown class \(code) at \(pc - 1)")
            }
        }
        throw Fault(description: "the program ran off its end")
    }
}

/// SECCOMP_RET_* actions (linux/seccomp.h).
enum SeccompAction {
    static let killProcess: UInt32 = 0x8000_0000
    static let allow: UInt32 = 0x7fff_0000
    static let userNotif: UInt32 = 0x7fc0_0000
    static func errno(_ e: Int32) -> UInt32 { 0x0005_0000 | UInt32(e) }
}

#if arch(x86_64)
    @Suite("the compiled seccomp program, run on calls", .timeLimit(.minutes(10)))
    struct BPFSimulatorTests {
        // x86_64 syscall numbers (asm/unistd_64.h).
        static let getpid: Int32 = 39, mount: Int32 = 165, ptrace: Int32 = 101, clone: Int32 = 56
        static let clone3: Int32 = 435, ioctl: Int32 = 16, execve: Int32 = 59, openat: Int32 = 257
        static let unshare: Int32 = 272, bpf: Int32 = 321, ioUringSetup: Int32 = 425, read: Int32 = 0
        static let chmod: Int32 = 90, fchmod: Int32 = 91, fchmodat: Int32 = 268, fchmodat2: Int32 = 452
        static let open: Int32 = 2, creat: Int32 = 85, mknodat: Int32 = 259, openat2: Int32 = 437

        static let plain = Result {
            try SeccompCompiler.compile(try SeccompProfiles.profile(named: "default")).instructions
        }
        static let monitored = Result {
            try SeccompCompiler.compile(
                try SeccompProfiles.profile(named: "default"), notify: MonitorEvents.rules(for: MonitorEvents.all)
            ).instructions
        }

        func action(_ nr: Int32, _ args: [UInt64] = [], arch: UInt32 = 0xC000_003E, monitored: Bool = false) throws
            -> UInt32
        {
            var data = BPFMachine.Data(nr: nr, arch: arch)
            for (i, v) in args.enumerated() { data.args[i] = v }
            return try BPFMachine.run(try (monitored ? Self.monitored : Self.plain).get(), data)
        }

        @Test("ordinary calls are allowed")
        func ordinary() throws {
            #expect(try action(Self.getpid) == SeccompAction.allow)
            #expect(try action(Self.read, [0, 0x1000, 64]) == SeccompAction.allow)
        }

        @Test("the base deny list fails with EPERM: mount, ptrace, unshare, bpf, io_uring")
        func denied() throws {
            for nr in [Self.mount, Self.ptrace, Self.unshare, Self.bpf, Self.ioUringSetup] {
                #expect(try action(nr) == SeccompAction.errno(EPERM), "syscall \(nr)")
            }
        }

        @Test("clone3 fails with ENOSYS so libc falls back to clone, whose namespace flags are refused")
        func cloneFamily() throws {
            #expect(try action(Self.clone3) == SeccompAction.errno(ENOSYS))
            #expect(try action(Self.clone, [UInt64(SIGCHLD)]) == SeccompAction.allow, "a plain fork")
            #expect(try action(Self.clone, [UInt64(CS_CLONE_NEWUSER) | UInt64(SIGCHLD)]) == SeccompAction.errno(EPERM))
            #expect(try action(Self.clone, [UInt64(CS_CLONE_NEWNS)]) == SeccompAction.errno(EPERM))
        }

        @Test("TIOCSTI and TIOCLINUX are refused; other ioctls pass")
        func ioctls() throws {
            #expect(try action(Self.ioctl, [0, 0x5412]) == SeccompAction.errno(EPERM), "TIOCSTI")
            #expect(try action(Self.ioctl, [0, 0x541C]) == SeccompAction.errno(EPERM), "TIOCLINUX")
            #expect(try action(Self.ioctl, [0, 0x5401]) == SeccompAction.allow, "TCGETS")
        }

        @Test("set-id mode bits are refused on every mode-setting call; other modes pass")
        func setID() throws {
            let creating = UInt64(O_WRONLY | O_CREAT)
            for (nr, args) in [
                (Self.chmod, [0, 0o4755]), (Self.chmod, [0, 0o6755]), (Self.fchmod, [3, 0o4755]),
                (Self.fchmodat, [0, 0, 0o4755]), (Self.fchmodat2, [0, 0, 0o6755]), (Self.creat, [0, 0o2755]),
                (Self.open, [0, creating, 0o4755]), (Self.openat, [0, 0, creating, 0o4755]),
                (Self.mknodat, [0, 0, UInt64(S_IFREG) | 0o4755, 0]),
            ] as [(Int32, [UInt64])] {
                #expect(try action(nr, args) == SeccompAction.errno(EPERM), "syscall \(nr) \(args)")
                #expect(try action(nr, args, monitored: true) == SeccompAction.errno(EPERM), "monitored \(nr) \(args)")
            }
            #expect(try action(Self.chmod, [0, 0o755]) == SeccompAction.allow)
            // chmod keeps a directory's set-group-id bit: allowed, and seen by the monitor.
            #expect(try action(Self.chmod, [0, 0o2775]) == SeccompAction.allow)
            #expect(try action(Self.fchmodat, [0, 0, 0o2775], monitored: true) == SeccompAction.userNotif)
            #expect(try action(Self.openat, [0, 0, creating, 0o644]) == SeccompAction.allow)
            #expect(try action(Self.openat, [0, 0, UInt64(O_RDONLY), 0]) == SeccompAction.allow)
            #expect(try action(Self.openat2) == SeccompAction.errno(ENOSYS))
            #expect(try action(Self.openat2, monitored: true) == SeccompAction.errno(ENOSYS))
        }

        @Test("a foreign architecture or an x32 call kills the process")
        func foreign() throws {
            #expect(try action(Self.getpid, arch: 0x4000_0003) == SeccompAction.killProcess, "i386")
            #expect(try action(Self.getpid | 0x4000_0000) == SeccompAction.killProcess, "x32")
        }

        @Test("with the monitor, execs and writing opens go to the listener; read-only opens stay in the kernel")
        func monitorRules() throws {
            #expect(try action(Self.execve, monitored: true) == SeccompAction.userNotif)
            #expect(
                try action(Self.openat, [0, 0, UInt64(O_WRONLY | O_CREAT)], monitored: true) == SeccompAction.userNotif)
            #expect(try action(Self.openat, [0, 0, UInt64(O_RDONLY)], monitored: true) == SeccompAction.allow)
            #expect(try action(Self.execve) == SeccompAction.allow, "no listener without the monitor")
            // The deny list still wins over notification.
            #expect(try action(Self.mount, monitored: true) == SeccompAction.errno(EPERM))
        }
    }
#endif
