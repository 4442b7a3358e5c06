import FuzzSupport
import NIOCore
@testable import SocketIORedisAdapter

/// The classic Redis adapter's messages (anyone on the cluster's Redis can
/// publish): every channel's decoder refuses bad input with an error,
/// never a crash; a broadcast or request that decodes re-encodes to bytes
/// that decode to the same message.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    let bytes = ByteBuffer(bytes: input)
    if let broadcast = try? ClassicCodec.decodeBroadcast(bytes) {
        let again = try? ClassicCodec.decodeBroadcast(ClassicCodec.encode(broadcast))
        require(again.map { sameBroadcast($0, broadcast) } == true, "broadcast: decode(encode(m)) != m")
    }
    if let request = try? ClassicCodec.decodeRequest(bytes) {
        let again = try? ClassicCodec.decodeRequest(ClassicCodec.encode(request))
        require(again != nil, "request: encode(m) does not decode")
    }
    if let response = try? ClassicCodec.decodeResponse(bytes) {
        require((try? ClassicCodec.decodeResponse(ClassicCodec.encode(response))) != nil, "response: encode(m) does not decode")
    }
    return 0
}

/// Equal up to what the wire cannot tell apart (NaN payloads, -0).
private func sameBroadcast(_ a: ClassicBroadcast, _ b: ClassicBroadcast) -> Bool {
    a.uid == b.uid && a.options == b.options && a.packet.namespace == b.packet.namespace
        && sameJSON(a.packet.data ?? .null, b.packet.data ?? .null)
}
