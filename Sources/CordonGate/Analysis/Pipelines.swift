// Questions about a program's neighbours in its pipeline: which programs come after it, the
// next and the previous stage, and the first later stage of a kind (`curl ... | sh`).
//
// Each answer costs O(1) after one pass over the invocations: the detectors ask them for every
// decoder, downloader and network client, so answering by walking the rest of the pipeline
// made a pipeline of N such programs cost N² (a 64 KiB `rev | rev | ...` took 1.4 s).

/// A kind of program looked for later in a pipeline.
enum DownstreamQuery: Hashable {
    /// Runs a script read from standard input (`sh`, `python -`).
    case runsStdinScript
    /// A shell that runs a script read from standard input.
    case shellRunsStdinScript
    /// Decodes its input (`base64 -d`, `xxd -r`, `rev`).
    case decodes

    func matches(_ inv: Invocation) -> Bool {
        switch self {
        case .runsStdinScript: Programs.readsScriptFromStdin(inv)
        case .shellRunsStdinScript: Programs.readsScriptFromStdin(inv) && inv.kind.contains(.shell)
        case .decodes: Obfuscation.isDecoding(inv)
        }
    }
}

extension Analysis {
    /// Invocations per pipeline, in pipeline order, and where each invocation sits in its
    /// pipeline's list. Commands of one pipeline are appended in order with rising positions,
    /// and a command gives at most one invocation, so each list is ordered by position.
    struct PipelineIndex {
        var lists: [[Int]]
        var slot: [Int]
    }

    func buildPipelineIndex() -> PipelineIndex {
        var lists = [[Int]](repeating: [], count: sink.script.pipelineCount)
        var slot = [Int](repeating: 0, count: invocations.count)
        for (k, inv) in invocations.enumerated() {
            let p = sink.script.commands[inv.command].pipeline
            slot[k] = lists[p].count
            lists[p].append(k)
        }
        return PipelineIndex(lists: lists, slot: slot)
    }

    /// Invocations per pipeline (most decisions never ask).
    var byPipeline: [[Int]] { pipelineIndex.lists }

    func invocationsIn(pipeline: Int) -> [Int] {
        pipeline < byPipeline.count ? byPipeline[pipeline] : []
    }

    /// Invocations inside the substitutions (`$(...)`, backticks, `<(...)`) of a word.
    func invocationsIn(word: ShellWord) -> [Int] {
        guard !word.substitutions.isEmpty else { return [] }
        return word.substitutions.flatMap { invocationsIn(pipeline: $0) }
    }

    /// Invocations in the same pipeline as `inv`, after it, in order. O(length of the rest):
    /// the detectors use `next(after:)` and `firstDownstream(of:_:)` instead.
    func downstream(of inv: Int) -> [Int] {
        let list = byPipeline[self[commandOf: inv].pipeline]
        return Array(list[(pipelineIndex.slot[inv] + 1)...])
    }

    /// The invocation of the stage right after `inv` (`a | b`: b for a), if that stage runs a
    /// program.
    func next(after inv: Int) -> Int? {
        let c = self[commandOf: inv]
        let list = byPipeline[c.pipeline]
        let s = pipelineIndex.slot[inv] + 1
        guard s < list.count, self[commandOf: list[s]].position == c.position + 1 else { return nil }
        return list[s]
    }

    /// The invocation of the stage right before `inv`, if that stage runs a program.
    func previous(before inv: Int) -> Int? {
        let c = self[commandOf: inv]
        let list = byPipeline[c.pipeline]
        let s = pipelineIndex.slot[inv] - 1
        guard s >= 0, self[commandOf: list[s]].position == c.position - 1 else { return nil }
        return list[s]
    }

    /// The first invocation after `inv` in its pipeline that `query` matches. Each query is
    /// answered for every invocation in one backward pass per pipeline, on first use.
    func firstDownstream(of inv: Int, _ query: DownstreamQuery) -> Int? {
        let answers: [Int]
        if let known = downstreamAnswers[query] {
            answers = known
        } else {
            var out = [Int](repeating: -1, count: invocations.count)
            for list in byPipeline {
                var found = -1
                for k in list.reversed() {
                    out[k] = found
                    if query.matches(invocations[k]) { found = k }
                }
            }
            downstreamAnswers[query] = out
            answers = out
        }
        let k = answers[inv]
        return k < 0 ? nil : k
    }
}
