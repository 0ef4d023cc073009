import CSandbox
import CSeccomp
// Compiles a seccomp profile to classic BPF in the parent with libseccomp. The child only
// installs the bytes (DESIGN: no libseccomp between clone and exec). libseccomp 2.5.4 can
// export only to a file descriptor, so the program goes through a memfd.
import CordonBase
import Glibc

/// One deny entry of a profile: `syscall` fails with `errno` when every condition holds.
public struct SeccompRule: Sendable, Equatable {
    public struct Condition: Sendable, Equatable {
        public var index: UInt32
        /// The condition is `(arg & mask) == value`; `value` defaults to `mask` ("any of these
        /// bits set" for a single-bit mask).
        public var mask: UInt64
        public var value: UInt64
        /// `arg != value` instead (sendto with a destination address: a non-null pointer).
        public var notEqual = false
        public init(index: UInt32, mask: UInt64, value: UInt64? = nil) {
            self.index = index
            self.mask = mask
            self.value = value ?? mask
        }
        public init(index: UInt32, notEqual value: UInt64) {
            self.index = index
            self.mask = ~0
            self.value = value
            self.notEqual = true
        }
    }
    public var syscall: String
    public var errno: Int32
    public var conditions: [Condition]
    public var reason: String
    /// SECCOMP_RET_USER_NOTIF instead of an errno: the monitor decides.
    public var notify: Bool
    public init(
        syscall: String, errno: Int32 = EPERM, conditions: [Condition] = [], reason: String, notify: Bool = false
    ) {
        self.syscall = syscall
        self.errno = errno
        self.conditions = conditions
        self.reason = reason
        self.notify = notify
    }
}

public struct SeccompProfile: Sendable, Equatable {
    public var name: String
    public var deny: [SeccompRule]
    public init(name: String, deny: [SeccompRule]) {
        self.name = name
        self.deny = deny
    }
}

/// A compiled filter: the raw `struct sock_filter` array, ready for `seccomp(2)`.
public struct SeccompProgram: Sendable {
    public var instructions: [sock_filter]
    public var byteCount: Int { instructions.count * MemoryLayout<sock_filter>.stride }
}

public enum SeccompCompiler {
    // AUDIT_ARCH_X86_64 / AUDIT_ARCH_AARCH64 and the x32 syscall bit.
    static let auditArchAMD64: UInt32 = 0xC000_003E
    static let auditArchAArch64: UInt32 = 0xC000_00B7
    static let x32SyscallBit: UInt32 = 0x4000_0000

    public static func compile(_ profile: SeccompProfile, notify: [SeccompRule] = []) throws(SandboxError)
        -> SeccompProgram
    {
        guard let ctx = seccomp_init(SCMP_ACT_ALLOW) else {
            throw SandboxError(.seccomp, "seccomp_init failed")
        }
        defer { seccomp_release(ctx) }
        // Other architectures (e.g. i386 calls through int 0x80 on x86_64) use other syscall
        // numbers: a deny list for one arch means nothing there, so they are killed outright.
        _ = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, UInt32(0x8000_0000))  // KILL_PROCESS
        // A call the profile refuses outright never reaches the monitor, and libseccomp refuses
        // a second unconditional rule with another action for the same call (EEXIST).
        let refused = Set(profile.deny.filter { $0.conditions.isEmpty }.map(\.syscall))
        for rule in profile.deny + notify.filter({ !refused.contains($0.syscall) }) {
            let nr = syscallNumber(rule.syscall)
            // No such call on this architecture (not even in the fallback table): nothing to deny.
            if nr == -1 { continue }
            // SCMP_ACT_NOTIFY, or SCMP_ACT_ERRNO(errno).
            let action = rule.notify ? UInt32(0x7fc0_0000) : 0x0005_0000 | (UInt32(bitPattern: rule.errno) & 0xffff)
            var cmps = rule.conditions.map { c in
                c.notEqual
                    ? scmp_arg_cmp(arg: c.index, op: SCMP_CMP_NE, datum_a: c.value, datum_b: 0)
                    : scmp_arg_cmp(arg: c.index, op: SCMP_CMP_MASKED_EQ, datum_a: c.mask, datum_b: c.value)
            }
            let rc = cmps.withUnsafeMutableBufferPointer { buf in
                seccomp_rule_add_array(ctx, action, nr, UInt32(buf.count), buf.baseAddress)
            }
            if rc < 0 {
                throw SandboxError(.seccomp, "rule for \(rule.syscall)", errno: Errno(-rc))
            }
        }
        let bytes = try export(ctx)
        var prog = prefix()
        prog.append(contentsOf: bytes)
        return SeccompProgram(instructions: prog)
    }

    /// Calls newer than the libseccomp in Debian 12 (2.5.4), whose names it cannot resolve. Since
    /// Linux 5.1 new calls have one number on every architecture; without this table a rule for
    /// them would be skipped, and the call left open.
    static let newerCalls: [String: Int32] = ["fchmodat2": 452]

    static func syscallNumber(_ name: String) -> Int32 {
        let nr = seccomp_syscall_resolve_name(name)
        if nr != -1 { return nr }  // -1 is __NR_SCMP_ERROR
        return newerCalls[name] ?? -1
    }

    /// Instructions run before libseccomp's program: kill x32 calls, which share x86_64's
    /// AUDIT_ARCH value, so libseccomp's arch check alone would let them through with
    /// different numbers. Jumps in BPF are relative, so prepending keeps the rest valid.
    static func prefix() -> [sock_filter] {
        #if arch(x86_64)
            let ldArch = sock_filter(code: 0x20, jt: 0, jf: 0, k: 4)  // ld [4]: seccomp_data.arch
            let isX86 = sock_filter(code: 0x15, jt: 1, jf: 0, k: auditArchAMD64)  // jeq
            let kill = sock_filter(code: 0x06, jt: 0, jf: 0, k: 0x8000_0000)  // ret KILL_PROCESS
            let ldNr = sock_filter(code: 0x20, jt: 0, jf: 0, k: 0)  // ld [0]: seccomp_data.nr
            let isX32 = sock_filter(code: 0x45, jt: 0, jf: 1, k: x32SyscallBit)  // jset
            return [ldArch, isX86, kill, ldNr, isX32, kill]
        #else
            return []
        #endif
    }

    static func export(_ ctx: scmp_filter_ctx) throws(SandboxError) -> [sock_filter] {
        let fd = cs_memfd_create("cordon-seccomp")
        if fd < 0 { throw SandboxError(.seccomp, "memfd_create", errno: Errno(-fd)) }
        defer { close(fd) }
        let rc = seccomp_export_bpf(ctx, fd)
        if rc < 0 { throw SandboxError(.seccomp, "export", errno: Errno(-rc)) }
        let size = Int(lseek(fd, 0, SEEK_END))
        guard size > 0, size % MemoryLayout<sock_filter>.stride == 0 else {
            throw SandboxError(.seccomp, "export produced \(size) bytes, not whole instructions")
        }
        var out = [sock_filter](repeating: sock_filter(), count: size / MemoryLayout<sock_filter>.stride)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
        if n != size { throw SandboxError(.seccomp, "reading exported filter", errno: .current) }
        return out
    }
}

extension SeccompCompiler {
    /// The native architecture's name for a syscall number (for monitor events), via libseccomp.
    public static func syscallName(_ nr: Int32) -> String? {
        guard let p = seccomp_syscall_resolve_num_arch(0, nr) else { return nil }  // 0: SCMP_ARCH_NATIVE
        defer { free(p) }
        return String(cString: p)
    }
}
