public import RoomEngine

/// What an arena client can send.
///
/// ```text
/// 0x01 move   i8 dx (−1…1), i8 dy (−1…1), u8 buttons (bit 0 = dash)   (volatile)
/// 0x02 emote  u8 code                                                  (reliable)
/// ```
///
/// ```swift
/// let bytes = ArenaInput.move(dx: 1, dy: 0, buttons: 0).encodedBytes()   // 01 01 00 00
/// ```
public enum ArenaInput: RoomInput {
    /// The direction the player wants to move from now on (coalesced).
    case move(dx: Int8, dy: Int8, buttons: UInt8)
    /// A one-off game event broadcast to everyone.
    case emote(code: UInt8)

    /// Movement is volatile; emotes are reliable.
    public var inputClass: InputClass {
        if case .move = self { return .volatile }
        return .reliable
    }

    /// Writes the tag and fields listed above.
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .move(let dx, let dy, let buttons):
            writer.writeUInt8(0x01)
            writer.writeUInt8(UInt8(bitPattern: dx))
            writer.writeUInt8(UInt8(bitPattern: dy))
            writer.writeUInt8(buttons)
        case .emote(let code):
            writer.writeUInt8(0x02)
            writer.writeUInt8(code)
        }
    }

    /// Reads one input, refusing unknown tags, directions outside −1…1 and
    /// unknown button bits.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let tag = try reader.readUInt8()
        switch tag {
        case 0x01:
            let dx = Int8(bitPattern: try reader.readUInt8())
            let dy = Int8(bitPattern: try reader.readUInt8())
            let buttons = try reader.readUInt8()
            guard (-1...1).contains(dx), (-1...1).contains(dy) else { throw .outOfRange("direction (\(dx), \(dy))") }
            guard buttons & ~ArenaGeometry.dashButton == 0 else { throw .outOfRange("buttons \(buttons)") }
            self = .move(dx: dx, dy: dy, buttons: buttons)
        case 0x02:
            self = .emote(code: try reader.readUInt8())
        default:
            throw .malformed("unknown arena input tag \(tag)")
        }
    }
}

/// A reliable arena event, broadcast in sequence. Positions are not
/// operations: they stream as position deltas.
///
/// ```text
/// 0x01 playerJoined     varint slot, string memberID
/// 0x02 playerLeft       varint slot
/// 0x03 pickupSpawned    varint pickupId, u16 x, u16 y   (quantized, 1/16 unit)
/// 0x04 pickupCollected  varint pickupId, varint slot, varint newScore
/// 0x05 emoted           varint slot, u8 code
/// ```
public enum ArenaOperation: Equatable, Sendable, BinaryCodable {
    /// A player joined in this slot.
    case playerJoined(slot: UInt16, member: MemberID)
    /// The player in this slot left.
    case playerLeft(slot: UInt16)
    /// A pickup appeared at a quantized position.
    case pickupSpawned(id: UInt32, x: UInt16, y: UInt16)
    /// A player collected a pickup; `score` is its new score.
    case pickupCollected(id: UInt32, slot: UInt16, score: UInt32)
    /// A player emoted.
    case emoted(slot: UInt16, code: UInt8)

    /// Writes the tag and fields listed above.
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .playerJoined(let slot, let member):
            writer.writeUInt8(0x01)
            writer.writeVarint(UInt64(slot))
            writer.writeString(member.rawValue)
        case .playerLeft(let slot):
            writer.writeUInt8(0x02)
            writer.writeVarint(UInt64(slot))
        case .pickupSpawned(let id, let x, let y):
            writer.writeUInt8(0x03)
            writer.writeVarint(UInt64(id))
            writer.writeUInt16(x)
            writer.writeUInt16(y)
        case .pickupCollected(let id, let slot, let score):
            writer.writeUInt8(0x04)
            writer.writeVarint(UInt64(id))
            writer.writeVarint(UInt64(slot))
            writer.writeVarint(UInt64(score))
        case .emoted(let slot, let code):
            writer.writeUInt8(0x05)
            writer.writeVarint(UInt64(slot))
            writer.writeUInt8(code)
        }
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let tag = try reader.readUInt8()
        switch tag {
        case 0x01:
            let slot = try Self.readSlot(&reader)
            self = .playerJoined(slot: slot, member: MemberID(try reader.readString()))
        case 0x02:
            self = .playerLeft(slot: try Self.readSlot(&reader))
        case 0x03:
            let id = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "pickup id"))
            self = .pickupSpawned(id: id, x: try reader.readUInt16(), y: try reader.readUInt16())
        case 0x04:
            let id = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "pickup id"))
            let slot = try Self.readSlot(&reader)
            let score = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "score"))
            self = .pickupCollected(id: id, slot: slot, score: score)
        case 0x05:
            let slot = try Self.readSlot(&reader)
            self = .emoted(slot: slot, code: try reader.readUInt8())
        default:
            throw .malformed("unknown arena operation tag \(tag)")
        }
    }

    private static func readSlot(_ reader: inout BinaryReader) throws(RoomError) -> UInt16 {
        UInt16(try reader.readVarint(atMost: UInt64(UInt16.max), "slot"))
    }
}
