import EngineIOCore
import FuzzSupport
import NIOCore

/// An Engine.IO text packet: whatever decodes re-encodes to what decodes to
/// the same packet; nothing else may crash.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    guard let packet = try? EngineIOPacket.decodeText(ByteBuffer(bytes: input)) else { return 0 }
    var encoded = ByteBuffer()
    packet.writeText(into: &encoded)
    let again = try? EngineIOPacket.decodeText(encoded)
    require(again == packet, "decodeText(writeText(p)) != p for \(Array(input))")
    return 0
}
