// Named seccomp profiles, compiled into the binary from sandbox/seccomp/*.yaml so a run never
// depends on files next to the executable (and the command cannot swap them).
import CordonPolicy
import Glibc

public enum SeccompProfiles {
    public static var names: [String] { EmbeddedSeccomp.profiles.keys.sorted() }

    public static func profile(named name: String) throws(SandboxError) -> SeccompProfile {
        guard let text = EmbeddedSeccomp.profiles[name] else {
            throw SandboxError(.seccomp, "unknown profile '\(name)' (available: \(names.joined(separator: ", ")))")
        }
        let spec: SeccompProfileSpec
        do {
            spec = try SeccompProfileReader.parse(text: text, file: "sandbox/seccomp/\(name).yaml")
        } catch {
            throw SandboxError(.seccomp, "profile \(name): \(error.description)")
        }
        return SeccompProfile(
            name: spec.name,
            deny: spec.deny.map { e in
                SeccompRule(
                    syscall: e.syscall, errno: errnoValue(e.errno),
                    conditions: e.conditions.map { .init(index: $0.index, mask: $0.mask, value: $0.value) },
                    reason: e.reason)
            })
    }

    static func errnoValue(_ name: String) -> Int32 {
        switch name {
        case "ENOSYS": ENOSYS
        case "EACCES": EACCES
        case "EINVAL": EINVAL
        case "ENOTSUP", "EOPNOTSUPP": EOPNOTSUPP
        case "EAFNOSUPPORT": EAFNOSUPPORT
        default: EPERM
        }
    }
}
