import CordonPolicy
import CordonTestSupport
import Foundation
import Testing

@testable import CordonSandbox

@Suite("seccomp profiles", .timeLimit(.minutes(10)))
struct SeccompTests {
    static let root = URL(fileURLWithPath: Repository.root)

    @Test("each embedded profile is byte-identical to its file in sandbox/seccomp")
    func embeddedMatchesFiles() throws {
        let dir = Self.root.appendingPathComponent("sandbox/seccomp")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for f in files {
            let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            let name = String(f.dropLast(5))
            #expect(
                EmbeddedSeccomp.profiles[name] == text, "sandbox/seccomp/\(f) changed: run scripts/embed-seccomp.sh")
        }
        #expect(EmbeddedSeccomp.profiles.count == files.count)
    }

    @Test("the default profile denies DESIGN's base list, every entry with a reason")
    func defaultProfile() throws {
        let p = try SeccompProfiles.profile(named: "default")
        let names = Set(p.deny.map(\.syscall))
        for s in [
            "mount", "umount2", "fsopen", "fsmount", "open_tree", "move_mount", "mount_setattr", "pivot_root", "chroot",
            "unshare", "setns", "clone", "clone3", "ptrace", "process_vm_readv", "process_vm_writev", "kexec_load",
            "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf", "perf_event_open", "keyctl",
            "add_key", "request_key", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
            "open_by_handle_at", "swapon", "swapoff", "reboot", "acct", "quotactl", "ioctl",
        ] {
            #expect(names.contains(s), "\(s) is not denied")
        }
        #expect(p.deny.allSatisfy { !$0.reason.isEmpty })
        #expect(p.deny.first { $0.syscall == "clone3" }?.errno == ENOSYS)
    }

    @Test("an entry without a reason does not load, and the error has its position")
    func missingReason() {
        let text = "name: x\ndeny:\n  - {syscall: mount}\n"
        #expect {
            try SeccompProfileReader.parse(text: text, file: "x.yaml")
        } throws: { e in
            "\(e)".contains("x.yaml:3:5") && "\(e)".contains("has no 'reason'")
        }
    }

    @Test("an unknown profile name is an error listing the available ones")
    func unknownProfile() {
        #expect(throws: SandboxError.self) { try SeccompProfiles.profile(named: "nope") }
    }

    @Test("the compiled program starts by killing x32 and foreign-architecture calls")
    func x32Prefix() throws {
        let prog = try SeccompCompiler.compile(try SeccompProfiles.profile(named: "default"))
        #if arch(x86_64)
            // ld arch; jeq x86_64; ret KILL_PROCESS; ld nr; jset 0x40000000; ret KILL_PROCESS
            #expect(prog.instructions[0].k == 4)
            #expect(prog.instructions[1].k == 0xC000_003E)
            #expect(prog.instructions[2].code == 0x06 && prog.instructions[2].k == 0x8000_0000)
            #expect(prog.instructions[4].code == 0x45 && prog.instructions[4].k == 0x4000_0000)
        #endif
        #expect(prog.instructions.count > 20 && prog.instructions.count <= 4096)
    }

    @Test("the BPF cache is reused, and a damaged cache file is recompiled, not trusted")
    func cache() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cordon-cache-\(UUID().uuidString.prefix(6))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["XDG_CACHE_HOME": dir.path]
        let first = try SeccompCache.program(named: "default", environment: env)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/cordon")
        #expect(files.count == 1)
        let path = dir.path + "/cordon/" + files[0]
        let again = try SeccompCache.program(named: "default", environment: env)
        #expect(same(again, first), "the cached program is the compiled one, instruction for instruction")
        // The file is what is used on the second run: a valid program written there comes back.
        var marked = first.instructions
        marked[marked.count - 1].k ^= 1
        try marked.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
        #expect(
            same(try SeccompCache.program(named: "default", environment: env), SeccompProgram(instructions: marked)))
        // Truncated to a non-multiple of the instruction size: must be ignored.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        let recompiled = try SeccompCache.program(named: "default", environment: env)
        #expect(same(recompiled, first))
    }

    func same(_ a: SeccompProgram, _ b: SeccompProgram) -> Bool {
        a.instructions.count == b.instructions.count
            && zip(a.instructions, b.instructions).allSatisfy {
                $0.code == $1.code && $0.jt == $1.jt && $0.jf == $1.jf && $0.k == $1.k
            }
    }
}
