// The nameservers the child adds to the sandbox's `lo` under `network: domains`.
import Testing

@testable import CordonSandbox

@Suite("proxy bridge: the host's nameservers")
struct ProxyBridgeTests {
    @Test("resolv.conf: IPv4 nameservers outside loopback, at most three, no duplicates, comments and IPv6 skipped")
    func resolvConf() {
        let text = """
            # generated
            search example.internal
            nameserver 10.255.255.53
            nameserver 127.0.0.53
            nameserver ::1
            nameserver\t10.255.255.53
            #nameserver 192.0.2.9
            nameserver 192.0.2.1
            nameserver 192.0.2.2
            nameserver 192.0.2.3
            """
        #expect(ProxyBridge.nameservers(resolvConf: text) == [[10, 255, 255, 53], [192, 0, 2, 1], [192, 0, 2, 2]])
        #expect(ProxyBridge.nameservers(resolvConf: "").isEmpty)
        #expect(ProxyBridge(dns: true, received: { _ in }).descriptors == 3)
        #expect(ProxyBridge(received: { _ in }).descriptors == 2)
    }
}
