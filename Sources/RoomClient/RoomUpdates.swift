public import RoomEngine

/// One thing that happened in the room, in the order it happened: what
/// ``RemoteRoom/updates`` yields.
///
/// ```swift
/// for try await update in room.updates {
///     switch update {
///     case .operation(let op): print("#\(op.sequence)", op.operation)
///     case .interrupted(let why): print("reconnecting:", why)
///     case .resumed(let membership): print("back in", membership.room)
///     case .rejoined(let membership): print("rejoined", membership.room, "as", membership.member)
///     case .refused(let error): print("an input was refused:", error)
///     }
/// }
/// ```
public enum RoomUpdate<Logic: RoomLogic>: Sendable {
    /// The next operation of the room's sequence (the first one follows the
    /// join snapshot's `operationSequence`; none is skipped or repeated).
    case operation(RoomOperation<Logic.Operation>)
    /// The membership was lost (`connectionLost` when the connection
    /// dropped, `roomClosed` when the room stopped); the client joins again
    /// once connected, and says so with ``rejoined(_:)``. Inputs are
    /// refused meanwhile (`notInRoom`).
    case interrupted(RoomClientError)
    /// The seat was resumed after a lost connection (a server with seats):
    /// the same member in the same room, its state kept; the operations it
    /// missed follow as ``operation(_:)``, in sequence.
    case resumed(RoomMembership)
    /// The state was replaced by this membership's snapshot: after a fresh
    /// join (no seat, or the seat was gone: a new member id, possibly
    /// another room of the kind) or a seat answered with a snapshot (the
    /// same member). The operations that follow continue after the
    /// snapshot's `operationSequence`.
    case rejoined(RoomMembership)
    /// The server refused a request that had no ack to carry the refusal
    /// (an input sent with ``RemoteRoom/post(_:)``, a `delta-ack`): the
    /// `room-error` event.
    case refused(RoomClientError)
}

/// The updates of one room as an `AsyncSequence`: operations in sequence,
/// rejoins and refusals, from the join on (nothing is missed between the
/// join returning and the first `next()`).
///
/// One consumer: iterate it from one task. Bounded: at most
/// ``RoomClientConfiguration/updateBufferLimit`` updates wait for the
/// consumer; one more ends the sequence with `updatesOverflow` after the
/// buffered ones (the room itself goes on: its state, positions and
/// operation sequence stay current). It finishes after ``RemoteRoom/leave()``
/// or ``RoomClient/close()``, and throws the ``RoomClientError`` that ended
/// the room otherwise (a refused rejoin, a gap in the operations, ...).
public struct RoomUpdates<Logic: RoomLogic>: AsyncSequence, Sendable {
    /// One update.
    public typealias Element = RoomUpdate<Logic>

    let stream: AsyncThrowingStream<RoomUpdate<Logic>, any Error>

    /// The iterator of the underlying stream.
    public func makeAsyncIterator() -> AsyncThrowingStream<RoomUpdate<Logic>, any Error>.Iterator {
        stream.makeAsyncIterator()
    }
}

/// The writing side of ``RoomUpdates``: yields until the buffer overflows
/// or the room ends, then refuses everything.
struct RoomUpdateFeed<Logic: RoomLogic>: Sendable {
    private let continuation: AsyncThrowingStream<RoomUpdate<Logic>, any Error>.Continuation
    private(set) var isFinished = false

    /// A feed and the sequence it feeds, holding at most `limit` updates.
    static func make(limit: Int) -> (RoomUpdateFeed<Logic>, RoomUpdates<Logic>) {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: RoomUpdate<Logic>.self, throwing: (any Error).self, bufferingPolicy: .bufferingOldest(max(1, limit))
        )
        return (RoomUpdateFeed(continuation: continuation), RoomUpdates(stream: stream))
    }

    /// Offers one update; on overflow the sequence ends with `updatesOverflow`.
    mutating func yield(_ update: RoomUpdate<Logic>) {
        guard !isFinished else { return }
        if case .dropped = continuation.yield(update) {
            finish(throwing: RoomClientError(
                code: .updatesOverflow, message: "the consumer of room.updates fell too far behind; re-read room.state"
            ))
        }
    }

    /// Ends the sequence, with an error or normally (nil).
    mutating func finish(throwing error: RoomClientError?) {
        guard !isFinished else { return }
        isFinished = true
        continuation.finish(throwing: error)
    }
}

/// Position frames for the consumers of ``RemoteRoom/positionFrames(bufferingNewest:)``.
struct PositionWatchers: Sendable {
    private var continuations: [Int: AsyncStream<PositionFrame>.Continuation] = [:]
    private var nextID = 0

    /// An id for a consumer about to be added.
    mutating func reserveID() -> Int {
        nextID += 1
        return nextID
    }

    /// Registers a consumer under an id from ``reserveID()``.
    mutating func add(_ continuation: AsyncStream<PositionFrame>.Continuation, id: Int) {
        continuations[id] = continuation
    }

    /// Forgets a consumer that stopped iterating.
    mutating func remove(_ id: Int) {
        continuations[id] = nil
    }

    /// Hands a frame to every consumer (each keeps its newest ones only).
    func yield(_ frame: PositionFrame) {
        for continuation in continuations.values { continuation.yield(frame) }
    }

    /// Forgets every consumer and returns them, to be finished outside the
    /// room's lock (finishing calls their termination handlers, which take it).
    mutating func removeAll() -> [AsyncStream<PositionFrame>.Continuation] {
        defer { continuations = [:] }
        return Array(continuations.values)
    }
}
