// Containers and restricted hosts (issue 13, section 2): where user namespaces are refused
// (Docker's default seccomp profile, rootless containers, bwrap --disable-userns) cordon runs
// with the strongest layers left and says which on stderr and in run_start; `doctor` reports
// each layer by trying it, cgroups included (a read-only cgroup tree is "no", not "ok").
import Foundation
import Testing

@Suite(
    "cordon run where user namespaces are refused", .serialized,
    .enabled(if: SandboxSupport.available, SandboxSupport.skipReason), .timeLimit(.minutes(10)))
struct ContainerFallbackTests {
    static let bwrap = "/usr/bin/bwrap"
    static var haveBwrap: Bool { FileManager.default.isExecutableFile(atPath: bwrap) }

    /// run_start's isolation layers in the newest trace.
    static func isolation(_ ws: Workspace) throws -> [String] {
        let start = RunEvidence.events(try RunEvidence.lastTrace(ws), "run_start").first
        return start?["isolation"] as? [String] ?? []
    }

    // Regression: under Docker's default profile clone3 fails with ENOSYS, which cordon took
    // for a kernel without namespaces and then could not spawn anything at all.
    @Test(
        "under a seccomp filter refusing namespaces (Docker's default) cordon runs with Landlock + seccomp and says so")
    func dockerProfile() throws {
        let ws = try Workspace()
        try ws.write("s.sh", "id -u; ./cordon-try write /etc/cordon-fallback-x; true\n")
        let r = try Shell.run(
            Binaries.tryHelper,
            ["no-userns", Binaries.cordon, "run", "--approval", "deny", "--no-monitor", "--", "sh", "./s.sh"],
            cwd: ws.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("user namespaces unavailable; running with landlock"), "\(r.stderr)")
        #expect(r.stdout.contains("write: errno="), "writes outside the workspace still fail: \(r.stdout)")
        if geteuid() == 0 { #expect(!r.stdout.hasPrefix("0\n"), "never host root") }
        let layers = try Self.isolation(ws)
        #expect(!layers.contains("user-ns") && layers.contains("landlock") && layers.contains("seccomp"), "\(layers)")
        let doctor = try Shell.run(Binaries.tryHelper, ["no-userns", Binaries.cordon, "doctor"])
        #expect(doctor.status == 2)
        #expect(doctor.stdout.contains("no  user namespaces"), "\(doctor.stdout)")
    }

    // Regression: the fallback failed with "setgroups: Operation not permitted" (exit 125).
    @Test("inside bwrap --unshare-user --disable-userns cordon run -- true exits 0 and names the layers in force")
    func bwrapDisableUserns() throws {
        try #require(Self.haveBwrap || !SandboxSupport.required, "bubblewrap is needed (apt-get install bubblewrap)")
        guard Self.haveBwrap else { return }
        let ws = try Workspace()
        // As root, bwrap maps one id inside to host root without its capabilities: that user
        // may write the workspace only as "others".
        if geteuid() == 0 { chmod(ws.path, 0o777) }
        let ids = geteuid() == 0 ? ["--uid", "4242", "--gid", "4242"] : []
        let r = try Shell.run(
            Self.bwrap,
            ["--dev-bind", "/", "/", "--unshare-user", "--disable-userns"] + ids
                + ["--", Binaries.cordon, "run", "--approval", "deny", "--", "sh", "-c", "touch made; true"],
            cwd: ws.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("running with landlock"), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws.path + "/made"))
        let layers = try Self.isolation(ws)
        #expect(!layers.contains("user-ns") && layers.contains("landlock"), "\(layers)")
    }

    @Test("as root in a user namespace that maps only uid 0, cordon refuses rather than run the command as root")
    func onlyRootMapped() throws {
        try #require(Self.haveBwrap || !SandboxSupport.required, "bubblewrap is needed (apt-get install bubblewrap)")
        guard Self.haveBwrap, geteuid() == 0 else { return }
        let ws = try Workspace()
        chmod(ws.path, 0o777)
        let r = try Shell.run(
            Self.bwrap,
            [
                "--dev-bind", "/", "/", "--unshare-user", "--disable-userns", "--", Binaries.cordon, "run",
                "--approval",
                "deny", "--", "sh", "-c", "touch ran",
            ],
            cwd: ws.path)
        #expect(r.status == 125)
        #expect(r.stderr.contains("does not map it"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/ran"))
    }

    // Regression: doctor said cgroups worked where the cgroup tree was not writable.
    @Test("with a read-only cgroup tree doctor says cgroups do not work, and runs go on with rlimits")
    func readOnlyCgroups() throws {
        try #require(Self.haveBwrap || !SandboxSupport.required, "bubblewrap is needed (apt-get install bubblewrap)")
        guard Self.haveBwrap, geteuid() == 0 else { return }
        let ro = ["--dev-bind", "/", "/", "--ro-bind", "/sys/fs/cgroup", "/sys/fs/cgroup", "--"]
        let doctor = try Shell.run(Self.bwrap, ro + [Binaries.cordon, "doctor"])
        let line = doctor.stdout.split(separator: "\n").first { $0.contains("cgroups") } ?? ""
        #expect(line.hasPrefix("no"), "\(doctor.stdout)")
        #expect(line.contains("Read-only file system"), "\(line)")
        let ws = try Workspace()
        let r = try Shell.run(
            Self.bwrap, ro + [Binaries.cordon, "run", "--approval", "deny", "--", "true"], cwd: ws.path)
        #expect(r.status == 0, "\(r.stderr)")
        let layers = try Self.isolation(ws)
        #expect(layers.contains("user-ns") && !layers.contains("cgroups"), "\(layers)")
        // And where they work, doctor says so after really making one.
        let here = try Shell.cordon(["doctor"])
        #expect(here.stdout.contains("a test group was created and removed"), "\(here.stdout)")
    }
}
