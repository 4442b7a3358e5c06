public import NIOCore
import EngineIO
import SocketIOAdapter
import SocketIOCore

/// An event sent again and again with one binary argument that is new each
/// time (a room's position delta, a canvas chunk), its packet header encoded
/// once.
///
/// Why: `socket.emit("delta", .binary(bytes))` builds and serializes the
/// header `51-/rooms,["delta",{"_placeholder":true,"num":0}]` on every send;
/// at tens of thousands of sends a second that JSON work costs as much as
/// the rest of the send. A prepared event keeps the header as a ready
/// Engine.IO packet (and WebSocket frame) and only frames the attachment.
/// On the wire nothing changes: any Socket.IO client receives an ordinary
/// binary event. A class, so that handing one to `emit` retains one object
/// rather than each of its strings and buffers.
///
/// ```swift
/// let delta = SocketIOPreparedEvent(binaryEvent: "delta", namespace: "/rooms")
/// socket.emit(delta, attachment: bytes, volatile: true, compress: false)
/// ```
public final class SocketIOPreparedEvent: Sendable {
    /// The event name.
    public let name: String
    /// The namespace whose sockets may send it.
    public let namespace: String
    /// The header packet (`51-<namespace>,["<name>",<placeholder>]`), never
    /// compressed: it is far below any compression threshold.
    let header: EngineIOOutboundPacket

    /// Prepares the event `name` of `namespace` with one binary argument.
    ///
    /// - Precondition: `namespace` is a valid namespace name (it starts with `/`).
    public init(binaryEvent name: String, namespace: String) {
        self.name = name
        self.namespace = namespace
        let packet = SocketIOPacket.event(name, [.binary(ByteBuffer())], namespace: namespace)
        let encoder = SocketIOPacketEncoder()
        do {
            self.header = try EngineIOOutboundPacket.textMessage { (buffer: inout ByteBuffer) throws(SocketIOProtocolError) in
                _ = try encoder.encode(packet, into: &buffer)
            }
        } catch {
            preconditionFailure("a prepared event needs a valid namespace name, not \(namespace): \(error)")
        }
    }
}

extension SocketIOSocket {
    /// Sends a prepared binary event with this send's attachment (see
    /// ``SocketIOPreparedEvent``): the same packet as
    /// `socket.emit(event.name, .binary(attachment))` with these flags.
    ///
    /// Falls back to the ordinary emit, with the same result on the wire, when
    /// the socket has `onAnyOutgoing` listeners (they get the arguments), when
    /// connection state recovery must keep a reliable packet, when the event
    /// was prepared for another namespace, or when the server speaks msgpack
    /// (the prepared header is the default parser's).
    ///
    /// ```swift
    /// socket.emit(delta, attachment: bytes, volatile: true, compress: false)
    /// ```
    public func emit(_ event: SocketIOPreparedEvent, attachment: ByteBuffer, volatile: Bool = false, compress: Bool = true) {
        let recovers = connection.server.configuration.connectionStateRecovery != nil && !volatile
        let watched = !(listenerStore?.outgoing.isEmpty ?? true)
        let standardParser = connection.server.configuration.parser == .default
        guard event.namespace == namespace.name, !recovers, !watched, standardParser else {
            emit(event.name, [.binary(attachment)], flags: BroadcastFlags(volatile: volatile, compress: compress), ack: nil)
            return
        }
        guard isConnected else { return }
        connection.write(header: event.header, attachment: attachment, volatile: volatile, compress: compress)
    }
}
