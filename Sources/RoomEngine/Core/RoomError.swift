/// Every way the room engine refuses a request.
///
/// The engine never drops a reliable request silently: each refusal is one of
/// these values, returned to the caller (enqueue, join, acknowledge) or
/// reported to the author in ``RoomTickOutput/rejections`` when it is found
/// while a tick applies the input. A refused request leaves the room exactly
/// as it was.
public enum RoomError: Error, Equatable, Hashable, Sendable {
    // MARK: Bytes and decoding

    /// The bytes ended before a complete value was read.
    case truncated
    /// The bytes were complete but do not form a valid value; the text says why.
    case malformed(String)
    /// One input was larger than the room kind's per-input limit.
    case inputTooLarge(size: Int, limit: Int)

    // MARK: Queues

    /// The room already holds `limit` reliable inputs for the next tick.
    case roomInputQueueFull(limit: Int)
    /// This member already has `limit` reliable inputs waiting for the next tick.
    case memberInputQueueFull(limit: Int)

    // MARK: Membership and rooms

    /// No room kind with this name is registered.
    case unknownRoomKind(String)
    /// No room with this identifier exists (or it was disposed).
    case unknownRoom(RoomID)
    /// The member is not in the room it addressed.
    case notAMember(MemberID)
    /// The member is already in the room (or in a room of that kind).
    case alreadyAMember(MemberID)
    /// The room is at capacity.
    case roomFull(capacity: Int)
    /// The room's logic refused the join; the text is the logic's reason.
    case joinRefused(String)
    /// The room was stopped and accepts nothing more.
    case roomClosed
    /// A delta was computed against a baseline tick the receiver no longer
    /// (or never) held; it must keep acknowledging its latest tick.
    case missingBaseline(tick: UInt64)
    /// An acknowledgement named a tick the room has not produced yet.
    case acknowledgementFromTheFuture(acked: UInt64, current: UInt64)

    // MARK: Room logic

    /// A value is out of its documented range; the text names it.
    case outOfRange(String)
    /// A document limit was reached (strokes, shapes, points); the text names it.
    case limitReached(String)
    /// The input refers to an element (stroke, shape) that does not exist.
    case unknownElement(String)
    /// The input creates an element whose identifier is already taken.
    case duplicateElement(String)
    /// The input breaks the kind's rules in the state it found (not the
    /// sender's turn, a game already over); the text says why.
    case notAllowed(String)

    // MARK: Snapshots and replay

    /// A snapshot or recording was made by a logic version this build lacks.
    case unsupportedLogicVersion(kind: RoomKind, version: UInt32)
    /// A snapshot or recording belongs to another room kind.
    case kindMismatch(expected: RoomKind, found: RoomKind)
    /// A replayed tick did not reproduce the recorded state hash.
    case replayDiverged(tick: UInt64, expected: UInt64, found: UInt64)
}
