import EngineIOCore
import NIOCore
import NIOPosix
import ZlibCompression

/// permessage-deflate for one WebSocket connection of the client, with the
/// zlib state shared where the protocol allows it.
///
/// - Compressing: the client always compresses each message from a fresh
///   context (a sender may always choose not to refer to earlier messages),
///   so one compressor per thread, per window size, serves every connection
///   on that event loop. A load generator of thousands of clients thus holds
///   a handful of deflate states, not one (256 KiB) per client.
/// - Inflating: when the server agreed to `server_no_context_takeover`
///   (ours always does) one inflater per thread serves every connection;
///   otherwise the connection gets its own, allocated on the first
///   compressed message.
///
/// The connection's message assembler inflates through it
/// (``WebSocketMessageInflater``), with the assembler's size limit.
///
/// Loop-confined, like the connection's handler.
final class MessageDeflater: WebSocketMessageInflater {
    let agreement: PerMessageDeflateAgreement
    let threshold: Int
    private var ownInflater: PerMessageDeflateDecompressor?

    init(agreement: PerMessageDeflateAgreement, threshold: Int) {
        self.agreement = agreement
        self.threshold = threshold
    }

    /// Whether a message of `length` bytes, allowed to be compressed, is
    /// worth compressing.
    func shouldCompress(length: Int, allowed: Bool) -> Bool {
        allowed && length >= threshold
    }

    /// The compressed payload of a whole message.
    func compress(_ message: ByteBuffer) throws(ZlibError) -> ByteBuffer {
        let windowBits = max(9, min(15, agreement.clientToServer.maxWindowBits))
        return try ThreadDeflateState.current.compressor(windowBits: windowBits).compress(message)
    }

    /// The inflated message, never larger than `maximumSize`.
    func decompress(_ payload: ByteBuffer, maximumSize: Int) throws(ZlibError) -> ByteBuffer {
        let inflater: PerMessageDeflateDecompressor
        if agreement.serverToClient.noContextTakeover {
            inflater = ThreadDeflateState.current.sharedInflater
        } else if let ownInflater {
            inflater = ownInflater
        } else {
            inflater = PerMessageDeflateDecompressor(parameters: agreement.serverToClient)
            ownInflater = inflater
        }
        return try inflater.decompress(payload, maximumSize: maximumSize)
    }

    /// ``decompress(_:maximumSize:)`` with zlib's errors as the failures
    /// they close the connection with.
    func inflate(_ payload: ByteBuffer, maximumSize: Int) throws(WebSocketFailure) -> ByteBuffer {
        do {
            return try decompress(payload, maximumSize: maximumSize)
        } catch {
            throw WebSocketFailure(closeCode: error.webSocketCloseCode, reason: "inflate: \(error)")
        }
    }
}

/// zlib states shared by the connections of one thread (one event loop).
///
/// `@unchecked Sendable` only so that it can sit in a
/// `ThreadSpecificVariable`: each instance is created, used and kept by one
/// thread and never seen by another.
private final class ThreadDeflateState: @unchecked Sendable {
    private static let storage = ThreadSpecificVariable<ThreadDeflateState>()

    private var compressors: [Int: PerMessageDeflateCompressor] = [:]
    /// Resets before every message, so messages of different connections
    /// never share history.
    let sharedInflater = PerMessageDeflateDecompressor(windowBits: 15, noContextTakeover: true)

    static var current: ThreadDeflateState {
        if let state = storage.currentValue { return state }
        let state = ThreadDeflateState()
        storage.currentValue = state
        return state
    }

    func compressor(windowBits: Int) -> PerMessageDeflateCompressor {
        if let existing = compressors[windowBits] { return existing }
        let compressor = PerMessageDeflateCompressor(
            configuration: .init(windowBits: windowBits, noContextTakeover: true)
        )
        compressors[windowBits] = compressor
        return compressor
    }
}
