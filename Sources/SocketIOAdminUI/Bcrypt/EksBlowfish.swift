/// Blowfish with bcrypt's expensive key schedule ("EksBlowfishSetup"):
/// the state after 2^cost rounds of expanding the key and the salt.
///
/// The state is one array: the P-array (18 words) then the four S-boxes
/// (256 words each), worked on through one buffer pointer per expansion.
struct EksBlowfish {
    private static let sBoxes = 18
    private var state: [UInt32]

    init(cost: Int, salt: [UInt8], key: [UInt8]) {
        state = BlowfishTables.p + BlowfishTables.s0 + BlowfishTables.s1 + BlowfishTables.s2 + BlowfishTables.s3
        var saltWords: [UInt32] = []
        for index in stride(from: 0, to: salt.count, by: 4) {
            var word: UInt32 = 0
            for byte in salt[index..<index + 4] { word = word << 8 | UInt32(byte) }
            saltWords.append(word)
        }
        state.withUnsafeMutableBufferPointer { state in
            Self.expand(state, key: key, salt: saltWords)
            for _ in 0..<(1 << cost) {
                Self.expand(state, key: key, salt: [])
                Self.expand(state, key: salt, salt: [])
            }
        }
    }

    /// One 64-bit block through the 16 rounds.
    func encrypt(_ left: UInt32, _ right: UInt32) -> (UInt32, UInt32) {
        state.withUnsafeBufferPointer { Self.encrypt(left, right, $0) }
    }

    /// XORs the key (read cyclically, 32 bits at a time) into the P-array,
    /// then replaces P and the S-boxes with successive encryptions of a block
    /// XORed before each one with the next two salt words (cycled; none when
    /// `salt` is empty).
    private static func expand(_ state: UnsafeMutableBufferPointer<UInt32>, key: [UInt8], salt: [UInt32]) {
        var position = 0
        for index in 0..<18 {
            var word: UInt32 = 0
            for _ in 0..<4 {
                word = word << 8 | UInt32(key[position])
                position = position + 1 == key.count ? 0 : position + 1
            }
            state[index] ^= word
        }
        var left: UInt32 = 0
        var right: UInt32 = 0
        var saltIndex = 0
        for index in stride(from: 0, to: state.count, by: 2) {
            if !salt.isEmpty {
                left ^= salt[saltIndex]
                right ^= salt[saltIndex + 1]
                saltIndex = (saltIndex + 2) % salt.count
            }
            (left, right) = encrypt(left, right, UnsafeBufferPointer(state))
            state[index] = left
            state[index + 1] = right
        }
    }

    @inline(__always)
    private static func encrypt(_ left: UInt32, _ right: UInt32, _ state: UnsafeBufferPointer<UInt32>) -> (UInt32, UInt32) {
        var l = left
        var r = right
        for round in stride(from: 0, to: 16, by: 2) {
            l ^= state[round]
            r ^= f(l, state)
            r ^= state[round + 1]
            l ^= f(r, state)
        }
        return (r ^ state[17], l ^ state[16])
    }

    @inline(__always)
    private static func f(_ x: UInt32, _ state: UnsafeBufferPointer<UInt32>) -> UInt32 {
        let a = state[sBoxes + Int(x >> 24)]
        let b = state[sBoxes + 256 + Int((x >> 16) & 0xff)]
        let c = state[sBoxes + 512 + Int((x >> 8) & 0xff)]
        let d = state[sBoxes + 768 + Int(x & 0xff)]
        return ((a &+ b) ^ c) &+ d
    }
}
