/// Why a JSON text was rejected, and where.
///
/// The offset lets a server log the exact byte a misbehaving client got
/// wrong without echoing the (possibly large, possibly hostile) payload.
public struct JSONParseError: Error, Hashable, Sendable {
    /// The kind of problem.
    public enum Reason: Hashable, Sendable {
        /// The text ended in the middle of a value (or was empty).
        case unexpectedEndOfInput
        /// A byte that cannot start or continue a value at this point.
        case unexpectedByte(UInt8)
        /// A number that does not follow the RFC 8259 grammar (`01`, `1.`, `-`, `1e`).
        case invalidNumber
        /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
        case invalidEscape
        /// A raw control character (below U+0020) inside a string.
        case unescapedControlCharacter
        /// Bytes that are not well-formed UTF-8 (overlong forms, surrogates,
        /// truncated sequences, code points above U+10FFFF).
        case invalidUTF8
        /// Arrays and objects nested deeper than the configured limit.
        case nestingTooDeep(limit: Int)
        /// Non-whitespace bytes after a complete value.
        case trailingData
    }

    /// The kind of problem.
    public var reason: Reason
    /// Byte offset from the start of the parsed text.
    public var offset: Int

    /// Creates an error; public so that layers above can build expected values in tests.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }
}

extension JSONParseError: CustomStringConvertible {
    /// A short human-readable explanation including the byte offset.
    public var description: String {
        let what: String
        switch self.reason {
        case .unexpectedEndOfInput: what = "unexpected end of input"
        case .unexpectedByte(let byte): what = "unexpected byte 0x\(String(byte, radix: 16))"
        case .invalidNumber: what = "invalid number"
        case .invalidEscape: what = "invalid escape sequence"
        case .unescapedControlCharacter: what = "unescaped control character in string"
        case .invalidUTF8: what = "invalid UTF-8"
        case .nestingTooDeep(let limit): what = "nesting deeper than \(limit) levels"
        case .trailingData: what = "unexpected data after the JSON value"
        }
        return "invalid JSON at byte \(self.offset): \(what)"
    }
}

/// Limits applied while parsing untrusted JSON.
public struct JSONParsingOptions: Sendable, Hashable {
    /// The default nesting limit (arrays and objects), matching common
    /// server-side parsers and far above what real payloads use.
    public static let defaultMaximumDepth = 128

    /// Maximum number of nested arrays/objects; deeper input is rejected with
    /// ``JSONParseError/Reason/nestingTooDeep(limit:)`` instead of risking the stack.
    public var maximumDepth: Int

    /// Creates options; the defaults suit Socket.IO payloads.
    public init(maximumDepth: Int = JSONParsingOptions.defaultMaximumDepth) {
        self.maximumDepth = maximumDepth
    }
}
