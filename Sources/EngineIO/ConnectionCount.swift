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

/// The connections a server has open per remote address (IP, without the
/// port), for ``HTTPServerLimits/maxConnectionsPerAddress``. One lock taken
/// when a connection opens and when it closes, never per request or packet.
/// Bounded by the open connections: an address leaves the table with its
/// last connection.
final class AddressConnectionCounts: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// One more connection from `address`; returns its count with it.
    func opened(_ address: String) -> Int {
        counts.withLock { counts in
            let count = counts[address, default: 0] + 1
            counts[address] = count
            return count
        }
    }

    /// One fewer from `address`.
    func closed(_ address: String) {
        counts.withLock { counts in
            guard let count = counts[address] else { return }
            counts[address] = count > 1 ? count - 1 : nil
        }
    }

    /// Connections open now from `address`.
    func current(_ address: String) -> Int { counts.withLock { $0[address, default: 0] } }
}
