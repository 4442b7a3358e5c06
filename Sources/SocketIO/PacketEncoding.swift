import NIOCore
import EngineIO
import EngineIOCore
import SocketIOCore
import SocketIOAdapter
import SocketIOMessagePack

/// Encodes a Socket.IO packet once into the Engine.IO packets that carry
/// it, in the server's parser format: for the default parser, the text
/// message (written in place behind room for the WebSocket header) and one
/// binary message per attachment; for msgpack, one binary message.
struct PacketEncoding: Sendable {
    let engine: EngineIOServer
    let parser: SocketIOParser
    private let encoder = SocketIOPacketEncoder()
    private let messagePackEncoder = SocketIOMessagePackEncoder()

    init(engine: EngineIOServer, parser: SocketIOParser = .default) {
        self.engine = engine
        self.parser = parser
    }

    func encode(_ packet: SocketIOPacket, compress: Bool) -> [EngineIOOutboundPacket] {
        if parser == .msgpack { return encodeMessagePack(packet, compress: compress) }
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

    /// A broadcast's encoding, as the adapter carries it to each recipient.
    func encodeForBroadcast(_ packet: SocketIOPacket, flags: BroadcastFlags) -> any EncodedPacket {
        EncodedSocketIOPacket(packets: encode(packet, compress: flags.compress))
    }

    private func encodeMessagePack(_ packet: SocketIOPacket, compress: Bool) -> [EngineIOOutboundPacket] {
        guard let bytes = try? messagePackEncoder.encode(packet) else { return [] }
        return [engine.outboundPacket(.binary(bytes), compress: compress)]
    }
}

/// What a broadcast's recipients write: the Engine.IO packets of one
/// Socket.IO packet, encoded once (see ``EncodedPacket``).
final class EncodedSocketIOPacket: EncodedPacket {
    let packets: [EngineIOOutboundPacket]

    init(packets: [EngineIOOutboundPacket]) {
        self.packets = packets
    }

    func copiedForAnotherLoop() -> any EncodedPacket {
        EncodedSocketIOPacket(packets: packets.map { $0.copiedStorage() })
    }
}
