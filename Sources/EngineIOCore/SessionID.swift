/// Engine.IO session ids (and Socket.IO socket ids): 15 characters of the
/// URL-safe base64 alphabet, so they need no escaping in a query string or
/// a cookie.
///
/// The first character names the event-loop shard that owns the session
/// (its index in the alphabet): any request carrying the sid finds its
/// session's owner without a global lock. The other 14 characters carry 84
/// random bits from the system generator, so a sid cannot be guessed.
///
/// Why 15 and not the reference server's 20: a Swift string of up to 15
/// UTF-8 bytes is stored inline, so an id costs no allocation, and servers
/// holding tens of thousands of sessions keep two ids per connection.
/// Clients treat the sid as an opaque string of any length.
///
/// ```swift
/// var rng = SystemRandomNumberGenerator()
/// let sid = SessionID.make(shard: 1, using: &rng)   // "B..." (15 chars)
/// SessionID.shard(of: sid)                          // 1
/// ```
public enum SessionID {
    /// The URL-safe base64 alphabet.
    public static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Length of every id.
    public static let length = 15
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
