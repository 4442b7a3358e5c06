public import RoomEngine

/// One arena player: where it is (raw fixed-point), where it wants to go,
/// and its score.
public struct ArenaPlayer: Equatable, Sendable, BinaryCodable {
    /// The member playing.
    public var member: MemberID
    /// The player's small number; its position streams under this id.
    public var slot: UInt16
    /// Centre, raw fixed-point (see ``FixedPoint``).
    public var x: Int32
    /// Centre, raw fixed-point.
    public var y: Int32
    /// Latest horizontal direction (−1…1).
    public var dx: Int8 = 0
    /// Latest vertical direction (−1…1).
    public var dy: Int8 = 0
    /// Latest buttons (bit 0 = dash).
    public var buttons: UInt8 = 0
    /// Pickups collected.
    public var score: UInt32 = 0

    /// Creates a standing player.
    public init(member: MemberID, slot: UInt16, x: Int32, y: Int32) {
        self.member = member
        self.slot = slot
        self.x = x
        self.y = y
    }

    /// Writes `varint slot, string member, i32 x, i32 y, i8 dx, i8 dy, u8 buttons, varint score`.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(slot))
        writer.writeString(member.rawValue)
        writer.writeInt32(x)
        writer.writeInt32(y)
        writer.writeUInt8(UInt8(bitPattern: dx))
        writer.writeUInt8(UInt8(bitPattern: dy))
        writer.writeUInt8(buttons)
        writer.writeVarint(UInt64(score))
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        slot = UInt16(try reader.readVarint(atMost: UInt64(UInt16.max), "slot"))
        member = MemberID(try reader.readString())
        x = try reader.readInt32()
        y = try reader.readInt32()
        dx = Int8(bitPattern: try reader.readUInt8())
        dy = Int8(bitPattern: try reader.readUInt8())
        buttons = try reader.readUInt8()
        score = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "score"))
    }
}

/// A pickup waiting to be collected.
public struct ArenaPickup: Equatable, Sendable, BinaryCodable {
    /// The pickup's identifier (increasing per room).
    public var id: UInt32
    /// Centre, raw fixed-point.
    public var x: Int32
    /// Centre, raw fixed-point.
    public var y: Int32

    /// Creates a pickup.
    public init(id: UInt32, x: Int32, y: Int32) {
        self.id = id
        self.x = x
        self.y = y
    }

    /// Writes `varint id, i32 x, i32 y`.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(id))
        writer.writeInt32(x)
        writer.writeInt32(y)
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        id = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "pickup id"))
        x = try reader.readInt32()
        y = try reader.readInt32()
    }
}

/// The whole state of an arena room.
///
/// Canonical encoding: players ascending by slot, pickups ascending by id,
/// then `varint nextPickupID, u8 pickupTarget, u16 respawnCountdown`, then
/// the 32-byte PRNG state. Everything a tick needs is here (including the
/// pickup target taken from the room's configuration), so a room restored
/// from a snapshot continues identically.
public struct ArenaState: RoomState {
    /// The players, ascending by slot.
    public internal(set) var players: [ArenaPlayer] = []
    /// The pickups on the field, ascending by id.
    public internal(set) var pickups: [ArenaPickup] = []
    /// The identifier the next pickup gets.
    public internal(set) var nextPickupID: UInt32 = 1
    /// How many pickups the field holds when full.
    public internal(set) var pickupTarget: UInt8
    /// Ticks until the next pickup may spawn.
    public internal(set) var respawnCountdown: UInt16 = 0
    /// The room's random source (spawn points).
    public internal(set) var random: DeterministicRandom

    /// Creates an empty field; ``ArenaLogic/create(config:seed:)`` fills it.
    public init(seed: UInt64, pickupTarget: UInt8) {
        self.random = DeterministicRandom(seed: seed)
        self.pickupTarget = pickupTarget
    }

    /// Player positions quantized to 1/16 unit, keyed by slot.
    public var positions: PositionTable {
        PositionTable(players.map {
            PositionEntry(id: UInt32($0.slot), x: ArenaGeometry.quantize($0.x), y: ArenaGeometry.quantize($0.y))
        })
    }

    /// The player of `member`, if present.
    public func player(_ member: MemberID) -> ArenaPlayer? {
        players.first { $0.member == member }
    }

    /// Writes the canonical layout described on the type.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(players.count))
        for player in players { player.encode(into: &writer) }
        writer.writeVarint(UInt64(pickups.count))
        for pickup in pickups { pickup.encode(into: &writer) }
        writer.writeVarint(UInt64(nextPickupID))
        writer.writeUInt8(pickupTarget)
        writer.writeUInt16(respawnCountdown)
        random.encode(into: &writer)
    }

    /// Reads the canonical layout, refusing unsorted players or pickups.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let playerCount = try reader.readCount(atMost: Int(UInt16.max) + 1, "player count")
        for _ in 0..<playerCount {
            let player = try ArenaPlayer(from: &reader)
            if let last = players.last, last.slot >= player.slot { throw .malformed("player slots not ascending") }
            players.append(player)
        }
        let pickupCount = try reader.readCount(atMost: Int(UInt8.max), "pickup count")
        for _ in 0..<pickupCount {
            let pickup = try ArenaPickup(from: &reader)
            if let last = pickups.last, last.id >= pickup.id { throw .malformed("pickup ids not ascending") }
            pickups.append(pickup)
        }
        nextPickupID = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "next pickup id"))
        pickupTarget = try reader.readUInt8()
        respawnCountdown = try reader.readUInt16()
        random = try DeterministicRandom(from: &reader)
    }
}
