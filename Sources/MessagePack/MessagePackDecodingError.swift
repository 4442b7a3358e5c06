/// Why MessagePack input was refused, and where.
///
/// Why a small closed set: the decoder reads untrusted bytes (a client's
/// packet, another server's Redis message); each error names the one rule
/// broken and the byte offset, so a server can log it without echoing the
/// (possibly large, possibly hostile) input, and never crashes or allocates
/// what the input merely claims.
public struct MessagePackDecodingError: Error, Hashable, Sendable {
    /// The kind of problem.
    public enum Reason: Hashable, Sendable {
        /// The input ended inside a value (or was empty); also reported when a
        /// length or count claims more bytes than remain.
        case truncated
        /// The byte `0xc1`, which the specification never uses.
        case reservedByte
        /// A string that is not well-formed UTF-8.
        case invalidUTF8
        /// Arrays and maps nested deeper than ``MessagePackDecoder/Limits/maximumDepth``.
        case depthLimitExceeded(limit: Int)
        /// An array or map announcing more items than
        /// ``MessagePackDecoder/Limits/maximumCollectionCount``.
        case collectionTooLarge(count: Int, limit: Int)
        /// An input larger than ``MessagePackDecoder/Limits/maximumInputSize``.
        case inputTooLarge(size: Int, limit: Int)
        /// Bytes left over after a complete value.
        case trailingBytes
    }

    /// The kind of problem.
    public var reason: Reason
    /// Byte offset from the start of the input.
    public var offset: Int

    /// Creates an error; public so that layers above can build expected values in tests.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }
}

extension MessagePackDecodingError: CustomStringConvertible {
    /// A short explanation with the byte offset.
    public var description: String {
        let what: String
        switch self.reason {
        case .truncated: what = "input ends inside a value"
        case .reservedByte: what = "reserved format byte 0xc1"
        case .invalidUTF8: what = "string is not valid UTF-8"
        case .depthLimitExceeded(let limit): what = "nesting deeper than \(limit) levels"
        case .collectionTooLarge(let count, let limit): what = "collection of \(count) items (limit \(limit))"
        case .inputTooLarge(let size, let limit): what = "input of \(size) bytes (limit \(limit))"
        case .trailingBytes: what = "bytes after the value"
        }
        return "invalid MessagePack at byte \(self.offset): \(what)"
    }
}
