// Reads seccomp profiles (`sandbox/seccomp/*.yaml`): a name and a deny list, each entry with
// the syscall, the errno to return, optional register conditions, and the reason it is there.
// Errors carry `FILE:LINE:COL` like policy errors. Compilation lives in CordonSandbox.

public struct SeccompProfileSpec: Sendable, Equatable {
    public struct Condition: Sendable, Equatable {
        public var index: UInt32
        public var mask: UInt64
        /// nil: the same as `mask` (any of the masked bits set, for a single-bit mask).
        public var value: UInt64?
    }
    public struct Entry: Sendable, Equatable {
        public var syscall: String
        /// An errno name such as EPERM or ENOSYS.
        public var errno: String
        public var conditions: [Condition]
        public var reason: String
        public var location: SourceLocation
    }
    public var name: String
    public var deny: [Entry]
}

public enum SeccompProfileReader {
    public static let errnoNames = ["EPERM", "ENOSYS", "EACCES", "EINVAL", "ENOTSUP", "EOPNOTSUPP", "EAFNOSUPPORT"]

    public static func parse(text: String, file: String) throws(PolicyLoadFailure) -> SeccompProfileSpec {
        let (root, syntax) = YAMLReader.read(Array(text.utf8), file: file)
        var errors = syntax
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard let root, let top = root.mapping else {
            if errors.isEmpty {
                errors.append(PolicyError(start, "a seccomp profile must be a mapping with 'name' and 'deny'"))
            }
            throw PolicyLoadFailure(errors)
        }
        var name = ""
        var deny: [SeccompProfileSpec.Entry] = []
        for (k, v) in top {
            switch k.scalar ?? "" {
            case "name": name = v.scalar ?? ""
            case "deny":
                guard let items = v.sequence else {
                    errors.append(PolicyError(v.location, "'deny' must be a list, found \(v.kindDescription)"))
                    continue
                }
                for item in items {
                    if let e = entry(item, &errors) { deny.append(e) }
                }
            default:
                errors.append(
                    PolicyError(k.location, "unknown key '\(k.scalar ?? "?")' in seccomp profile (expected name, deny)")
                )
            }
        }
        if !errors.isEmpty { throw PolicyLoadFailure(errors) }
        return SeccompProfileSpec(name: name, deny: deny)
    }

    static func entry(_ node: YAMLNode, _ errors: inout [PolicyError]) -> SeccompProfileSpec.Entry? {
        guard let m = node.mapping else {
            errors.append(PolicyError(node.location, "a deny entry must be a mapping, found \(node.kindDescription)"))
            return nil
        }
        var e = SeccompProfileSpec.Entry(
            syscall: "", errno: "EPERM", conditions: [], reason: "", location: node.location)
        for (k, v) in m {
            switch k.scalar ?? "" {
            case "syscall": e.syscall = v.scalar ?? ""
            case "reason": e.reason = v.scalar ?? ""
            case "errno":
                let s = v.scalar ?? ""
                if !errnoNames.contains(s) {
                    errors.append(
                        PolicyError(
                            v.location, "unknown errno '\(s)' (expected one of \(errnoNames.joined(separator: ", ")))"))
                }
                e.errno = s
            case "args":
                for c in v.sequence ?? [] {
                    guard let idx = c["index"]?.scalar.flatMap({ UInt32($0) }), idx < 6,
                        let mask = c["mask"]?.scalar.flatMap(number)
                    else {
                        errors.append(
                            PolicyError(c.location, "an args condition needs 'index' (0-5) and 'mask' (a number)"))
                        continue
                    }
                    let value = c["value"]?.scalar.flatMap(number)
                    e.conditions.append(.init(index: idx, mask: mask, value: value))
                }
            default:
                errors.append(
                    PolicyError(
                        k.location,
                        "unknown key '\(k.scalar ?? "?")' in deny entry (expected syscall, errno, args, reason)"))
            }
        }
        if e.syscall.isEmpty { errors.append(PolicyError(node.location, "deny entry without 'syscall'")) }
        // The profile is reviewed like code: every entry says why it is there.
        if e.reason.isEmpty {
            errors.append(PolicyError(node.location, "deny entry for '\(e.syscall)' has no 'reason'"))
        }
        return e
    }

    static func number(_ s: String) -> UInt64? {
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
        return UInt64(s)
    }
}
