// The engine's own values, Codable so that a CanonicalCodable state can hold
// them: identifiers as their text, the random source as its four words.

extension MemberID: Codable {
    /// Reads the identifier text.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Writes the identifier text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension RoomID: Codable {
    /// Reads the identifier text.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Writes the identifier text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension RoomKind: Codable {
    /// Reads the kind's name.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Writes the kind's name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

extension DeterministicRandom: Codable {
    /// Reads the four state words (a list of four `UInt64`); an all-zero
    /// state is refused, as in the binary form.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let words = (
            try container.decode(UInt64.self), try container.decode(UInt64.self),
            try container.decode(UInt64.self), try container.decode(UInt64.self)
        )
        guard words.0 | words.1 | words.2 | words.3 != 0 else { throw RoomError.malformed("all-zero random state") }
        self.init(words: words)
    }

    /// Writes the four state words as a list of four `UInt64`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(words.0)
        try container.encode(words.1)
        try container.encode(words.2)
        try container.encode(words.3)
    }
}
