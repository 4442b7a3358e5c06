import NIOCore
public import RoomEngine
import SocketIOClient
import Synchronization

/// A room on a Huddle server as one member sees it, typed by the room's
/// logic: inputs of `Logic.Input`, operations of `Logic.Operation`, a state
/// of `Logic.State`, positions mirrored from the server's deltas. Made by
/// ``RoomClient/joinOrCreate(_:applying:)``.
///
/// ```swift
/// let client = try RoomClient(url: "http://127.0.0.1:3000")
/// let room = try await client.joinOrCreate(WhiteboardLogic()) { state, operation in try state.apply(operation) }
/// try room.post(.cursor(x: 100, y: 200))                       // volatile: no answer
/// let receipt = try await room.send(.beginStroke(id: 1, color: 0x3366FF, width: 3))
/// print(room.state.openStrokes.count, room.positions.count, receipt.tick)
/// for try await update in room.updates { print(update) }      // operations, in sequence
/// try await room.leave()
/// ```
///
/// A `Sendable` handle, usable from any task. It follows the connection:
/// when the connection drops (or the room closes) the client reconnects,
/// joins a room of the kind again and reports it as
/// ``RoomUpdate/rejoined(_:)``; inputs are refused meanwhile.
public final class RemoteRoom<Logic: RoomLogic>: Sendable {
    /// The rules this client plays by (its kind, version and input limit).
    public let logic: Logic
    let applier: RoomReplica<Logic>.Applier?
    /// The client: a joined room keeps its connection alive.
    let client: RoomClient
    let shared: Mutex<RemoteRoomState<Logic>>

    /// The room's updates from the join on: operations in sequence, rejoins,
    /// refusals of inputs posted without an answer. One consumer; bounded
    /// (see ``RoomUpdates``).
    public let updates: RoomUpdates<Logic>

    init(
        logic: Logic,
        applier: RoomReplica<Logic>.Applier?,
        replica: RoomReplica<Logic>,
        client: RoomClient
    ) {
        self.logic = logic
        self.applier = applier
        self.client = client
        let (feed, updates) = RoomUpdateFeed<Logic>.make(limit: client.configuration.updateBufferLimit)
        self.updates = updates
        self.shared = Mutex(RemoteRoomState(replica: replica, feed: feed))
    }

    var socket: Socket { client.socket }
    var router: RoomRouter { client.router }
    var configuration: RoomClientConfiguration { client.configuration }

    // MARK: - What the client knows

    /// The current membership: room, member id, tick rate, the join's snapshot.
    public var membership: RoomMembership { shared.withLock { $0.replica.membership } }

    /// The room's id (of the current membership).
    public var id: RoomID { membership.room }

    /// This client's member id in the room (of the current membership).
    public var member: MemberID { membership.member }

    /// The snapshot of the current membership's join answer.
    public var snapshot: RoomSnapshot { membership.snapshot }

    /// The state of that snapshot, decoded.
    public var snapshotState: Logic.State { shared.withLock { $0.replica.snapshotState } }

    /// The room's state as far as this client knows it: the snapshot's,
    /// advanced by every operation since when the room was joined with an
    /// applier (``RoomClient/joinOrCreate(_:applying:)``); otherwise the
    /// snapshot's. Volatile parts (cursors, movement) are not operations:
    /// read them from ``positions``.
    public var state: Logic.State { shared.withLock { $0.replica.state } }

    /// The sequence number of the last operation applied (the snapshot's at first).
    public var operationSequence: UInt64 { shared.withLock { $0.replica.operationSequence } }

    /// The mirrored position table (the kind's slots and positions), as
    /// of ``positionsTick``.
    public var positions: PositionTable { shared.withLock { $0.replica.positions.table } }

    /// The server tick the mirrored positions are at.
    public var positionsTick: UInt64 { shared.withLock { $0.replica.positions.tick } }

    /// Where the room stands: joined, rejoining, or ended.
    public var status: RoomStatus { shared.withLock { $0.status } }

    /// Counters since the join (deltas, acknowledgements, operations, rejoins).
    public var statistics: RoomStatistics { shared.withLock { $0.statistics } }

    /// The mirrored positions as they change, one frame per applied delta
    /// (and the current one first). Each consumer keeps only the newest
    /// `limit` frames it has not read: a slow renderer skips frames, never
    /// falls behind. Ends when the room ends.
    ///
    /// ```swift
    /// for await frame in room.positionFrames() {
    ///     for entry in frame.table.entries { print(entry.id, entry.x, entry.y) }
    /// }
    /// ```
    public func positionFrames(bufferingNewest limit: Int = 1) -> AsyncStream<PositionFrame> {
        let (stream, continuation) = AsyncStream.makeStream(of: PositionFrame.self, bufferingPolicy: .bufferingNewest(max(1, limit)))
        let id = shared.withLock { $0.watchers.reserveID() }
        continuation.onTermination = { [weak self] _ in
            self?.shared.withLock { $0.watchers.remove(id) }
        }
        let ended = shared.withLock { state -> Bool in
            guard !state.status.isEnded else { return true }
            state.watchers.add(continuation, id: id)
            continuation.yield(state.replica.positions)
            return false
        }
        if ended { continuation.finish() }
        return stream
    }

