// remoteCopy (detector exfiltration) in both directions: files moved between this machine and
// another with scp/rsync/sftp/ftp/tftp or ssh. Copies from a remote host scored 40 (allowed)
// until the GTFOBins file-download snippets showed the gap: `scp HOST:F F`, `ssh HOST "cat
// F" > F` and a `get` typed into an ftp session are one act, and the other machine's data
// leaves it either way. Real commands are cited by corpus id.
import CordonPolicy
import Testing

@testable import CordonGate

@Suite("remote copies", .timeLimit(.minutes(10)))
struct RemoteCopyTests {
    static let caught: [Caught] = [
        // Regression: this was a near miss in DetectorTests (a download, 40); it now asks.
        Caught("scp deploy@example.com:/var/log/app.log .", "exfiltration"),
        Caught("rsync -avz deploy@example.com:/srv/data/ ./data/", "exfiltration"),
        Caught("rsync -av rsync://mirror.example.com/pub/tool/ ./tool/", "exfiltration"),
        // sftp and ftp fetch a named remote file at once, with no session.
        Caught("sftp deploy@example.com:/srv/report.csv", "exfiltration"),
        Caught("ftp ftp://ftp.example.com/pub/tool.tar.gz", "exfiltration"),
        // Lines after the session are typed into it (GTFOBins writes them so).
        Caught("ftp ftp.example.com\nget tool.tar.gz", "exfiltration"),
        Caught("sftp deploy@example.com\nget report.csv", "exfiltration"),
        Caught("tftp 203.0.113.7\nget firmware.bin", "exfiltration"),
        Caught("lftp ftp.example.com\nmget *.csv", "exfiltration"),
        // Fed on standard input, as an agent (which cannot type) drives a session.
        Caught("ftp -n ftp.example.com <<EOF\nuser anonymous x\nput notes.txt\nEOF", "exfiltration"),
        Caught("printf 'get firmware.bin\\nquit\\n' | tftp 203.0.113.7", "exfiltration"),
        Caught("lftp ftp.example.com <<< 'mget *.csv'", "exfiltration"),
        Caught("sftp -P 2222 deploy@example.com:report.csv", "exfiltration"),
        // A remote command's output saved here is the same copy spelt with ssh.
        Caught("ssh deploy@example.com 'pg_dump app' > app.sql", "exfiltration"),
        Caught("ssh -p 2222 deploy@example.com cat /srv/report.csv | tee report.csv", "exfiltration"),
        Caught("ssh deploy@example.com 'tar czf - /srv/data' >> data.tgz", "exfiltration"),
        // Uploads keep their score.
        Caught("scp notes.txt deploy@example.com:/tmp/", "exfiltration"),
        Caught("ftp ftp.example.com\nput notes.txt", "exfiltration"),
        Caught("ssh deploy@example.com 'cat > notes.txt' < notes.txt", "exfiltration"),
    ]

    @Test("files copied to or from another host ask", arguments: caught)
    func catches(_ c: Caught) { c.expectCaught(minScore: 60) }

    @Test("the ssh finding names the file the remote output is saved to")
    func sshEvidence() throws {
        let d = decide("ssh deploy@example.com 'pg_dump app' > app.sql")
        let f = try #require(d.findings.first { $0.detector == "exfiltration" })
        #expect(f.reason.contains("app.sql"))
        #expect(f.evidence.contains("ssh deploy@example.com"))
    }

    /// Remote access that moves no file: egress all the same (gate-classes.md A3 asks for ssh,
    /// sftp, ftp and git clone), but not a file copy, and never a block.
    static let remoteSessions: [String] = [
        "ssh deploy@example.com uptime",  // output shown, not saved
        "ssh deploy@example.com 'systemctl status app' 2> ssh-errors.log",  // only errors saved
        "ssh deploy@example.com 'systemctl restart app' > /dev/null",
        "ssh deploy@example.com uptime | grep load",
        "sftp deploy@example.com",  // an interactive session: what is typed is unseen (30)
        "sftp deploy@example.com:/srv/",  // a session opened in a directory
        "ftp ftp.example.com",
        "ftp -n ftp.example.com <<EOF\nuser anonymous x\nls\nEOF",  // a listing moves no file
        "echo quit | sftp deploy@example.com",
        "git clone git@github.com:example/app.git",
    ]

    @Test("remote access that moves no file asks as network egress, not as a file copy", arguments: remoteSessions)
    func remoteSession(_ command: String) {
        let d = decide(command)
        #expect(d.decision == .requiresApproval, "\(command): \(d.summary)")
        #expect(!detectors(d).contains("exfiltration"), "\(command): \(d.summary)")
    }

    /// Near misses: local copies.
    static let nearMisses: [String] = [
        "scp notes.txt backup/notes.txt",  // a local copy
        "rsync -av src/ dst/",
        "cp -r src/ backup/",
    ]

    @Test("local copies stay allowed", arguments: nearMisses)
    func nearMiss(_ command: String) { expectAllowed(command) }

    /// GTFOBins file-download records (allowed before), and the tldr scp and rsync pulls that
    /// now ask.
    static let cited: [String] = [
        "gtfobins:scp:file-download:1", "gtfobins:ssh:file-download:1",
        "gtfobins:ftp:file-download:1", "gtfobins:sftp:file-download:1",
        "gtfobins:tftp:file-download:1", "tldr:common/scp:3", "tldr:common/rsync:8",
    ]

    @Test(
        "real downloads from another host are caught (skips without ../shared/corpora)",
        .enabled(if: Corpus.available), arguments: cited)
    func corpusCaught(_ id: String) throws {
        let command = try Corpus.command(id)
        Caught(command, "exfiltration").expectCaught(minScore: 60)
    }
}
