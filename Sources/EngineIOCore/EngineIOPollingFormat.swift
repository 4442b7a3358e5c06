public import NIOCore

/// How one session's long-polling bodies are framed, chosen once at its
/// handshake from the protocol revision and, for v3, the `b64` parameter.
///
/// | format | GET response | POST body |
/// | --- | --- | --- |
/// | `.v4` | packets joined by 0x1E, binary as `b<base64>` | the same |
/// | `.v3(binary: false)` | `<length>:<packet>`, binary as `b4<base64>` | text form |
/// | `.v3(binary: true)` | the text form, or the binary form when a packet is binary | text form, or binary form when sent as `application/octet-stream` |
///
/// ```swift
/// let format = EngineIOPollingFormat(version: .v3, base64: nil)    // .v3(binary: true)
/// let body = format.encode([.binary(ByteBuffer(bytes: [1]))])       // binary form, isBinary
/// ```
public enum EngineIOPollingFormat: Sendable, Hashable {
    /// Engine.IO v4.
    case v4
    /// Engine.IO v3; `binary`: the client takes binary payloads (it did not
    /// ask for base64 with `b64` at its handshake: XHR2 browsers, Node,
    /// python-engineio).
    case v3(binary: Bool)

    /// The format for a handshake of `version` whose `b64` parameter is
    /// `base64` (any value asks for base64, as in the reference).
    public init(version: EngineIOProtocolVersion, base64: String?) {
        switch version {
        case .v4: self = .v4
        case .v3: self = .v3(binary: base64 == nil)
        }
    }

    /// The protocol revision this format belongs to.
    public var version: EngineIOProtocolVersion {
        switch self {
        case .v4: .v4
        case .v3: .v3
        }
    }

    /// The body of a GET response carrying `packets`.
    public func encode(_ packets: some Collection<EngineIOPacket>) -> EngineIOPollingBody {
        switch self {
        case .v4:
            return EngineIOPollingBody(bytes: EngineIOPayload.encode(packets), isBinary: false)
        case .v3(let binary):
            if binary && packets.contains(where: \.isBinary) {
                return EngineIOPollingBody(bytes: EngineIOPayloadV3.encodeBinary(packets), isBinary: true)
            }
            return EngineIOPollingBody(bytes: EngineIOPayloadV3.encodeText(packets), isBinary: false)
        }
    }

    /// The packets of a POST body; `octetStream`: it was sent as
    /// `application/octet-stream` (the v3 binary form).
    public func decode(_ body: ByteBuffer, octetStream: Bool, maxPackets: Int) throws(EngineIODecodingError) -> [EngineIOPacket] {
        switch self {
        case .v4:
            return try EngineIOPayload.decode(body, maxPackets: maxPackets)
        case .v3:
            if octetStream { return try EngineIOPayloadV3.decodeBinary(body, maxPackets: maxPackets) }
            return try EngineIOPayloadV3.decodeText(body, maxPackets: maxPackets)
        }
    }
}

/// A polling response body and whether it is the binary form (sent as
/// `application/octet-stream` rather than text).
public struct EngineIOPollingBody: Sendable, Hashable {
    /// The bytes of the body.
    public var bytes: ByteBuffer
    /// True for the v3 binary payload form.
    public var isBinary: Bool

    /// A body.
    public init(bytes: ByteBuffer, isBinary: Bool) {
        self.bytes = bytes
        self.isBinary = isBinary
    }
}
