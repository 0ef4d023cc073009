// What an action was, in one word, for `cordon stats`: the program a command line starts, or
// the tool a tool call names. Deliberately simple, not the gate's parser: the first word of the
// line, its quotes undone, `VAR=value` assignments and the common wrappers (env, sudo, nice,
// nohup, timeout, time, exec, command) skipped with their options, and the basename kept, so
// `sudo -u ci /usr/bin/git push` counts as `git`. A pipeline counts as its first program.

public struct ActionName: Sendable, Hashable, Comparable {
    public enum Kind: String, Sendable, Hashable {
        case program
        case tool
    }
    public var name: String
    public var kind: Kind

    public init(_ name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public static func < (a: ActionName, b: ActionName) -> Bool {
        a.name != b.name ? a.name < b.name : a.kind.rawValue < b.kind.rawValue
    }

    /// gate.log sources whose `cmd` is `TOOL {json args}` (ActionCoding.commandBytes of a tool call).
    static let inspect = Array("inspect".utf8)
    static let validate = Array("validate".utf8)

    /// Names longer than this are cut: one odd line must not make a huge table key.
    static let maxBytes = 128

    /// The tool of a tool call's command bytes: everything before the first space.
    public static func tool<C: Collection>(_ cmd: C) -> String? where C.Element == UInt8 {
        let name = cmd.prefix { $0 != 0x20 }.prefix(maxBytes)
        return name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
    }

    /// Options of each wrapper that take the next word as their value.
    static let optionsWithValue: [String: Set<String>] = [
        "sudo": ["-u", "-g", "-C", "-D", "-p", "-r", "-t", "-U", "-h"],
        "env": ["-u", "-C", "-S"],
        "nice": ["-n"],
        "timeout": ["-s", "-k"],
        "time": ["-f", "-o"],
        "exec": ["-a"],
    ]
    static let wrappers: Set<String> = ["env", "sudo", "nice", "nohup", "timeout", "time", "exec", "command"]

    /// The program a command line starts, or nil for a line with no word.
    public static func program(_ cmd: [UInt8]) -> String? {
        var words = Words(cmd)
        var wrapper: String?
        var skipValue = false
        var wantDuration = false
        while let w = words.next() {
            if skipValue {
                skipValue = false
                continue
            }
            if let wr = wrapper {
                if w.first == UInt8(ascii: "-") {
                    let opt = String(decoding: w, as: UTF8.self)
                    if optionsWithValue[wr]?.contains(opt) == true { skipValue = true }
                    continue
                }
                if wantDuration {
                    wantDuration = false
                    continue
                }
            }
            if isAssignment(w) { continue }
            let base = String(decoding: basename(w).prefix(maxBytes), as: UTF8.self)
            if wrappers.contains(base) {
                wrapper = base
                wantDuration = base == "timeout"
                continue
            }
            return base
        }
        return wrapper
    }

    /// `NAME=value` with a shell variable name.
    static func isAssignment(_ w: [UInt8]) -> Bool {
        guard let eq = w.firstIndex(of: UInt8(ascii: "=")), eq > 0 else { return false }
        let first = w[0]
        guard first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z"))
        else { return false }
        return w[..<eq].allSatisfy { c in
            c == UInt8(ascii: "_") || (c >= 0x30 && c <= 0x39)
                || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z"))
        }
    }

    static func basename(_ w: [UInt8]) -> ArraySlice<UInt8> {
        var end = w.endIndex
        while end > w.startIndex + 1 && w[end - 1] == UInt8(ascii: "/") { end -= 1 }
        let slice = w[w.startIndex..<end]
        guard let slash = slice.lastIndex(of: UInt8(ascii: "/")) else { return slice }
        return slice[(slash + 1)...]
    }

    /// Shell words with their quotes undone (`'a b'`, `"a b"`, `a\ b`), ending at blanks or at
    /// the operators that end a simple command; leading `(`, `{` and `!` are skipped.
    struct Words {
        let b: [UInt8]
        var i = 0
        var ended = false

        init(_ b: [UInt8]) { self.b = b }

        static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }
        static func endsCommand(_ c: UInt8) -> Bool {
            c == UInt8(ascii: ";") || c == UInt8(ascii: "|") || c == UInt8(ascii: "&") || c == UInt8(ascii: "<")
                || c == UInt8(ascii: ">") || c == UInt8(ascii: ")")
        }

        mutating func next() -> [UInt8]? {
            guard !ended else { return nil }
            while i < b.count
                && (Self.isBlank(b[i]) || b[i] == UInt8(ascii: "(") || b[i] == UInt8(ascii: "{")
                    || b[i] == UInt8(ascii: "!"))
            {
                i += 1
            }
            guard i < b.count, !Self.endsCommand(b[i]) else {
                ended = true
                return nil
            }
            var w: [UInt8] = []
            while i < b.count {
                let c = b[i]
                if Self.isBlank(c) { break }
                if Self.endsCommand(c) {
                    ended = true
                    break
                }
                if c == UInt8(ascii: "'") {
                    i += 1
                    while i < b.count && b[i] != UInt8(ascii: "'") {
                        w.append(b[i])
                        i += 1
                    }
                    i += 1
                } else if c == UInt8(ascii: "\"") {
                    i += 1
                    while i < b.count && b[i] != UInt8(ascii: "\"") {
                        if b[i] == UInt8(ascii: "\\"), i + 1 < b.count { i += 1 }
                        w.append(b[i])
                        i += 1
                    }
                    i += 1
                } else if c == UInt8(ascii: "\\"), i + 1 < b.count {
                    w.append(b[i + 1])
                    i += 2
                } else {
                    w.append(c)
                    i += 1
                }
            }
            return w
        }
    }
}
