// The research model's file: plain text, one labelled line per part, so a model can be diffed
// and checked by eye. Tokens never contain white space (traces are split on it), numbers are
// written in Swift's round-trip form, and the n-gram model as its flat integer encoding.
//
//   cordon-token-model 1
//   order 8
//   traces 833
//   vocabulary 3 6 63 1
//   calibration 833 0.41 0.52 ...
//   ngram 1234 8 ...

public struct TokenModelFileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension TokenModel {
    static let magic = "cordon-token-model 1"

    public var fileText: String {
        var byId = [String](repeating: "", count: vocabulary.count)
        for (t, id) in vocabulary { byId[Int(id)] = t }
        let enc = model.encoded
        var out = Self.magic + "\n"
        out += "order \(order)\n"
        out += "traces \(traces)\n"
        out += "vocabulary \(byId.count)" + byId.map { " " + $0 }.joined() + "\n"
        out += "calibration \(calibration.count)" + calibration.map { " \($0)" }.joined() + "\n"
        out += "ngram \(enc.count)" + enc.map { " \($0)" }.joined() + "\n"
        return out
    }

    /// Reads a model file's text; `path` only names it in errors.
    public init(fileText text: String, path: String) throws(TokenModelFileError) {
        func bad(_ what: String) -> TokenModelFileError {
            TokenModelFileError(
                message:
                    "\(path): not a cordon token model (\(what)); make one with 'cordon baseline train --tokens DIR --model \(path)'"
            )
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first.map(String.init) == Self.magic else { throw bad("first line is not '\(Self.magic)'") }
        var fields: [String: [Substring]] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ")
            guard let label = parts.first else { continue }
            fields[String(label)] = Array(parts.dropFirst())
        }
        func counted(_ label: String) throws(TokenModelFileError) -> [Substring] {
            guard let f = fields[label], let n = f.first.flatMap({ Int($0) }), n == f.count - 1 else {
                throw bad("missing or short '\(label)' line")
            }
            return Array(f.dropFirst())
        }
        guard let o = fields["order"]?.first.flatMap({ Int($0) }), (1...32).contains(o) else {
            throw bad("bad 'order' line")
        }
        self.init(order: o)
        traces = fields["traces"]?.first.flatMap { Int($0) } ?? 0
        for (i, t) in try counted("vocabulary").enumerated() { vocabulary[String(t)] = Int32(i) }
        var cal: [Double] = []
        for v in try counted("calibration") {
            guard let d = Double(v), d.isFinite else { throw bad("calibration value '\(v)' is not a number") }
            cal.append(d)
        }
        calibration = cal.sorted()
        var ints: [Int64] = []
        for v in try counted("ngram") {
            guard let n = Int64(v) else { throw bad("n-gram value '\(v)' is not an integer") }
            ints.append(n)
        }
        guard let m = NGramModel(encoded: ints), m.order == o else { throw bad("the n-gram table is inconsistent") }
        model = m
    }
}
