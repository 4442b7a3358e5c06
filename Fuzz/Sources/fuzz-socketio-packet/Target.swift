import FuzzSupport
import NIOCore
import SocketIOCore

/// A Socket.IO text packet: a complete packet re-encodes to a header that
/// decodes to the same packet; a binary one never asks for more attachments
/// than the decoder's bound; nothing else may crash.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    var decoder = SocketIOPacketDecoder()
    guard let output = try? decoder.receive(textBytes: input) else { return 0 }
    switch output {
    case .awaitingAttachments(let remaining):
        require(remaining > 0 && remaining <= decoder.configuration.maximumAttachments,
                "\(remaining) attachments awaited past the bound")
    case .packet(let packet):
        // A number past a double's range (an event named `1e400`, as
        // socket.io-parser also allows numbers) re-encodes as `null`, which
        // is not an event name: JavaScript does the same; not a round trip.
        guard let encoded = try? SocketIOPacketEncoder().encode(packet), encoded.attachments.isEmpty,
              !String(buffer: encoded.header).contains("null") || !(packet.data.map(hasNonFinite) ?? false)
        else { return 0 }
        var again = SocketIOPacketDecoder()
        let decoded = try? again.receive(text: encoded.header)
        guard case .packet(let back)? = decoded else {
            require(false, "encode(p) does not decode: \(String(buffer: encoded.header))")
            return 0
        }
        let sameData = switch (back.data, packet.data) {
        case (nil, nil): true
        case (let x?, let y?): sameJSON(x, y)
        default: false
        }
        require(back.type == packet.type && back.namespace == packet.namespace && back.ackID == packet.ackID && sameData,
                "decode(encode(p)) != p for \(String(buffer: encoded.header)): \(packet) vs \(back)")
    }
    return 0
}
