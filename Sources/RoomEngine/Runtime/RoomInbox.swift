import Synchronization

/// What any thread hands a running room between two ticks: encoded inputs
/// and delta acknowledgements, taken in one piece by the next tick.
///
/// Why a mailbox rather than a hop per input: a room's members live on every
/// event loop of the server, and a hop (`execute`) from another loop costs a
/// wake-up of the room's loop for each input and each acknowledgement, as much
/// as the delta the room sends back. Nothing needs them before the tick, so
/// they wait here under a lock and the tick drains them all at once; inputs
/// keep their arrival order.
///
/// Bounds and overflow (written down in `docs/room-engine.md`):
/// - at most `inputLimit` inputs wait; one more is refused at once with
///   ``RoomError/roomInputQueueFull(limit:)`` (the room's own queue then
///   applies its per-member and per-room policies when the tick drains);
/// - one acknowledgement per member waits, the newest (an older one says
///   less); at most `inputLimit` members' acknowledgements, beyond that a new
///   member's acknowledgement is dropped (a lost acknowledgement only makes
///   that member's next delta larger).
/// Once the room stopped, every post is refused with ``RoomError/roomClosed``.
@usableFromInline
final class RoomInbox: Sendable {
    /// One input as posted, answered when a tick takes it.
    @usableFromInline
    struct PostedInput: Sendable {
        @usableFromInline var bytes: [UInt8]
        @usableFromInline var member: MemberID
        @usableFromInline var completion: @Sendable (Result<UInt64, RoomError>) -> Void
    }

    /// The newest acknowledgement of one member.
    @usableFromInline
    struct PostedAcknowledgement: Sendable {
        @usableFromInline var tick: UInt64
        @usableFromInline var completion: @Sendable (Result<Void, RoomError>) -> Void
    }

    /// Everything posted since the last drain.
    @usableFromInline
    struct Contents: Sendable {
        @usableFromInline var inputs: [PostedInput] = []
        @usableFromInline var acknowledgements: [MemberID: PostedAcknowledgement] = [:]
        var isEmpty: Bool { inputs.isEmpty && acknowledgements.isEmpty }
    }

    /// Why a post was not taken.
    enum Refusal: Error, Equatable {
        case full(limit: Int)
        case closed
    }

    private struct Box: Sendable {
        var contents = Contents()
        var closed = false
    }

    let inputLimit: Int
    private let box = Mutex(Box())

    init(inputLimit: Int) {
        precondition(inputLimit > 0)
        self.inputLimit = inputLimit
    }

    /// Posts an input for the next tick, or says why it was not taken; an
    /// acknowledgement riding on it is posted under the same lock (and
    /// stands even when the input is refused for a full inbox).
    func post(_ input: PostedInput, acknowledging acknowledgement: PostedAcknowledgement? = nil) -> Refusal? {
        box.withLock { box in
            if box.closed { return .closed }
            if let acknowledgement { Self.keep(acknowledgement, by: input.member, in: &box.contents, limit: inputLimit) }
            guard box.contents.inputs.count < inputLimit else { return .full(limit: inputLimit) }
            box.contents.inputs.append(input)
            return nil
        }
    }

    /// Posts an acknowledgement; an older one of the same member is replaced
    /// (its completion is never called: it has nothing left to report), and
    /// one past the bound is dropped the same way. Refused only once closed.
    func post(_ acknowledgement: PostedAcknowledgement, by member: MemberID) -> Refusal? {
        box.withLock { box in
            if box.closed { return .closed }
            Self.keep(acknowledgement, by: member, in: &box.contents, limit: inputLimit)
            return nil
        }
    }

    private static func keep(_ acknowledgement: PostedAcknowledgement, by member: MemberID, in contents: inout Contents, limit: Int) {
        if let waiting = contents.acknowledgements[member] {
            if acknowledgement.tick > waiting.tick { contents.acknowledgements[member] = acknowledgement }
            return
        }
        // Past the bound it is dropped, not refused: see the type's notes.
        guard contents.acknowledgements.count < limit else { return }
        contents.acknowledgements[member] = acknowledgement
    }

    /// Takes out what `member` posted (its leave makes those meaningless).
    func removeAll(from member: MemberID) -> Contents {
        box.withLock { box in
            var removed = Contents()
            removed.acknowledgements[member] = box.contents.acknowledgements.removeValue(forKey: member)
            guard box.contents.inputs.contains(where: { $0.member == member }) else { return removed }
            var kept: [PostedInput] = []
            kept.reserveCapacity(box.contents.inputs.count)
            for input in box.contents.inputs {
                if input.member == member { removed.inputs.append(input) } else { kept.append(input) }
            }
            box.contents.inputs = kept
            return removed
        }
    }

    /// Takes out the acknowledgement `member` posted, if any: it came from a
    /// connection the member no longer has (see ``RoomRunner/memberReturned(_:withSnapshot:)``).
    func removeAcknowledgement(of member: MemberID) {
        box.withLock { box in _ = box.contents.acknowledgements.removeValue(forKey: member) }
    }

    /// Takes everything posted so far (called by the tick, on the room's loop).
    @usableFromInline
    func drain() -> Contents {
        box.withLock { box in
            guard !box.contents.isEmpty else { return Contents() }
            var taken = Contents()
            swap(&taken, &box.contents)
            box.contents.inputs.reserveCapacity(taken.inputs.count)
            box.contents.acknowledgements.reserveCapacity(taken.acknowledgements.count)
            return taken
        }
    }

    /// Refuses every later post and returns what was still waiting.
    func close() -> Contents {
        box.withLock { box in
            box.closed = true
            var taken = Contents()
            swap(&taken, &box.contents)
            return taken
        }
    }
}
