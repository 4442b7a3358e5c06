import NIOCore
import EngineIO
import SocketIOCore
import SocketIOMessagePack

/// Turns one connection's Engine.IO messages into Socket.IO packets, in the
/// server's parser format. The default parser keeps state (attachments
/// still expected); the msgpack one reads each binary message alone and
/// refuses text messages.
struct PacketDecoding {
    private var standard: SocketIOPacketDecoder
    /// Set when the server speaks msgpack.
    private let messagePack: SocketIOMessagePackDecoder?

    init(configuration: SocketIOConfiguration) {
        standard = SocketIOPacketDecoder(configuration: .init(maximumAttachments: configuration.maxAttachments))
        messagePack = configuration.parser == .msgpack ? SocketIOMessagePackDecoder() : nil
    }

    /// The packet `message` completes, or nil while attachments are expected.
    mutating func receive(_ message: EngineIOMessage) throws(PacketDecodingError) -> SocketIOPacket? {
        if let messagePack {
            guard case .binary(let bytes) = message else { throw .msgpack(.unexpectedTextMessage) }
            do {
                return try messagePack.decode(bytes)
            } catch {
                throw .msgpack(error)
            }
        }
        let output: SocketIOPacketDecoder.Output
        do {
            switch message {
            case .text(let text): output = try standard.receive(text: text)
            case .binary(let bytes): output = try standard.receive(binary: bytes)
            }
        } catch {
            throw .standard(error)
        }
        guard case .packet(let packet) = output else { return nil }
        return packet
    }
}

/// Why a message did not decode (logged; the connection then closes).
enum PacketDecodingError: Error, CustomStringConvertible {
    case standard(SocketIOProtocolError)
    case msgpack(SocketIOMessagePackError)

    var description: String {
        switch self {
        case .standard(let error): return error.description
        case .msgpack(let error): return error.description
        }
    }
}
