// The sandbox-aware decision (issue 12.6): a finding whose effect the run's sandbox already
// prevents is reported, but does not make a person approve. Only these kinds qualify, each a
// guarantee the sandbox enforces in the kernel: no network namespace egress with
// `network: none` (a connect fails and the monitor records it), egress only through cordon's
// proxy with `network: domains` (an empty namespace whose one way out decides each host on its
// name, asking a person for `ask` hosts: the policy's host list is the approval), no write to a
// path mounted read-only, no read of a path covered by an empty mount. Blocks are never downgraded: the
// gate only drops prevented findings when the full decision would not have blocked.
import CordonPolicy

public struct SandboxFacts: Sendable, Equatable {
    /// `sandbox.network: none`: only loopback inside.
    public var networkOff: Bool
    /// `sandbox.network: domains`: only cordon's proxy leads out, and it decides per host.
    public var networkDomains = false
    /// Mounted read-only (absolute, normalised): the system paths.
    public var readOnly: [String]
    /// Writable: the workspace, tmpfs mounts, extra read-write paths.
    public var writable: [String]
    /// Covered by empty read-only mounts, `~` expanded.
    public var hidden: [String]
    /// The caller's home, to expand `~` in a finding's path.
    public var home: String?

    public init(networkOff: Bool, readOnly: [String], writable: [String], hidden: [String], home: String?) {
        self.networkOff = networkOff
        self.readOnly = readOnly
        self.writable = writable
        self.hidden = hidden
        self.home = home
    }

    /// The facts of a policy's sandbox for a run in `workspace`.
    public init(policy: Policy, workspace: String, home: String?) {
        let fs = policy.sandbox.filesystem
        let expand = { (p: String) -> String in SandboxFacts.expand(p, home: home) }
        self.init(
            networkOff: policy.sandbox.network == .none,
            readOnly: fs.readOnly.map(expand),
            writable: [workspace] + fs.tmpfs.map(expand) + fs.readWrite.map(expand) + ["/dev/shm"],
            hidden: fs.hide.map(expand), home: home)
        networkDomains = policy.sandbox.network == .domains
    }

    /// `ssh -o runs ProxyCommand=/usr/bin/nc.openbsd -X 5 -x 127.0.0.1:1080 %h %p`: the
    /// GIT_SSH_COMMAND cordon sets under `network: domains` (CordonSandbox's ProxyEnvironment),
    /// word for word, with an OpenBSD netcat by path. Anything else in a ProxyCommand is still
    /// an indirect exec; the nc it starts is gated on its own like every exec.
    static func isProxyHelper(_ reason: String) -> Bool {
        guard let r = reason.firstRange(of: " runs ProxyCommand=") else { return false }
        let words = reason[r.upperBound...].split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 7, words[0].hasPrefix("/"), words[1...] == ["-X", "5", "-x", "127.0.0.1:1080", "%h", "%p"]
        else { return false }
        let name = words[0].split(separator: "/").last ?? ""
        return (name == "nc" || name == "nc.openbsd") && !words[0].contains(where: { ";&|`$()<>'\"\\*?".contains($0) })
    }

    static func expand(_ p: String, home: String?) -> String {
        var p = p
        if let home {
            if p == "~" || p == "$HOME" { p = home }
            if p.hasPrefix("~/") { p = home + String(p.dropFirst(1)) }
            if p.hasPrefix("$HOME/") { p = home + String(p.dropFirst(5)) }
            if p.hasPrefix("${HOME}/") { p = home + String(p.dropFirst(7)) }
        }
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }

    static func isUnder(_ p: String, _ dir: String) -> Bool {
        dir == "/" || p == dir || p.hasPrefix(dir + "/")
    }

    /// Signals whose whole effect is a connection to another machine.
    static let networkSignals: Set<Signal> = [
        .egress, .networkTool, .networkListener, .scanner, .packetCapture, .remoteCopy, .fileUpload, .pasteSite,
        .insecureDownload, .thirdPartyService, .rawSocketTransfer, .netcatSendFile, .packageFromURL,
    ]

    /// Why this run's sandbox already prevents what `hit` is about, or nil.
    func prevents(_ hit: Hit) -> String? {
        if networkOff && SandboxFacts.networkSignals.contains(hit.signal) {
            return "network is off in this sandbox (policy sandbox.network: none)"
        }
        if networkDomains && SandboxFacts.networkSignals.contains(hit.signal) {
            return
                "network leaves this sandbox only through cordon's proxy, which decides each host (policy sandbox.network_domains)"
        }
        if networkDomains && hit.signal == .indirectExec && SandboxFacts.isProxyHelper(hit.reason) {
            return "ssh's ProxyCommand is cordon's own SOCKS helper (GIT_SSH_COMMAND under network: domains)"
        }
        guard let raw = hit.target else { return nil }
        let path = SandboxFacts.expand(raw, home: home)
        guard path.hasPrefix("/") else { return nil }
        if hit.signal == .secretFileRead, hidden.contains(where: { SandboxFacts.isUnder(path, $0) }) {
            return "\(raw) is hidden in this sandbox (policy sandbox.filesystem.hide)"
        }
        if hit.signal == .outsideWrite || hit.signal == .overwriteSystemFile,
            readOnly.contains(where: { SandboxFacts.isUnder(path, $0) }),
            !writable.contains(where: { SandboxFacts.isUnder(path, $0) })
        {
            return "\(raw) is read-only in this sandbox"
        }
        return nil
    }
}
