/// The 64-bit FNV-1a hash the engine uses to fingerprint room states.
///
/// A room's `stateHash` is FNV-1a-64 over the state's canonical bytes
/// (``RoomState/encodeState()``): offset basis `0xcbf29ce484222325`, prime
/// `0x100000001b3`, for each byte `hash = (hash ^ byte) &* prime`. It is not
/// cryptographic; it exists so that recordings, replays and peers can compare
/// a whole state by one number. Because the encoding is canonical, equal
/// states hash equally on every platform.
///
/// ```swift
/// StateHash.fnv1a64(Array("a".utf8)) == 0xaf63dc4c8601ec8c   // true
/// ```
public enum StateHash {
    /// The FNV-1a 64-bit offset basis.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV-1a 64-bit prime.
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Hashes `bytes` with 64-bit FNV-1a.
    @inlinable
    public static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        fold(bytes, into: offsetBasis)
    }

    /// Continues an FNV-1a-64 `hash` over `bytes`: hashing a byte string in
    /// pieces, in order, gives its hash (a digest kept up to date as a run
    /// grows, as the whiteboard keeps one of each stroke's points).
    ///
    /// ```swift
    /// StateHash.fold([0x62], into: StateHash.fnv1a64([0x61])) == StateHash.fnv1a64([0x61, 0x62])   // true
    /// ```
    @inlinable
    public static func fold(_ bytes: [UInt8], into hash: UInt64) -> UInt64 {
        bytes.withUnsafeBytes { fold($0, into: hash) }
    }

    /// Continues an FNV-1a-64 `hash` over the bytes of `buffer`.
    @inlinable
    public static func fold(_ buffer: UnsafeRawBufferPointer, into hash: UInt64) -> UInt64 {
        var hash = hash
        for byte in buffer {
            hash ^= UInt64(byte)
            hash = hash &* prime
        }
        return hash
    }
}
