public import RoomEngine

// The example of docs/room-kinds.md, compiled here so it stays true: a room
// kind defined outside Huddle, registered once, then served, recorded,
// replayed, verified, shown and exported by the same code as the built-in
// kinds (Tests/HuddleCLITests drives it through the `huddle` command line).

extension RoomKind {
    /// Counters that members increment.
    public static let counter: RoomKind = "counter"
}

/// The rules of a counter room: every member has a tally; `add(n)` raises
/// it by `n` (1…9) and the room's total with it. Each member's tally
/// streams as a position (x = tally mod 4096), so the kind also exercises
/// deltas.
public struct CounterLogic: RoomLogic {
    /// Creates the logic.
    /// An empty room.
    public init() {}

    /// ``RoomKind/counter``.
    public var kind: RoomKind { .counter }
    /// Version 1 of the counter rules.
    public var logicVersion: UInt32 { 1 }
    /// 8 members, 10 ticks a second, two-byte inputs.
    public var rules: RoomRules { RoomRules(capacity: 8, ticksPerSecond: 10, maxInputBytes: 2) }

    /// An empty room (nothing random in a counter).
    public func create(config: RoomConfig, seed: UInt64) -> CounterState { CounterState() }

    /// Anyone may join (the room checks capacity).
    public func joinAttempt(state: borrowing CounterState, member: MemberID, metadata: [String: String]) -> JoinDecision {
        .allow
    }

    /// Gives the member the lowest free slot and a zero tally.
    public func join(state: consuming CounterState, member: MemberID) -> RoomStep<CounterState, CounterOperation> {
        var slot: UInt16 = 0
        while state.tallies.contains(where: { $0.slot == slot }) { slot += 1 }
        state.tallies.append(CounterTally(slot: slot, member: member, count: 0))
        state.tallies.sort { $0.slot < $1.slot }
        return RoomStep(state: state, operations: [.joined(slot: slot)])
    }

    /// Removes the member and its tally (the total keeps what it added).
    public func leave(state: consuming CounterState, member: MemberID) -> RoomStep<CounterState, CounterOperation> {
        guard let index = state.tallies.firstIndex(where: { $0.member == member }) else { return RoomStep(state: state) }
        let slot = state.tallies.remove(at: index).slot
        return RoomStep(state: state, operations: [.left(slot: slot)])
    }

    /// Adds each input to its author's tally and the total, in order.
    public func tick(
        state: consuming CounterState, inputs: [RoomInputEnvelope<CounterInput>], tick: UInt64, context: TickContext
    ) -> RoomStep<CounterState, CounterOperation> {
        var operations: [CounterOperation] = []
        for envelope in inputs {
            guard let index = state.tallies.firstIndex(where: { $0.member == envelope.member }) else { continue }
            guard case .add(let amount) = envelope.input else { continue }
            state.tallies[index].count += UInt32(amount)
            state.total += UInt64(amount)
            operations.append(.counted(slot: state.tallies[index].slot, total: state.total))
        }
        return RoomStep(state: state, operations: operations)
    }

    /// Nothing to clean up.
    public func terminate(state: consuming CounterState) -> RoomStep<CounterState, CounterOperation> {
        RoomStep(state: state)
    }
}

/// One member's tally.
public struct CounterTally: Equatable, Sendable {
    /// The member's slot (its position id).
    public var slot: UInt16
    /// The member.
    public var member: MemberID
    /// What it added so far.
    public var count: UInt32
}

/// A counter room's state: the tallies by slot and their total.
public struct CounterState: RoomState, CustomStringConvertible {
    /// The tallies, by slot.
    public var tallies: [CounterTally] = []
    /// The sum of every input ever applied.
    public var total: UInt64 = 0

    /// An empty room.
    public init() {}

    /// Each tally as a position (x = tally mod 4096), streamed as deltas.
    public var positions: PositionTable {
        PositionTable(tallies.map { PositionEntry(id: UInt32($0.slot), x: UInt16($0.count % 4096), y: 0) })
    }

    /// What `huddle show`, `replay` and `export` print for a state.
    public var description: String { "total \(total) over \(tallies.count) members" }

    /// Writes the canonical bytes.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(tallies.count))
        for tally in tallies {
            writer.writeVarint(UInt64(tally.slot))
            writer.writeString(tally.member.rawValue)
            writer.writeUInt32(tally.count)
        }
        writer.writeVarint(total)
    }

    /// Reads what ``encode(into:)`` wrote, refusing anything else.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let count = try reader.readCount(atMost: 8, "tallies")
        for _ in 0..<count {
            let slot = UInt16(try reader.readVarint(atMost: 7, "slot"))
            let member = MemberID(try reader.readString())
            tallies.append(CounterTally(slot: slot, member: member, count: try reader.readUInt32()))
        }
        total = try reader.readVarint()
    }
}

/// What a member sends: `add(n)`, n in 1…9 (reliable: every one counts).
public enum CounterInput: RoomInput {
    /// Adds n (1…9) to the author's tally.
    case add(UInt8)

    /// Every add counts: reliable.
    public var inputClass: InputClass { .reliable }

    /// Writes the canonical bytes.
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .add(let amount):
            writer.writeUInt8(0x01)
            writer.writeUInt8(amount)
        }
    }

    /// Reads what ``encode(into:)`` wrote, refusing anything else.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        guard try reader.readUInt8() == 0x01 else { throw .malformed("unknown counter input") }
        let amount = try reader.readUInt8()
        guard (1...9).contains(amount) else { throw .outOfRange("add \(amount)") }
        self = .add(amount)
    }
}

/// What every member is told, in order.
public enum CounterOperation: BinaryCodable, Equatable, Sendable {
    /// A member took `slot`.
    case joined(slot: UInt16)
    /// The member of `slot` left.
    case left(slot: UInt16)
    /// The member of `slot` added; the room's total is now `total`.
    case counted(slot: UInt16, total: UInt64)

    /// Writes the canonical bytes.
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .joined(let slot):
            writer.writeUInt8(0x01)
            writer.writeVarint(UInt64(slot))
        case .left(let slot):
            writer.writeUInt8(0x02)
            writer.writeVarint(UInt64(slot))
        case .counted(let slot, let total):
            writer.writeUInt8(0x03)
            writer.writeVarint(UInt64(slot))
            writer.writeVarint(total)
        }
    }

    /// Reads what ``encode(into:)`` wrote, refusing anything else.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        switch try reader.readUInt8() {
        case 0x01: self = .joined(slot: UInt16(try reader.readVarint(atMost: 7, "slot")))
        case 0x02: self = .left(slot: UInt16(try reader.readVarint(atMost: 7, "slot")))
        case 0x03: self = .counted(slot: UInt16(try reader.readVarint(atMost: 7, "slot")), total: try reader.readVarint())
        default: throw .malformed("unknown counter operation")
        }
    }
}