    // MARK: - Inputs

    /// Sends one input and waits for the room's answer: the receipt, after
    /// the tick that applied it. Use it for inputs whose fate matters
    /// (strokes, shapes, moves in a turn-based game).
    ///
    /// ```swift
    /// do {
    ///     let receipt = try await room.send(.endStroke(id: 1))
    ///     print("committed at tick", receipt.tick)
    /// } catch let error as RoomClientError where error.code == .unknownElement {
    ///     print("no such stroke")
    /// }
    /// ```
    ///
    /// - Throws: ``RoomClientError``: the room's refusal (`unknownElement`,
    ///   `limitReached`, `memberInputQueueFull`, ... with its `receipt`),
    ///   `inputTooLarge` before sending, `notInRoom` while not in the room
    ///   (rejoining, left), `connectionLost` or `timeout` when no answer came.
    @discardableResult
    public func send(_ input: Logic.Input) async throws -> InputReceipt {
        let arguments = try inputArguments(input)
        let emitter = socket.emitter(timeout: configuration.requestTimeout)
        let answer: Result<InputReceipt, RoomClientError> = await withCheckedContinuation { continuation in
            emitter.emit(RoomEvents.input, arguments: arguments) { result in
                switch result {
                case .success(let arguments): continuation.resume(returning: InputReceipt.parse(arguments))
                case .failure(let error): continuation.resume(returning: .failure(RoomClientError(error)))
                }
            }
        }
        return try answer.get()
    }

    /// Sends one input without waiting for an answer: for volatile inputs
    /// (a cursor, a direction), which go with Socket.IO's `volatile` flag
    /// (dropped rather than queued when the connection is busy), and for
    /// reliable ones whose refusal may arrive later, as
    /// ``RoomUpdate/refused(_:)``.
    ///
    /// ```swift
    /// try room.post(.cursor(x: 120, y: 340))
    /// ```
    ///
    /// - Throws: ``RoomClientError``: `inputTooLarge`, or `notInRoom` while
    ///   not in the room.
    public func post(_ input: Logic.Input) throws {
        let arguments = try inputArguments(input)
        if input.inputClass == .volatile {
            socket.volatile.emit(RoomEvents.input, arguments: arguments)
        } else {
            socket.emit(RoomEvents.input, arguments: arguments)
        }
    }

    /// The arguments of an `input`: the encoded input, and the newest
    /// delta tick not acknowledged yet, if any.
    private func inputArguments(_ input: Logic.Input) throws(RoomClientError) -> [JSONValue] {
        let bytes = input.encodedBytes()
        let limit = logic.rules.maxInputBytes
        guard bytes.count <= limit else {
            throw RoomClientError(code: .inputTooLarge, message: "input of \(bytes.count) bytes exceeds the limit of \(limit)")
        }
        let acknowledgement = try shared.withLock { state throws(RoomClientError) -> UInt64? in
            if let refusal = state.inputRefusal { throw refusal }
            return state.acknowledgementForInput()
        }
        var arguments: [JSONValue] = [.binary(ByteBuffer(bytes: bytes))]
        if let acknowledgement { arguments.append(.int(Int64(clamping: acknowledgement))) }
        return arguments
    }

    // MARK: - Leaving

    /// Leaves the room and waits for the server's answer. The updates then
    /// finish, and the client may join another room. Leaving a room that
    /// is rejoining just stops the rejoin; leaving an ended room does nothing.
    ///
    /// ```swift
    /// try await room.leave()
    /// let next = try await client.joinOrCreate(ArenaLogic())
    /// ```
    ///
    /// - Throws: ``RoomClientError`` (`connectionLost`, `timeout`,
    ///   `joinInProgress`); the room is left on this side in every case.
    public func leave() async throws {
        let plan = shared.withLock { state -> LeavePlan in
            switch state.status {
            case .joined where !state.leaving:
                state.leaving = true
                return .ask
            case .joined, .left, .closed, .failed:
                return .done
            case .rejoining:
                return .done
            }
        }
        guard case .ask = plan else {
            end(.left)
            return
        }
        let emitter = socket.emitter(timeout: configuration.requestTimeout)
        let answer: Result<Void, RoomClientError> = await withCheckedContinuation { continuation in
            emitter.emit(RoomEvents.leave, arguments: []) { result in
                switch result {
                case .success(let arguments):
                    let refusal = RoomClientError(answer: arguments.first ?? .null)
                    // notInRoom: the room went away first; left all the same.
                    if let refusal, refusal.code != .notInRoom { continuation.resume(returning: .failure(refusal)) }
                    else { continuation.resume(returning: .success(())) }
                case .failure(let error):
                    continuation.resume(returning: .failure(RoomClientError(error)))
                }
            }
        }
        end(.left)
        try answer.get()
    }
}

/// Whether leaving needs the server.
enum LeavePlan {
    case ask, done
}

extension Socket {
    /// An emitter with the given ack timeout (none: the socket's default).
    func emitter(timeout: Duration?) -> Emitter {
        timeout.map { self.timeout($0) } ?? compress(true)
    }
}
