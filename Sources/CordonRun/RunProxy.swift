// One run's proxy (network: domains): made before the sandbox, started when the child hands
// over the listening sockets it bound on its loopback, stopped when the sandbox is gone, and
// its per-host counts added to run_end's summary.
import CordonBase
import CordonMonitor
import CordonNet
import CordonPolicy
import CordonSandbox

#if canImport(Glibc)
    import Glibc
#endif

final class RunProxy: DirectNetwork, @unchecked Sendable {
    let proxy: NetworkProxy
    let evidence: NetworkEvidence
    /// Connections by name (the sandbox's DNS answered by cordon, connects made by cordon):
    /// only with the monitor, which is what sees the connects.
    let byName: Bool
    /// The host's IPv4 nameservers as the sandbox's /etc/resolv.conf (the host's, bound) names
    /// them: each becomes an address of the sandbox's `lo`.
    let nameservers: [[UInt8]]
    /// Why the proxy could not start, if it could not (its listeners are then closed, so the
    /// command's connections are refused at once instead of waiting forever).
    let startFailure = ApprovalsLock.Note()
    var stopped = false

    init(policy: Policy, byName: Bool, evidence: NetworkEvidence) {
        self.evidence = evidence
        self.byName = byName
        let conf = (try? FileIO.readFile("/etc/resolv.conf", limit: 1 << 16)) ?? []
        nameservers = byName ? ProxyBridge.nameservers(resolvConf: String(decoding: conf, as: UTF8.self)) : []
        proxy = NetworkProxy(rules: DomainRules(policy.sandbox.networkDomains), observer: evidence)
    }

    var bridge: ProxyBridge {
        ProxyBridge(dns: byName, nameservers: nameservers) { [self] fds in
            let expected = byName ? 3 : 2
            guard fds.count == expected else {
                for fd in fds { close(fd) }
                startFailure.set("the sandbox handed over \(fds.count) sockets, not \(expected)")
                return
            }
            do throws(ProxyError) {
                try proxy.start(http: fds[0], socks: fds[1], dns: byName ? fds[2] : -1)
            } catch {
                for fd in fds { close(fd) }
                startFailure.set(error.description)
            }
        }
    }

    func stop(observer: RunObserver) {
        guard !stopped else { return }
        stopped = true
        proxy.stop()
        if let why = startFailure.value {
            observer.notice("cordon: error: the network proxy did not start (\(why)); every connection was refused\n")
        }
    }

    /// run_end's summary with `hosts`: per host, connections made, requests refused, and bytes.
    func summary(adding base: JSONValue?) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        if case .object(let f)? = base { fields = f }
        let hosts = proxy.hostCounts.sorted { $0.key < $1.key }.map { h, c -> (String, JSONValue) in
            (
                h,
                .object([
                    ("connections", .number(Double(c.connections))), ("refused", .number(Double(c.refused))),
                    ("bytesUp", .number(Double(c.bytesUp))), ("bytesDown", .number(Double(c.bytesDown))),
                ])
            )
        }
        fields.append(("hosts", .object(hosts)))
        return .object(fields)
    }

    func host(for address: [UInt8]) -> String? { proxy.host(for: address) }

    func openDirect(host: String, port: Int, family: Int32) -> Result<Int32, Errno> {
        proxy.openDirect(host: host, port: port, family: family)
    }
}
