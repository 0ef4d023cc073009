// The research model's file: plain text, one labelled line per part, so a model can be diffed
// and checked by eye. Tokens never contain white space (traces are split on it), numbers are
// written in Swift's round-trip form, and the n-gram model as its flat integer encoding.
//
//   cordon-token-model 3
//   order 8
//   contrast 3 0.0                   (the order view: surprise - 0.0 x the first 3 orders' surprise; 0.0 is the default)
//   traces 833
//   vocabulary 3 6 63 1
//   calibration 833 0.41 0.52 ...
//   ngram 1234 8 ...
//   sets 3 412 0 17 ...              (words per set, then the words of every distinct set)
//   setcalibration 833 0.0 0.0 ...
//
// Formats 1 (before the token-set view) and 2 (its calibration holds plain surprises, not the
// order view's contrast) are refused with a hint to train again: scoring them would silently
// change what their scores mean.

public struct TokenModelFileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension TokenModel {
    static let magic = "cordon-token-model 3"

    public var fileText: String {
        var byId = [String](repeating: "", count: vocabulary.count)
        for (t, id) in vocabulary { byId[Int(id)] = t }
        let enc = model.encoded
        var out = Self.magic + "\n"
        out += "order \(order)\n"
        out += "contrast \(contrastOrder) \(contrastWeight)\n"
        out += "traces \(traces)\n"
        out += "vocabulary \(byId.count)" + byId.map { " " + $0 }.joined() + "\n"
        out += "calibration \(calibration.count)" + calibration.map { " \($0)" }.joined() + "\n"
        out += "ngram \(enc.count)" + enc.map { " \($0)" }.joined() + "\n"
        out += "sets \(sets.width) \(sets.words.count)" + sets.words.map { " \($0)" }.joined() + "\n"
        out += "setcalibration \(setCalibration.count)" + setCalibration.map { " \($0)" }.joined() + "\n"
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
        if lines.first == "cordon-token-model 1" {
            throw TokenModelFileError(
                message:
                    "\(path): a token model of format 1 (an older cordon, without the token-set view); train it again with 'cordon baseline train --tokens DIR --model \(path)'"
            )
        }
        if lines.first == "cordon-token-model 2" {
            throw TokenModelFileError(
                message:
                    "\(path): a token model of format 2 (an older cordon, calibrated on plain surprises, not the order view's contrast); train it again with 'cordon baseline train --tokens DIR --model \(path)'"
            )
        }
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
        guard let c = fields["contrast"], c.count == 2, let lowOrder = Int(c[0]), (1...o).contains(lowOrder),
            let weight = Double(c[1]), weight.isFinite
        else { throw bad("missing or bad 'contrast' line") }
        contrastOrder = lowOrder
        contrastWeight = weight
        traces = fields["traces"]?.first.flatMap { Int($0) } ?? 0
        for (i, t) in try counted("vocabulary").enumerated() { vocabulary[String(t)] = Int32(i) }
        func numbers(_ label: String) throws(TokenModelFileError) -> [Double] {
            var out: [Double] = []
            for v in try counted(label) {
                guard let d = Double(v), d.isFinite else { throw bad("\(label) value '\(v)' is not a number") }
                out.append(d)
            }
            return out.sorted()
        }
        calibration = try numbers("calibration")
        setCalibration = try numbers("setcalibration")
        var ints: [Int64] = []
        for v in try counted("ngram") {
            guard let n = Int64(v) else { throw bad("n-gram value '\(v)' is not an integer") }
            ints.append(n)
        }
        guard let m = NGramModel(encoded: ints), m.order == o else { throw bad("the n-gram table is inconsistent") }
        model = m
        guard let f = fields["sets"], f.count >= 2, let width = Int(f[0]), let n = Int(f[1]), n == f.count - 2 else {
            throw bad("missing or short 'sets' line")
        }
        var words: [UInt64] = []
        words.reserveCapacity(n)
        for v in f.dropFirst(2) {
            guard let w = UInt64(v) else { throw bad("token-set word '\(v)' is not an unsigned integer") }
            words.append(w)
        }
        guard width == vocabulary.count / 64 + 1, let s = TokenSets(width: width, words: words) else {
            throw bad("the token sets do not fit the vocabulary")
        }
        sets = s
    }
}
