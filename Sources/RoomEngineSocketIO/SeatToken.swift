import RoomEngine

/// The seat a join answer hands a member: an opaque string the member's
/// client presents in `rejoin` to take its seat back from a new socket.
///
/// Layout (opaque to clients, `docs/room-protocol.md`): 22 characters of
/// base64url carrying 128 random bits (the secret, kept by the member's
/// fan-out), a dot, the room's identifier (so the service finds the room
/// without a table of its own). At most ``maxLength`` characters.
///
/// ```swift
/// let secret = SeatToken.newSecret()
/// let token = SeatToken(secret: secret, room: "whiteboard-1")
/// SeatToken(parsing: token.text)?.room   // "whiteboard-1"
/// ```
struct SeatToken: Equatable, Sendable {
    /// The longest token `rejoin` accepts.
    static let maxLength = 128
    private static let secretLength = 22
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The random part, compared in constant time.
    let secret: String
    /// The room that holds the seat.
    let room: RoomID

    /// A token for a seat of `room`.
    init(secret: String, room: RoomID) {
        self.secret = secret
        self.room = room
    }

    /// Reads a token a client sent; nil when it cannot be one of ours.
    init?(parsing text: String) {
        guard text.utf8.count <= Self.maxLength,
              let dot = text.utf8.firstIndex(of: UInt8(ascii: ".")),
              text.utf8.distance(from: text.utf8.startIndex, to: dot) == Self.secretLength else { return nil }
        let secret = String(text[..<dot])
        let room = String(text[text.index(after: dot)...])
        guard !room.isEmpty, secret.utf8.allSatisfy({ Self.alphabet.contains($0) }) else { return nil }
        self.init(secret: secret, room: RoomID(room))
    }

    /// The token as clients see it.
    var text: String { "\(secret).\(room.rawValue)" }

    /// 128 bits from the system's secure generator, base64url without padding.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        // 22 characters of 6 bits: 132 bits drawn, 128 of them needed.
        return secret(from: (0..<secretLength).map { _ in UInt8(truncatingIfNeeded: generator.next() as UInt64) })
    }

    /// A secret spelled from the low 6 bits of each of the first 22 bytes
    /// of `bits` (at least 22: random bytes, or a keyed hash, ``SeatKey``).
    static func secret(from bits: some Sequence<UInt8>) -> String {
        let characters = bits.prefix(secretLength).map { alphabet[Int($0 & 63)] }
        precondition(characters.count == secretLength, "a seat secret needs \(secretLength) bytes")
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether `candidate` is `secret`, in time that does not depend on
    /// where they differ.
    static func matches(_ candidate: String, _ secret: String) -> Bool {
        let a = Array(candidate.utf8), b = Array(secret.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
