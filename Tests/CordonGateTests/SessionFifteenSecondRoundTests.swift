// Issue 12, session 15b: what a program reaches through one subcommand or option, read from
// what that word means for every program that uses it (Detectors/Effects+Reach.swift and the
// sets it extends): a trash emptied, a file-transfer session's words, configuration written
// with `-g`, an active profile switched, a certificate authority asked, a target named by an
// option, a lone `--update`, a removal option with nothing of the workspace to act on, a
// running service's console, an inline short token; and the false asks fixed (a certificate's
// host names, a chip-list search, a coding agent on a local model). Real commands from the
// tools' documentation (tldr) and the near misses each rule must leave as they were
// (gate-classes.md); MeaningTests' two parameterised tests run the tables with the other
// sessions'.
import Testing

@testable import CordonGate

@Suite("what a subcommand or option reaches (session 15b)")
struct SessionFifteenSecondRoundTests {
    static let approve: [(String, String)] = [
        // A1: the trash emptied for good
        ("A1", "trash empty --all"), ("A1", "trash-empty 10"), ("A1", "trash-rm \"*.o\""), ("A1", "gio trash --empty"),
        // A3: a transfer typed into an ftp, sftp or tftp session
        ("A3", "put notes.txt"), ("A3", "mget *.png"), ("A3", "get backup/report.csv"), ("A3", "get -R backup"),
        // A11: configuration written for every project; the CLI's active profile switched
        ("A11", "ng config projects.webapp.prefix example -g"), ("A11", "git config --global --unset alias.unstage"),
        ("A11", "gcloud config configurations activate my-configuration"), ("A11", "mkcert -install"),
        // A3: a certificate authority asked
        ("A3", "acme.sh --issue --dns dns_gd --domain example.com"),
        ("A3", "acme.sh --issue -d example.com -w /project/webroot"),
        // R1: a remote target named by its option
        ("R1", "rpcmap.py -target-ip 192.168.1.10 stringbinding"),
        ("R1", "DumpNTLMInfo.py -target-ip 192.168.1.10 release"),
        // A4/A3: a lone --update refreshes a tool or its data from the network
        ("A4", "gitmoji --update"), ("A4", "searchsploit --update"), ("A4", "slapt-get --update"),
        // A1: a removal option with nothing of the workspace to act on
        ("A1", "cheatshh --delete-command"), ("A1", "nix-collect-garbage --delete-old"),
        ("A4", "add-apt-repository --remove repository_spec"), ("A1", "clamscan --remove yes"),
        // A8: a console attached to a running service; R6: daemons
        ("A8", "asterisk -r -x \"ls -la\""), ("A8", "fs_cli --execute \"reloadxml\""), ("R6", "bitcoind"),
        ("R6", "slurmctld -c"),
        // R4: messaging, a hosted calendar, code sent to an LLM service; R5: a short inline token
        ("R4", "tgutil -n dev --username 1234 -m edit --text \"Hello world\" --newtext \"Hello world\""),
        ("R4", "gcalcli --calendar \"my-calendar\" add"), ("R4", "rgpt --json --i \"$(git diff src/main.swift)\""),
        ("R5", "doctl databases mw ls -t tok_example123"),
        // Near misses on the other side: a coding agent on a hosted model; a chip written
        ("R4", "codex \"Summarize this file\""), ("A12", "minipro -p my-chip --write data/input_file.bin"),
    ]

    static let allow: [(String, String)] = [
        // Host names given to a certificate maker name the certificate
        ("L3", "mkcert \"*.example.it\""), ("L3", "mkcert example.org myapp.dev 127.0.0.1"),
        // A chip-list search; a coding agent on a model served on this machine
        ("L1", "minipro -L sdb"), ("L8", "codex --oss --local-provider lmstudio \"Summarize this file\""),
        // The trash: put into it, listed, restored
        ("L3", "trash src/main.swift"), ("L1", "trash list"), ("L3", "trash restore notes.txt"),
        ("L3", "gio trash src/main.swift"),
        // A shell's `get` of a variable
        ("L5", "get MY_VAR"),
        // config reads, and repo-local settings
        ("L1", "pip config get command.option --global"), ("L6", "git config user.name alice"),
        ("L1", "gcloud config configurations list"),
        // `-target` of a plan or an image tool is no host
        ("R7", "terraform plan -target resource_type.resource_name[instance_index]"),
        ("L4", "pnmpsnr assets/file1.pnm assets/file2.pnm -target 5"),
        // Removal options that edit a workspace file, follow a subcommand, or filter piped text
        ("L3", "exiv2 --delete a src/main.swift"), ("L3", "metaflac --remove-tag v1.2.0 media/file.flac"),
        ("L8", "adb forward --remove-all"), ("L5", "echo \"Hello world\" | boxes --remove"),
        // Reads of the same services and consoles' help; a token taken from the environment
        ("L7", "doctl databases pool list 1234"), ("L5", "asterisk -h"), ("L7", "gcalcli agenda"),
        ("L7", "doctl databases db ls -t $DIGITALOCEAN_TOKEN"),
        // The brief's near misses
        ("A1", "rm -rf build/"), ("A3", "curl localhost:8080"), ("L6", "git commit -m x"),
        ("L4", "tar czf out.tgz src"),
    ]

    @Test("a pass-the-hash query still blocks when a target option names the domain controller")
    func targetOptionKeepsBlock() {
        let d = decide("GetADUsers.py -all -dc-ip 192.168.1.5 -hashes LM_Hash:NT_Hash example.com/alice")
        #expect(d.decision == .block, "\(d.decision) \(d.score) \(d.reasons)")
    }
}
