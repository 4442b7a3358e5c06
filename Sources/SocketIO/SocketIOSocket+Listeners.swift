public import SocketIOCore

/// Identifies a registered listener, to remove it.
public struct ListenerID: Hashable, Sendable {
    let value: Int
}

/// Everything that listens on a socket.
final class Listeners {
    struct Entry<Handler> {
        let id: ListenerID
        let once: Bool
        let handler: Handler
    }

    var nextID = 0
    var events: [String: [Entry<(SocketIOEvent) -> Void>]] = [:]
    var any: [Entry<(SocketIOEvent) -> Void>] = []
    var outgoing: [Entry<(String, [JSONValue]) -> Void>] = []
    var middlewares: [(SocketIOEvent, @escaping ((any Error)?) -> Void) -> Void] = []
    var errors: [(any Error) -> Void] = []
    var disconnecting: [Entry<(DisconnectReason) -> Void>] = []
    var disconnect: [Entry<(DisconnectReason) -> Void>] = []

    func makeID() -> ListenerID {
        nextID += 1
        return ListenerID(value: nextID)
    }
}

extension SocketIOSocket {
    /// Calls `handler` for every `event` the client sends.
    @discardableResult
    public func on(_ event: String, _ handler: @escaping (SocketIOEvent) -> Void) -> ListenerID {
        let id = listeners.makeID()
        listeners.events[event, default: []].append(.init(id: id, once: false, handler: handler))
        return id
    }

    /// Calls `handler` for the next `event` only.
    @discardableResult
    public func once(_ event: String, _ handler: @escaping (SocketIOEvent) -> Void) -> ListenerID {
        let id = listeners.makeID()
        listeners.events[event, default: []].append(.init(id: id, once: true, handler: handler))
        return id
    }

    /// Calls `handler` with the first argument decoded as `T` (events whose
    /// argument does not decode go to the error listeners).
    ///
    /// ```swift
    /// struct Move: Codable { var x: Int; var y: Int }
    /// socket.on("move", as: Move.self) { move, ack in ack?("ok") }
    /// ```
    @discardableResult
    public func on<T: Decodable>(_ event: String, as type: T.Type, _ handler: @escaping (T, SocketIOAck?) -> Void) -> ListenerID {
        on(event) { [weak self] received in
            do {
                handler(try received.argument(0, as: T.self), received.ack)
            } catch {
                self?.reportError(error)
            }
        }
    }

    /// Removes every listener of `event`.
    public func off(_ event: String) {
        listeners.events[event] = nil
    }

    /// Removes one listener.
    public func removeListener(_ id: ListenerID) {
        for (event, entries) in listeners.events {
            listeners.events[event] = entries.filter { $0.id != id }
        }
        listeners.any.removeAll { $0.id == id }
        listeners.outgoing.removeAll { $0.id == id }
        listeners.disconnect.removeAll { $0.id == id }
        listeners.disconnecting.removeAll { $0.id == id }
    }

    /// Calls `handler` for every event, before the event's own listeners.
    @discardableResult
    public func onAny(_ handler: @escaping (SocketIOEvent) -> Void) -> ListenerID {
        let id = listeners.makeID()
        listeners.any.append(.init(id: id, once: false, handler: handler))
        return id
    }

    /// Like ``onAny(_:)`` but called before the catch-all listeners added so far.
    @discardableResult
    public func prependAny(_ handler: @escaping (SocketIOEvent) -> Void) -> ListenerID {
        let id = listeners.makeID()
        listeners.any.insert(.init(id: id, once: false, handler: handler), at: 0)
        return id
    }

    /// Removes one catch-all listener, or all of them.
    public func offAny(_ id: ListenerID? = nil) {
        if let id { listeners.any.removeAll { $0.id == id } } else { listeners.any = [] }
    }

    /// Calls `handler` for every event sent to the client (name, arguments).
    @discardableResult
    public func onAnyOutgoing(_ handler: @escaping (String, [JSONValue]) -> Void) -> ListenerID {
        let id = listeners.makeID()
        listeners.outgoing.append(.init(id: id, once: false, handler: handler))
        return id
    }

    /// Like ``onAnyOutgoing(_:)`` but first in line.
    @discardableResult
    public func prependAnyOutgoing(_ handler: @escaping (String, [JSONValue]) -> Void) -> ListenerID {
        let id = listeners.makeID()
        listeners.outgoing.insert(.init(id: id, once: false, handler: handler), at: 0)
        return id
    }

    /// Removes one outgoing listener, or all of them.
    public func offAnyOutgoing(_ id: ListenerID? = nil) {
        if let id { listeners.outgoing.removeAll { $0.id == id } } else { listeners.outgoing = [] }
    }

    /// Adds a per-event middleware: it sees each incoming event first and
    /// calls `next(nil)` to let it through or `next(error)` to stop it (the
    /// error goes to ``onError(_:)`` listeners).
    public func use(_ middleware: @escaping (SocketIOEvent, _ next: @escaping ((any Error)?) -> Void) -> Void) {
        listeners.middlewares.append(middleware)
    }

    /// Calls `handler` with errors of this socket (refused events, undecodable typed payloads).
    public func onError(_ handler: @escaping (any Error) -> Void) {
        listeners.errors.append(handler)
    }

    /// Calls `handler` when the socket is about to leave (its rooms still there).
    @discardableResult
    public func onDisconnecting(_ handler: @escaping (DisconnectReason) -> Void) -> ListenerID {
        let id = listeners.makeID()
        listeners.disconnecting.append(.init(id: id, once: true, handler: handler))
        return id
    }

    /// Calls `handler` once the socket has left.
    @discardableResult
    public func onDisconnect(_ handler: @escaping (DisconnectReason) -> Void) -> ListenerID {
        let id = listeners.makeID()
        listeners.disconnect.append(.init(id: id, once: true, handler: handler))
        return id
    }

    func reportError(_ error: any Error) {
        for handler in listenerStore?.errors ?? [] { handler(error) }
    }

    func notifyOutgoing(_ packet: SocketIOPacket) {
        if let observer { observer.eventSent(self, packet: packet) }
        guard let outgoing = listenerStore?.outgoing, !outgoing.isEmpty, let name = packet.eventName else { return }
        let arguments = Array(packet.arguments)
        for listener in outgoing { listener.handler(name, arguments) }
    }
}
