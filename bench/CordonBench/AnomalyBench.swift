// cordon-bench anomaly tokens|agent: the research-mode comparison on ADFA-LD
// (AnomalyTokensBench) and the scripted-agent scenario of issue 14 (AnomalyAgentBench).
enum AnomalyBench {
    static func main(_ args: [String]) -> Int32 {
        switch args.first {
        case "tokens": return AnomalyTokensBench.main(Array(args.dropFirst()))
        case "agent": return AnomalyAgentBench.main(Array(args.dropFirst()))
        default:
            print(
                "usage: cordon-bench anomaly tokens [--set adfa-ld|unm|all] [--data DIR] [--orders 6,8,10] [--weights 0.3,0.7]"
            )
            print("       cordon-bench anomaly agent [--cordon PATH] [--runs N] [--before CORDON] [--cost-only]")
            return 64
        }
    }
}
