/// Strict UTF-8 well-formedness checks (RFC 3629; Unicode table 3-7): no
/// overlong forms, no encoded surrogates, nothing above U+10FFFF, no
/// truncated sequences. Shared by the JSON parser and the packet decoder.
enum UTF8Validation {
    /// The length of the well-formed sequence whose first byte is at
    /// `position`, or `nil` when it is malformed. ASCII bytes have length 1.
    @inline(__always)
    static func sequenceLength(in bytes: UnsafeRawBufferPointer, at position: Int) -> Int? {
        let lead = bytes[position]
        if lead < 0x80 { return 1 }
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return nil
        }
        guard position + length <= bytes.count, secondRange.contains(bytes[position + 1]) else {
            return nil
        }
        var index = position + 2
        while index < position + length {
            guard bytes[index] & 0xC0 == 0x80 else { return nil }
            index += 1
        }
        return length
    }

    /// `true` when all of `bytes` is well-formed UTF-8.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var position = 0
        while position < bytes.count {
            guard let length = sequenceLength(in: bytes, at: position) else { return false }
            position += length
        }
        return true
    }
}
