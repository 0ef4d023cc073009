// The monitor's pure parts, without a sandbox: decoding the sockaddr a process connects to,
// the connect allow-list, the run summary, and which thread states count as quiet for the
// exec race. The end-to-end behaviour is in CordonCLITests/MonitorTests.
import CordonPolicy
import Glibc
import Testing

@testable import CordonMonitor

@Suite("the monitor's pure parts", .timeLimit(.minutes(10)))
struct MonitorPartsTests {
    /// A sockaddr as the kernel hands it over: family in host order, port and address in
    /// network order.
    func inet(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) -> [UInt8] {
        [UInt8(AF_INET & 0xff), UInt8(AF_INET >> 8), UInt8(port >> 8), UInt8(port & 0xff), a, b, c, d]
            + [UInt8](repeating: 0, count: 8)
    }

    @Test("at most DirectSlots.limit connections by name are pending at once, however many threads ask")
    func directSlotsBound() async {
        let slots = DirectSlots()
        // 8 tasks asking 100 times each, at once: exactly `limit` get a slot.
        let granted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<100).reduce(0) { n, _ in n + (slots.take() ? 1 : 0) } }
            }
            return await group.reduce(0, +)
        }
        #expect(granted == DirectSlots.limit)
        #expect(!slots.take(), "a slot past the limit")
        slots.give()
        #expect(slots.take(), "a slot given back is free again")
        #expect(!slots.take())
        #expect(slots.pending.load(ordering: .relaxed) == DirectSlots.limit)
    }

    @Test("an IPv4 sockaddr decodes to its address and port")
    func inet4() {
        let ep = Endpoint(sockaddr: inet(203, 0, 113, 7, port: 4444))
        #expect(ep.family == "inet" && ep.address == "203.0.113.7" && ep.port == 4444)
        #expect(ep.description == "203.0.113.7:4444")
    }

    @Test("an IPv6 sockaddr decodes to its groups, printed in brackets with the port")
    func inet6() {
        var raw: [UInt8] = [UInt8(AF_INET6 & 0xff), UInt8(AF_INET6 >> 8), 0x01, 0xbb, 0, 0, 0, 0]
        raw += [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1] + [0, 0, 0, 0]
        let ep = Endpoint(sockaddr: raw)
        #expect(ep.family == "inet6" && ep.port == 443)
        #expect(ep.description == "[2001:db8:0:0:0:0:0:1]:443")
    }

    @Test("unix sockaddrs name the path, and abstract ones start with @")
    func unix() {
        let family = [UInt8(AF_UNIX & 0xff), UInt8(AF_UNIX >> 8)]
        #expect(Endpoint(sockaddr: family + Array("/run/x.sock".utf8) + [0]).address == "/run/x.sock")
        #expect(Endpoint(sockaddr: family + [0] + Array("hidden".utf8)).address == "@hidden")
    }

    @Test("a truncated or unknown sockaddr is named, never misread")
    func damaged() {
        #expect(Endpoint(sockaddr: [2]).family == "unknown")
        #expect(Endpoint(sockaddr: [UInt8(AF_INET), 0, 1]).family == "family-\(AF_INET)", "too short for inet")
        #expect(Endpoint(sockaddr: [99, 0]).family == "family-99")
    }

    func rules(_ allow: [String]) -> NetworkRules {
        var sb = SandboxPolicy()
        sb.network = .allowList
        sb.networkAllow = allow
        return NetworkRules(sb)
    }

    @Test("the allow-list matches addresses, CIDR prefixes and ports, and nothing else")
    func allowList() {
        let r = rules(["198.51.100.0/24:443", "192.0.2.10", "[2001:db8::1]:80"])
        #expect(r.allows(Endpoint(sockaddr: inet(198, 51, 100, 77, port: 443))))
        #expect(!r.allows(Endpoint(sockaddr: inet(198, 51, 100, 77, port: 80))), "wrong port")
        #expect(!r.allows(Endpoint(sockaddr: inet(198, 51, 101, 1, port: 443))), "outside the /24")
        #expect(r.allows(Endpoint(sockaddr: inet(192, 0, 2, 10, port: 22))), "no port: any port")
        #expect(!r.allows(Endpoint(sockaddr: inet(192, 0, 2, 11, port: 22))))
        #expect(r.allows(Endpoint(sockaddr: [UInt8(AF_UNIX), 0] + Array("/tmp/s".utf8))), "unix sockets are local")
        #expect(!r.allows(Endpoint(sockaddr: [99, 0])), "unknown families are refused")
    }

    @Test("without an allow-list (network none or host) nothing is refused here")
    func noList() {
        var sb = SandboxPolicy()
        sb.network = .host
        #expect(NetworkRules(sb).allows(Endpoint(sockaddr: inet(203, 0, 113, 7, port: 1))))
    }

    @Test("the summary counts programs, endpoints, files by directory and denials")
    func summary() {
        var s = RunSummary()
        s.exec("/usr/bin/git", denied: false)
        s.exec("/usr/bin/git", denied: false)
        s.exec("/usr/bin/curl", denied: true)
        s.endpoint("203.0.113.7:443", denied: true)
        s.file("/work/a.txt", deleted: false)
        s.file("/work/b.txt", deleted: true)
        s.file("top", deleted: false)
        #expect(s.denials == 2)
        #expect(s.json["programs"]?["/usr/bin/git"] == .number(2))
        #expect(s.json["filesWritten"]?["/work"]?["a.txt"] == .number(1))
        #expect(s.json["filesWritten"]?["."]?["top"] == .number(1))
        #expect(s.json["filesDeleted"]?["/work"]?["b.txt"] == .number(1))
        #expect(s.text.contains("2x /usr/bin/git") && s.text.contains("denials: 2"))
    }

    @Test("the summary itemises a bounded number of names and counts the rest")
    func summaryBounded() {
        var s = RunSummary()
        for i in 0..<1000 { s.exec("/bin/p\(i)", denied: false) }
        for i in 0..<1000 { s.file("/work/f\(i)", deleted: false) }
        for i in 0..<1000 { s.file("/d\(i)/x", deleted: true) }
        #expect(s.json["programs"]?.objectValue?.count == RunSummary.maxEntries)
        #expect(s.json["filesWritten"]?["/work"]?.objectValue?.count == RunSummary.maxFilesPerDirectory)
        #expect(s.json["filesDeleted"]?.objectValue?.count == RunSummary.maxEntries)
        let kept = RunSummary.maxEntries + RunSummary.maxFilesPerDirectory + RunSummary.maxEntries
        #expect(s.omitted == 3000 - kept)
        #expect(s.json["omitted"] == .number(Double(3000 - kept)))
    }

    @Test("stopped, dead and uninterruptible threads are quiet for the exec race; running ones are not")
    func quietStates() {
        for s: Character in ["T", "t", "Z", "X", "D"] { #expect(ExecRace.quiet(s), "\(s)") }
        #expect(ExecRace.quiet(nil), "a thread that is gone")
        for s: Character in ["R", "S"] { #expect(!ExecRace.quiet(s), "\(s)") }
    }

    /// Two pages of this process: the first readable and writable, the second PROT_NONE, so a
    /// read running past the first fails as it would at the end of a process's mapping.
    final class Pages {
        let base: UnsafeMutableRawPointer
        init() {
            base = mmap(nil, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
            mprotect(base + 4096, 4096, PROT_NONE)
        }
        deinit { munmap(base, 8192) }
        var address: UInt64 { UInt64(UInt(bitPattern: base)) }
        func put(_ s: String, at offset: Int) {
            Array(s.utf8 + [0]).withUnsafeBytes {
                (base + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count)
            }
        }
        func putPointers(_ p: [UInt64], at offset: Int) {
            p.withUnsafeBytes { (base + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
    }

    @Test("an exec's path, argv pointers and strings in one page are read with one process_vm_readv, and read right")
    func remoteMemoryOnePage() {
        let m = Pages()
        // As a shell lays it out: the path, then the argv array, argv[0] at the path's address.
        m.put("/usr/bin/env", at: 8)
        m.put("-i", at: 24)
        m.put("X=1", at: 32)
        m.putPointers([m.address + 8, m.address + 24, m.address + 32, 0], at: 64)
        var r = RemoteMemory(pid: getpid())
        #expect(r.string(at: m.address + 8) == "/usr/bin/env")
        #expect(r.stringArray(at: m.address + 64) == ["/usr/bin/env", "-i", "X=1"])
        #expect(r.reads == 1)
        // A string elsewhere is read anew, not taken from the wrong bytes.
        let other = Pages()
        other.put("second", at: 100)
        #expect(r.string(at: other.address + 100) == "second")
        #expect(r.reads == 2)
    }

    @Test("a string or argv running into an unreadable page fails instead of being cut short")
    func remoteMemoryEdges() {
        let m = Pages()
        // No NUL before the PROT_NONE page: unreadable, so the exec would be refused.
        let tail = String(repeating: "a", count: 16)
        for (k, byte) in tail.utf8.enumerated() { (m.base + 4096 - 16 + k).storeBytes(of: byte, as: UInt8.self) }
        var r = RemoteMemory(pid: getpid())
        #expect(r.string(at: m.address + 4096 - 16) == nil)
        // Ending exactly at the page end is whole.
        m.put(String(repeating: "b", count: 15), at: 4096 - 16)
        var r2 = RemoteMemory(pid: getpid())
        #expect(r2.string(at: m.address + 4096 - 16) == String(repeating: "b", count: 15))
        // An argv array whose NULL would lie in the unreadable page.
        m.put("x", at: 0)
        m.putPointers([m.address, m.address], at: 4096 - 16)
        var r3 = RemoteMemory(pid: getpid())
        #expect(r3.stringArray(at: m.address + 4096 - 16) == nil)
        // The same array ending in NULL just before the page end.
        m.putPointers([m.address, 0], at: 4096 - 16)
        var r4 = RemoteMemory(pid: getpid())
        #expect(r4.stringArray(at: m.address + 4096 - 16) == ["x"])
    }
}
