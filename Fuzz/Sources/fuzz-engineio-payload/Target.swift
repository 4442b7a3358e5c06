import EngineIOCore
import FuzzSupport
import NIOCore

/// A long-polling payload (packets joined by 0x1e) within a packet bound:
/// never more packets than the bound, and what decodes re-encodes to a
/// payload of the same packets.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    let bound = 16
    guard let packets = try? EngineIOPayload.decode(ByteBuffer(bytes: input), maxPackets: bound) else { return 0 }
    require(packets.count <= bound, "\(packets.count) packets past a bound of \(bound)")
    let encoded = EngineIOPayload.encode(packets)
    let again = try? EngineIOPayload.decode(encoded, maxPackets: bound)
    require(again == packets, "decode(encode(packets)) != packets for \(Array(input))")
    return 0
}
