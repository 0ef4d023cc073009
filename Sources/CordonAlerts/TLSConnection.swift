// https through OpenSSL (libssl, the CSSL system library), in-process rather than through
// `curl`: a webhook URL usually is the secret (Slack's is), and a curl child would show it in
// its argv to every user of the machine (/proc/PID/cmdline). The peer's certificate is
// verified against the system's CAs (or the channel's `ca_file`) and the URL's host name.
import CSSL
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

final class TLSConnection: ByteStream {
    let fd: Int32
    let ctx: OpaquePointer
    let ssl: OpaquePointer

    init(fd: Int32, host: String, caFile: String?, deadline: Double) throws(DeliveryError) {
        self.fd = fd
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw DeliveryError("tls: \(Self.lastError())") }
        _ = cssl_require_tls12(ctx)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        if let caFile {
            guard SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1 else {
                SSL_CTX_free(ctx)
                throw DeliveryError("tls: cannot read ca_file \(caFile): \(Self.lastError())", retry: false)
            }
        } else {
            SSL_CTX_set_default_verify_paths(ctx)
        }
        guard let ssl = SSL_new(ctx) else {
            SSL_CTX_free(ctx)
            throw DeliveryError("tls: \(Self.lastError())")
        }
        self.ctx = ctx
        self.ssl = ssl
        _ = cssl_set_server_name(ssl, host)
        // The name the certificate must carry (an IP address is checked as one).
        _ = SSL_set1_host(ssl, host)
        SSL_set_fd(ssl, fd)
        while true {
            ERR_clear_error()
            let r = SSL_connect(ssl)
            if r == 1 { break }
            try wait(r, deadline: deadline, what: "tls handshake with \(host)")
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(ctx)
    }

    /// After an SSL call returned `r` <= 0: waits when OpenSSL wants the socket, else throws.
    func wait(_ r: Int32, deadline: Double, what: String) throws(DeliveryError) {
        let e = SSL_get_error(ssl, r)
        switch e {
        case SSL_ERROR_WANT_READ: try waitFor(fd, POLLIN, deadline: deadline, what: what)
        case SSL_ERROR_WANT_WRITE: try waitFor(fd, POLLOUT, deadline: deadline, what: what)
        default:
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                let why = String(cString: X509_verify_cert_error_string(verify))
                throw DeliveryError("\(what): certificate not trusted: \(why)", retry: false)
            }
            let detail =
                e == SSL_ERROR_SYSCALL ? (errno == 0 ? "connection closed" : "\(Errno.current)") : Self.lastError()
            throw DeliveryError("\(what): \(detail)")
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, deadline: Double, what: String) throws(DeliveryError) -> Int {
        while true {
            ERR_clear_error()
            let r = SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
            if r > 0 { return Int(r) }
            try wait(r, deadline: deadline, what: what)
        }
    }

    func read(into buf: inout [UInt8], deadline: Double, what: String) throws(DeliveryError) -> Int {
        while true {
            ERR_clear_error()
            let r = buf.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if r > 0 { return Int(r) }
            if SSL_get_error(ssl, r) == SSL_ERROR_ZERO_RETURN { return 0 }
            try wait(r, deadline: deadline, what: what)
        }
    }

    static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "unknown error" }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
