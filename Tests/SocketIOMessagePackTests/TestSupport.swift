import MessagePack
import NIOCore
import SocketIOCore
import SocketIOMessagePack

/// Bytes from a hex string (spaces allowed).
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd hex string")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// A binary JSON value holding `bytes`.
func binary(_ bytes: [UInt8]) -> JSONValue {
    .binary(ByteBuffer(bytes: bytes))
}

/// The msgpack parser's bytes for `packet`.
func encoded(_ packet: SocketIOPacket) throws(SocketIOProtocolError) -> [UInt8] {
    Array(try SocketIOMessagePackEncoder().encode(packet).readableBytesView)
}

/// Decodes a packet from `bytes`.
func decodedPacket(_ bytes: [UInt8]) throws(SocketIOMessagePackError) -> SocketIOPacket {
    try SocketIOMessagePackDecoder().decode(ByteBuffer(bytes: bytes))
}

/// Decodes a packet from a MessagePack value (encoded first).
func decodedPacket(_ value: MessagePackValue) throws(SocketIOMessagePackError) -> SocketIOPacket {
    try SocketIOMessagePackDecoder().decode(MessagePackEncoder().encode(value))
}

/// The decoder's error for `value`, or nil when it decodes.
func decodingError(_ value: MessagePackValue) -> SocketIOMessagePackError? {
    do {
        _ = try decodedPacket(value)
        return nil
    } catch {
        return error
    }
}

/// JSON from MessagePack bytes read as the msgpack parser reads them.
func json(_ bytes: [UInt8]) throws -> JSONValue {
    try JSONValue(messagePack: MessagePackDecoder(readsNotepackArrayBuffersAsBinary: true).decode(bytes))
}

/// The bytes `writeMessagePack(json:)` writes.
func written(_ value: JSONValue) -> [UInt8] {
    var buffer = ByteBuffer()
    buffer.writeMessagePack(json: value)
    return Array(buffer.readableBytesView)
}
