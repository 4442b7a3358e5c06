import NIOConcurrencyHelpers
import Synchronization

/// A handler for one event of every socket of a namespace.
public typealias SocketIONamespaceEventHandler = @Sendable (SocketIOSocket, SocketIOEvent) -> Void

/// The namespace's event handlers, shared by all its sockets: a socket keeps
/// a reference to the current table (copy-on-write, not a copy), and
/// refreshes it when the version it saw changes.
final class NamespaceEventTable: Sendable {
    private let table = NIOLockedValueBox([String: [SocketIONamespaceEventHandler]]())
    private let changes = Atomic<Int>(0)

    var version: Int { changes.load(ordering: .acquiring) }

    func add(_ event: String, _ handler: @escaping SocketIONamespaceEventHandler) {
        table.withLockedValue { $0[event, default: []].append(handler) }
        changes.add(1, ordering: .releasing)
    }

    func snapshot() -> (version: Int, handlers: [String: [SocketIONamespaceEventHandler]]) {
        // Version first: a change racing with the copy is picked up next time.
        let version = version
        return (version, table.withLockedValue { $0 })
    }
}

extension SocketIONamespace {
    /// Calls `handler` for `event` sent by any socket of this namespace.
    ///
    /// One registration serves every socket, so a server holding many
    /// connections pays nothing per socket for it (``SocketIOSocket/on(_:_:)``
    /// keeps listeners per socket, as the reference server does). Handlers
    /// run on the socket's loop, after the socket's catch-all listeners and
    /// before its own listeners for the event.
    ///
    /// ```swift
    /// io.sockets.on("echo") { socket, event in event.ack?.send(event.arguments) }
    /// ```
    public func on(_ event: String, _ handler: @escaping SocketIONamespaceEventHandler) {
        events.add(event, handler)
    }
}
