public import SocketIOCore

/// What an adapter needs of a socket of this server. Implemented by the
/// server's socket; used only on the socket's own event loop.
public protocol AdapterSocket: AnyObject {
    /// Socket id.
    var id: SocketID { get }

    /// Writes a packet encoded once for all recipients.
    ///
    /// - Parameters:
    ///   - packet: the Socket.IO packet (for outgoing listeners).
    ///   - encoded: what the server encoded for it, once for every recipient.
    ///   - volatile: drop rather than queue when the client is not ready.
    func deliver(_ packet: SocketIOPacket, encoded: any EncodedPacket, volatile: Bool)

    /// Registers the handler of a broadcast-with-ack's answer from this socket.
    func expectAck(id: UInt64, handler: @escaping @Sendable ([JSONValue]) -> Void)

    /// The socket as seen from elsewhere.
    func snapshot() -> SocketSnapshot

    /// Joins rooms on behalf of `socketsJoin`.
    func joinFromAdapter(_ rooms: [RoomName])

    /// Leaves rooms on behalf of `socketsLeave`.
    func leaveFromAdapter(_ rooms: [RoomName])

    /// Disconnects on behalf of `disconnectSockets`.
    func disconnectFromAdapter(close: Bool)
}
