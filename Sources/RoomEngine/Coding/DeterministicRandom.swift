/// The seeded pseudo-random source of a room: xoshiro256** seeded by SplitMix64.
///
/// Room logic draws every random number from the generator stored *inside*
/// its state, so the generator's four words are encoded with the state: a
/// replay that starts from a snapshot continues the exact same sequence, and
/// two rooms with the same seed and inputs draw the same numbers.
///
/// The type deliberately does not conform to `RandomNumberGenerator`: the
/// standard library's `random(in:using:)` algorithms are not promised to stay
/// the same across Swift versions, so bounded draws use ``next(below:)``,
/// whose algorithm is fixed here (Lemire's multiply-and-reject).
///
/// ```swift
/// var random = DeterministicRandom(seed: 42)
/// let roll = random.next(below: 6)   // same value on every machine
/// ```
public struct DeterministicRandom: Equatable, Hashable, Sendable, BinaryCodable {
    /// The xoshiro256** state words.
    public private(set) var words: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the generator by running SplitMix64 from `seed` four times, as
    /// the xoshiro authors recommend (never all-zero words).
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        words = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// Restores a generator from words previously read from ``words``.
    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// Returns the next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(words.1 &* 5, by: 7) &* 9
        let shifted = words.1 << 17
        words.2 ^= words.0
        words.3 ^= words.1
        words.1 ^= words.2
        words.0 ^= words.3
        words.2 ^= shifted
        words.3 = rotateLeft(words.3, by: 45)
        return result
    }

    /// Returns a uniformly distributed value in `0..<bound` (`bound` > 0),
    /// using Lemire's unbiased multiply-and-reject method.
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// Returns a uniformly distributed value in `range`.
    public mutating func next(in range: ClosedRange<Int32>) -> Int32 {
        let span = UInt64(Int64(range.upperBound) - Int64(range.lowerBound)) + 1
        return Int32(Int64(range.lowerBound) + Int64(next(below: span)))
    }

    /// Writes the four state words, 8 bytes each, little-endian.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeUInt64(words.0)
        writer.writeUInt64(words.1)
        writer.writeUInt64(words.2)
        writer.writeUInt64(words.3)
    }

    /// Reads the four state words; an all-zero state is malformed (xoshiro
    /// would emit zeros forever).
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let words = (try reader.readUInt64(), try reader.readUInt64(), try reader.readUInt64(), try reader.readUInt64())
        guard words.0 | words.1 | words.2 | words.3 != 0 else { throw .malformed("all-zero random state") }
        self.words = words
    }

    /// Compares the state words.
    public static func == (lhs: DeterministicRandom, rhs: DeterministicRandom) -> Bool {
        lhs.words == rhs.words
    }

    /// Hashes the state words.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}

/// SplitMix64, used to expand one 64-bit seed into xoshiro's 256-bit state.
public struct SplitMix64: Sendable {
    /// The generator's counter.
    public private(set) var state: UInt64

    /// Creates the generator at `state`.
    public init(state: UInt64) { self.state = state }

    /// Returns the next 64 bits of the SplitMix64 sequence.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
