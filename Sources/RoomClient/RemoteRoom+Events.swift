import NIOCore
import RoomEngine
import SocketIOClient

// What arrives for a joined room, on the connection's event loop (through
// the client's ``RoomRouter``), and what the room does about it. Every
// handler decides under the lock and acts (emits, timers, finishing
// sequences) after releasing it.

extension RemoteRoom: RoomLink {
    func receivedDelta(_ bytes: [UInt8]) {
        let arm = shared.withLock { state -> Bool in
            guard state.status == .joined else { return false }
            switch state.replica.receiveDelta(bytes) {
            case .applied(let tick):
                state.watchers.yield(state.replica.positions)
                return state.acknowledger.applied(tick)
            case .ignored:
                return false
            case .failed:
                // Against a baseline not held (or garbage): acknowledging
                // the newest tick held makes the next delta usable again.
                return state.acknowledger.reacknowledge(state.replica.positions.tick)
            }
        }
        if arm { armAcknowledgementTimer() }
    }

    func receivedOperations(_ bytes: [UInt8]) {
        let failure = shared.withLock { state -> RoomClientError? in
            guard state.status == .joined else { return nil }
            for operation in state.replica.receiveOperations(bytes) {
                state.feed.yield(.operation(operation))
            }
            return state.replica.failure
        }
        if let failure {
            socket.emit(RoomEvents.leave)
            end(.failed(failure))
        }
    }

    func receivedError(_ error: RoomClientError) {
        shared.withLock { state in
            guard !state.status.isEnded else { return }
            if error.code == .tooSlow { state.disconnectCause = error }
            state.feed.yield(.refused(error))
        }
    }

    func receivedClosed(reason: String) {
        if reason == RoomEvents.seatMovedReason {
            return end(.failed(RoomClientError(code: .seatMoved, message: "another connection took this member's seat")))
        }
        let lost = RoomClientError(code: .roomClosed, message: reason)
        let next = shared.withLock { state -> LostMembership in
            guard state.status == .joined, !state.leaving else { return .nothing }
            state.replica.forgetSeat()   // its room stopped: the seat cannot bring us back
            return state.loseMembership(rejoin: configuration.rejoin, connected: socket.isConnected, otherwise: lost)
        }
        act(on: next)
    }

    func connected() {
        let attempt = shared.withLock { $0.startRejoin() }
        if let attempt { rejoin(attempt) }
    }

    func disconnected(_ reason: SocketDisconnectReason) {
        let reconnects = reason.reconnectsAutomatically && socket.manager.options.reconnection
        let next = shared.withLock { state -> LostMembership in
            state.rejoinInFlight = nil
            if state.status.isEnded || state.leaving { return .nothing }
            if reason == .ioClientDisconnect { return .end(.closed) }
            let lost = state.disconnectCause ?? RoomClientError(code: .connectionLost, message: "disconnected: \(reason.rawValue)")
            guard reconnects else { return .end(.failed(lost)) }
            if state.status == .rejoining { return .nothing }
            return state.loseMembership(rejoin: configuration.rejoin, connected: false, otherwise: lost)
        }
        act(on: next)
    }

    func reconnectionFailed() {
        end(.failed(RoomClientError(code: .connectionLost, message: "reconnection gave up")))
    }

    // MARK: - Rejoining

    /// Gets back into the room: with the seat when there is one (`rejoin`:
    /// the same member, the operations missed), else (or when the seat is
    /// gone) a fresh `join` of the kind.
    private func rejoin(_ attempt: UInt64) {
        let (seat, sequence) = shared.withLock { ($0.replica.membership.seat, $0.replica.operationSequence) }
        guard let seat else { return joinAgain(attempt) }
        RoomClient.requestRejoin(on: socket, seat: seat, sequence: sequence, timeout: configuration.requestTimeout) { [self] answer in
            rejoinAnswered(answer, attempt: attempt)
        }
    }

    private func joinAgain(_ attempt: UInt64) {
        RoomClient.requestJoin(on: socket, kind: logic.kind, timeout: configuration.requestTimeout) { [self] answer in
            switch answer {
            case .success(let answer): replaced(by: answer, attempt: attempt, sameMember: false)
            case .failure(let error): rejoinFailed(error, attempt: attempt)
            }
        }
    }

    private func rejoinAnswered(_ answer: Result<RejoinAnswer, RoomClientError>, attempt: UInt64) {
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
    private func resumed(_ answer: RejoinAnswer, operations bytes: [UInt8], attempt: UInt64) {
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
    private func replaced(by answer: JoinAnswer, attempt: UInt64, sameMember: Bool) {
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

    private func rejoinFailed(_ error: RoomClientError, attempt: UInt64) {
        let next = shared.withLock { state -> RejoinNext in
            guard state.rejoinInFlight == attempt, state.status == .rejoining else { return .stale }
            state.rejoinInFlight = nil
            return Self.isPassing(error) ? .retry : .fail(error)
        }
        carryOut(next)
    }

    private func carryOut(_ next: RejoinNext) {
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
    private static func isPassing(_ error: RoomClientError) -> Bool {
        [.connectionLost, .timeout, .serverBusy, .rateLimited, .shuttingDown, .joinInProgress].contains(error.code)
    }

    /// Tries again after ``RoomClientConfiguration/rejoinRetryDelay`` if the
    /// socket is still connected (else its next connection does).
    private func scheduleRejoinRetry() {
        socket.manager.eventLoop.scheduleTask(in: TimeAmount(configuration.rejoinRetryDelay)) { [weak self] in
            guard let self, self.socket.isConnected else { return }
            self.connected()
        }
    }

    /// Carries out what losing the membership calls for.
    private func act(on next: LostMembership) {
        switch next {
        case .nothing: break
        case .rejoinNow(let attempt): rejoin(attempt)
        case .end(let status): end(status)
        }
    }

    // MARK: - Acknowledging deltas

    /// How long an applied delta waits for an input to carry its acknowledgement.
    private var acknowledgementDelay: TimeAmount {
        if let delay = configuration.deltaAcknowledgementDelay { return TimeAmount(delay) }
        let rate = max(1, membership.tickRate)
        return .nanoseconds(4 * 1_000_000_000 / Int64(rate))
    }

    private func armAcknowledgementTimer() {
        socket.manager.eventLoop.scheduleTask(in: acknowledgementDelay) { [weak self] in
            self?.acknowledgementTimerFired()
        }
    }

    private func acknowledgementTimerFired() {
        let tick = shared.withLock { state -> UInt64? in
            let tick = state.acknowledger.timerFired()
            guard let tick, state.acceptsInputs else { return nil }
            state.acknowledgementsSent += 1
            return tick
        }
        if let tick { socket.volatile.emit(RoomEvents.deltaAck, .int(Int64(clamping: tick))) }
    }

    // MARK: - Ending

    /// Ends the room for this handle (once): the updates finish (with the
    /// error of a failure), the position frames end, the client forgets it.
    func end(_ status: RoomStatus) {
        let watchers = shared.withLock { state -> [AsyncStream<PositionFrame>.Continuation]? in
            guard !state.status.isEnded else { return nil }
            state.status = status
            state.rejoinInFlight = nil
            if case .failed(let error) = status {
                state.feed.finish(throwing: error)
            } else {
                state.feed.finish(throwing: nil)
            }
            return state.watchers.removeAll()
        }
        guard let watchers else { return }
        for watcher in watchers { watcher.finish() }
        router.detach(self)
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
