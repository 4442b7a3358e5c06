import NIOCore
import EngineIOCore

/// The heartbeat's timer: ``EngineIOSessionHeartbeat`` decides, this arms
/// NIO callbacks and sends the pings (v4).
extension EngineIOSocket {
    /// Starts the heartbeat: a ping after pingInterval (v4), or a deadline
    /// for the client's first ping (v3).
    func startHeartbeat() {
        apply(heartbeat.start(now: eventLoop.now))
    }

    /// Carries out a heartbeat decision.
    func apply(_ action: EngineIOHeartbeat.Action) {
        switch action {
        case .none:
            break
        case .schedule(let deadline, let generation):
            arm(at: deadline, generation: generation)
        case .sendPing(let deadline, let generation):
            sendControl(EngineIOPacket(type: .ping))
            arm(at: deadline, generation: generation)
        case .timedOut:
            close(reason: .pingTimeout)
        }
    }

    /// A request is taken at the time it arrived: when the pong deadline
    /// has passed by then, the session timed out first, even if its timer
    /// (which may run a little late) has not fired yet.
    func applyHeartbeatDeadline() {
        guard state.isOpen, heartbeat.hasTimedOut(at: eventLoop.now) else { return }
        close(reason: .pingTimeout)
    }

    private func arm(at deadline: NIODeadline, generation: UInt32) {
        let timer = HeartbeatTimer(token: heartbeatToken, generation: generation)
        heartbeatTimer = try? eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: timer)
    }

    /// A heartbeat timer fired.
    fileprivate func heartbeatDue(generation: UInt32) {
        guard state.isOpen, generation == heartbeat.generation else { return }
        heartbeatTimer = nil
        apply(heartbeat.timerFired(generation: generation, now: eventLoop.now))
    }
}

/// Calls back into its session through a token the session clears when it
/// closes, so a closed session is freed even while its last timer is
/// pending. (Not a weak reference: that would give every session a side
/// table and make each retain of it slower.)
private struct HeartbeatTimer: NIOScheduledCallbackHandler {
    let token: SessionToken
    let generation: UInt32

    func handleScheduledCallback(eventLoop: some EventLoop) {
        token.socket?.heartbeatDue(generation: generation)
    }
}
