import FuzzSupport
import NIOCore
import SocketIOCore

/// A binary Socket.IO packet and its attachments, as a client sends them:
/// the first byte says how many binary messages follow the text one, each
/// prefixed by one length byte. The decoder waits for exactly the
/// announced attachments (never more than its bound), refuses a binary
/// message nobody waits for, and a packet it completes re-encodes to a
/// header and attachments that decode to the same packet.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    guard input.count >= 2 else { return 0 }
    var bytes = ByteBuffer(bytes: input)
    let binaries = Int(bytes.readInteger(as: UInt8.self)! % 4)
    let textLength = Int(bytes.readInteger(as: UInt8.self)!)
    guard let text = bytes.readSlice(length: min(textLength, bytes.readableBytes)) else { return 0 }
    var parts: [ByteBuffer] = []
    for _ in 0..<binaries {
        guard let length = bytes.readInteger(as: UInt8.self), let part = bytes.readSlice(length: min(Int(length), bytes.readableBytes)) else { break }
        parts.append(part)
    }
    var decoder = SocketIOPacketDecoder()
    guard var output = try? decoder.receive(text: text) else { return 0 }
    for part in parts {
        guard case .awaitingAttachments(let remaining) = output else {
            // Nobody waits: a binary message here is refused.
            var idle = SocketIOPacketDecoder()
            require((try? idle.receive(binary: part)) == nil, "a binary message nobody waits for was taken")
            return 0
        }
        require(remaining > 0 && remaining <= decoder.configuration.maximumAttachments, "waits for \(remaining)")
        guard let next = try? decoder.receive(binary: part) else { return 0 }
        if case .awaitingAttachments(let left) = next { require(left == remaining - 1, "\(remaining) then \(left)") }
        output = next
    }
    // A number past a double's range (an event named `2e720`) re-encodes as
    // `null`, as in JavaScript: not a round trip (see fuzz-socketio-packet).
    guard case .packet(let packet) = output, !(packet.data.map(hasNonFinite) ?? false),
          let encoded = try? SocketIOPacketEncoder().encode(packet) else { return 0 }
    var again = SocketIOPacketDecoder()
    guard var back = try? again.receive(text: encoded.header) else {
        require(false, "encode(p) does not decode: \(String(buffer: encoded.header))")
        return 0
    }
    for attachment in encoded.attachments {
        guard let next = try? again.receive(binary: attachment) else {
            require(false, "encode(p)'s attachments do not decode")
            return 0
        }
        back = next
    }
    guard case .packet(let decoded) = back else {
        require(false, "encode(p) does not complete")
        return 0
    }
    require(decoded.type == packet.type && decoded.namespace == packet.namespace && decoded.ackID == packet.ackID,
            "header changed: \(decoded) vs \(packet)")
    if let x = decoded.data, let y = packet.data { require(sameJSON(x, y), "data changed") }
    return 0
}
