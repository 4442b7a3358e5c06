public import NIOCore

/// Inflates the compressed messages of a connection that agreed to
/// permessage-deflate (RFC 7692), for a ``WebSocketMessageAssembler``.
///
/// The seam between the assembler (pure, NIOCore only) and zlib: the
/// server and the client each hand it their connection's decompressor.
public protocol WebSocketMessageInflater {
    /// The message that `payload` (a whole message's compressed bytes, as
    /// its frames carried them) inflates to, never more than `maximumSize`
    /// bytes.
    ///
    /// - Throws: ``WebSocketFailure``: 1009 when the message would exceed
    ///   `maximumSize`, 1007 when the bytes do not inflate, 1011 for a
    ///   failure of our own (zlib could not allocate).
    func inflate(_ payload: ByteBuffer, maximumSize: Int) throws(WebSocketFailure) -> ByteBuffer
}
