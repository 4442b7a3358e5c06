public import NIOCore

/// Standard base64 (RFC 4648, `+/`, padded) over bytes, as Engine.IO uses
/// for binary packets in polling payloads.
///
/// Our own because it writes straight into a `ByteBuffer` and decodes from
/// one with no `Data` or `String` round trip.
///
/// ```swift
/// var out = ByteBuffer()
/// Base64.encode(ByteBuffer(bytes: [1, 2, 3, 4]), into: &out)  // "AQIDBA=="
/// ```
public enum Base64 {
    @usableFromInline static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    @usableFromInline static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Appends the base64 of `bytes` to `buffer`.
    public static func encode(_ bytes: ByteBuffer, into buffer: inout ByteBuffer) {
        let count = bytes.readableBytes
        let outCount = ((count + 2) / 3) * 4
        bytes.withUnsafeReadableBytes { input in
            _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: outCount) { output in
                alphabet.withUnsafeBufferPointer { table in
                    var i = 0
                    var o = 0
                    while i + 3 <= count {
                        let value = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                        output[o] = table[Int(value >> 18 & 63)]
                        output[o + 1] = table[Int(value >> 12 & 63)]
                        output[o + 2] = table[Int(value >> 6 & 63)]
                        output[o + 3] = table[Int(value & 63)]
                        i += 3
                        o += 4
                    }
                    let rest = count - i
                    if rest > 0 {
                        var value = UInt32(input[i]) << 16
                        if rest == 2 { value |= UInt32(input[i + 1]) << 8 }
                        output[o] = table[Int(value >> 18 & 63)]
                        output[o + 1] = table[Int(value >> 12 & 63)]
                        output[o + 2] = rest == 2 ? table[Int(value >> 6 & 63)] : UInt8(ascii: "=")
                        output[o + 3] = UInt8(ascii: "=")
                    }
                }
                return outCount
            }
        }
    }

    /// The bytes that `text` encodes, or nil when it is not valid padded
    /// (or unpadded) base64.
    public static func decode(_ text: ByteBuffer) -> ByteBuffer? {
        text.withUnsafeReadableBytes { input -> ByteBuffer? in
            var count = input.count
            while count > 0, input[count - 1] == UInt8(ascii: "=") { count -= 1 }
            if input.count - count > 2 || count % 4 == 1 { return nil }
            if input.count != count, input.count % 4 != 0 { return nil }
            var out = ByteBuffer()
            let outCount = count * 3 / 4
            let ok = reverse.withUnsafeBufferPointer { table -> Bool in
                var valid = true
                out.writeWithUnsafeMutableBytes(minimumWritableBytes: outCount) { output in
                    var i = 0
                    var o = 0
                    var accumulator: UInt32 = 0
                    var bits = 0
                    while i < count {
                        let value = table[Int(input[i])]
                        if value == 0xFF { valid = false; return 0 }
                        accumulator = accumulator << 6 | UInt32(value)
                        bits += 6
                        if bits >= 8 {
                            bits -= 8
                            output[o] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                            o += 1
                        }
                        i += 1
                    }
                    return o
                }
                return valid
            }
            return ok ? out : nil
        }
    }
}
