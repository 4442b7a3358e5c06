public import SocketIOCore
public import SocketIOAdapter
import EngineIO

/// Watches a Socket.IO server from outside: sockets joining and leaving
/// namespaces and rooms, their data and transport changing, the events they
/// receive and are sent. What the Socket.IO Admin UI's development mode
/// shows (`socket_connected`, `room_joined`, `event_received`, ...).
///
/// Every method is called on the socket's loop, synchronously, from the
/// code path it reports (the socket may be read there, not kept). With no
/// observer installed, each of those paths costs one atomic load.
///
/// ```swift
/// final class Watcher: SocketIOObserver {
///     func socketConnected(_ socket: SocketIOSocket) { record(socket.id) }
/// }
/// try io.install(observer: Watcher())
/// ```
public protocol SocketIOObserver: AnyObject, Sendable {
    /// The socket joined rooms: its own id room on connect (then, apart, the
    /// rooms a recovered session had), then each ``SocketIOSocket/join(_:)-([RoomName])``
    /// (local or from the adapter). Those of the connection are reported
    /// before its CONNECT packet, as the reference's adapter `join-room` event.
    func socketJoined(_ socket: SocketIOSocket, rooms: [RoomName])
    /// The socket left one room (not called for its disconnection: see
    /// ``socketDisconnected(_:reason:rooms:)``).
    func socketLeft(_ socket: SocketIOSocket, room: RoomName)
    /// The socket joined its namespace: its CONNECT packet is sent, its
    /// connection handlers are next. Changes to `socket.data` made here are
    /// not reported to ``socketDataChanged(_:)``.
    func socketConnected(_ socket: SocketIOSocket)
    /// The socket left its namespace, with the rooms it was in (its own
    /// first), after its disconnect listeners ran.
    func socketDisconnected(_ socket: SocketIOSocket, reason: DisconnectReason, rooms: [RoomName])
    /// `socket.data` was assigned while the socket is connected.
    func socketDataChanged(_ socket: SocketIOSocket)
    /// The socket's connection upgraded its transport (to WebSocket).
    func socketTransportChanged(_ socket: SocketIOSocket)
    /// An event from the client passed the socket's middlewares and is about
    /// to reach its listeners.
    func eventReceived(_ socket: SocketIOSocket, event: SocketIOEvent)
    /// An event packet is being sent to the client (its own emit or a
    /// broadcast it is part of; prepared events, the room engine's binary
    /// deltas, are not reported).
    func eventSent(_ socket: SocketIOSocket, packet: SocketIOPacket)
}

extension SocketIOObserver {
    /// Nothing by default.
    public func socketJoined(_ socket: SocketIOSocket, rooms: [RoomName]) {}
    /// Nothing by default.
    public func socketLeft(_ socket: SocketIOSocket, room: RoomName) {}
    /// Nothing by default.
    public func socketConnected(_ socket: SocketIOSocket) {}
    /// Nothing by default.
    public func socketDisconnected(_ socket: SocketIOSocket, reason: DisconnectReason, rooms: [RoomName]) {}
    /// Nothing by default.
    public func socketDataChanged(_ socket: SocketIOSocket) {}
    /// Nothing by default.
    public func socketTransportChanged(_ socket: SocketIOSocket) {}
    /// Nothing by default.
    public func eventReceived(_ socket: SocketIOSocket, event: SocketIOEvent) {}
    /// Nothing by default.
    public func eventSent(_ socket: SocketIOSocket, packet: SocketIOPacket) {}
}

/// An observer was already installed on this server (one per server).
public struct SocketIOObserverAlreadyInstalled: Error, Hashable, Sendable {}

extension SocketIOServer {
    /// Installs the server's observer (once; sockets connected before are
    /// reported from their next event on).
    ///
    /// ```swift
    /// try io.install(observer: myObserver)
    /// ```
    public func install(observer: any SocketIOObserver) throws(SocketIOObserverAlreadyInstalled) {
        guard observerSlot.install(observer) else { throw SocketIOObserverAlreadyInstalled() }
    }

    /// The observer, if one is installed (one atomic load).
    var observer: (any SocketIOObserver)? { observerSlot.observer }
}

extension SocketIOSocket {
    /// The server's observer, if one is installed.
    var observer: (any SocketIOObserver)? { namespace.server.observer }

    /// The name of the transport the socket's connection uses now
    /// (`polling` or `websocket`).
    ///
    /// ```swift
    /// io.onConnection { socket in print(socket.transportName) }   // "polling"
    /// ```
    public var transportName: String { engine.transport.rawValue }
}
