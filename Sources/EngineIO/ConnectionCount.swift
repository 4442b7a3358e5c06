import Synchronization

/// The connections a server has open, across its loops.
final class ConnectionCount: Sendable {
    private let value = Atomic<Int>(0)

    /// One more connection; returns the count with it.
    func opened() -> Int {
        value.add(1, ordering: .relaxed).newValue
    }

    /// One fewer.
    func closed() {
        value.subtract(1, ordering: .relaxed)
    }

    /// Connections open now.
    var current: Int { value.load(ordering: .relaxed) }
}
