/// Per-kind limits and rates: how big a room gets, how fast it ticks and how
/// much input it accepts before refusing.
///
/// ```swift
/// let rules = RoomRules(capacity: 16, ticksPerSecond: 30, maxInputBytes: 64)
/// ```
public struct RoomRules: Equatable, Sendable {
    /// Members a room accepts at most.
    public var capacity: Int
    /// Ticks per second the runner aims for.
    public var ticksPerSecond: Int
    /// Bytes one encoded input may have at most; larger ones are refused
    /// before decoding.
    public var maxInputBytes: Int
    /// Reliable inputs the whole room keeps for the next tick at most.
    public var roomReliableQueueLimit: Int
    /// Reliable inputs one member keeps for the next tick at most, so that a
    /// flooding member is refused before it can starve the others.
    public var memberReliableQueueLimit: Int
    /// Ticks of position tables kept to compute deltas against; an
    /// acknowledged baseline older than this gets a full table instead.
    public var positionHistoryLength: Int
    /// How long a member whose connection dropped keeps its seat (its
    /// place, its state, its open work) before it leaves. The logic sees
    /// nothing during it; `.zero` makes a lost connection a leave at once.
    /// Not part of the simulation: changing it needs no new logic version.
    public var seatGracePeriod: Duration

    /// Creates rules; the defaults suit small interactive rooms.
    public init(
        capacity: Int,
        ticksPerSecond: Int,
        maxInputBytes: Int = 4096,
        roomReliableQueueLimit: Int = 512,
        memberReliableQueueLimit: Int = 64,
        positionHistoryLength: Int = 64,
        seatGracePeriod: Duration = .seconds(10)
    ) {
        precondition(capacity > 0 && ticksPerSecond > 0 && maxInputBytes > 0)
        precondition(roomReliableQueueLimit > 0 && memberReliableQueueLimit > 0 && positionHistoryLength > 0)
        precondition(seatGracePeriod >= .zero)
        self.capacity = capacity
        self.ticksPerSecond = ticksPerSecond
        self.maxInputBytes = maxInputBytes
        self.roomReliableQueueLimit = roomReliableQueueLimit
        self.memberReliableQueueLimit = memberReliableQueueLimit
        self.positionHistoryLength = positionHistoryLength
        self.seatGracePeriod = seatGracePeriod
    }

    /// The fixed tick duration in nanoseconds (integer division of one second).
    public var tickIntervalNanoseconds: Int64 { 1_000_000_000 / Int64(ticksPerSecond) }
}

/// Creation parameters of one room, recorded with the session so replays
/// create the identical initial state.
///
/// Parameters are strings so the network binding can pass them through;
/// they are encoded sorted by key.
public struct RoomConfig: Equatable, Sendable, BinaryCodable {
    /// Kind-specific settings (for example the arena's `pickups`).
    public var parameters: [String: String]

    /// Creates a configuration.
    public init(parameters: [String: String] = [:]) {
        self.parameters = parameters
    }

    /// Reads an integer parameter, falling back to `defaultValue` when it is
    /// missing or not a number, and clamping it into `range`.
    public func integer(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) -> Int {
        let value = parameters[key].flatMap { Int($0) } ?? defaultValue
        return min(max(value, range.lowerBound), range.upperBound)
    }

    /// Writes the pair count, then each key and value, sorted by key.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(parameters.count))
        for key in parameters.keys.sorted() {
            writer.writeString(key)
            writer.writeString(parameters[key] ?? "")
        }
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let count = try reader.readCount(atMost: 256, "parameter count")
        var parameters: [String: String] = [:]
        for _ in 0..<count {
            let key = try reader.readString()
            parameters[key] = try reader.readString()
        }
        self.parameters = parameters
    }
}
