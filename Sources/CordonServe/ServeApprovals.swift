// Deciding approvals over HTTP: `POST /approvals/:id/approve|reject` with a token, as a JSON
// client (Authorization: Bearer) or the approval page's form (token=...&note=...). A refused
// attempt is a gate.log line too: someone tried to decide without the secret.
import CordonAudit
import CordonBase
import CordonRun
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

extension ServeRoutes {
    func decide(_ id: String, approve: Bool, _ r: HTTPRequest) -> HTTPResponse {
        let form = Self.form(r)
        let given = bearer(r) ?? form["token"]
        guard let token = given, !token.isEmpty, tokenAccepted(token) else {
            refused(r, "approval \(id): missing or wrong token")
            return Self.error(
                401, "unauthorized: deciding approval \(id) needs a token",
                hint:
                    "send 'Authorization: Bearer TOKEN' (or token= in the form) with the server's --token-file token or an approver key ('cordon approvals key')"
            )
        }
        let status: ApprovalStatus = approve ? .approved : .rejected
        let note = form["note"].flatMap { $0.isEmpty ? nil : $0 }
        do throws(RequestFailure) {
            guard let desk = try service.approvals(create: false) else {
                return Self.error(404, "no approval \(id) in \(service.directory.path)")
            }
            do throws(ApprovalError) {
                _ = try desk.sweep()
                guard let a = try desk.find(id) else {
                    return Self.error(404, "no approval \(id) in \(service.directory.path)")
                }
                let result = try desk.decide(
                    a.id,
                    ApprovalDecision(
                        status: status, by: "http (\(access.token == token ? "serve token" : "approver key"))",
                        at: Double(Timestamp.now().milliseconds) / 1000, note: note))
                let now: Approval
                switch result {
                case .done(let moved): now = moved
                case .alreadyDecided(let cur):
                    return Self.error(
                        409, "approval \(a.id) is already \(cur.status.rawValue)",
                        hint: "'cordon approvals show \(a.id)' tells who decided it")
                case .unknown: return Self.error(404, "no approval \(id) in \(service.directory.path)")
                }
                if r.header("content-type")?.hasPrefix("application/x-www-form-urlencoded") == true {
                    return ApprovalPage.render(id: a.id, approval: .success(now))
                }
                return HTTPResponse(status: 200, json: ActionStatus.agentSec(now))
            } catch {
                throw RequestFailure(.runnerFailed, "cannot decide approval \(id): \(error)")
            }
        } catch {
            return Self.error(500, error.message, hint: error.hint)
        }
    }

    /// The server's token, or an approver key registered in this store.
    func tokenAccepted(_ token: String) -> Bool {
        if let t = access.token, Self.same(t, token) { return true }
        guard let desk = try? service.approvals(create: false) else { return false }
        return (try? desk.store.isApproverKey(hash: SHA256.hex(Array(token.utf8)))) ?? false
    }

    func bearer(_ r: HTTPRequest) -> String? {
        guard let h = r.header("authorization"), h.lowercased().hasPrefix("bearer ") else { return nil }
        return String(h.dropFirst(7)).trimmingSpaces
    }

    func bearerMatches(_ r: HTTPRequest) -> Bool {
        guard let t = access.token, let b = bearer(r) else { return false }
        return Self.same(t, b)
    }

    /// A browser cannot send a bearer header: over TCP the approval page and its form may carry
    /// the server's token as `?token=` (GET) or the form's `token` field (POST).
    func pageTokenMatches(_ r: HTTPRequest) -> Bool {
        guard let t = access.token, r.path.hasPrefix("/approvals/") else { return false }
        let given: String?
        if r.method == "POST" {
            given = Self.form(r)["token"]
        } else {
            given = r.query.split(separator: "&").first(where: { $0.hasPrefix("token=") }).map {
                Self.decode(String($0.dropFirst(6)))
            }
        }
        return given.map { Self.same(t, $0) } ?? false
    }

    /// Compares in time independent of where the strings first differ (no timing oracle).
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in 0..<x.count { d |= x[i] ^ y[i] }
        return d == 0
    }

    /// A refused request as a gate.log line (source=serve, rule=serve-unauthorized).
    func refused(_ r: HTTPRequest, _ why: String) {
        log.append(
            LogRecord(
                decision: "block", score: 0, level: "safe", agent: "", session: "", run: "", action: "",
                source: "serve", pid: getpid(), rule: "serve-unauthorized",
                command: Array("\(r.method) \(r.path)".utf8), reasons: [why]))
    }

    /// `application/x-www-form-urlencoded` fields of the body.
    static func form(_ r: HTTPRequest) -> [String: String] {
        guard r.header("content-type")?.hasPrefix("application/x-www-form-urlencoded") == true else { return [:] }
        var out: [String: String] = [:]
        for pair in String(decoding: r.body, as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            out[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }

    static func decode(_ s: String) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if c == UInt8(ascii: "%"), it.count >= 2,
                let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
