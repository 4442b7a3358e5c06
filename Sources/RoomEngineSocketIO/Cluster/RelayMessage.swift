import NIOCore
import RoomEngine
import SocketIOCore

/// What a room that lives on another node tells a member's node about
/// itself, so that node can answer the member as if the room were local.
struct RemoteRoomInfo: Equatable, Sendable {
    let id: RoomID
    let kind: RoomKind
    let tickRate: Int
    let maxInputBytes: Int
    let hasMemberViews: Bool
    /// The node that owns (ticks) the room.
    let owner: String
}

/// A ``Delivery`` on its way to a member's node: the same cases, with the
/// room named by value instead of by endpoint.
enum RelayedDelivery: Equatable, Sendable {
    case joined(room: RemoteRoomInfo, member: MemberID, seat: String, graceNanoseconds: Int64, tick: UInt64, snapshot: Bool, start: ByteBuffer, isRejoin: Bool)
    case joinFailed(RoomWireError, admittedTo: RoomID?)
    case left(RoomID)
    case leaveFailed(RoomWireError)
    case reply(token: UInt32, JSONValue)
    case error(RoomWireError, event: String, receipt: UInt64?)
    case delta(RoomID, tick: UInt64, ByteBuffer)
    case operations(RoomID, ByteBuffer)
    case closed(RoomID)
    case detached(RoomID)
    case resync(RoomID)
}

/// One message between the nodes of a cluster (``RoomRelayTransport``): a
/// member's request on its way to the room's owner, or the owner's
/// deliveries on their way back to the members' sessions (one message per
/// node per tick, for all of that node's members).
///
/// Encoded with the room engine's ``BinaryWriter``, inside a
/// ``RelayEnvelope`` (version, sender, sequence): a tag, then the fields in
/// order (strings and byte strings length-prefixed, optionals behind a
/// presence byte); a batch is its count followed by its messages' tags and
/// fields. Decoding checks every length against what is left; the envelope
/// refuses trailing bytes.
enum RelayMessage: Equatable, Sendable {
    /// A member of node `from` (socket `socket`) was placed in `room`, owned here.
    case join(room: RoomID, member: MemberID, socket: String, identity: MemberID?, from: String)
    case input(room: RoomID, member: MemberID, bytes: [UInt8], token: UInt32?, acknowledging: UInt64?)
    case acknowledge(room: RoomID, member: MemberID, tick: UInt64)
    case away(room: RoomID, member: MemberID, socket: String)
    case rejoin(room: RoomID, secret: String, sequence: UInt64?, socket: String, identity: MemberID?, from: String)
    /// `socket` is nil when nobody waits for the answer (a seat freed by a disconnect).
    case leave(room: RoomID, member: MemberID, socket: String?, from: String)
    /// Several messages to one node, in order: what one event-loop turn of
    /// the sender had for that node (never nested).
    case batch([RelayMessage])
    /// Deliveries for sessions of the receiving node, in order; `sentAt` is
    /// the sender's monotonic clock (`NIODeadline.uptimeNanoseconds`), for the
    /// relay's latency (meaningful between nodes of one machine only).
    case deliveries([AddressedDelivery], sentAt: UInt64)

    /// One delivery for one session.
    struct AddressedDelivery: Equatable, Sendable {
        let socket: String
        let delivery: RelayedDelivery
    }

    /// The longest string field accepted (names, ids, seats, events, error texts).
    static let maxStringBytes = 4096
    /// The most deliveries one message may carry, and the most messages one batch may.
    static let maxDeliveries = 1 << 16

    // MARK: Encoding (inside a ``RelayEnvelope``)

