// The meanings of issue 12, session 13's second round (the fresh labelled sample s13b): kubectl's
// `debug`, screenshot tools named `…shot`, a `--reboot` option, doctl's verb aliases, `get` on
// network tools, and programs the gate now knows by what they do. Real commands from the tools'
// documentation and the near misses each rule must leave allowed (gate-classes.md);
// MeaningTests' two parameterised tests run them with the other sessions' tables.
import Testing

@testable import CordonGate

@Suite("meanings of programs, subcommands and options (session 13, second round)")
struct SessionThirteenSecondRoundTests {
    static let approve: [(String, String)] = [
        // A9: kubectl/oc debug create an ephemeral container, a pod copy or a node pod
        ("A9", "kubectl debug node/node1 -it --image busybox"), ("A9", "oc debug node/worker-0"),
        ("A9", "kubectl debug web-7d4b9c8f6-x2k9p --copy-to my-pod-copy --set-image '*=nginx'"),
        // A13, R10: screenshot tools named `…shot`
        ("R10", "hyprshot -m output"), ("R10", "grimshot save screen"),
        // A9: doctl's verb aliases (create, update, delete, reset)
        ("A9", "doctl a c"), ("A9", "doctl a u 1234 --spec config/spec.yml"), ("A9", "doctl d user c 1234 alice"),
        ("A9", "doctl compute d d 1234"), ("A9", "doctl d u rs 1234 alice hunter2"),
        // A10: Hive's shells; R6: netperf's server; R4: a mailed bug report, web content fetched
        ("A10", "hive -e 'select 1'"), ("A10", "beeline -u jdbc:hive2://db.example.com:10000"),
        ("R6", "netserver -p 8080"), ("R4", "reportbug other"), ("R4", "hn --latest"), ("R4", "tuxi TODO"),
        ("R4", "onionsearch stuxnet"), ("A3", "ani-cli -d name"),
        // A8: a network tool's `set` still changes the configuration
        ("A8", "iw dev wlan0 set power_save on"), ("A8", "smbpasswd"),
    ]

    static let allow: [(String, String)] = [
        // `get` reads a network tool's object; a password made and printed
        ("L1", "iw reg get"), ("L1", "iw dev wlan0 get power_save"), ("L5", "makepasswd"), ("L5", "mkpasswd"),
        // Snapshots are not screenshots (R7)
        ("R7", "qm snapshot 100 snap1"), ("R7", "lxc snapshot web snap0"),
        // doctl's listing and reading aliases: `d` is droplet or databases there
        ("L7", "doctl compute d ls"), ("L7", "doctl databases u g 1234 alice"), ("L7", "doctl k c ls"),
        ("L7", "doctl d ls"),
        // A report written to a file; help
        ("L3", "reportbug --output notes.txt jq"), ("L5", "hn --help"),
    ]

    @Test("an option that reboots or powers off the machine afterwards: block (B6)")
    func rebootOption() {
        #expect(decide("rpm-ostree upgrade --reboot").decision == .block)
        #expect(decide("updatectl --reboot update release").decision == .block)
        #expect(decide("rpm-ostree install jq --reboot").decision == .block)
        // Without it the same commands ask (A4, A8), and a check about rebooting is not one.
        #expect(decide("rpm-ostree upgrade").decision == .requiresApproval)
        #expect(decide("fwupdmgr update --no-reboot-check").decision != .block)
    }
}
