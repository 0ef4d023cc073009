// Webhook and Slack channels against a real HTTP server on 127.0.0.1 (HTTPListener): what
// arrives, how failures are retried or not, and what an unreachable or silent server leaves.
import CordonAlerts
import CordonBase
import CordonPolicy
import CordonTestSupport
import Foundation
import Testing

@Suite("alert webhooks", .timeLimit(.minutes(2)))
struct WebhookTests {
    @Test("a webhook receives the alert JSON with the run id, the trace path and the commands to see more")
    func webhookJSON() throws {
        let server = try HTTPListener()
        defer { server.stop() }
        let r = deliver(
            AlertChannel(type: "webhook", settings: ["url": server.url + "/hooks/cordon?x=1"]), [Fixture.alert()])
        #expect(r.failures.isEmpty)
        let req = try #require(server.waitFor(1).first)
        #expect(req.method == "POST")
        #expect(req.target == "/hooks/cordon?x=1")
        #expect(req.headers["content-type"] == "application/json")
        #expect(req.headers["x-cordon-alert"] == "al-1-TEST")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(req.body)) as? [String: Any])
        #expect(json["run"] as? String == "r-01TESTRUN")
        #expect(json["trace"] as? String == "/work/.cordon/traces/r-01TESTRUN.jsonl")
        #expect(json["kind"] as? String == "critical_block")
        #expect(json["level"] as? String == "critical")
        #expect(json["agent"] as? String == "ci-agent")
        #expect(json["project"] as? String == "shop")
        #expect(json["session"] as? String == "s-1")
        #expect(json["score"] as? Double == 0.92)
        #expect((json["reasons"] as? [String])?.first?.contains("/dev/tcp/203.0.113.7/4444") == true)
        #expect((json["lastDecisions"] as? [[String: Any]])?.first?["rule"] as? String == "reverse-shell")
        #expect(
            json["commands"] as? [String] == [
                "cordon log --run r-01TESTRUN --log-dir /work/.cordon",
                "cordon report r-01TESTRUN --log-dir /work/.cordon",
            ])
    }

    @Test("a webhook secret signs the body: HMAC-SHA256 as openssl computes it")
    func signature() throws {
        let server = try HTTPListener()
        defer { server.stop() }
        let r = deliver(
            AlertChannel(type: "webhook", settings: ["url": server.url, "secret": "s3cret key"]), [Fixture.alert()])
        #expect(r.failures.isEmpty)
        let req = try #require(server.waitFor(1).first)
        let openssl = TestProcess.run(["openssl", "dgst", "-sha256", "-hmac", "s3cret key", "-r"], stdin: req.bodyText)
        let expected = String(openssl.stdout.prefix(64))
        #expect(expected.count == 64)
        #expect(req.headers["x-cordon-signature"] == "sha256=" + expected)
    }

    @Test("a slack channel posts Slack's incoming-webhook shape: text plus header, section and context blocks")
    func slackShape() throws {
        let server = try HTTPListener()
        defer { server.stop() }
        let alert = Fixture.alert(summary: "blocked <script> & more")
        let r = deliver(
            AlertChannel(type: "slack", settings: ["webhook": server.url + "/services/T/B/X", "channel": "#ops"]),
            [alert])
        #expect(r.failures.isEmpty)
        let req = try #require(server.waitFor(1).first)
        #expect(req.target == "/services/T/B/X")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(req.body)) as? [String: Any])
        #expect(json["text"] as? String == "[cordon] critical: blocked <script> & more")
        #expect(json["channel"] as? String == "#ops")
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(
            blocks.map { $0["type"] as? String } == ["header", "section", "section", "section", "section", "context"])
        let summary = (blocks[1]["text"] as? [String: Any])?["text"] as? String
        #expect(summary == "*blocked &lt;script&gt; &amp; more*")
        let fields = (blocks[2]["fields"] as? [[String: Any]])?.compactMap { $0["text"] as? String } ?? []
        #expect(fields.contains("*Run*\n`r-01TESTRUN`"))
        let context = ((blocks[5]["elements"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
        #expect(context.contains("r-01TESTRUN.jsonl"))
        #expect(context.contains("`cordon log --run r-01TESTRUN --log-dir /work/.cordon`"))
    }

    @Test("a 5xx is retried with backoff and then delivered; nothing is reported as failed")
    func retried() throws {
        let server = try HTTPListener(.answer([500, 503, 200]))
        defer { server.stop() }
        let failures = Failures()
        let d = AlertDispatcher(
            channels: [AlertChannel(type: "webhook", settings: ["url": server.url])],
            delivery: Fixture.delivery(retries: 3, drain: 5), cwd: "/", failed: failures.report)
        d.send(Fixture.alert())
        // Not drained yet: the retries come after their backoff (0.25s, then 0.5s).
        let got = server.waitFor(3, seconds: 10)
        d.drain()
        #expect(got.count == 3)
        #expect(failures.all.isEmpty)
        #expect(d.delivered == 1)
    }

    @Test("while draining, retries come at once: a 5xx then a 200 is delivered before drain returns")
    func retriedWhileDraining() throws {
        let server = try HTTPListener(.answer([502, 200]))
        defer { server.stop() }
        let r = deliver(
            AlertChannel(type: "webhook", settings: ["url": server.url]), [Fixture.alert()],
            delivery: Fixture.delivery(retries: 2, drain: 5))
        #expect(server.requests.count == 2)
        #expect(r.failures.isEmpty)
        #expect(r.delivered == 1)
    }

    @Test("a 4xx is not retried: one attempt, reported with the status")
    func notRetried() throws {
        let server = try HTTPListener(.answer([404]))
        defer { server.stop() }
        let r = deliver(
            AlertChannel(type: "webhook", settings: ["url": server.url]), [Fixture.alert()],
            delivery: Fixture.delivery(retries: 3))
        #expect(server.requests.count == 1)
        let f = try #require(r.failures.first)
        #expect(f.attempts == 1)
        #expect(f.error == "webhook \(server.url) answered HTTP 404")
        #expect(f.channel == "webhook \(server.url)")
    }

    @Test("a closed port fails at once with the connect error, retried without waiting while draining")
    func closedPort() throws {
        let port = try HTTPListener.closedPort()
        let r = deliver(
            AlertChannel(type: "webhook", settings: ["url": "http://127.0.0.1:\(port)/x"]), [Fixture.alert()],
            delivery: Fixture.delivery(retries: 3, drain: 5))
        let f = try #require(r.failures.first)
        #expect(f.error == "connect 127.0.0.1:\(port): Connection refused")
        #expect(f.attempts == 4)
        #expect(r.failures.count == 1)
    }

    @Test("a server that accepts and never answers: the attempt times out and the alert is reported failed")
    func blackhole() throws {
        let server = try HTTPListener(.blackhole)
        defer { server.stop() }
        let r = deliver(
            AlertChannel(type: "webhook", settings: ["url": server.url]), [Fixture.alert()],
            delivery: Fixture.delivery(timeout: 0.3, retries: 0, drain: 5))
        let f = try #require(r.failures.first)
        #expect(f.error == "read the answer from 127.0.0.1:\(server.port): no answer before the attempt's timeout")
        #expect(server.requests.count == 1)
    }

    @Test("what is still in flight when the drain deadline passes is reported, and drain returns")
    func drainDeadline() throws {
        let server = try HTTPListener(.blackhole)
        defer { server.stop() }
        let r = deliver(
            AlertChannel(type: "webhook", settings: ["url": server.url]), [Fixture.alert(1), Fixture.alert(2)],
            delivery: Fixture.delivery(timeout: 30, retries: 0, drain: 0.3))
        #expect(r.failures.count == 2)
        #expect(Set(r.failures.map(\.alert.id)) == ["al-1-TEST", "al-2-TEST"])
        #expect(
            r.failures.allSatisfy {
                $0.error.contains("before cordon exited (monitor.alert_delivery.drain 0.3s passed")
            }, "\(r.failures.map(\.error))")
    }

    @Test("a full queue drops the oldest alerts and says how many")
    func queueFull() throws {
        let server = try HTTPListener(.blackhole)
        defer { server.stop() }
        let alerts = (1...6).map { Fixture.alert($0) }
        // Each alert holds the channel for its whole 1 s timeout (the server never answers),
        // so of the six queued in one burst at most three survive it: one in flight and two
        // queued. Whether the worker thread took the first alert before the burst or after it
        // is the scheduler's choice, so the drops come in one report or two (seen both).
        let r = deliver(
            AlertChannel(type: "webhook", settings: ["url": server.url]), alerts,
            delivery: Fixture.delivery(timeout: 1, retries: 0, drain: 4, queue: 2))
        let dropped = r.failures.filter { $0.dropped > 0 }
        let n = dropped.reduce(0) { $0 + $1.dropped }
        #expect((1...2).contains(dropped.count), "\(dropped.map(\.error))")
        #expect((3...4).contains(n), "\(dropped.map(\.error))")
        for d in dropped { #expect(d.error.contains("queue full: \(d.dropped) alert(s) dropped"), "\(d.error)") }
        // Every alert is accounted for: dropped, or sent and failed (the server never answers).
        let failedOthers = r.failures.filter { $0.dropped == 0 }.count
        #expect(n + failedOthers == 6)
        // The newest is never the one dropped.
        #expect(r.failures.contains { $0.dropped == 0 && $0.alert.id == "al-6-TEST" })
    }

    @Test("min_level keeps lower alerts off a channel")
    func minLevel() throws {
        let server = try HTTPListener()
        defer { server.stop() }
        let channel = AlertChannel(type: "webhook", settings: ["url": server.url], minLevel: "high")
        let r = deliver(channel, [Fixture.alert(1, level: .medium), Fixture.alert(2, level: .high)])
        #expect(r.failures.isEmpty)
        #expect(server.requests.map { $0.headers["x-cordon-alert"] } == ["al-2-TEST"])
    }

    @Test(
        "urls: scheme, host, port, target; credentials, bad ports and other schemes refused",
        arguments: [
            ("http://127.0.0.1:8080/a?b=c#frag", "127.0.0.1", 8080, "/a?b=c", false),
            ("https://hooks.slack.com/services/T/B/X", "hooks.slack.com", 443, "/services/T/B/X", true),
            ("http://[::1]:9/x", "::1", 9, "/x", false),
            ("http://example.com?q=1", "example.com", 80, "/?q=1", false),
        ])
    func urls(text: String, host: String, port: Int, target: String, tls: Bool) throws {
        let u = try WebhookURL(text)
        #expect(u.host == host)
        #expect(Int(u.port) == port)
        #expect(u.target == target)
        #expect(u.tls == tls)
    }

    @Test(
        "bad urls are refused with the reason",
        arguments: ["ftp://x/", "http://user:pw@x/", "http://x:0/", "http:///a"])
    func badURLs(text: String) {
        #expect(throws: DeliveryError.self) { try WebhookURL(text) }
    }
}
