// `cordon baseline train|score --tokens`: the research mode (CordonAnomaly's TokenModel).
import CordonAnomaly
import CordonBase
import CordonRun

#if canImport(Glibc)
    import Glibc
#endif

enum BaselineTokens {
    /// `--tokens X` and the positionals after it: the paths the user named.
    static func paths(_ p: ParsedArguments) -> [String] { p.all("tokens") + p.positionals }

    static func read(_ path: String) throws(CLIError) -> [String] {
        do throws(SystemError) {
            return TokenText.split(try FileIO.readFile(path))
        } catch {
            throw CLIError(.malformedInput, "baseline: read \(path): \(error)")
        }
    }

    static func train(_ p: ParsedArguments, _ ctx: Context) throws(CLIError) -> Int32 {
        let dirs = paths(p)
        guard !dirs.isEmpty, let out = p.value("model") else {
            throw .usage("baseline train needs --tokens DIR... and --model OUT", command: "baseline")
        }
        var order = TokenModel.defaultOrder
        if let v = p.value("order") {
            guard let n = Int(v), (1...16).contains(n) else {
                throw .usage("--order \(v): expected 1 to 16", command: "baseline")
            }
            order = n
        }
        var files: [String] = []
        for d in dirs {
            guard FileIO.isDirectory(d) else {
                throw CLIError(
                    .usage, "baseline train: \(d) is not a folder", hint: "--tokens takes folders of trace files")
            }
            walk(d, into: &files)
        }
        guard !files.isEmpty else {
            throw CLIError(.failure, "baseline train: no files under \(dirs.joined(separator: ", "))")
        }
        var traces: [[String]] = []
        for f in files { traces.append(try read(f)) }
        let model = TokenModel.train(traces, order: order)
        let fd = FileIO.open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError(.failure, "baseline train: open \(out): \(Errno.current)") }
        var text = model.fileText
        let written = text.withUTF8 { FileIO.writeAll(fd, UnsafeRawBufferPointer($0)) }
        close(fd)
        guard written.errno == 0 else {
            throw CLIError(.failure, "baseline train: write \(out): \(Errno(written.errno))")
        }
        ctx.output.out(
            "trained on \(traces.count) traces (\(model.vocabulary.count) distinct tokens, order \(order)); model written to \(out)\n"
        )
        return ExitCode.success.rawValue
    }

    static func walk(_ dir: String, into files: inout [String]) {
        for name in FileIO.list(dir).sorted() where !name.hasPrefix(".") {
            let path = dir + "/" + name
            if FileIO.isDirectory(path) { walk(path, into: &files) } else { files.append(path) }
        }
    }

    static func score(_ p: ParsedArguments, _ ctx: Context) throws(CLIError) -> Int32 {
        let files = paths(p)
        guard !files.isEmpty, let path = p.value("model") else {
            throw .usage("baseline score needs --model M and --tokens FILE...", command: "baseline")
        }
        let model: TokenModel
        do {
            let text = String(decoding: try FileIO.readFile(path), as: UTF8.self)
            model = try TokenModel(fileText: text, path: path)
        } catch let e as TokenModelFileError {
            throw CLIError(.malformedInput, "baseline score: \(e.message)")
        } catch {
            throw CLIError(.malformedInput, "baseline score: read \(path): \(error)")
        }
        var out = ""
        for f in files {
            let s = model.score(try read(f))
            if p.flag("json") {
                out +=
                    JSONValue.object([("file", .string(f)), ("score", .number((s * 1e6).rounded() / 1e6))]).serialized()
                    + "\n"
            } else {
                out += "\((s * 1e4).rounded() / 1e4)\t\(f)\n"
            }
        }
        ctx.output.out(out)
        return ExitCode.success.rawValue
    }
}
