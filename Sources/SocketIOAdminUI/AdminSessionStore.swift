import NIOConcurrencyHelpers
import DequeModule

/// The login sessions of the admin namespace: a dashboard that logged in
/// with the password gets a session id (16 hex digits) and re-connects with
/// it (upstream's `InMemoryStore`). Kept in this process only: a dashboard
/// that re-connects to another server of a cluster logs in again.
///
/// Bounded: past ``capacity`` ids the oldest is forgotten (its dashboard
/// then logs in again). One lock per login or re-connect, never per packet.
///
/// ```swift
/// let store = AdminSessionStore(capacity: 100)
/// let id = store.create()
/// store.contains(id)   // true
/// ```
public final class AdminSessionStore: Sendable {
    /// How many session ids are kept.
    public let capacity: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var ids: Set<String> = []
        var order: Deque<String> = []
    }

    /// A store keeping up to `capacity` ids (10,000 by default).
    ///
    /// ```swift
    /// options.sessions = AdminSessionStore(capacity: 1000)
    /// ```
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// A new session id (8 random bytes as 16 lowercase hex digits), kept.
    ///
    /// ```swift
    /// let id = store.create()   // "25c7ca29a17f8118"
    /// ```
    public func create() -> String {
        var generator = SystemRandomNumberGenerator()
        var id = ""
        for _ in 0..<8 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            id += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        state.withLockedValue { state in
            state.ids.insert(id)
            state.order.append(id)
            while state.order.count > capacity, let oldest = state.order.popFirst() {
                state.ids.remove(oldest)
            }
        }
        return id
    }

    /// Whether `id` is a session this store gave out and still keeps.
    ///
    /// ```swift
    /// store.contains("feedfacecafebeef")   // false
    /// ```
    public func contains(_ id: String) -> Bool {
        state.withLockedValue { $0.ids.contains(id) }
    }
}
