// sandbox.mode: rootfs runs the command in an unpacked image directory instead of the host's
// system paths. The image here is the smallest there is: one static binary, compiled by the
// test with the C compiler SwiftPM already needs.
import Foundation
import Testing

@Suite(
    "rootfs mode", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason),
    .timeLimit(.minutes(10)))
struct RootfsTests {
    @Test("a rootfs run sees the image's files, not the host's /usr")
    func rootfs() throws {
        let ws = try Workspace()
        let image = ws.path + "/image"
        try FileManager.default.createDirectory(atPath: image + "/bin", withIntermediateDirectories: true)
        try """
        #include <stdio.h>
        #include <sys/stat.h>
        int main(void) {
            struct stat st;
            printf("image:%s host-usr:%s\\n", stat("/bin/probe", &st) == 0 ? "yes" : "no",
                   stat("/usr/bin/sh", &st) == 0 ? "yes" : "no");
            return 0;
        }
        """.write(toFile: ws.path + "/probe.c", atomically: false, encoding: .utf8)
        let cc = try Shell.run(
            "/usr/bin/env", ["cc", "-static", "-O1", "-o", image + "/bin/probe", ws.path + "/probe.c"])
        try #require(cc.status == 0, "cc -static failed: \(cc.stderr)")
        try ws.write("rootfs.yaml", "extends: default\nsandbox:\n  mode: rootfs\n  root: \(image)\n")
        if geteuid() == 0 { chown(image, 65534, 65534) }
        let r = try ws.run(["/bin/probe"], options: ["--policy", ws.path + "/rootfs.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "image:yes host-usr:no\n")
    }
}
