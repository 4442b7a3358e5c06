import NIOCore
import EngineIO
import EngineIOCore
import SocketIOCore
import SocketIOAdapter

/// Encodes a Socket.IO packet once into the Engine.IO packets that carry
/// it: the text message (written in place behind room for the WebSocket
/// header) and one binary message per attachment.
struct PacketEncoding: Sendable {
    let engine: EngineIOServer
    private let encoder = SocketIOPacketEncoder()

    init(engine: EngineIOServer) {
        self.engine = engine
    }

    func encode(_ packet: SocketIOPacket, compress: Bool) -> [EngineIOOutboundPacket] {
        var attachments: [ByteBuffer] = []
        let text: EngineIOOutboundPacket
        do {
            text = try EngineIOOutboundPacket.textMessage { (buffer: inout ByteBuffer) throws(SocketIOProtocolError) in
                attachments = try encoder.encode(packet, into: &buffer)
            }
        } catch {
            // Only an application can build an unencodable packet (a bad
            // namespace name); it must not take the server down.
            return []
        }
        var packets = [compress ? engine.compressing(text) : text]
        for attachment in attachments {
            packets.append(engine.outboundPacket(.binary(attachment), compress: compress))
        }
        return packets
    }

    func encode(_ packet: SocketIOPacket, flags: BroadcastFlags) -> [EngineIOOutboundPacket] {
        encode(packet, compress: flags.compress)
    }
}