    /// Writes the message's tag and fields.
    func write(into writer: inout BinaryWriter) {
        switch self {
        case .batch(let messages):
            writer.writeUInt8(8)
            writer.writeVarint(UInt64(messages.count))
            for message in messages { message.write(into: &writer) }
        case .join(let room, let member, let socket, let identity, let from):
            writer.writeUInt8(1)
            writer.writeString(room.rawValue)
            writer.writeString(member.rawValue)
            writer.writeString(socket)
            writer.writeOptionalString(identity?.rawValue)
            writer.writeString(from)
        case .input(let room, let member, let bytes, let token, let tick):
            writer.writeUInt8(2)
            writer.writeString(room.rawValue)
            writer.writeString(member.rawValue)
            writer.writeLengthPrefixed(bytes)
            writer.writeOptional(token.map(UInt64.init))
            writer.writeOptional(tick)
        case .acknowledge(let room, let member, let tick):
            writer.writeUInt8(3)
            writer.writeString(room.rawValue)
            writer.writeString(member.rawValue)
            writer.writeVarint(tick)
        case .away(let room, let member, let socket):
            writer.writeUInt8(4)
            writer.writeString(room.rawValue)
            writer.writeString(member.rawValue)
            writer.writeString(socket)
        case .rejoin(let room, let secret, let sequence, let socket, let identity, let from):
            writer.writeUInt8(5)
            writer.writeString(room.rawValue)
            writer.writeString(secret)
            writer.writeOptional(sequence)
            writer.writeString(socket)
            writer.writeOptionalString(identity?.rawValue)
            writer.writeString(from)
        case .leave(let room, let member, let socket, let from):
            writer.writeUInt8(6)
            writer.writeString(room.rawValue)
            writer.writeString(member.rawValue)
            writer.writeOptionalString(socket)
            writer.writeString(from)
        case .deliveries(let items, let sentAt):
            writer.writeUInt8(7)
            writer.writeVarint(sentAt)
            writer.writeVarint(UInt64(items.count))
            for item in items {
                writer.writeString(item.socket)
                item.delivery.write(into: &writer)
            }
        }
    }

    // MARK: Decoding

    /// Reads one message (tag and fields), as a ``RelayEnvelope`` carries it.
    init(reading reader: inout BinaryReader) throws(RoomError) {
        try self.init(reading: &reader, inBatch: false)
    }

    private init(reading reader: inout BinaryReader, inBatch: Bool) throws(RoomError) {
        let tag = try reader.readUInt8()
        switch tag {
        case 8 where !inBatch:
            let count = try reader.readCount(atMost: Self.maxDeliveries, "batched relay messages")
            var messages: [RelayMessage] = []
            messages.reserveCapacity(min(count, 1024))
            for _ in 0..<count { messages.append(try RelayMessage(reading: &reader, inBatch: true)) }
            self = .batch(messages)
        case 1:
            self = .join(
                room: RoomID(try reader.readName()), member: MemberID(try reader.readName()), socket: try reader.readName(),
                identity: try reader.readOptionalName().map { MemberID($0) }, from: try reader.readName()
            )
        case 2:
            let room = RoomID(try reader.readName())
            let member = MemberID(try reader.readName())
            let bytes = try reader.readLengthPrefixed()
            let token = try reader.readOptional()
            guard token.map({ $0 <= UInt64(UInt32.max) }) ?? true else { throw .malformed("relay input token out of range") }
            self = .input(room: room, member: member, bytes: bytes, token: token.map { UInt32($0) }, acknowledging: try reader.readOptional())
        case 3:
            self = .acknowledge(room: RoomID(try reader.readName()), member: MemberID(try reader.readName()), tick: try reader.readVarint())
        case 4:
            self = .away(room: RoomID(try reader.readName()), member: MemberID(try reader.readName()), socket: try reader.readName())
        case 5:
            self = .rejoin(
                room: RoomID(try reader.readName()), secret: try reader.readName(), sequence: try reader.readOptional(),
                socket: try reader.readName(), identity: try reader.readOptionalName().map { MemberID($0) }, from: try reader.readName()
            )
        case 6:
            self = .leave(
                room: RoomID(try reader.readName()), member: MemberID(try reader.readName()),
                socket: try reader.readOptionalName(), from: try reader.readName()
            )
        case 7:
            let sentAt = try reader.readVarint()
            let count = try reader.readCount(atMost: Self.maxDeliveries, "relayed deliveries")
            var items: [AddressedDelivery] = []
            items.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                let socket = try reader.readName()
                items.append(AddressedDelivery(socket: socket, delivery: try RelayedDelivery(reading: &reader)))
            }
            self = .deliveries(items, sentAt: sentAt)
        default:
            throw .malformed("unknown relay message tag \(tag)")
        }
    }
}

