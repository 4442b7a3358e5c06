/// A `Codable` value whose ``BinaryCodable`` form is the engine's canonical
/// encoding of `Codable` values (``CanonicalEncoder``): declare a logic's
/// state, input or operation type `CanonicalCodable` and let Swift
/// synthesize `Codable`, instead of writing ``BinaryEncodable/encode(into:)``
/// and ``BinaryDecodable/init(from:)`` by hand.
///
/// The engine then uses the same bytes for everything it does with the
/// type: state hashes, snapshots, recording, replay, and the binary
/// attachments clients send and receive. Equal values give equal bytes
/// (fields sorted by key, dictionaries and sets sorted by their encoded
/// keys, fixed-width little-endian integers), so hashes and replays stay
/// deterministic. The layout is in `docs/writing-a-room.md`.
///
/// Hand-written codecs stay the fast path (a large state that is hashed
/// every tick at a high rate wants one); this one suits turn-based and
/// card games, small states and anything being prototyped. Decoding is
/// strict (trailing bytes, unknown fields, out-of-order keys and non-0/1
/// booleans are malformed) and bounded (no count or length larger than the
/// bytes left, nesting at most ``CanonicalDecoder/maxDepth`` deep), because
/// inputs come from untrusted clients.
///
/// ```swift
/// enum DuelInput: RoomInput, CanonicalCodable {
///     case choose(Hand)
///     var inputClass: InputClass { .reliable }
/// }
/// let bytes = DuelInput.choose(.rock).encodedBytes()     // what a client sends
/// let input = try DuelInput(decoding: bytes)
/// ```
public protocol CanonicalCodable: Codable, BinaryCodable {
    /// Checks a decoded value's ranges (a coordinate on the board, a card in
    /// the deck): throw ``RoomError/outOfRange(_:)`` and the input is refused
    /// before it is queued. Called after every decode of the type, nested
    /// values included. The default accepts everything.
    func validate() throws(RoomError)
}

extension CanonicalCodable {
    /// Accepts every value.
    @inlinable
    public func validate() throws(RoomError) {}

    /// Appends the canonical encoding of `self`.
    ///
    /// A value whose `encode(to:)` throws (its own error, or `encodeNil`
    /// outside an `Optional`) is a programming error and stops the program
    /// with the reason: a state or operation must always be encodable.
    public func encode(into writer: inout BinaryWriter) {
        do {
            try CanonicalEncoder().encode(self, into: &writer)
        } catch {
            preconditionFailure("\(Self.self) has no canonical encoding: \(error)")
        }
    }

    /// Reads one value in the canonical encoding (and ``validate()``s it),
    /// leaving the reader after it.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        self = try CanonicalDecoder().decode(Self.self, from: &reader)
    }
}
