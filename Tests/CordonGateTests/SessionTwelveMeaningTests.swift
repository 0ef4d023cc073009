// The meanings of issue 12, session 12 (Effects+*.swift, GitExtensions, SystemControl): found
// by studying the misses of the fresh labelled sample s12 and tldr commands outside the
// labelled set. Real commands from the tools' documentation, and the near misses each rule must
// leave allowed (gate-classes.md); MeaningTests' two parameterised tests run them with session 11's.
import Testing

@testable import CordonGate

@Suite("meanings of programs, subcommands and options (session 12)")
struct SessionTwelveMeaningTests {
    static let approve: [(String, String)] = [
        // A3: a property set to a URL, a host with a path and no scheme, programs named for ssh
        ("A3", "gst-launch-1.0 playbin uri=https://example.com/project/file"),
        ("A3", "gst-launch-1.0 filesrc location=a.mp4 ! rtspclientsink location=rtsp://192.168.1.10:8554/x"),
        ("A3", "glow github.com/owner/repository"), ("A3", "jp2a www.example.com/image.jpeg"),
        ("A3", "gcrane cp -r gcr.io/my-project/webapp eu.gcr.io/my-project/webapp"),
        ("A3", "mssh -a my-alias"), ("A3", "cssh user@host1 user@host2"),
        // R4: messages written onto other users' terminals
        ("R4", "wall notes.txt"), ("R4", "echo 'back in 5' | wall"), ("R4", "write alice pts/5"),
        ("R4", "talk alice"),
        // A8, A9, A12, A13: reset, burn, transfer; untaint; another runlevel
        ("A9", "kubeadm reset"), ("A8", "pueue reset"), ("A9", "talosctl reset -n 192.168.1.10"),
        ("A12", "caligula burn downloads/image.iso"), ("A9", "octez-client transfer 5 from alice to bob"),
        ("A9", "terraform untaint aws_instance.web"), ("A8", "telinit 2"),
        // A4: npm's dedupe alias; A1: version-control removes delete the work-tree files
        ("A4", "npm ddp --loglevel verbose"), ("A1", "hg remove src/main.swift"),
        ("A1", "svn delete src/old"), ("A1", "bzr remove docs/draft.md"),
        // A3, A5: a git extension's own remote subcommand or option
        ("A3", "git bug push"), ("A3", "git flow feature publish login"),
        ("A5", "git feature feature/login --remote origin"),
        // GTFOBins `command` (current site): m4's syscmd, a credential helper's command
        ("GTFOBins", "echo 'esyscmd(/path/to/command)' | m4"),
        ("GTFOBins", "restic --password-command='/path/to/command' backup"),
        ("GTFOBins", "RESTIC_PASSWORD_COMMAND='/path/to/command' restic backup"),
        // A13: a secret key file handed to a tool is read
        ("A13", "paperkey --secret-key data/secret_key.gpg --output docs/secret.txt"),
    ]

    static let allow: [(String, String)] = [
        // Settings that hold a URL, Go module paths, options' values
        ("L2", "docker build --build-arg HTTP_PROXY=http://10.20.30.2:1234 ."),
        ("L6", "git remote set-url origin https://example.com/repo.git --push"),
        ("L2", "kitex -module github.com/xx-org/xx-name data/IDL_file.thrift"),
        ("L2", "go build ./..."), ("L5", "echo github.com/owner/repository"),
        ("L3", "make VERSION=1.2.3"),
        // Not a remote shell; a display setting put back; the password in a file
        ("L1", "bssh --domain example.com"), ("R10", "hyprctl hyprsunset reset temperature"),
        ("L7", "VBoxManage showvminfo --password project/password_file vm1"),
        // Records only: the files stay in the work tree
        ("L6", "hg remove -A"), ("L6", "svn delete --keep-local src/old"), ("L6", "git rm --cached src/main.swift"),
        // git's own commands with remote words as names
        ("L6", "git log --grep push"), ("L6", "git branch push-fix"),
        // m4 expanding macros; a password kept in a file
        ("L4", "echo 'define(x,1)x' | m4"), ("L4", "m4 macros.m4 > out.txt"),
        ("L4", "restic --password-file pw.txt backup src"),
        // Issue 12's near misses
        ("A1", "rm -rf build/"), ("A3", "curl localhost:8080"), ("L6", "git commit -m 'push later'"),
        ("L4", "tar czf out.tgz src"), ("L5", "git reset --soft HEAD~1"),
    ]

    @Test("telinit 0 and 6 still take the machine down (block), other runlevels ask")
    func runlevels() {
        #expect(decide("telinit 0").decision == .block)
        #expect(decide("telinit 3").decision == .requiresApproval)
    }
}
