/// The bounded queue of inputs waiting for a room's next tick.
///
/// Overflow policy (also in `docs/room-engine.md`):
/// - **Volatile** inputs (cursor, movement) are coalesced: a newer one from
///   the same member replaces the older one, so at most one per member waits
///   and this queue never refuses one. (A ``RoomRunner``'s inbox, in front
///   of this queue, does not coalesce: there a volatile input counts like
///   any other and is refused with ``RoomError/roomInputQueueFull(limit:)``
///   when the inbox is full.)
/// - **Reliable** inputs are all kept, in arrival order, up to
///   ``RoomRules/memberReliableQueueLimit`` per member and
///   ``RoomRules/roomReliableQueueLimit`` per room. Beyond either bound the
///   new input is refused with an error returned to the caller; nothing
///   already queued is ever dropped.
///
/// Every accepted input gets a room-wide arrival number; a drained batch is
/// ordered by it, so the tick sees inputs in the order they arrived (a
/// coalesced input takes the place of its newest arrival).
@usableFromInline
struct InputQueue<Input: RoomInput>: Sendable {
    /// One queued input with the exact bytes it arrived as (for recording).
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var envelope: RoomInputEnvelope<Input>
        @usableFromInline var bytes: [UInt8]

        @inlinable
        init(envelope: RoomInputEnvelope<Input>, bytes: [UInt8]) {
            self.envelope = envelope
            self.bytes = bytes
        }
    }

    @usableFromInline let roomLimit: Int
    @usableFromInline let memberLimit: Int
    @usableFromInline var nextSequence: UInt64
    @usableFromInline var reliable: [Entry] = []
    @usableFromInline var reliableCounts: [MemberID: Int] = [:]
    @usableFromInline var latestVolatile: [MemberID: Entry] = [:]

    @inlinable
    init(rules: RoomRules, firstSequence: UInt64 = 1) {
        roomLimit = rules.roomReliableQueueLimit
        memberLimit = rules.memberReliableQueueLimit
        nextSequence = firstSequence
    }

    /// The number of reliable inputs waiting.
    @inlinable
    var reliableCount: Int { reliable.count }

    /// The number of volatile inputs waiting (at most one per member).
    @inlinable
    var volatileCount: Int { latestVolatile.count }

    /// Queues one input and returns its arrival number, or refuses it.
    @inlinable
    mutating func enqueue(_ input: Input, bytes: [UInt8], from member: MemberID) throws(RoomError) -> UInt64 {
        switch input.inputClass {
        case .volatile:
            let sequence = takeSequence()
            latestVolatile[member] = Entry(envelope: .init(member: member, sequence: sequence, input: input), bytes: bytes)
            return sequence
        case .reliable:
            let memberCount = reliableCounts[member, default: 0]
            guard memberCount < memberLimit else { throw .memberInputQueueFull(limit: memberLimit) }
            guard reliable.count < roomLimit else { throw .roomInputQueueFull(limit: roomLimit) }
            let sequence = takeSequence()
            reliable.append(Entry(envelope: .init(member: member, sequence: sequence, input: input), bytes: bytes))
            reliableCounts[member] = memberCount + 1
            return sequence
        }
    }

    /// Removes and returns every waiting input, in arrival order.
    @inlinable
    mutating func drain() -> [Entry] {
        var batch = reliable
        batch.append(contentsOf: latestVolatile.values)
        batch.sort { $0.envelope.sequence < $1.envelope.sequence }
        reliable.removeAll(keepingCapacity: true)
        reliableCounts.removeAll(keepingCapacity: true)
        latestVolatile.removeAll(keepingCapacity: true)
        return batch
    }

    /// Discards what `member` queued (it left before the tick).
    @inlinable
    mutating func discardInputs(from member: MemberID) {
        reliable.removeAll { $0.envelope.member == member }
        reliableCounts[member] = nil
        latestVolatile[member] = nil
    }

    @inlinable
    mutating func takeSequence() -> UInt64 {
        defer { nextSequence += 1 }
        return nextSequence
    }
}
