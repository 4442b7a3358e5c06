public import NIOCore

/// Bad WebSocket input that the server and the client must both refuse,
/// with the same close code: each suite sends every case to its endpoint
/// (masked, as a client writes, to the server; unmasked to the client) and
/// expects a close frame with ``closeCode``.
///
/// The limit is ``maxMessageSize`` (configure the endpoint with it); the
/// cases marked ``deflate`` need permessage-deflate agreed.
public struct WebSocketBadInput: Sendable, CustomStringConvertible {
    /// The message size limit the cases assume.
    public static let maxMessageSize = 1000

    /// What is wrong.
    public let name: String
    /// The close code both endpoints answer with.
    public let closeCode: UInt16
    /// Whether the case needs permessage-deflate agreed.
    public let deflate: Bool
    private let frames: [Frame]

    /// The case's name.
    public var description: String { name }

    /// The bytes, masked as a client masks them (`masked`) or not (as a
    /// server writes them); a frame marked `wrongMask` does the opposite.
    public func bytes(masked: Bool) -> ByteBuffer {
        var out = ByteBuffer()
        for frame in frames { out.writeBytes(frame.bytes(masked: masked != frame.wrongMask)) }
        return out
    }

    /// Every case.
    public static let all: [WebSocketBadInput] = framing + fragments + controls + payloads

    static let framing: [WebSocketBadInput] = [
        .init("a frame masked the wrong way", 1002, [Frame(0x81, text("4x"), wrongMask: true)]),
        .init("RSV2 on a text frame", 1002, [Frame(0xA1, text("4x"))]),
        .init("RSV3 on a binary frame", 1002, [Frame(0x92, [1])]),
        .init("RSV1 without permessage-deflate", 1002, [Frame(0xC1, text("4x"))]),
        .init("RSV1 on a ping, deflate agreed", 1002, [Frame(0xC9, [])], deflate: true),
        .init("RSV1 on a close, deflate agreed", 1002, [Frame(0xC8, [0x03, 0xE8])], deflate: true),
        .init("unknown data opcode 3", 1002, [Frame(0x83, [])]),
        .init("unknown control opcode 0xB", 1002, [Frame(0x8B, [])]),
        .init("a 64-bit length with its top bit set", 1002, [Frame(0x82, [], rawLength: [127, 0x80, 0, 0, 0, 0, 0, 0, 1])]),
    ]

    static let fragments: [WebSocketBadInput] = [
        .init("a continuation outside a message", 1002, [Frame(0x80, text("x"))]),
        .init("a new message inside a fragmented one", 1002, [Frame(0x01, text("4a")), Frame(0x81, text("4b"))]),
        .init("RSV1 on a continuation, deflate agreed", 1002, [Frame(0x01, text("4a")), Frame(0xC0, text("b"))], deflate: true),
        .init("a fragmented ping", 1002, [Frame(0x09, [])]),
        .init("a ping of 126 bytes", 1002, [Frame(0x89, Array(repeating: 1, count: 126))]),
        .init("a frame over the limit", 1009, [Frame(0x81, text("4") + Array(repeating: 0x61, count: maxMessageSize))]),
        .init("fragments over the limit", 1009, [
            Frame(0x01, text("4") + Array(repeating: 0x61, count: 600)),
            Frame(0x80, Array(repeating: 0x61, count: 600)),
        ]),
    ]

    static let controls: [WebSocketBadInput] = [
        .init("a close payload of one byte", 1002, [Frame(0x88, [0x03])]),
        .init("close code 999", 1002, [Frame(0x88, [0x03, 0xE7])]),
        .init("close code 1004 (reserved)", 1002, [Frame(0x88, [0x03, 0xEC])]),
        .init("close code 1005 (never sent)", 1002, [Frame(0x88, [0x03, 0xED])]),
        .init("close code 1006 (never sent)", 1002, [Frame(0x88, [0x03, 0xEE])]),
        .init("close code 1015 (never sent)", 1002, [Frame(0x88, [0x03, 0xF7])]),
        .init("close code 2999", 1002, [Frame(0x88, [0x0B, 0xB7])]),
        .init("close code 5000", 1002, [Frame(0x88, [0x13, 0x88])]),
        .init("a close reason that is not UTF-8", 1007, [Frame(0x88, [0x03, 0xE8, 0xC0, 0xAF])]),
    ]

    static let payloads: [WebSocketBadInput] = [
        .init("a text message that is not UTF-8", 1007, [Frame(0x81, [0x34, 0xC0, 0xAF])]),
        .init("fragments that join to invalid UTF-8", 1007, [Frame(0x01, [0x34, 0xE2, 0x82]), Frame(0x80, [0x28])]),
        .init("a compressed message that does not inflate", 1007, [Frame(0xC1, [0xFF, 0xFF, 0xFF, 0xFF])], deflate: true),
        // "4" and 1999 "a": 18 bytes on the wire, 2000 inflated.
        .init("a compressed message that inflates over the limit", 1009, [Frame(0xC1, [
            0x32, 0x49, 0x1C, 0x05, 0xA3, 0x60, 0x14, 0x8C, 0x82, 0x51, 0x30, 0x0A, 0x46, 0xC1, 0x50, 0x07, 0x00, 0x00,
        ])], deflate: true),
    ]

    private init(_ name: String, _ closeCode: UInt16, _ frames: [Frame], deflate: Bool = false) {
        self.name = name
        self.closeCode = closeCode
        self.deflate = deflate
        self.frames = frames
    }

    private static func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    /// One frame: its first byte (FIN, RSV bits, opcode) and payload.
    struct Frame: Sendable {
        var first: UInt8
        var payload: [UInt8]
        var wrongMask = false
        /// The length bytes to write instead of the payload's (the mask
        /// bit is added), for a header no real payload could have.
        var rawLength: [UInt8]?

        init(_ first: UInt8, _ payload: [UInt8], wrongMask: Bool = false, rawLength: [UInt8]? = nil) {
            self.first = first
            self.payload = payload
            self.wrongMask = wrongMask
            self.rawLength = rawLength
        }

        func bytes(masked: Bool) -> [UInt8] {
            let maskBit: UInt8 = masked ? 0x80 : 0
            var bytes = [first]
            if let rawLength {
                return bytes + [maskBit | rawLength[0]] + rawLength.dropFirst()
            }
            if payload.count < 126 {
                bytes.append(maskBit | UInt8(payload.count))
            } else {
                bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
            }
            guard masked else { return bytes + payload }
            let key: [UInt8] = [0x37, 0x12, 0xA5, 0xF0]
            return bytes + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        }
    }
}
