/// bcrypt (Provos and Mazières, 1999) as OpenBSD, Python's `bcrypt` and
/// bcryptjs compute it: hashes `$2a$`, `$2b$` and `$2y$` (the same
/// algorithm for passwords under 256 bytes; all three verify), cost 4...31
/// from the hash, 16-byte salt, password bytes plus a NUL, cut at 72 bytes.
///
/// Pure: no I/O, no global state. Hashing costs 2^cost key expansions, so
/// run it off an event loop (the Admin UI's login does).
///
/// ```swift
/// let hash = try Bcrypt.hash("secret", cost: 10)     // "$2b$10$..."
/// Bcrypt.verify("secret", against: hash)             // true
/// ```
public enum Bcrypt {
    /// What is wrong with a bcrypt hash or parameter.
    ///
    /// ```swift
    /// do { _ = try Bcrypt.hash("x", cost: 3) } catch { print(error) }   // costOutOfRange(3)
    /// ```
    public enum Failure: Error, Hashable, Sendable {
        /// Not `$2a$`/`$2b$`/`$2y$`, two cost digits, `$`, 53 characters of bcrypt's base64.
        case malformedHash
        /// A cost outside 4...31.
        case costOutOfRange(Int)
        /// A salt that is not 16 bytes.
        case badSaltLength(Int)
    }

    /// A parsed hash: version letter, cost, salt and the 23-byte digest.
    struct Parsed: Hashable {
        var version: Character
        var cost: Int
        var salt: [UInt8]
        var digest: [UInt8]
    }

    /// Whether `password` hashes to `hash` (its version, cost and salt);
    /// false for a malformed hash. The digests are compared in constant time.
    ///
    /// ```swift
    /// Bcrypt.verify("secret", against: "$2b$04$...")
    /// ```
    public static func verify(_ password: String, against hash: String) -> Bool {
        guard let parsed = try? parse(hash) else { return false }
        let digest = computeDigest(password: Array(password.utf8), salt: parsed.salt, cost: parsed.cost)
        return constantTimeEqual(digest, parsed.digest)
    }

    /// The bcrypt hash (`$2b$`) of `password` with a random salt.
    ///
    /// ```swift
    /// let stored = try Bcrypt.hash("secret")   // cost 10
    /// ```
    public static func hash(_ password: String, cost: Int = 10) throws(Failure) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return try hash(password, cost: cost, salt: salt)
    }

    /// The bcrypt hash (`$2b$`) of `password` with this salt (16 bytes).
    ///
    /// ```swift
    /// try Bcrypt.hash("secret", cost: 4, salt: Array(repeating: 0, count: 16))
    /// ```
    public static func hash(_ password: String, cost: Int, salt: [UInt8]) throws(Failure) -> String {
        guard (4...31).contains(cost) else { throw .costOutOfRange(cost) }
        guard salt.count == 16 else { throw .badSaltLength(salt.count) }
        let digest = computeDigest(password: Array(password.utf8), salt: salt, cost: cost)
        let costText = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$2b$" + costText + "$" + BcryptBase64.encode(salt) + BcryptBase64.encode(digest)
    }

    /// Whether `hash` is a well-formed bcrypt hash this type verifies.
    ///
    /// ```swift
    /// Bcrypt.isHash("$2y$10$...")   // true
    /// ```
    public static func isHash(_ hash: String) -> Bool { (try? parse(hash)) != nil }

    static func parse(_ hash: String) throws(Failure) -> Parsed {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]),
              bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$"),
              let tens = digit(bytes[4]), let units = digit(bytes[5]) else {
            throw .malformedHash
        }
        let cost = tens * 10 + units
        guard (4...31).contains(cost) else { throw .costOutOfRange(cost) }
        guard let salt = BcryptBase64.decode(bytes[7..<29], count: 16),
              let digest = BcryptBase64.decode(bytes[29..<60], count: 23) else {
            throw .malformedHash
        }
        return Parsed(version: Character(UnicodeScalar(bytes[2])), cost: cost, salt: salt, digest: digest)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// The 23 bytes bcrypt keeps of "OrpheanBeholderScryDoubt" encrypted 64
    /// times under the expensive key schedule.
    static func computeDigest(password: [UInt8], salt: [UInt8], cost: Int) -> [UInt8] {
        var key = password
        key.append(0)
        if key.count > 72 { key.removeLast(key.count - 72) }
        let state = EksBlowfish(cost: cost, salt: salt, key: key)
        var text: [UInt32] = [0x4f72_7068, 0x6561_6e42, 0x6568_6f6c, 0x6465_7253, 0x6372_7944, 0x6f75_6274]
        for _ in 0..<64 {
            for block in stride(from: 0, to: 6, by: 2) {
                (text[block], text[block + 1]) = state.encrypt(text[block], text[block + 1])
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(24)
        for word in text {
            output.append(UInt8(truncatingIfNeeded: word >> 24))
            output.append(UInt8(truncatingIfNeeded: word >> 16))
            output.append(UInt8(truncatingIfNeeded: word >> 8))
            output.append(UInt8(truncatingIfNeeded: word))
        }
        return Array(output.prefix(23))
    }

    /// Equal contents, in a time that depends only on the lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
