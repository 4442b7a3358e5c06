import NIOCore
public import RoomEngine

/// The relay message decoder as the fuzz target `fuzz-relay` sees it
/// (Fuzz/, through `@_spi(Fuzzing) import RoomEngineSocketIO`): relay
/// messages are bytes from Redis, which any client of that Redis can
/// publish on a node's channel.
///
/// ```swift
/// if case .mismatch(let why) = RelayMessageFuzzing.check(bytes) { fatalError(why) }
/// ```
@_spi(Fuzzing)
public enum RelayMessageFuzzing {
    /// What one input did.
    public enum Outcome: Sendable {
        /// Refused with a room error (truncated, malformed, out of range).
        case refused(RoomError)
        /// Decoded, and the decoding of its encoding is the same message.
        case roundTripped
        /// A property failed: why.
        case mismatch(String)
    }

    /// Decodes `bytes`; when that works, checks that the message's encoding
    /// decodes to the same message.
    public static func check(_ bytes: [UInt8]) -> Outcome {
        let message: RelayMessage
        do {
            message = try RelayMessage(decoding: ByteBuffer(bytes: bytes))
        } catch {
            return .refused(error)
        }
        let encoded = message.encoded()
        do {
            let again = try RelayMessage(decoding: encoded)
            return again == message ? .roundTripped : .mismatch("decode(encode(m)) != m for \(message)")
        } catch {
            return .mismatch("the encoding of \(message) does not decode: \(error)")
        }
    }
}
