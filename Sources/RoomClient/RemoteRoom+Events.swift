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