extension RelayedDelivery {
    func write(into writer: inout BinaryWriter) {
        switch self {
        case .joined(let room, let member, let seat, let grace, let tick, let snapshot, let start, let isRejoin):
            writer.writeUInt8(1)
            writer.writeString(room.id.rawValue)
            writer.writeString(room.kind.name)
            writer.writeVarint(UInt64(max(room.tickRate, 0)))
            writer.writeVarint(UInt64(max(room.maxInputBytes, 0)))
            writer.writeBool(room.hasMemberViews)
            writer.writeString(room.owner)
            writer.writeString(member.rawValue)
            writer.writeString(seat)
            writer.writeZigZag(grace)
            writer.writeVarint(tick)
            writer.writeBool(snapshot)
            writer.writeBuffer(start)
            writer.writeBool(isRejoin)
        case .joinFailed(let error, let admittedTo):
            writer.writeUInt8(2)
            writer.writeError(error)
            writer.writeOptionalString(admittedTo?.rawValue)
        case .left(let room):
            writer.writeUInt8(3)
            writer.writeString(room.rawValue)
        case .leaveFailed(let error):
            writer.writeUInt8(4)
            writer.writeError(error)
        case .reply(let token, let value):
            writer.writeUInt8(5)
            writer.writeUInt32(token)
            writer.writeJSONValue(value)
        case .error(let error, let event, let receipt):
            writer.writeUInt8(6)
            writer.writeError(error)
            writer.writeString(event)
            writer.writeOptional(receipt)
        case .delta(let room, let tick, let bytes):
            writer.writeUInt8(7)
            writer.writeString(room.rawValue)
            writer.writeVarint(tick)
            writer.writeBuffer(bytes)
        case .operations(let room, let bytes):
            writer.writeUInt8(8)
            writer.writeString(room.rawValue)
            writer.writeBuffer(bytes)
        case .closed(let room):
            writer.writeUInt8(9)
            writer.writeString(room.rawValue)
        case .detached(let room):
            writer.writeUInt8(10)
            writer.writeString(room.rawValue)
        case .resync(let room):
            writer.writeUInt8(11)
            writer.writeString(room.rawValue)
        }
    }

    init(reading reader: inout BinaryReader) throws(RoomError) {
        let tag = try reader.readUInt8()
        switch tag {
        case 1:
            let id = RoomID(try reader.readName())
            let kind = RoomKind(try reader.readName())
            let tickRate = Int(try reader.readVarint(atMost: 10_000, "tick rate"))
            let maxInputBytes = Int(try reader.readVarint(atMost: UInt64(Int32.max), "input limit"))
            let views = try reader.readBool()
            let owner = try reader.readName()
            self = .joined(
                room: RemoteRoomInfo(id: id, kind: kind, tickRate: tickRate, maxInputBytes: maxInputBytes, hasMemberViews: views, owner: owner),
                member: MemberID(try reader.readName()), seat: try reader.readName(), graceNanoseconds: try reader.readZigZag(),
                tick: try reader.readVarint(), snapshot: try reader.readBool(), start: try reader.readBuffer(), isRejoin: try reader.readBool()
            )
        case 2:
            self = .joinFailed(try reader.readError(), admittedTo: try reader.readOptionalName().map { RoomID($0) })
        case 3:
            self = .left(RoomID(try reader.readName()))
        case 4:
            self = .leaveFailed(try reader.readError())
        case 5:
            self = .reply(token: try reader.readUInt32(), try reader.readJSONValue(depth: 0))
        case 6:
            self = .error(try reader.readError(), event: try reader.readName(), receipt: try reader.readOptional())
        case 7:
            self = .delta(RoomID(try reader.readName()), tick: try reader.readVarint(), try reader.readBuffer())
        case 8:
            self = .operations(RoomID(try reader.readName()), try reader.readBuffer())
        case 9:
            self = .closed(RoomID(try reader.readName()))
        case 10:
            self = .detached(RoomID(try reader.readName()))
        case 11:
            self = .resync(RoomID(try reader.readName()))
        default:
            throw .malformed("unknown relayed delivery tag \(tag)")
        }
    }
}

