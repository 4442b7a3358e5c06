import MessagePack
import NIOCore

/// Bytes from a hex string (spaces allowed), for fixtures copied from the spec.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd hex string")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// The encoder's bytes for `value`.
func encoded(_ value: MessagePackValue) -> [UInt8] {
    Array(MessagePackEncoder().encode(value).readableBytesView)
}

/// Decodes `bytes` with default limits.
func decoded(_ bytes: [UInt8], notepack: Bool = false) throws(MessagePackDecodingError) -> MessagePackValue {
    try MessagePackDecoder(readsNotepackArrayBuffersAsBinary: notepack).decode(bytes)
}

/// The decoding error for `bytes`, or nil when they decode.
func decodingError(_ bytes: [UInt8], limits: MessagePackDecoder.Limits = .init()) -> MessagePackDecodingError? {
    do {
        _ = try MessagePackDecoder(limits: limits).decode(bytes)
        return nil
    } catch {
        return error
    }
}

/// A binary value holding `bytes`.
func bin(_ bytes: [UInt8]) -> MessagePackValue {
    .binary(ByteBuffer(bytes: bytes))
}

/// Bytes written by one of the `ByteBuffer` writers.
func written(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
    var buffer = ByteBuffer()
    write(&buffer)
    return Array(buffer.readableBytesView)
}
