import NIOCore
public import RoomEngine

/// The relay's decoder (``RelayEnvelope`` and the ``RelayMessage`` in it)
/// as the fuzz target `fuzz-relay` sees it
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

    /// Decodes `bytes` as what a node's relay channel carries; when that
    /// works, checks that its encoding decodes to the same envelope (by
    /// bytes: a NaN in a reply is not equal to itself, its bits are).
    public static func check(_ bytes: [UInt8]) -> Outcome {
        let envelope: RelayEnvelope
        do throws(RoomError) {
            envelope = try RelayEnvelope(decoding: ByteBuffer(bytes: bytes))
        } catch {
            return .refused(error)
        }
        do throws(RoomError) {
            let encoded = envelope.encoded()
            let again = try RelayEnvelope(decoding: encoded)
            return again.encoded() == encoded ? .roundTripped : .mismatch("encode(decode(encode(m))) != encode(m) for \(envelope)")
        } catch {
            return .mismatch("the encoding of \(envelope) does not decode: \(error)")
        }
    }
}
