// The state store's interface: what the rest of cordon may ask of `.cordon/state.db`. SQLite
// (SQLiteStore) is the first implementation; a shared backend for a fleet (PostgreSQL through
// libpq) can follow by implementing this protocol, without touching the callers.
//
// Transitions take a `record` closure that runs inside the store's write transaction with the
// new state: the caller appends the gate.log line there, and when that fails (it returns the
// reason) the transition is rolled back. So every transition in the store has its gate.log
// line, and two processes can never both move the same approval out of `pending`.

public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The file is not a SQLite database, or its pages are damaged.
        case corrupt
        /// Cannot be opened or written (permissions, a symbolic link, a read-only file system).
        case unreadable
        /// Another process held the database for longer than the busy timeout.
        case busy
        /// Made by a newer cordon (a schema version this one does not know).
        case newerSchema
        /// The caller's record step (the gate.log line) failed; nothing was changed.
        case evidence
        case io
    }
    public var kind: Kind
    public var message: String
    public var path: String

    public init(_ kind: Kind, _ message: String, path: String) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    public var description: String {
        switch kind {
        case .corrupt:
            return
                "state store \(path) is damaged or not a cordon store (\(message)); move it aside to start a new one (gate.log keeps the history)"
        case .newerSchema: return message
        default: return "state store \(path): \(message)"
        }
    }
}

public protocol CordonStore: AnomalyStore {
    /// Stores a new pending approval under a fresh id (the one in `approval` is replaced) and
    /// returns it as stored.
    func create(_ approval: Approval, record: (Approval) -> String?) throws(StoreError) -> Approval
    func approval(_ id: String) throws(StoreError) -> Approval?
    /// Approvals made for an action id (an inspect request's own id), newest first.
    func approvals(actionId: String) throws(StoreError) -> [Approval]
    /// Oldest first; nil filters mean all.
    func approvals(status: ApprovalStatus?, agent: String?) throws(StoreError) -> [Approval]
    /// Moves a pending approval to `decision.status` (and stores its remembered rule), unless
    /// it was decided before.
    func transition(_ id: String, to decision: ApprovalDecision, record: (Approval) -> String?) throws(StoreError)
        -> TransitionResult
    func rules() throws(StoreError) -> [RememberedRule]
    /// Removes a remembered rule; nil when there is none with that id.
    func removeRule(_ id: String, record: (RememberedRule) -> String?) throws(StoreError) -> RememberedRule?
    /// Approver keys are kept as SHA-256 hashes, never the key itself.
    func addApproverKey(hash: String, by: String, at: Double) throws(StoreError)
    func isApproverKey(hash: String) throws(StoreError) -> Bool
    /// A number that changes whenever another process commits: waiters poll it, cheaply, to
    /// learn when to read again.
    func changeCounter() throws(StoreError) -> Int64
}
