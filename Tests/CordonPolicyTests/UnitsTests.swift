import Testing

@testable import CordonPolicy

@Suite("sizes and durations", .timeLimit(.minutes(10)))
struct UnitsTests {
    @Test(
        "sizes parse in bytes, decimal and binary units",
        arguments: [
            ("4096", 4096),
            ("0", 0),
            ("512MiB", 512 << 20),
            ("1GiB", 1 << 30),
            ("1gib", 1 << 30),
            ("10MB", 10_000_000),
            ("1kb", 1000),
            ("2 KiB", 2048),
            ("1.5GiB", 1_610_612_736),
            ("1TiB", 1 << 40),
            ("7B", 7),
        ] as [(String, UInt64)])
    func sizes(text: String, bytes: UInt64) {
        #expect(PolicyUnits.parseSize(text) == bytes)
    }

    @Test(
        "malformed sizes are refused",
        arguments: [
            "", "MiB", "1.0001", "-1", "1XB", "1 M", "0x10", "1e3", "99999999999999999999", "20000000TiB", "1.2.3KiB",
        ])
    func badSizes(text: String) {
        #expect(PolicyUnits.parseSize(text) == nil)
    }

    @Test(
        "durations parse to seconds",
        arguments: [
            ("90s", 90), ("10m", 600), ("1h", 3600), ("1.5s", 1.5), ("250ms", 0.25), ("1h30m", 5400),
            ("60", 60), ("0.5", 0.5), ("2m30s", 150), ("0s", 0),
        ] as [(String, Double)])
    func durations(text: String, seconds: Double) {
        #expect(PolicyUnits.parseDuration(text) == seconds)
    }

    @Test(
        "malformed durations are refused", arguments: ["", "s", "10x", "-1s", "1e3", "inf", "nan", "0x10", "1 h", "m5"])
    func badDurations(text: String) {
        #expect(PolicyUnits.parseDuration(text) == nil)
    }

    @Test(
        "formatting picks the largest exact unit",
        arguments: [
            (UInt64(1) << 30, "1GiB"), (16 << 20, "16MiB"), (3072, "3KiB"), (1536, "1536"), (1500, "1500"), (0, "0"),
            (3 << 40, "3TiB"),
        ])
    func formatSize(bytes: UInt64, text: String) {
        #expect(PolicyUnits.formatSize(bytes) == text)
        #expect(PolicyUnits.parseSize(text) == bytes)
    }

    @Test(
        "durations format exactly and parse back",
        arguments: [
            (3600.0, "1h"), (600, "10m"), (90, "90s"), (1.5, "1.5s"), (0, "0s"), (0.25, "0.25s"), (5400, "90m"),
        ])
    func formatDuration(seconds: Double, text: String) {
        #expect(PolicyUnits.formatDuration(seconds) == text)
        #expect(PolicyUnits.parseDuration(text) == seconds)
    }

    @Test("sizes and durations in a policy land in the model")
    func inPolicy() throws {
        let p = try load(
            """
            sandbox:
              timeout: 1.5s
              grace: 250ms
              limits: {memory: 512MiB, file_size: 10MB, output: 4096, cpu: 2m, processes: unlimited, open_files: ~}
            approvals: {timeout: 10m}
            log: {max_size: 1GiB, keep: 0}
            """)
        #expect(p.sandbox.timeout == 1.5)
        #expect(p.sandbox.grace == 0.25)
        #expect(p.sandbox.limits.memory == 512 << 20)
        #expect(p.sandbox.limits.fileSize == 10_000_000)
        #expect(p.sandbox.limits.output == 4096)
        #expect(p.sandbox.limits.cpu == 120)
        #expect(p.sandbox.limits.processes == nil)
        #expect(p.sandbox.limits.openFiles == nil)
        #expect(p.approvals.timeout == 600)
        #expect(p.log.maxSize == 1 << 30)
        #expect(p.log.keep == 0)
    }
}
