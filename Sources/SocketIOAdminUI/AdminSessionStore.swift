public import NIOCore
import NIOConcurrencyHelpers
import DequeModule

/// Where the admin namespace keeps its login sessions: a dashboard that
/// logged in with the password gets a session id (16 hex digits) and
/// re-connects with it (upstream's `Store`).
///
/// ```swift
/// options.sessions = AdminSessionStore()                                  // this process
/// options.sessions = RedisAdminSessionStore(connection: redis)            // every server of a cluster
/// ```
public protocol AdminSessionStorage: Sendable {
    /// Keeps `id`, a new login's session.
    func save(_ id: String)
    /// Whether `id` is a kept session; the future completes on `loop`.
    func contains(_ id: String, on loop: any EventLoop) -> EventLoopFuture<Bool>
}

/// New session ids: 8 random bytes as 16 lowercase hex digits (upstream's `randomId`).
enum AdminSessionID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var id = ""
        for _ in 0..<8 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            id += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return id
    }
}

/// Login sessions in this process (upstream's `InMemoryStore`): a dashboard
/// that re-connects to another server of a cluster logs in again (use
/// ``RedisAdminSessionStore`` there).
///
/// Bounded: past ``capacity`` ids the oldest is forgotten (its dashboard
/// then logs in again). One lock per login or re-connect, never per packet.
///
/// ```swift
/// let store = AdminSessionStore(capacity: 100)
/// let id = store.create()
/// store.contains(id)   // true
/// ```
public final class AdminSessionStore: AdminSessionStorage {
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

    /// A new session id, kept.
    ///
    /// ```swift
    /// let id = store.create()   // "25c7ca29a17f8118"
    /// ```
    public func create() -> String {
        let id = AdminSessionID.make()
        save(id)
        return id
    }

    /// Keeps `id` (the oldest goes past ``capacity``).
    ///
    /// ```swift
    /// store.save("feedfacecafebeef")
    /// ```
    public func save(_ id: String) {
        state.withLockedValue { state in
            guard state.ids.insert(id).inserted else { return }
            state.order.append(id)
            while state.order.count > capacity, let oldest = state.order.popFirst() {
                state.ids.remove(oldest)
            }
        }
    }

    /// Whether `id` is a session this store keeps.
    ///
    /// ```swift
    /// store.contains("feedfacecafebeef")   // false
    /// ```
    public func contains(_ id: String) -> Bool {
        state.withLockedValue { $0.ids.contains(id) }
    }

    /// ``contains(_:)``, as the protocol asks.
    ///
    /// ```swift
    /// store.contains(id, on: loop).whenSuccess { known in print(known) }
    /// ```
    public func contains(_ id: String, on loop: any EventLoop) -> EventLoopFuture<Bool> {
        loop.makeSucceededFuture(contains(id))
    }
}
