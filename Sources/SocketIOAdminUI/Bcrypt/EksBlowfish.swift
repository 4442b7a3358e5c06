/// Blowfish with bcrypt's expensive key schedule ("EksBlowfishSetup"):
/// the state after 2^cost rounds of expanding the key and the salt.
struct EksBlowfish {
    private var p: [UInt32]
    /// The four S-boxes, one after the other (1024 words).
    private var s: [UInt32]

    init(cost: Int, salt: [UInt8], key: [UInt8]) {
        p = BlowfishTables.p
        s = BlowfishTables.s0 + BlowfishTables.s1 + BlowfishTables.s2 + BlowfishTables.s3
        let saltWords = Self.words(of: salt)
        expand(key: key, salt: saltWords)
        let keyOnly: [UInt32] = []
        let saltAsKey = salt
        for _ in 0..<(1 << cost) {
            expand(key: key, salt: keyOnly)
            expand(key: saltAsKey, salt: keyOnly)
        }
    }

    /// The salt as four big-endian words.
    private static func words(of salt: [UInt8]) -> [UInt32] {
        stride(from: 0, to: salt.count, by: 4).map { index in
            UInt32(salt[index]) << 24 | UInt32(salt[index + 1]) << 16 | UInt32(salt[index + 2]) << 8 | UInt32(salt[index + 3])
        }
    }

    /// The next 32 bits of `key`, read cyclically from `position`.
    private static func streamWord(_ key: [UInt8], _ position: inout Int) -> UInt32 {
        var word: UInt32 = 0
        for _ in 0..<4 {
            word = word << 8 | UInt32(key[position])
            position = position + 1 == key.count ? 0 : position + 1
        }
        return word
    }

    /// XORs the key into the P-array, then replaces P and S with successive
    /// encryptions of a block that is XORed with the salt's words (cycled)
    /// before each one; an empty salt is all zero.
    private mutating func expand(key: [UInt8], salt: [UInt32]) {
        var position = 0
        for index in 0..<18 { p[index] ^= Self.streamWord(key, &position) }
        var left: UInt32 = 0
        var right: UInt32 = 0
        var saltIndex = 0
        func mix() {
            guard !salt.isEmpty else { return }
            left ^= salt[saltIndex]
            right ^= salt[saltIndex + 1]
            saltIndex = (saltIndex + 2) % salt.count
        }
        for index in stride(from: 0, to: 18, by: 2) {
            mix()
            (left, right) = encrypt(left, right)
            p[index] = left
            p[index + 1] = right
        }
        for index in stride(from: 0, to: 1024, by: 2) {
            mix()
            (left, right) = encrypt(left, right)
            s[index] = left
            s[index + 1] = right
        }
    }

    /// One 64-bit block through the 16 rounds.
    func encrypt(_ left: UInt32, _ right: UInt32) -> (UInt32, UInt32) {
        p.withUnsafeBufferPointer { p in
            s.withUnsafeBufferPointer { s in
                var l = left
                var r = right
                for round in stride(from: 0, to: 16, by: 2) {
                    l ^= p[round]
                    r ^= Self.f(l, s)
                    r ^= p[round + 1]
                    l ^= Self.f(r, s)
                }
                return (r ^ p[17], l ^ p[16])
            }
        }
    }

    @inline(__always)
    private static func f(_ x: UInt32, _ s: UnsafeBufferPointer<UInt32>) -> UInt32 {
        let a = s[Int(x >> 24)]
        let b = s[256 + Int((x >> 16) & 0xff)]
        let c = s[512 + Int((x >> 8) & 0xff)]
        let d = s[768 + Int(x & 0xff)]
        return ((a &+ b) ^ c) &+ d
    }
}