extension BinaryWriter {
    fileprivate mutating func writeOptionalString(_ value: String?) {
        writeBool(value != nil)
        if let value { writeString(value) }
    }

    fileprivate mutating func writeOptional(_ value: UInt64?) {
        writeBool(value != nil)
        if let value { writeVarint(value) }
    }

    fileprivate mutating func writeBuffer(_ buffer: ByteBuffer) {
        writeVarint(UInt64(buffer.readableBytes))
        buffer.withUnsafeReadableBytes { writeRaw($0) }
    }

    fileprivate mutating func writeError(_ error: RoomWireError) {
        writeString(error.code)
        writeString(error.message)
    }
}

/// A reply's JSON value, exactly (not as JSON text, which would turn `-0`
/// into `0`, non-finite numbers into `null` and lose binary attachments):
/// a tag, then 0 null, 1 false, 2 true, 3 int (zigzag varint), 4 double
/// (its 8 bytes, little-endian), 5 string, 6 array (count, items),
/// 7 object (count, key and value pairs in order), 8 binary (length, bytes).
/// Nesting is bounded at ``maxJSONDepth``; counts by the bytes left.
extension BinaryWriter {
    fileprivate mutating func writeJSONValue(_ value: JSONValue) {
        switch value {
        case .null: writeUInt8(0)
        case .bool(let flag): writeUInt8(flag ? 2 : 1)
        case .int(let integer):
            writeUInt8(3)
            writeZigZag(integer)
        case .double(let double):
            writeUInt8(4)
            writeUInt64(double.bitPattern)
        case .string(let text):
            writeUInt8(5)
            writeString(text)
        case .array(let items):
            writeUInt8(6)
            writeVarint(UInt64(items.count))
            for item in items { writeJSONValue(item) }
        case .object(let object):
            writeUInt8(7)
            writeVarint(UInt64(object.count))
            for (key, item) in object {
                writeString(key)
                writeJSONValue(item)
            }
        case .binary(let bytes):
            writeUInt8(8)
            writeBuffer(bytes)
        }
    }
}

/// How deeply a relayed reply's JSON value may nest.
let maxJSONDepth = 64

extension BinaryReader {
    fileprivate mutating func readJSONValue(depth: Int) throws(RoomError) -> JSONValue {
        guard depth < maxJSONDepth else { throw .malformed("relayed JSON nested deeper than \(maxJSONDepth)") }
        let tag = try readUInt8()
        switch tag {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .int(try readZigZag())
        case 4: return .double(Double(bitPattern: try readUInt64()))
        case 5: return .string(try readString(maxBytes: remaining))
        case 6:
            let count = try readCount(atMost: remaining, "relayed JSON array")
            var items: [JSONValue] = []
            items.reserveCapacity(min(count, 1024))
            for _ in 0..<count { items.append(try readJSONValue(depth: depth + 1)) }
            return .array(items)
        case 7:
            let count = try readCount(atMost: remaining, "relayed JSON object")
            var entries: [(String, JSONValue)] = []
            entries.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                let key = try readString(maxBytes: remaining)
                entries.append((key, try readJSONValue(depth: depth + 1)))
            }
            return .object(JSONObject(entries))
        case 8: return .binary(try readBuffer())
        default: throw .malformed("unknown relayed JSON tag \(tag)")
        }
    }

    fileprivate mutating func readName() throws(RoomError) -> String {
        try readString(maxBytes: RelayMessage.maxStringBytes)
    }

    fileprivate mutating func readOptionalName() throws(RoomError) -> String? {
        try readBool() ? try readName() : nil
    }

    fileprivate mutating func readOptional() throws(RoomError) -> UInt64? {
        try readBool() ? try readVarint() : nil
    }

    fileprivate mutating func readBuffer() throws(RoomError) -> ByteBuffer {
        ByteBuffer(bytes: try readLengthPrefixed())
    }

    fileprivate mutating func readError() throws(RoomError) -> RoomWireError {
        RoomWireError(code: try readName(), message: try readName())
    }
}
