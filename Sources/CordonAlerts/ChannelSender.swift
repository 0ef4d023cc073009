// One configured channel and how an alert reaches it: POSTed (webhook, slack), piped to a
// program (command, email through sendmail), appended (file) or written to cordon's stderr.
import CordonBase
import CordonPolicy

#if canImport(Glibc)
    import Glibc
#endif

public struct ChannelSender: Sendable {
    public let channel: AlertChannel
    public let minLevel: AlertLevel
    /// How messages and `alert_failed` events name the channel: its type and where it goes,
    /// without a URL's path (a Slack webhook's path is its secret).
    public let label: String
    let url: WebhookURL?
    /// Where a relative `file` path was resolved against when the run started.
    let filePath: String?

    public init(_ channel: AlertChannel, cwd: String) {
        self.channel = channel
        minLevel = AlertLevel(rawValue: channel.minLevel) ?? .low
        let target = channel.settings["url"] ?? channel.settings["webhook"]
        url = target.flatMap { try? WebhookURL($0) }
        switch channel.type {
        case "webhook", "slack":
            label = "\(channel.type) \(url.map { "\($0.tls ? "https" : "http")://\($0.authority)" } ?? "?")"
        case "command": label = "command \(channel.argv.first ?? "")"
        case "email": label = "email \(channel.settings["to"] ?? "")"
        case "file": label = "file \(channel.settings["path"] ?? "")"
        default: label = channel.type
        }
        if let p = channel.settings["path"] {
            filePath = p.hasPrefix("/") ? p : (cwd.hasSuffix("/") ? cwd : cwd + "/") + p
        } else {
            filePath = nil
        }
    }

    /// One attempt; returns when the channel took the alert.
    public func deliver(_ alert: Alert, deadline: Double) throws(DeliveryError) {
        switch channel.type {
        case "webhook":
            let body = Array(alert.json.serialized().utf8)
            var headers = [("X-Cordon-Alert", alert.id)]
            if let secret = channel.settings["secret"] {
                // Lets the receiver check the alert came from whoever holds the secret.
                headers.append(("X-Cordon-Signature", "sha256=" + HMAC.sha256Hex(key: Array(secret.utf8), body)))
            }
            try post(body, headers: headers, deadline: deadline)
        case "slack":
            try post(Array(alert.slack(channel: channel.settings["channel"]).serialized().utf8), deadline: deadline)
        case "command":
            try ChannelProcess.run(
                channel.argv, input: Array((alert.json.serialized() + "\n").utf8), deadline: deadline)
        case "email":
            guard let sendmail = ChannelProcess.sendmail() else {
                throw DeliveryError(
                    "email: no sendmail on this machine (install an MTA such as msmtp-mta)", retry: false)
            }
            let to = channel.settings["to"] ?? ""
            let message = alert.email(to: to, from: channel.settings["from"])
            try ChannelProcess.run([sendmail, "-t", "-oi"], input: Array(message.utf8), deadline: deadline)
        case "file":
            try append(Array((alert.json.serialized() + "\n").utf8))
        default:
            // Control characters from the command or its evidence must not reach the terminal
            // as such (an escape sequence could rewrite what the person sees).
            let lines = alert.text.split(separator: "\n").map { line in
                String(
                    String.UnicodeScalarView(
                        line.unicodeScalars.map { c in
                            c.value < 0x20 || (c.value >= 0x7f && c.value < 0xa0) ? "?" : c
                        }))
            }
            let text = "cordon: alert: " + lines.joined(separator: "\ncordon:   ") + "\n"
            _ = Array(text.utf8).withUnsafeBytes { FileIO.writeAll(2, $0) }
        }
    }

    func post(_ body: [UInt8], headers: [(String, String)] = [], deadline: Double) throws(DeliveryError) {
        guard let url else {
            throw DeliveryError("\(label): the url is not a valid http(s) url", retry: false)
        }
        let code = try HTTPPost.send(
            url, body: body, headers: headers, deadline: deadline, caFile: channel.settings["ca_file"])
        switch code {
        case 200..<300: return
        case 429, 500...: throw DeliveryError("\(label) answered HTTP \(code)")
        case 300..<400: throw DeliveryError("\(label) answered HTTP \(code) (redirects are not followed)", retry: false)
        default: throw DeliveryError("\(label) answered HTTP \(code)", retry: false)
        }
    }

    /// One JSON line with one write(2) on an O_APPEND fd, so runs appending at once never
    /// interleave lines. O_NOFOLLOW: a symlink planted at the path (say, by a sandboxed command
    /// in a workspace that holds the file) must not turn cordon's append into a write elsewhere.
    func append(_ line: [UInt8]) throws(DeliveryError) {
        let path = filePath ?? ""
        let fd = FileIO.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw DeliveryError("open \(path): \(Errno.current)", retry: errno != ELOOP) }
        defer { close(fd) }
        let (written, e) = line.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        guard written == line.count else { throw DeliveryError("write \(path): \(Errno(e))") }
    }
}

/// HMAC-SHA256 (RFC 2104) over CordonBase's SHA-256.
enum HMAC {
    static func sha256Hex(key: [UInt8], _ message: [UInt8]) -> String {
        var k = key.count > 64 ? SHA256.digest(key) : key
        k += [UInt8](repeating: 0, count: 64 - k.count)
        let inner = SHA256.digest(k.map { $0 ^ 0x36 } + message)
        let outer = SHA256.digest(k.map { $0 ^ 0x5c } + inner)
        return outer.map { b in
            let h = String(b, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined()
    }
}

/// What a policy's channels cannot do on this machine, said when the policy is loaded for a run
/// or linted: an email channel without sendmail.
public enum AlertChannelWarnings {
    public static func of(_ channels: [AlertChannel]) -> [String] {
        var out: [String] = []
        for (i, c) in channels.enumerated() where c.type == "email" && ChannelProcess.sendmail() == nil {
            out.append(
                "monitor.alert_channels[\(i)]: email to \(c.settings["to"] ?? "?") cannot be sent: no sendmail here (/usr/sbin/sendmail); install an MTA (e.g. msmtp-mta) or use another channel"
            )
        }
        return out
    }
}
