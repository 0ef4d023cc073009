// The command, file, email and https channels with real programs, files and a TLS server.
import CordonAlerts
import CordonBase
import CordonPolicy
import CordonTestSupport
import Foundation
import Testing

@Suite("alert channels", .timeLimit(.minutes(2)))
struct ChannelTests {
    @Test("a command channel gets the alert JSON on stdin")
    func command() throws {
        let dir = Fixture.directory()
        defer { Fixture.remove(dir) }
        let r = deliver(
            AlertChannel(type: "command", argv: ["sh", "-c", "cat > \"$0\"", dir + "/got.json"]), [Fixture.alert()])
        #expect(r.failures.isEmpty)
        let text = try String(contentsOfFile: dir + "/got.json", encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["id"] as? String == "al-1-TEST")
        #expect(json["trace"] as? String == "/work/.cordon/traces/r-01TESTRUN.jsonl")
    }

    @Test("a failing command is reported with its exit status and the start of its stderr")
    func commandFails() throws {
        let r = deliver(
            AlertChannel(type: "command", argv: ["sh", "-c", "cat >/dev/null; echo nope >&2; exit 3"]),
            [Fixture.alert()])
        #expect(r.failures.map(\.error) == ["sh exited with 3: nope"])
    }

    @Test("a command that never ends is killed when the attempt's time is up")
    func commandHangs() throws {
        let r = deliver(
            AlertChannel(type: "command", argv: ["sleep", "30"]), [Fixture.alert()],
            delivery: Fixture.delivery(timeout: 0.3, drain: 5))
        #expect(r.failures.map(\.error) == ["sleep: still running after the attempt's timeout; killed"])
    }

    @Test("a command that does not exist is reported and not retried")
    func commandMissing() throws {
        let r = deliver(
            AlertChannel(type: "command", argv: ["/nonexistent/notify"]), [Fixture.alert()],
            delivery: Fixture.delivery(retries: 3))
        #expect(r.failures.map(\.error) == ["start /nonexistent/notify: No such file or directory"])
        #expect(r.failures.first?.attempts == 1)
    }

    @Test("a file channel appends one JSON line per alert, relative paths from the run's directory")
    func file() throws {
        let dir = Fixture.directory()
        defer { Fixture.remove(dir) }
        let r = deliver(
            AlertChannel(type: "file", settings: ["path": "alerts.jsonl"]), [Fixture.alert(1), Fixture.alert(2)],
            cwd: dir)
        #expect(r.failures.isEmpty)
        let lines = try String(contentsOfFile: dir + "/alerts.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let ids = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            .compactMap { $0["id"] as? String }
        #expect(ids == ["al-1-TEST", "al-2-TEST"])
    }

    @Test("a symlink planted at a file channel's path is not followed")
    func fileSymlink() throws {
        let dir = Fixture.directory()
        defer { Fixture.remove(dir) }
        try "keep\n".write(toFile: dir + "/target", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/alerts.jsonl", withDestinationPath: dir + "/target")
        let r = deliver(AlertChannel(type: "file", settings: ["path": dir + "/alerts.jsonl"]), [Fixture.alert()])
        #expect(r.failures.first?.error.hasPrefix("open \(dir)/alerts.jsonl: ") == true)
        #expect(try String(contentsOfFile: dir + "/target", encoding: .utf8) == "keep\n")
    }

    @Test("an email is a sendmail -t message: headers without line breaks from the alert, then the text")
    func emailMessage() {
        let m = Fixture.alert(summary: "two\nlines").email(to: "ops@example.com", from: "cordon@host")
        let (head, body) = (m.components(separatedBy: "\n\n")[0], m)
        #expect(head.contains("To: ops@example.com\nFrom: cordon@host\nSubject: [cordon] critical: two lines\n"))
        #expect(body.contains("cordon log --run r-01TESTRUN --log-dir /work/.cordon"))
        #expect(body.contains("trace: /work/.cordon/traces/r-01TESTRUN.jsonl"))
    }

    @Test("an email channel without sendmail on the machine is warned about at load")
    func emailWarning() {
        let warnings = AlertChannelWarnings.of([AlertChannel(type: "email", settings: ["to": "ops@example.com"])])
        let hasSendmail = ["/usr/sbin/sendmail", "/usr/lib/sendmail", "/usr/bin/sendmail"].contains {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        #expect(warnings.count == (hasSendmail ? 0 : 1))
        if !hasSendmail { #expect(warnings.first?.contains("no sendmail here") == true) }
    }

    /// python3's TLS server with a certificate made here: the `ca_file` that trusts it, the port.
    final class TLSServer {
        let process = Process()
        let dir = Fixture.directory()
        var port = 0
        var received: String { (try? String(contentsOfFile: dir + "/body", encoding: .utf8)) ?? "" }

        init() throws {
            let cert = TestProcess.run([
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem", "-out",
                dir + "/cert.pem", "-days", "2", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ])
            guard cert.status == 0 else { throw Errno(EINVAL) }
            let script = """
                import http.server, ssl, sys
                class H(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        body = self.rfile.read(int(self.headers['Content-Length']))
                        open(sys.argv[3], 'wb').write(body)
                        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
                    def log_message(self, *a): pass
                s = http.server.HTTPServer(('127.0.0.1', 0), H)
                c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[1], sys.argv[2])
                s.socket = c.wrap_socket(s.socket, server_side=True)
                print(s.server_address[1], flush=True)
                s.serve_forever()
                """
            let out = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script, dir + "/cert.pem", dir + "/key.pem", dir + "/body"]
            process.standardOutput = out
            try process.run()
            var line: [UInt8] = []
            while let b = try out.fileHandleForReading.read(upToCount: 1), let c = b.first, c != 0x0a { line.append(c) }
            port = Int(String(decoding: line, as: UTF8.self)) ?? 0
        }

        deinit {
            // SIGKILL, not terminate(): the child inherits the test runner's blocked signals, so
            // SIGTERM would stay pending and waitUntilExit would wait for ever.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Fixture.remove(dir)
        }
    }

    @Test("https: delivered when the server's certificate is trusted (ca_file), refused when it is not")
    func https() throws {
        let server = try TLSServer()
        #expect(server.port > 0)
        let url = "https://localhost:\(server.port)/hook"
        let trusted = deliver(
            AlertChannel(type: "webhook", settings: ["url": url, "ca_file": server.dir + "/cert.pem"]),
            [Fixture.alert()])
        #expect(trusted.failures.isEmpty, "\(trusted.failures.map(\.error))")
        #expect(server.received.contains("\"run\":\"r-01TESTRUN\""))

        let untrusted = deliver(
            AlertChannel(type: "webhook", settings: ["url": url]), [Fixture.alert()],
            delivery: Fixture.delivery(retries: 3))
        let f = try #require(untrusted.failures.first)
        #expect(f.error.hasPrefix("tls handshake with localhost: certificate not trusted: "), "\(f.error)")
        #expect(f.attempts == 1)
    }
}
