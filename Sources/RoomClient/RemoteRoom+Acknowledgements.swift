import NIOCore
import SocketIOClient

// Acknowledging position deltas: a `delta-ack` when no input carried the
// newest applied tick within the delay (``DeltaAcknowledger`` decides).

extension RemoteRoom {
    /// How long an applied delta waits for an input to carry its acknowledgement.
    var acknowledgementDelay: TimeAmount {
        if let delay = configuration.deltaAcknowledgementDelay { return TimeAmount(delay) }
        let rate = max(1, membership.tickRate)
        return .nanoseconds(4 * 1_000_000_000 / Int64(rate))
    }

    func armAcknowledgementTimer() {
        socket.manager.eventLoop.scheduleTask(in: acknowledgementDelay) { [weak self] in
            self?.acknowledgementTimerFired()
        }
    }

    func acknowledgementTimerFired() {
        let tick = shared.withLock { state -> UInt64? in
            let tick = state.acknowledger.timerFired()
            guard let tick, state.acceptsInputs else { return nil }
            state.acknowledgementsSent += 1
            return tick
        }
        if let tick { socket.volatile.emit(RoomEvents.deltaAck, .int(Int64(clamping: tick))) }
    }
}
