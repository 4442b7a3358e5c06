/// bcrypt's base64: alphabet `./A-Za-z0-9`, no padding, bits in the usual order.
enum BcryptBase64 {
    static let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// The characters of `bytes` (22 for a salt, 31 for a digest).
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            if index + 1 < bytes.count { output.append(alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)]) }
            if index + 2 < bytes.count { output.append(alphabet[Int(b2 & 0x3f)]) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `count` bytes from these characters, or nil when one is not in the alphabet.
    static func decode(_ characters: ArraySlice<UInt8>, count: Int) -> [UInt8]? {
        var values: [UInt8] = []
        for character in characters {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            values.append(UInt8(value))
        }
        var output: [UInt8] = []
        var bits: UInt32 = 0
        var bitCount = 0
        for value in values {
            bits = bits << 6 | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                output.append(UInt8(truncatingIfNeeded: bits >> UInt32(bitCount)))
                bits &= (1 << UInt32(bitCount)) - 1
            }
        }
        guard output.count >= count else { return nil }
        return Array(output.prefix(count))
    }
}
