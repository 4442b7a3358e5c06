import Synchronization

/// Identifies one registered listener, so that exactly that listener can be
/// removed later (closures cannot be compared in Swift, unlike JavaScript
/// functions passed to `off`).
///
/// ```swift
/// let token = socket.on("chat") { event in print(event.arguments) }
/// socket.off(token)
/// ```
public struct ListenerToken: Hashable, Sendable {
    let id: UInt64

    private static let counter = Atomic<UInt64>(0)

    /// A token never handed out before (process-wide).
    static func next() -> ListenerToken {
        ListenerToken(id: counter.add(1, ordering: .relaxed).newValue)
    }
}

/// Listeners of one kind, in call order, some of them one-shot.
///
/// Owned by a loop-confined core; listeners are called on that loop, from a
/// snapshot, so a listener may add or remove listeners (itself included)
/// while it runs.
struct ListenerStore<Payload> {
    struct Entry {
        let token: ListenerToken
        let once: Bool
        let handler: @Sendable (Payload) -> Void
    }

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    @discardableResult
    mutating func append(
        token: ListenerToken = .next(),
        once: Bool = false,
        _ handler: @escaping @Sendable (Payload) -> Void
    ) -> ListenerToken {
        entries.append(Entry(token: token, once: once, handler: handler))
        return token
    }

    @discardableResult
    mutating func prepend(token: ListenerToken = .next(), _ handler: @escaping @Sendable (Payload) -> Void) -> ListenerToken {
        entries.insert(Entry(token: token, once: false, handler: handler), at: 0)
        return token
    }

    /// Removes the listener; false when it was not here.
    @discardableResult
    mutating func remove(_ token: ListenerToken) -> Bool {
        guard let index = entries.firstIndex(where: { $0.token == token }) else { return false }
        entries.remove(at: index)
        return true
    }

    mutating func removeAll() {
        entries.removeAll()
    }

    /// The listeners to call for one event, in order; one-shot listeners
    /// are removed now. The caller calls them *after* this returns, so a
    /// listener may change the store while it runs.
    mutating func dequeueForFiring() -> [Entry] {
        guard !entries.isEmpty else { return [] }
        let snapshot = entries
        if snapshot.contains(where: \.once) {
            entries.removeAll(where: \.once)
        }
        return snapshot
    }
}

extension Array {
    /// Calls the listeners `dequeueForFiring()` returned.
    func callListeners<Payload>(with payload: Payload) where Element == ListenerStore<Payload>.Entry {
        for entry in self { entry.handler(payload) }
    }
}

/// Every listener of one socket, by kind. Owned by ``SocketCore``.
struct SocketListeners {
    var named: [String: ListenerStore<ReceivedEvent>] = [:]
    var any = ListenerStore<ReceivedEvent>()
    var anyOutgoing = ListenerStore<OutgoingEvent>()
    var connect = ListenerStore<Void>()
    var disconnect = ListenerStore<SocketDisconnectReason>()
    var connectError = ListenerStore<SocketIOClientError>()
    /// The continuations of ``Socket/activity(bufferingLimit:)`` sequences.
    var streams: [ListenerToken: AsyncStream<SocketActivity>.Continuation] = [:]

    /// Removes the listener `token` names, whatever its kind. A stream's
    /// continuation is returned, for the caller to finish once this
    /// mutation is over (finishing runs the stream's termination handler,
    /// which touches these listeners again).
    mutating func remove(_ token: ListenerToken) -> AsyncStream<SocketActivity>.Continuation? {
        for name in named.keys where named[name]?.remove(token) == true {
            if named[name]?.isEmpty == true { named[name] = nil }
            return nil
        }
        if any.remove(token) || anyOutgoing.remove(token) || connect.remove(token)
            || disconnect.remove(token) || connectError.remove(token) {
            return nil
        }
        return streams.removeValue(forKey: token)
    }

    /// Listeners of events named `name`, to call now.
    mutating func dequeueNamed(_ name: String) -> [ListenerStore<ReceivedEvent>.Entry] {
        guard var store = named[name] else { return [] }
        let entries = store.dequeueForFiring()
        named[name] = store.isEmpty ? nil : store
        return entries
    }
}
