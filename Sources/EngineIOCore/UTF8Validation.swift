public import NIOCore

/// Checks that bytes are well-formed UTF-8 (RFC 3629: no overlongs, no
/// surrogates, nothing above U+10FFFF) without building a `String`.
///
/// A WebSocket text frame with invalid UTF-8 must fail the connection
/// (RFC 6455 section 8.1), and a server that forwards text it never decodes
/// should not pay for a `String` just to check it.
///
/// ```swift
/// UTF8Validation.isValid(ByteBuffer(bytes: [0xE2, 0x82, 0xAC]))  // "€": true
/// UTF8Validation.isValid(ByteBuffer(bytes: [0xC0, 0xAF]))        // overlong: false
/// ```
public enum UTF8Validation {
    /// True when every byte of `buffer` belongs to a well-formed sequence.
    public static func isValid(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { isValid($0) }
    }

    /// True when `bytes` are well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            if b0 < 0xC2 { return false }
            if b0 < 0xE0 {
                guard i + 1 < n, bytes[i + 1] & 0xC0 == 0x80 else { return false }
                i += 2
                continue
            }
            if b0 < 0xF0 {
                guard i + 2 < n else { return false }
                let b1 = bytes[i + 1]
                let b2 = bytes[i + 2]
                guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return false }
                if b0 == 0xE0, b1 < 0xA0 { return false }  // overlong
                if b0 == 0xED, b1 >= 0xA0 { return false }  // surrogate
                i += 3
                continue
            }
            if b0 < 0xF5 {
                guard i + 3 < n else { return false }
                let b1 = bytes[i + 1]
                guard b1 & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80, bytes[i + 3] & 0xC0 == 0x80 else { return false }
                if b0 == 0xF0, b1 < 0x90 { return false }  // overlong
                if b0 == 0xF4, b1 >= 0x90 { return false }  // above U+10FFFF
                i += 4
                continue
            }
            return false
        }
        return true
    }
}
