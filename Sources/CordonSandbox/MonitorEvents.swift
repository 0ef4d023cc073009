// Which syscalls the monitor asks the kernel to notify, per event kind, narrowed by register
// values so the hot ones (every read-only open) never leave the kernel.
import CordonPolicy
import Glibc

public enum MonitorEvents {
    /// Event kinds `monitor.events` may name (MonitorEventKind); the default set is all of them.
    public static let all = MonitorEventKind.allNames

    // O_WRONLY, O_RDWR, O_CREAT, O_TRUNC: an open with any of these may write. libseccomp
    // compares (arg & mask) == value, so "any bit" is one rule per bit.
    static let writeBits: [UInt64] = [0o1, 0o2, 0o100, 0o1000]

    /// Only calls whose mode argument (at `index`) has neither S_ISUID nor S_ISGID (04000 |
    /// 02000). The profile refuses set-id modes on these calls with conditional rules, and in
    /// libseccomp an unconditional rule with another action for the same call takes over from
    /// them: notifying every chmod would hand set-id chmods to the monitor, which allows them
    /// (BPFSimulatorTests shows it). The refused calls never reach the monitor either way.
    static func noSetID(_ index: UInt32) -> SeccompRule.Condition {
        SeccompRule.Condition(index: index, mask: 0o6000, value: 0)
    }

    /// Only modes without S_ISUID (04000): the chmod family, where the profile refuses the
    /// set-user-id bit only (a directory keeps its set-group-id bit through chmod).
    static func noSetUID(_ index: UInt32) -> SeccompRule.Condition {
        SeccompRule.Condition(index: index, mask: 0o4000, value: 0)
    }

    /// The notify rules for the chosen kinds (SeccompRule with errno 0 = notify).
    /// `network`: with anything but `host`, sendmsg and sendmmsg are notified too (their
    /// destination is in memory; the monitor judges it and sends for the process).
    public static func rules(for kinds: [String], network: NetworkMode = .host) -> [SeccompRule] {
        var r: [SeccompRule] = []
        func notify(_ sc: String, _ why: String, _ c: [SeccompRule.Condition] = []) {
            r.append(SeccompRule(syscall: sc, errno: 0, conditions: c, reason: why, notify: true))
        }
        for k in kinds.compactMap(MonitorEventKind.init(rawValue:)) {
            switch k {
            case .exec:
                notify("execve", "every exec goes back through the gate")
                notify("execveat", "every exec goes back through the gate")
            case .connect:
                notify("connect", "record (and with an allow-list, enforce) outgoing connections")
                // A datagram with a destination is a connect in all but name: without this an
                // allow-list would never see UDP sent with sendto (DNS, QUIC, exfiltration).
                notify("sendto", "datagrams sent to an address", [.init(index: 4, notEqual: 0)])
                if network != .host {
                    // msg_name is behind a pointer: every call is looked at. Only without
                    // MSG_FASTOPEN, which the deny list refuses; an unconditional notify rule
                    // would take over from that refusal (see noSetID).
                    notify(
                        "sendmsg", "messages whose destination is in memory",
                        [.init(index: 2, mask: 0x2000_0000, value: 0)])
                    notify(
                        "sendmmsg", "messages whose destination is in memory",
                        [.init(index: 3, mask: 0x2000_0000, value: 0)])
                }
            case .fileWrite:
                for b in writeBits {
                    notify("openat", "opens that may write", [.init(index: 2, mask: b)])
                    notify("open", "opens that may write", [.init(index: 1, mask: b)])
                }
                // openat2's flags live in a struct in memory, out of BPF's reach.
                notify("openat2", "flags in memory: every openat2 is looked at")
                notify("creat", "creates a file", [noSetID(1)])
            case .unlink:
                for s in ["unlink", "unlinkat", "rmdir"] { notify(s, "deletes") }
            case .rename:
                for s in ["rename", "renameat", "renameat2"] { notify(s, "renames") }
            case .chmod:
                notify("chmod", "permission changes", [noSetUID(1)])
                for s in ["fchmodat", "fchmodat2"] { notify(s, "permission changes", [noSetUID(2)]) }
            case .chown:
                for s in ["chown", "lchown", "fchownat"] { notify(s, "ownership changes") }
            case .truncate:
                notify("truncate", "truncates a file by path")
            case .link:
                for s in ["link", "linkat", "symlink", "symlinkat"] { notify(s, "links") }
            case .mknod:
                notify("mknod", "device and fifo nodes", [noSetID(1)])
                notify("mknodat", "device and fifo nodes", [noSetID(2)])
            }
        }
        return r
    }
}
