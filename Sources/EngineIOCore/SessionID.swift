/// Engine.IO session ids: 20 characters of the URL-safe base64 alphabet, as
/// the reference server's `base64id` makes them, so they need no escaping in
/// a query string or a cookie.
///
/// The first character names the event-loop shard that owns the session
/// (its index in the alphabet): any request carrying the sid finds its
/// session's owner without a global lock. The other 19 characters carry 114
/// random bits from the system generator, so a sid cannot be guessed.
///
/// ```swift
/// var rng = SystemRandomNumberGenerator()
/// let sid = SessionID.make(shard: 1, using: &rng)   // "B..." (20 chars)
/// SessionID.shard(of: sid)                          // 1
/// ```
public enum SessionID {
    /// The URL-safe base64 alphabet.
    public static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Length of every id.
    public static let length = 20
    /// Shards an id can name.
    public static let maxShards = 64

    /// A new id owned by `shard` (0 ..< 64).
    public static func make(shard: Int, using rng: inout some RandomNumberGenerator) -> String {
        precondition(shard >= 0 && shard < maxShards)
        var bytes = [UInt8](repeating: 0, count: length)
        bytes[0] = alphabet[shard]
        var bits: UInt64 = 0
        var available = 0
        for index in 1..<length {
            if available < 6 {
                bits = rng.next()
                available = 64
            }
            bytes[index] = alphabet[Int(bits & 63)]
            bits >>= 6
            available -= 6
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The shard an id names, or nil when it is not an id of this form.
    public static func shard(of sid: Substring) -> Int? {
        guard sid.utf8.count == length, let first = sid.utf8.first else { return nil }
        for byte in sid.utf8 where !isAlphabet(byte) { return nil }
        return alphabet.firstIndex(of: first)
    }

    /// ``shard(of:)`` for a `String`.
    public static func shard(of sid: String) -> Int? { shard(of: Substring(sid)) }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}
