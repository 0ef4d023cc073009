// Issue 12, session 16: what one subcommand or option of a known tool does where its family
// had no rule (Detectors/Effects+Subcommands.swift, run from `reach`), and rules read from
// what a word means for every program: a package manager's download subcommands, password
// crackers given hashes, conntrack's table changes, IPFS's network subcommands, Packer's
// builds (remote, unlike docker's), package and version managers' install words, tree-wide
// rewriters, p11-kit's trust anchors, a UNC share, a password reset named
// by a program or subcommand, a mail recipient, pass-the-hash for every program, `scrub` as
// `shred`'s kin (a device overwritten blocks), `dnf system-upgrade reboot`, socket(1)'s
// served shell, `shutdown -c`, `teardown`, `*-rm` names, `git unpublish`. Real commands from
// the tools' documentation (tldr) and GTFOBins, and the near misses each rule must leave as
// they were (gate-classes.md); MeaningTests' two parameterised tests run the tables with the
// other sessions'.
import Testing

@testable import CordonGate

@Suite("what a known tool's subcommand does (session 16)")
struct SessionSixteenTests {
    static let approve: [(String, String)] = [
        // A3: packages fetched from the repositories without installing them
        ("A3", "dnf download jq --destdir src/components"), ("A3", "dnf reposync --repoid webapp"),
        ("A3", "dnf reposync --repoid webapp --download-metadata"), ("A3", "apt-get source jq"),
        // A13/R1: password hashes cracked, recovered passwords shown
        ("A13", "john --rules docs/hashes.txt"), ("A13", "john docs/hashes.txt"),
        ("A13", "john --show docs/hashes.txt"), ("A13", "hashcat -m 1234 -a 3 a1b2c3d"),
        ("A13", "john --restore=data/mycrack.rec"),
        // A8: the kernel's connection table changed; a scheduled shutdown cancelled
        ("A8", "conntrack -D -s 192.168.1.10"), ("A8", "shutdown -c"),
        // A3: IPFS publishes to and fetches from the swarm
        ("A3", "ipfs add -r src/components"), ("A3", "ipfs add src/main.swift"),
        ("A3", "ipfs get a1b2c3d --output src/main.swift"), ("A3", "ipfs pin add a1b2c3d"),
        // A9/A4: Packer's image builds and plugin installs; a deployed site taken down
        ("A9", "packer build config/config.json"), ("A4", "packer init config/config.pkr.hcl"),
        ("A9", "surge teardown example.com"), ("A9", "distrobox-rm web --force"),
        // A4: a plugin added under the plural noun; package and version managers' own words
        ("A4", "mise plugins add demo"), ("A4", "appman -i jq"), ("A4", "lure in jq"),
        ("A4", "mhwd -i pci my-driver"), ("A4", "kpackagetool6 -t Plasma/Applet -r \"demo\""),
        ("A4", "shelly -Rs --cascade jq"), ("A4", "steamcmd +login anonymous +app_update 1234 +quit"),
        ("A4", "pkgadd jq"), ("A4", "sdkmanager jq"), ("A4", "eget zyedidia/micro -t v2.0.10"), ("A4", "n 1.2.3"),
        ("A4", "skills a alice/repo"), ("A4", "mvn deploy"),
        // A4: dependencies downloaded; A9: a shell inside a cluster's container
        ("A4", "cargo fetch"), ("A9", "oc rsh web-7d4b9c8f6-x2k9p"),
        // A8: a tool's own users managed
        ("A8", "elasticsearch-users userdel alice"),
        // A2: every matching file of a tree rewritten or renamed
        ("A2", "fastmod TODO DONE"), ("A2", "fastmod TODO DONE --dir src/components --iglob '**/*.{js,json}'"),
        ("A2", "repren --from '([0-9]+) example_string' --to 'replacement_string \\1' *.csv"),
        ("A2", "rnm -ns/f docs/names.txt project/files"), ("A2", "rnm -ss old -rs new src/components"),
        // A1: scrub overwrites files, as shred does
        ("A1", "scrub src/main.swift"), ("A1", "scrub --pattern dod src/main.swift"),
        // A11: the system's trusted certificate authorities
        ("A11", "trust anchor data/certificate.crt"), ("A11", "trust anchor --remove data/certificate.crt"),
        // A3: a share on another machine; a mail recipient; a branch deleted on the remote
        ("A3", "smbcacls //server.example.com/public src/main.swift --user alice --workgroup workgroup"),
        ("A3", "pop < docs/message.md --from me@example.com --to you@example.com --subject \"On the Subject\""),
        ("A3", "git unpublish feature/login"),
        // A8: an account's password reset
        ("A8", "elasticsearch-reset-password -u alice"),
        ("A8", "grafana cli admin reset-admin-password --user-id 1001 hunter3"),
    ]

