public import RoomEngine
import SocketIOClient

// The requests a client makes outside a room: joining, and listing rooms.

extension RoomClient {
    /// Joins the oldest room of the logic's kind with a free seat, or a new
    /// one (the protocol's join-or-create), and returns it once the room's
    /// snapshot arrived (the room's next tick).
    ///
    /// `applying` keeps ``RemoteRoom/state`` current: it applies each
    /// operation to the client's copy of the state, as the server did (the
    /// whiteboard's `WhiteboardState.apply`). Without it, `state` stays the
    /// join snapshot's and the operations are yours to interpret.
    ///
    /// ```swift
    /// let board = try await client.joinOrCreate(WhiteboardLogic()) { state, operation in try state.apply(operation) }
    /// let arena = try await otherClient.joinOrCreate(ArenaLogic())
    /// let counter = try await thirdClient.joinOrCreate(CounterLogic())      // your own kind, the same way
    /// ```
    ///
    /// - Throws: ``RoomClientError``: `connectionFailed` (the first
    ///   connection attempt failed), the server's refusal (`unknownRoomKind`,
    ///   `roomFull`, `joinRefused`, `alreadyInRoom`, `joinInProgress`,
    ///   `serverBusy`, `rateLimited`, `shuttingDown`), `kindMismatch` (the
    ///   room runs another logic version), `connectionLost`, `timeout`; or
    ///   `CancellationError` while connecting.
    public func joinOrCreate<Logic: RoomLogic>(
        _ logic: Logic,
        applying applier: (@Sendable (inout Logic.State, Logic.Operation) throws -> Void)? = nil
    ) async throws -> RemoteRoom<Logic> {
        try await connect()
        let socket = self.socket
        let configuration = self.configuration
        let outcome: JoinOutcome<Logic> = await withCheckedContinuation { continuation in
            Self.requestJoin(on: socket, snapshots: snapshots, kind: logic.kind, timeout: configuration.requestTimeout) { [self] answer in
                // On the loop, before any packet that follows the answer:
                // the room is in place for the first delta and operations.
                let joined: JoinAnswer
                switch answer {
                case .success(let answer): joined = answer
                case .failure(let error) where error.code == .protocolViolation:
                    // Answered (or its snapshot stream broke): in the room, unreadable here.
                    return continuation.resume(returning: .unreadable(error))
                case .failure(let error): return continuation.resume(returning: .refused(error))
                }
                do throws(RoomClientError) {
                    let replica = try RoomReplica(
                        logic: logic, answer: joined, applying: applier, historyLength: configuration.positionHistoryLength
                    )
                    let room = RemoteRoom(logic: logic, applier: applier, replica: replica, client: self)
                    router.attach(room)
                    continuation.resume(returning: .joined(room))
                } catch {
                    continuation.resume(returning: .unreadable(error))
                }
            }
        }
        switch outcome {
        case .joined(let room):
            return room
        case .refused(let error):
            throw error
        case .unreadable(let error):
            // Leave the room the server put us in, and wait for it: a join
            // right after would otherwise be refused (joinInProgress).
            _ = try? await socket.emitter(timeout: configuration.requestTimeout).emitWithAck(RoomEvents.leave)
            throw error
        }
    }

    /// The live rooms the server runs, oldest first: of one kind, or of
    /// every kind (`nil`).
    ///
    /// ```swift
    /// for listing in try await client.rooms(of: .whiteboard) {
    ///     print(listing.id, "\(listing.members)/\(listing.capacity)")
    /// }
    /// ```
    ///
    /// - Throws: ``RoomClientError`` (`connectionFailed`, `connectionLost`,
    ///   `timeout`, `rateLimited`, `serverBusy`).
    public func rooms(of kind: RoomKind? = nil) async throws -> [RoomListing] {
        try await connect()
        let request: JSONValue = kind.map { .object(["kind": .string($0.name)]) } ?? .object([:])
        let emitter = socket.emitter(timeout: configuration.requestTimeout)
        let answer: Result<[RoomListing], RoomClientError> = await withCheckedContinuation { continuation in
            emitter.emit(RoomEvents.list, request) { result in
                switch result {
                case .success(let arguments): continuation.resume(returning: RoomListing.parse(arguments))
                case .failure(let error): continuation.resume(returning: .failure(RoomClientError(error)))
                }
            }
        }
        return try answer.get()
    }

    /// Waits for the socket's connection (at once when connected).
    private func connect() async throws {
        do {
            try await socket.connect(timeout: configuration.requestTimeout)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw RoomClientError(error, whileConnecting: true)
        }
    }

    /// Sends `join {kind}`; `completion` gets the parsed answer on the
    /// connection's loop, in order with the packets around it (after the
    /// last chunk of a snapshot sent in chunks).
    static func requestJoin(
        on socket: Socket,
        snapshots: SnapshotReceiver,
        kind: RoomKind,
        timeout: Duration?,
        _ completion: @escaping @Sendable (Result<JoinAnswer, RoomClientError>) -> Void
    ) {
        socket.emitter(timeout: timeout).emit(RoomEvents.join, .object(["kind": .string(kind.name)])) { result in
            switch result {
            case .success(let arguments): JoinAnswer.completing(JoinAnswer.parse(arguments), from: snapshots, completion)
            case .failure(let error): completion(.failure(RoomClientError(error)))
            }
        }
    }
}

extension RoomClient {
    /// Sends `rejoin {seat, sequence}`; `completion` gets the parsed answer
    /// on the connection's loop, in order with the packets around it (after
    /// the last chunk of a snapshot sent in chunks).
    static func requestRejoin(
        on socket: Socket,
        snapshots: SnapshotReceiver,
        seat: RoomSeat,
        sequence: UInt64,
        timeout: Duration?,
        _ completion: @escaping @Sendable (Result<RejoinAnswer, RoomClientError>) -> Void
    ) {
        let request: JSONValue = .object(["seat": .string(seat.token), "sequence": .int(Int64(clamping: sequence))])
        socket.emitter(timeout: timeout).emit(RoomEvents.rejoin, request) { result in
            switch result {
            case .success(let arguments): RejoinAnswer.completing(RejoinAnswer.parse(arguments), from: snapshots, completion)
            case .failure(let error): completion(.failure(RoomClientError(error)))
            }
        }
    }
}

/// How a first join ended.
enum JoinOutcome<Logic: RoomLogic>: Sendable {
    case joined(RemoteRoom<Logic>)
    case refused(RoomClientError)
    /// Joined, but the room is unreadable here (another kind or version).
    case unreadable(RoomClientError)
}
