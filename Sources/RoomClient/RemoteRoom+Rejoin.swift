import NIOCore
import RoomEngine
import SocketIOClient

// Taking a lost membership up again: the seat's `rejoin` when the server
// gave one, else a fresh `join` of the kind (docs/room-client.md,
// Reconnection). Runs on the connection's event loop; decides under the
// lock, acts after it.

extension RemoteRoom {
    /// Gets back into the room: with the seat when there is one (`rejoin`:
    /// the same member, the operations missed), else (or when the seat is
    /// gone) a fresh `join` of the kind.
    func rejoin(_ attempt: UInt64) {
        let (seat, sequence) = shared.withLock { ($0.replica.membership.seat, $0.replica.operationSequence) }
        guard let seat else { return joinAgain(attempt) }
        RoomClient.requestRejoin(on: socket, snapshots: client.snapshots, seat: seat, sequence: sequence, timeout: configuration.requestTimeout) { [self] answer in
            rejoinAnswered(answer, attempt: attempt)
        }
    }

    func joinAgain(_ attempt: UInt64) {
        RoomClient.requestJoin(on: socket, snapshots: client.snapshots, kind: logic.kind, timeout: configuration.requestTimeout) { [self] answer in
            switch answer {
            case .success(let answer): replaced(by: answer, attempt: attempt, sameMember: false)
            case .failure(let error): rejoinFailed(error, attempt: attempt)
            }
        }
    }

    func rejoinAnswered(_ answer: Result<RejoinAnswer, RoomClientError>, attempt: UInt64) {
        switch answer {
        case .success(let answer):
            switch answer.caughtUp {
            case .operations(let bytes): resumed(answer, operations: bytes, attempt: attempt)
            case .snapshot(let join): replaced(by: join, attempt: attempt, sameMember: true)
            }
        case .failure(let error) where error.code == .unknownSeat:
            // The seat is gone (expired, freed, its room stopped): join afresh.
            let current = shared.withLock { state -> Bool in
                state.replica.forgetSeat()
                return state.rejoinInFlight == attempt && state.status == .rejoining
            }
            if current { joinAgain(attempt) }
        case .failure(let error):
            rejoinFailed(error, attempt: attempt)
        }
    }

    /// The seat came back with the operations missed: the same membership
    /// goes on, its document and delta tables kept.
    func resumed(_ answer: RejoinAnswer, operations bytes: [UInt8], attempt: UInt64) {
        let next = shared.withLock { state -> RejoinNext in
            guard state.rejoinInFlight == attempt, state.status == .rejoining else { return .leaveAgain }
            state.rejoinInFlight = nil
            let missed: [RoomOperation<Logic.Operation>]
            do throws(RoomClientError) {
                missed = try state.replica.resume(answer, operations: bytes)
            } catch {
                return .fail(error)
            }
            state.replica.statistics.resumes += 1
            state.status = .joined
            state.feed.yield(.resumed(state.replica.membership))
            for operation in missed { state.feed.yield(.operation(operation)) }
            state.watchers.yield(state.replica.positions)
            return .joined
        }
        carryOut(next)
    }

    /// A join (or a seat's rejoin) answered with a snapshot: the state is
    /// replaced, the delta tables start from the snapshot's.
    func replaced(by answer: JoinAnswer, attempt: UInt64, sameMember: Bool) {
        let replica = Result { () throws(RoomClientError) in
            try RoomReplica(logic: logic, answer: answer, applying: applier, historyLength: configuration.positionHistoryLength)
        }
        let next = shared.withLock { state -> RejoinNext in
            guard state.rejoinInFlight == attempt, state.status == .rejoining else { return .leaveAgain }
            state.rejoinInFlight = nil
            switch replica {
            case .success(var replica):
                replica.statistics = state.replica.statistics
                if sameMember { replica.statistics.resumes += 1 } else { replica.statistics.rejoins += 1 }
                state.replica = replica
                state.status = .joined
                state.acknowledger.reset()
                state.feed.yield(.rejoined(replica.membership))
                state.watchers.yield(replica.positions)
                return .joined
            case .failure(let error):
                // Joined, but unreadable here (another kind or version): leave it.
                return .failLeaving(error)
            }
        }
        carryOut(next)
    }

    func rejoinFailed(_ error: RoomClientError, attempt: UInt64) {
        let next = shared.withLock { state -> RejoinNext in
            guard state.rejoinInFlight == attempt, state.status == .rejoining else { return .stale }
            state.rejoinInFlight = nil
            return Self.isPassing(error) ? .retry : .fail(error)
        }
        carryOut(next)
    }

    func carryOut(_ next: RejoinNext) {
        switch next {
        case .stale, .joined:
            break
        case .leaveAgain:
            // Answered after the room ended or moved on: leave what it gave us.
            socket.emit(RoomEvents.leave)
        case .retry:
            scheduleRejoinRetry()
        case .fail(let error):
            end(.failed(error))
        case .failLeaving(let error):
            socket.emit(RoomEvents.leave)
            end(.failed(error))
        }
    }

    /// Refusals that pass: the next attempt may succeed.
    static func isPassing(_ error: RoomClientError) -> Bool {
        [.connectionLost, .timeout, .serverBusy, .rateLimited, .shuttingDown, .joinInProgress].contains(error.code)
    }

    /// Tries again after ``RoomClientConfiguration/rejoinRetryDelay`` if the
    /// socket is still connected (else its next connection does).
    func scheduleRejoinRetry() {
        socket.manager.eventLoop.scheduleTask(in: TimeAmount(configuration.rejoinRetryDelay)) { [weak self] in
            guard let self, self.socket.isConnected else { return }
            self.connected()
        }
    }

    /// Carries out what losing the membership calls for.
    func act(on next: LostMembership) {
        switch next {
        case .nothing: break
        case .rejoinNow(let attempt): rejoin(attempt)
        case .end(let status): end(status)
        }
    }
}

/// What a rejoin's answer calls for.
enum RejoinNext {
    case stale, leaveAgain, joined, retry, fail(RoomClientError), failLeaving(RoomClientError)
}

/// What losing a membership calls for.
enum LostMembership {
    case nothing
    case rejoinNow(attempt: UInt64)
    case end(RoomStatus)
}

extension RemoteRoomState {
    /// The membership is gone (connection lost, room closed): rejoin (now
    /// when connected, else at the next connection) or end with `error`.
    mutating func loseMembership(rejoin: Bool, connected: Bool, otherwise error: RoomClientError) -> LostMembership {
        guard rejoin else { return .end(.failed(error)) }
        status = .rejoining
        acknowledger.reset()
        feed.yield(.interrupted(error))
        guard connected else { return .nothing }
        return startRejoin().map { .rejoinNow(attempt: $0) } ?? .nothing
    }

    /// Numbers a rejoin attempt when one is due (rejoining, none in flight).
    mutating func startRejoin() -> UInt64? {
        guard status == .rejoining, rejoinInFlight == nil else { return nil }
        rejoinAttempts += 1
        rejoinInFlight = rejoinAttempts
        return rejoinAttempts
    }
}