    static let allow: [(String, String)] = [
        // Where a package is, not the package; installed packages listed
        ("L7", "dnf download --url jq"), ("L7", "apt-get source --print-uris jq"), ("L7", "dnf list --installed"),
        // A cracker's own catalogue and benchmark
        ("L5", "john --list=formats"), ("L5", "hashcat --example-hashes"), ("L5", "hashcat -b"),
        // conntrack's listings and event watch
        ("L1", "conntrack -L"), ("L1", "conntrack -E -s 192.168.1.10"),
        // IPFS's local pins and garbage collection; Packer's template checks
        ("L1", "ipfs pin ls"), ("L3", "ipfs repo gc"), ("L2", "packer validate config/config.json"),
        ("L3", "packer fmt data/config.pkr.hcl"),
        // Rewriters' previews
        ("R7", "repren --rename -n --from 'TODO' --to 'replacement_string' *.jpg *.jpeg"),
        ("R7", "rnm -sim -ss TODO -rs DONE project/files"), ("L5", "fastmod --help"),
        // The trust store listed, a copy of its anchors extracted into the workspace
        ("L1", "trust list"), ("L4", "trust extract --format=x509-directory --filter=ca-anchors src/components"),
        // Passwords made, not set; an address that is a commit's, or encrypted for
        ("L5", "mkpasswd -m sha-512"), ("L5", "pwgen 12"),
        (
            "L3",
            "dolt init --name \"demo\" --email \"alice@example.com\" --date \"2021-12-31T00:00:00\" -b \"feature/login\""
        ),
        ("L4", "gpg --recipient alice@example.com --encrypt src/main.swift"),
        // A loopback share; a plugin list under the plural noun
        ("L1", "ls //localhost/share"), ("L7", "mise plugins ls"),
        // Git's own publish-like words are judged by their own rules; a local branch deleted
        ("L6", "git branch -d feature/login"),
        // The same managers' searches and listings; `n` running a file under a version
        ("L7", "appman -q jq"), ("L7", "lure list"), ("L1", "mhwd -li"), ("L1", "kpackagetool6 --list-types"),
        ("L7", "pikman search jq"), ("L7", "sdkmanager --list"), ("L2", "n use 1.2.3 file.js"), ("L7", "skills ls"),
        // Cargo's local builds; a cluster's pods listed
        ("L2", "cargo build --release"), ("L7", "oc get pods"),
        // Maven's install phase builds into the local repository; docker's tag names a local image
        ("L2", "mvn install"), ("L2", "mvn install --define skipTests"), ("L3", "docker tag 1234 demo:v1.2.0"),
        ("L3", "docker image tag nginx:current_tag nginx:new_tag"),
        // The brief's near misses
        ("A1", "rm -rf build/"), ("A3", "curl localhost:8080"), ("L6", "git commit -m x"),
        ("L4", "tar czf out.tgz src"),
    ]

    @Test("pass-the-hash blocks for a client the gate knows, not for a server's setting")
    func passTheHashForEveryClient() {
        for c in [
            "smbclient.py -hashes LM_HASH:NT_HASH example.com/alice@release",
            "rpcdump.py -hashes LMHASH:NTHASH example.com/alice:hunter2@release",
            "bloodhound-python --collectionmethod All --username alice --hashes LM:NTLM --domain example.com",
        ] {
            let d = decide(c)
            #expect(d.decision == .block, "\(c) -> \(d.decision) \(d.score) \(d.reasons)")
        }
        let server = decide("smbserver.py -hashes LMHASH:NTHASH public project/share")
        #expect(server.decision == .requiresApproval, "\(server.decision) \(server.score) \(server.reasons)")
    }

    @Test("a qualified hash option (-hashes-rpc) with an LM:NT pair is pass-the-hash; one without a pair is not")
    func qualifiedHashOption() {
        for c in [
            "rpcmap.py -hashes-rpc aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0 ncacn_ip_tcp:10.0.0.5[135]",
            "rpcmap.py --hashes-rpc=:31d6cfe0d16ae931b73c59d7e0c089c0 ncacn_ip_tcp:10.0.0.5[135]",
        ] {
            let d = decide(c)
            #expect(d.decision == .block, "\(c) -> \(d.decision) \(d.score) \(d.reasons)")
        }
        for c in ["dupscan --hashes-out report.txt src", "dupscan --hashes-only src"] {
            let d = decide(c)
            #expect(d.decision == .allow, "\(c) -> \(d.decision) \(d.score) \(d.reasons)")
        }
    }

    @Test("a device overwritten by shred or scrub blocks; a file only asks")
    func deviceOverwriteBlocks() {
        for c in ["sudo scrub /dev/sdb", "shred -n 1 -v /dev/sdb"] {
            let d = decide(c)
            #expect(d.decision == .block, "\(c) -> \(d.decision) \(d.score) \(d.reasons)")
        }
        let file = decide("scrub -p random src/main.swift")
        #expect(file.decision == .requiresApproval, "\(file.decision) \(file.score) \(file.reasons)")
    }

    @Test("dnf's offline upgrade reboot blocks; its status and download ask through sudo only")
    func offlineUpgradeReboot() {
        #expect(decide("sudo dnf system-upgrade reboot").decision == .block)
        #expect(decide("dnf5 offline reboot").decision == .block)
        for c in ["sudo dnf system-upgrade status", "sudo dnf system-upgrade download --releasever 1.2.3"] {
            let d = decide(c)
            #expect(d.decision == .requiresApproval, "\(c) -> \(d.decision) \(d.score) \(d.reasons)")
        }
    }

    @Test("socket(1) serving a shell is a bind shell; socket running another program is not")
    func socketServesShell() {
        let d = decide("LPORT=12345\nsocket -svp '/bin/sh -i' $LPORT")
        #expect(d.decision == .block, "\(d.decision) \(d.score) \(d.reasons)")
        #expect(detectors(d).contains("bind-shell"))
        let cat = decide("socket -slp cat 12345")
        #expect(!detectors(cat).contains("bind-shell"), "\(cat.reasons)")
    }
}
