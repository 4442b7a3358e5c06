/// The client side of the Engine.IO upgrade from polling to WebSocket, as a
/// pure value: events in, actions out, no I/O. ``EngineSession`` performs
/// the actions; tests drive it directly.
///
/// The protocol: open a WebSocket with the session id, send `2probe`, wait
/// for `3probe`; then pause polling (let the GET in flight and the POST in
/// flight finish, so nothing is lost or reordered), send `5` over the
/// WebSocket and use it from then on. Any failure before the switch leaves
/// the session on polling, which keeps working.
///
/// ```
/// idle --start--> probing --probeOpened--> awaitingProbeAnswer
///   --3probe--> pausing --pollingPaused--> upgraded
/// any state before upgraded --failure--> failed (polling continues)
/// ```
struct UpgradeStateMachine: Sendable, Hashable {
    enum State: Sendable, Hashable {
        /// No upgrade attempted (yet).
        case idle
        /// The WebSocket is being opened.
        case probing
        /// `2probe` sent, waiting for `3probe`.
        case awaitingProbeAnswer
        /// `3probe` received; waiting for polling to go quiet. Writes are
        /// held back in the session's buffer meanwhile.
        case pausing
        /// The session runs on the WebSocket.
        case upgraded
        /// The probe failed; the session stays on polling.
        case failed(String)
    }

    enum Action: Sendable, Hashable {
        case none
        /// Open a WebSocket to the session.
        case openProbe
        /// Send `2probe` on the probe.
        case sendProbePing
        /// Pause the polling transport and report back when it is quiet.
        case pausePolling
        /// Send `5` on the probe, make it the session's transport, retire
        /// polling, then flush held writes on the WebSocket.
        case switchToProbe
        /// Close the probe; if polling was paused, resume it and flush.
        case abandonProbe(resumePolling: Bool)
    }

    private(set) var state: State = .idle

    /// True while writes must wait (between `3probe` and the switch).
    var holdsWrites: Bool { state == .pausing }

    /// True while a probe exists (opened or being opened).
    var hasProbe: Bool {
        switch state {
        case .probing, .awaitingProbeAnswer, .pausing: return true
        case .idle, .upgraded, .failed: return false
        }
    }

    /// The session opened on `current`; the server offers `upgrades`.
    mutating func sessionOpened(
        on current: ClientTransport,
        serverUpgrades: [String],
        allowedTransports: [ClientTransport],
        upgradeEnabled: Bool
    ) -> Action {
        guard state == .idle, upgradeEnabled, current == .polling,
              serverUpgrades.contains(ClientTransport.websocket.rawValue),
              allowedTransports.contains(.websocket)
        else { return .none }
        state = .probing
        return .openProbe
    }

    /// The WebSocket is open.
    mutating func probeOpened() -> Action {
        guard state == .probing else { return .none }
        state = .awaitingProbeAnswer
        return .sendProbePing
    }

    /// A packet arrived on the probe: `3probe` (isProbeAnswer) or anything else.
    mutating func probeReceived(isProbeAnswer: Bool) -> Action {
        guard state == .awaitingProbeAnswer else { return .none }
        guard isProbeAnswer else { return fail("unexpected packet during probe") }
        state = .pausing
        return .pausePolling
    }

    /// Polling has no request in flight any more.
    mutating func pollingPaused() -> Action {
        guard state == .pausing else { return .none }
        state = .upgraded
        return .switchToProbe
    }

    /// The probe failed or closed before the switch.
    mutating func probeFailed(_ reason: String) -> Action {
        fail(reason)
    }

    private mutating func fail(_ reason: String) -> Action {
        switch state {
        case .probing, .awaitingProbeAnswer:
            state = .failed(reason)
            return .abandonProbe(resumePolling: false)
        case .pausing:
            state = .failed(reason)
            return .abandonProbe(resumePolling: true)
        case .idle, .upgraded, .failed:
            return .none
        }
    }
}
