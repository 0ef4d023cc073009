import CordonPolicy
import Testing

@Suite("monitor.anomaly")
struct AnomalyPolicyTests {
    func load(_ yaml: String) throws -> Policy {
        try PolicyLoader().load(text: yaml, path: "p.yaml")
    }

    @Test("defaults: detect after 20 runs, log and alert when flagged")
    func defaults() throws {
        let p = try load("monitor: {sensitivity: high}\n")
        #expect(p.monitor.anomaly.mode == .detect)
        #expect(p.monitor.anomaly.minRuns == 20)
        #expect(p.monitor.anomaly.response == [.log: .flagged, .alert: .flagged])
    }

    @Test("a response name means it and every milder one; a mapping grades them by score")
    func responses() throws {
        let short = try load("monitor:\n  anomaly: {mode: learn, min_runs: 5, response: require_approval}\n")
        #expect(short.monitor.anomaly.mode == .learn)
        #expect(short.monitor.anomaly.minRuns == 5)
        #expect(short.monitor.anomaly.response == [.log: .flagged, .alert: .flagged, .requireApproval: .flagged])
        let graded = try load("monitor:\n  anomaly:\n    response: {log: flagged, kill: 0.999}\n")
        #expect(graded.monitor.anomaly.response == [.log: .flagged, .kill: .score(0.999)])
    }

    @Test("bad values are errors naming the key")
    func errors() {
        #expect(throws: (any Error).self) { try load("monitor:\n  anomaly: {mode: watch}\n") }
        #expect(throws: (any Error).self) { try load("monitor:\n  anomaly: {response: {kill: 2}}\n") }
        #expect(throws: (any Error).self) { try load("monitor:\n  anomaly: {respond: log}\n") }
    }
}
