import EngineIOCore

/// One way of carrying Engine.IO packets (polling or WebSocket), as the
/// session drives it. Loop-confined like the session.
protocol EngineTransport: AnyObject {
    var kind: ClientTransport { get }
    /// Weak: the session owns the transport.
    var delegate: (any EngineTransportDelegate)? { get set }
    /// The session id, set by the session once the handshake names it.
    var sid: String? { get set }
    /// Whether ``send(_:)`` may be called now.
    var isWritable: Bool { get }
    /// Connects (WebSocket) or sends the first GET (polling).
    func open()
    /// Sends packets; only while ``isWritable``.
    func send(_ packets: [OutgoingEnginePacket])
    /// Lets requests in flight finish, then calls `done` (polling; a
    /// WebSocket is paused at once).
    func pause(_ done: @escaping () -> Void)
    /// Undoes ``pause(_:)`` after an abandoned upgrade.
    func resume()
    /// Stops; the delegate hears nothing more.
    func close(_ mode: TransportCloseMode)
}

/// How a transport is closed.
enum TransportCloseMode {
    /// Just drop the connections (the transport failed, or was replaced by
    /// an upgrade and must not end the session).
    case silently
    /// Tell the server: polling posts `final` followed by a CLOSE packet;
    /// a WebSocket sends `final` and a close frame.
    case notifyingServer(final: [OutgoingEnginePacket])
}

/// What a transport reports to its session, on the loop.
protocol EngineTransportDelegate: AnyObject {
    func transportDidOpen(_ transport: any EngineTransport)
    func transport(_ transport: any EngineTransport, didReceive packet: EngineIOPacket)
    func transportDidDrain(_ transport: any EngineTransport)
    func transport(_ transport: any EngineTransport, didFail failure: TransportFailure)
    func transportDidClose(_ transport: any EngineTransport)
}

/// A packet waiting to be sent, with its permission to be compressed.
struct OutgoingEnginePacket: Sendable {
    var packet: EngineIOPacket
    var compress: Bool

    /// Bytes it takes in a polling payload (type digit, data, base64 for
    /// binary), used for maxPayload batching and the pending-bytes bound.
    var payloadLength: Int {
        let count = packet.data.readableBytes
        return packet.isBinary ? 1 + (count + 2) / 3 * 4 : 1 + count
    }
}
