// Shared support for end-to-end tests: the built binaries and a runner (CordonTestSupport),
// throwaway workspaces, and whether sandbox tests may run here.
import CordonTestSupport
import Foundation
import Testing

enum Binaries {
    /// Where SwiftPM put `cordon` and `cordon-try` (CordonTestSupport finds it).
    static var directory: String { TestProcess.binaryDirectory }
    static var cordon: String { TestProcess.cordon }
    static var tryHelper: String { directory + "/cordon-try" }
}

typealias Result = ProcessResult

enum Shell {
    /// Runs `path args` and waits at most `limit` seconds (then kills it and records -9).
    @discardableResult
    static func run(
        _ path: String, _ args: [String], cwd: String? = nil, env: [String: String]? = nil, stdin: String? = nil,
        limit: Double = 60
    ) throws -> Result {
        TestProcess.run([path] + args, cwd: cwd, env: env ?? [:], stdin: stdin, limit: limit)
    }

    static func cordon(
        _ args: [String], cwd: String? = nil, env: [String: String]? = nil, stdin: String? = nil, limit: Double = 60
    ) throws -> Result {
        try run(Binaries.cordon, args, cwd: cwd, env: env, stdin: stdin, limit: limit)
    }
}

/// A fresh directory the sandbox user can write (as root that user is nobody, so the
/// directory is handed to it), with `cordon-try` copied in.
final class Workspace {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cordon-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.resolvingSymlinksInPath().path
        try FileManager.default.copyItem(atPath: Binaries.tryHelper, toPath: path + "/cordon-try")
        if geteuid() == 0 {
            chown(path, 65534, 65534)
            chown(path + "/cordon-try", 65534, 65534)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path + "/" + name, atomically: false, encoding: .utf8)
        if geteuid() == 0 { chown(path + "/" + name, 65534, 65534) }
    }

    /// Runs `cordon-try ARGS` hidden inside a script, so the gate sees only `sh ./attempt.sh`,
    /// and (unless `monitor`) without the monitor, which would gate the helper's exec: the
    /// escape suite tests the kernel boundary, the layer that must hold when both are fooled.
    func attempt(
        _ args: [String], options: [String] = [], env: [String: String]? = nil, limit: Double = 60,
        monitor: Bool = false
    ) throws -> Result {
        let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        try write("attempt.sh", "exec ./cordon-try \(quoted)\n")
        return try run(
            ["sh", "./attempt.sh"], options: options + (monitor ? [] : ["--no-monitor"]), env: env, limit: limit)
    }

    /// `cordon run --workspace WS [extra] -- ARGS` from inside the workspace.
    func run(
        _ args: [String], options: [String] = [], env: [String: String]? = nil, stdin: String? = nil, limit: Double = 60
    ) throws -> Result {
        // Without a terminal a run queues approvals and waits for a person (up to 15 minutes);
        // these tests expect the refusal, so they ask for it unless they chose a mode.
        let approval = options.contains("--approval") ? [] : ["--approval", "deny"]
        return try Shell.cordon(
            ["run", "--workspace", path] + approval + options + ["--"] + args, cwd: path, env: env, stdin: stdin,
            limit: limit)
    }
}

/// Starts `cordon run` in the background on a command whose argv carries `marker` (via
/// `exec -a`), waits until that process shows up on the host, SIGKILLs cordon, and reports
/// whether the marked process was gone within `within` seconds.
enum KillCordon {
    struct Outcome {
        var started: Bool
        var goneInTime: Bool
    }

    /// `ready`, when given, must hold (polled for up to 4 s) before cordon is killed: the state
    /// the test wants to kill cordon in, observed rather than waited for.
    static func run(_ ws: Workspace, command: [String], marker: String, ready: (() -> Bool)? = nil, within: Double = 1)
        throws -> Outcome
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binaries.cordon)
        p.arguments = ["run", "--workspace", ws.path, "--approval", "deny", "--"] + command
        p.currentDirectoryURL = URL(fileURLWithPath: ws.path)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let started = try waitFor(marker, present: true, seconds: 4)
        if let ready { _ = poll(seconds: 4, ready) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return Outcome(started: started, goneInTime: try waitFor(marker, present: false, seconds: within))
    }

    static func waitFor(_ marker: String, present: Bool, seconds: Double) throws -> Bool {
        poll(seconds: seconds) {
            ((try? Shell.run("/usr/bin/pgrep", ["-f", marker]).stdout.isEmpty) ?? true) != present
        }
    }

    /// Polls `condition` every 20 ms until it holds (true) or `seconds` pass (false).
    static func poll(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if condition() { return true }
            usleep(20000)
        } while Date() < deadline
        return false
    }
}

enum SandboxSupport {
    /// CI sets CORDON_REQUIRE_SANDBOX=1: sandbox tests must run (and fail if the sandbox
    /// cannot be made), never skip.
    static let required = ProcessInfo.processInfo.environment["CORDON_REQUIRE_SANDBOX"] == "1"

    /// Whether `cordon doctor` reports full isolation, probed once by running the binary.
    static let available: Bool = {
        if required { return true }
        guard let r = try? Shell.cordon(["doctor"]) else { return false }
        return r.status == 0
    }()

    static let skipReason: Comment =
        "sandbox unavailable here (cordon doctor did not report full isolation); CI sets CORDON_REQUIRE_SANDBOX=1 to make this a failure"
}
