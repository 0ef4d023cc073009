// indirectFileAccess (detector obfuscation): a file read or written through a program that
// gives it back unchanged. Real commands are cited by corpus id; near misses are the everyday
// uses of the same programs (encoding, compressing, comparing, encrypting) that must stay allowed.
import CordonPolicy
import Testing

@testable import CordonGate

@Suite("indirect file access", .timeLimit(.minutes(10)))
struct IndirectAccessTests {
    static let caught: [Caught] = [
        Caught("base32 notes.txt | base32 --decode", "obfuscation"),
        Caught("base64 -w 0 /etc/hosts | base64 -d", "obfuscation"),
        // basenc speaks base64 too: the pair need not be the same program.
        Caught("basenc --base64 notes.txt | base64 -d", "obfuscation"),
        Caught("openssl base64 -in notes.txt | openssl base64 -d", "obfuscation"),
        Caught("xxd /etc/hosts | xxd -r", "obfuscation"),
        Caught("gzip -9c notes.txt | gunzip", "obfuscation"),
        Caught("zstd -c notes.txt | zstd -d", "obfuscation"),
        Caught("uuencode notes.txt /dev/stdout | uudecode", "obfuscation"),
        // The write forms: the decoder opens the file (xxd's operand, the uuencode header name).
        Caught("echo DATA | xxd | xxd -r - /tmp/out", "obfuscation"),
        Caught("echo DATA | uuencode /tmp/out | uudecode", "obfuscation"),
        Caught("comm notes.txt /dev/null", "obfuscation"),
        Caught("join -v 2 /dev/null notes.txt", "obfuscation"),
        Caught("diff --line-format=%L /dev/null notes.txt", "obfuscation"),
        Caught("openssl enc -in notes.txt", "obfuscation"),
        Caught("echo DATA | openssl enc -out /tmp/out", "obfuscation"),
        Caught("openssl enc -none -in notes.txt -out /tmp/copy", "obfuscation"),
    ]

    @Test("a file read or written through a round trip asks", arguments: caught)
    func catches(_ c: Caught) { c.expectCaught(minScore: 60) }

    @Test("the finding names the span that triggered it and says why")
    func evidence() throws {
        let d = decide("base32 notes.txt | base32 --decode")
        let f = try #require(d.findings.first { $0.detector == "obfuscation" })
        #expect(f.evidence == "base32 notes.txt | base32 --decode")
        #expect(f.reason.contains("notes.txt"))
    }

    @Test("through sudo the round trip reads as root and scores higher")
    func elevated() {
        #expect(
            decide("sudo base32 /etc/hosts | base32 -d").score
                > decide("base32 /etc/hosts | base32 -d").score)
    }

    /// Near misses: the same programs doing their ordinary jobs.
    static let nearMisses: [String] = [
        "base64 -d payload.b64 > payload.bin",  // a decode alone
        "echo hello | base64",  // an encode alone
        "echo hello | base64 | base64 -d",  // a round trip of text, no file
        "base64 -w 0 image.png > image.b64",
        "base64 < notes.txt | base64 -d",  // the shell opens the file, as the user
        "base64 notes.txt | base64 -d other.b64",  // the decoder reads its own file, not the pipe
        "gzip -c data.bin | gunzip | cmp - data.bin",  // a round-trip test: only a verdict comes out
        "gzip -c access.log > access.log.gz",
        "zcat access.log.gz | grep ERROR",
        "xz -d backup.tar.xz",
        "xxd firmware.bin | head -20",
        "comm -23 old.txt new.txt",
        "comm <(sort a.txt) /dev/null",  // sort reads the file, in the open; comm reads a pipe
        "join -a 1 users.txt groups.txt",
        "join -a 1 /dev/null users.txt",  // unpaired lines of the empty side: nothing printed
        "diff -u /dev/null src/new.c > add-new.c.patch",  // a patch that creates a file
        "diff --line-format=%L old.txt new.txt",  // a real comparison
        "openssl enc -aes-256-cbc -pbkdf2 -in backup.tar -out backup.tar.enc",  // encryption
        "openssl enc -base64 -in cert.der",  // an encoding, shown
        "openssl base64 -in cert.der -out cert.b64",
        "openssl rand -base64 20",
    ]

    @Test("ordinary encoding, compression and comparison stay allowed", arguments: nearMisses)
    func nearMiss(_ command: String) { expectAllowed(command) }

    /// GTFOBins records, read at test time. The suid ones were allowed before this detector.
    static let cited: [String] = [
        "gtfobins:base32:suid:1", "gtfobins:basenc:suid:1", "gtfobins:comm:suid:1",
        "gtfobins:openssl:suid:2", "gtfobins:uuencode:suid:1", "gtfobins:uudecode:suid:1",
        "gtfobins:xxd:file-write:1", "gtfobins:join:file-read:1", "gtfobins:diff:file-read:1",
        "gtfobins:gzip:file-read:2", "gtfobins:bzip2:file-read:1", "gtfobins:xz:file-read:1",
        "gtfobins:openssl:file-read:1", "gtfobins:openssl:file-write:2",
    ]

    @Test(
        "GTFOBins round-trip reads and writes are caught (skips without ../shared/corpora)",
        .enabled(if: Corpus.available), arguments: cited)
    func corpusCaught(_ id: String) throws {
        let command = try Corpus.command(id)
        Caught(command, "obfuscation").expectCaught(minScore: 60)
    }
}
