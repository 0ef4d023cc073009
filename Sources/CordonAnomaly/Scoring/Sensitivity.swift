// `monitor.sensitivity` as a false-alarm rate on the agent's own history: low flags about 1%
// of its normal runs, medium 5%, high 10%. The threshold is the higher of the nominal one
// (1 - rate, since a score is one minus a probability) and the score that the given share of
// the agent's own learned runs exceeded when each was scored against the profile before it
// (Profile.history), once there are enough of those to say.

public enum Sensitivity: String, Sendable, CaseIterable {
    case low, medium, high

    public var falseAlarmRate: Double {
        switch self {
        case .low: 0.01
        case .medium: 0.05
        case .high: 0.10
        }
    }

    /// History runs needed before their own quantile moves the threshold.
    public static let historyNeeded = 20
}

extension Profile {
    /// A run is flagged when its score is above this.
    public func threshold(_ s: Sensitivity) -> Double {
        var t = 1 - s.falseAlarmRate
        if history.count >= Sensitivity.historyNeeded {
            t = max(t, Robust.percentile(history, 1 - s.falseAlarmRate))
        }
        return min(t, 0.9999)
    }

    /// How many of the history's runs a sensitivity would have flagged.
    public func flaggedInHistory(_ s: Sensitivity) -> Int {
        let t = threshold(s)
        return history.filter { $0 > t }.count
    }
}
