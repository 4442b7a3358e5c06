import NIOCore
import EngineIOCore

/// The switch from polling to WebSocket (Engine.IO v4):
/// 1. the client opens a WebSocket with the session's sid and sends `2probe`;
/// 2. the server answers `3probe` on it (the connection does, at once: see
///    ``EngineIOWebSocketHandler``) and releases a held GET with a noop
///    shortly after (the reference checks every 100 ms), while packets still
///    go out by polling;
/// 3. the client sends `5` (upgrade): from then on everything goes over the
///    WebSocket, starting with what polling had not delivered, so nothing is
///    lost or reordered; polling requests for the sid are refused.
/// Noops go only to the polling transport: nothing but the session's own
/// packets is ever written on the new WebSocket (as in the reference).
extension EngineIOSessionStateMachine {
    /// Whether a WebSocket with this session's id may start an upgrade now.
    var canStartUpgrade: Bool {
        if case .polling = state { return true }
        return false
    }

    /// A WebSocket with this session's id is open (upgrades are allowed:
    /// the caller checked the configuration).
    mutating func probeOpened(_ socket: WebSocket) -> [Action] {
        guard case .polling(let queue) = state else {
            // Upgrading already, upgraded or closed: the reference closes such a WebSocket.
            return duplicateProbe(socket)
        }
        state = .upgrading(queue, probe: Probe(socket: socket))
        return [.startUpgradeTimer]
    }

    /// The most WebSockets whose refusal waits (``duplicateProbe(_:)``); one
    /// more is refused at once.
    static var maxDeferredRefusals: Int { 4 }

    /// Another WebSocket with this session's id opened while the session is
    /// upgrading, upgraded or closed: it is refused (closed, 1008), as the
    /// reference does. While the probe's `2probe` is not answered yet, the
    /// refusal waits until it is, or until the upgrade ends
    /// (``refusalsDue()``): the reference reads the probe's `2probe` before
    /// it even sees a later WebSocket, so its `3probe` goes out first (the
    /// official suite's "ignores WebSocket connection with same sid after
    /// upgrade" counts on it), whereas here the probe's frames are read on
    /// its own connection's loop and may still be unread.
    mutating func duplicateProbe(_ socket: WebSocket) -> [Action] {
        if case .upgrading(_, let probe) = state, !probe.answered, deferredRefusals.count < Self.maxDeferredRefusals {
            deferredRefusals.append(socket)
            return []
        }
        return [.closeWebSocket(socket, code: 1008)]
    }

    /// The refusals of ``duplicateProbe(_:)`` that need not wait any more
    /// (the probe was answered, or the upgrade ended one way or another).
    /// The session's driver asks after every batch of actions it performed.
    mutating func refusalsDue() -> [Action] {
        guard !deferredRefusals.isEmpty else { return [] }
        if case .upgrading(_, let probe) = state, !probe.answered { return [] }
        defer { deferredRefusals.removeAll() }
        return deferredRefusals.map { .closeWebSocket($0, code: 1008) }
    }

    /// A packet on the probing WebSocket.
    mutating func probeReceived(_ packet: EngineIOPacket) -> [Action] {
        let isProbePing = packet.type == .ping && !packet.isBinary && packet.data.readableBytesView.elementsEqual("probe".utf8)
        switch state {
        case .upgrading(var queue, var probe):
            state = .closed
            if isProbePing {
                // The connection answered `3probe` itself, at once.
                probe.answered = true
                state = .upgrading(queue, probe: probe)
                // A held GET is released by a noop shortly (the client waits
                // for it to pause polling), unless the `5` comes first.
                return queue.heldPoll == nil ? [] : [.startProbeNoopTimer]
            }
            guard packet.type == .upgrade else {
                // Anything else on a probing transport aborts the upgrade.
                state = .polling(queue)
                return [.cancelUpgradeTimer, .closeWebSocket(probe.socket, code: 1000)]
            }
            var actions: [Action] = [.cancelUpgradeTimer]
            if let held = queue.heldPoll {
                // A GET still held when the `5` is taken came after it (a
                // client pauses polling, its GET answered, before it sends
                // `5`): refused, like every polling request after the upgrade.
                actions.append(.answer(held, .error(.badRequest)))
            }
            while let waiting = queue.packets.popFirst() {
                actions.append(.write(waiting, to: probe.socket))
            }
            actions.append(.becameWebSocket(probe.socket))
            state = .websocket(probe.socket)
            return actions
        case .draining(var draining):
            guard let probe = draining.probe else { return [] }
            if isProbePing { return [] }
            guard packet.type == .upgrade else {
                draining.probe = nil
                state = .draining(draining)
                return [.cancelUpgradeTimer, .closeWebSocket(probe, code: 1000)]
            }
            // The upgrade completes after the server closed: the last packets
            // go over the WebSocket, then it closes (the reference's
            // `closing` socket does the same once upgraded).
            state = .closed
            var actions: [Action] = [.cancelUpgradeTimer]
            for waiting in draining.packets { actions.append(.write(waiting, to: probe)) }
            actions += [.closeWebSocket(probe, code: 1000), .finishDraining]
            return actions
        case .polling, .websocket, .closed:
            return []
        }
    }

    /// The noop that releases a GET held after the probe went through is
    /// due (the reference's check every 100 ms does the same): the client
    /// can then pause polling and send `5`.
    mutating func probeNoopDue() -> [Action] {
        guard case .upgrading(var queue, let probe) = state, let held = queue.heldPoll else { return [] }
        state = .closed
        queue.heldPoll = nil
        let answer: PollAnswer = queue.packets.isEmpty ? .noop : .payload(queue.takePayload(as: pollingFormat))
        state = .upgrading(queue, probe: probe)
        return [.answer(held, answer)]
    }

    /// The client did not complete the upgrade in time: drop the probe; the
    /// session goes on polling.
    mutating func upgradeTimedOut() -> [Action] {
        switch state {
        case .upgrading(let queue, let probe):
            state = .polling(queue)
            return [.closeWebSocket(probe.socket, code: 1000)]
        case .draining(var draining):
            guard let probe = draining.probe else { return [] }
            draining.probe = nil
            state = .draining(draining)
            return [.closeWebSocket(probe, code: 1000)]
        case .polling, .websocket, .closed:
            return []
        }
    }

    /// A WebSocket connection of this session closed (`error`: it failed).
    mutating func webSocketClosed(connection: ObjectIdentifier, error: Bool) -> [Action] {
        switch state {
        case .websocket(let socket) where socket.connection == connection:
            return [.close(error ? .transportError : .transportClose)]
        case .upgrading(let queue, let probe) where probe.socket.connection == connection:
            state = .polling(queue)
            return [.cancelUpgradeTimer]
        case .draining(var draining) where draining.probe?.connection == connection:
            draining.probe = nil
            state = .draining(draining)
            return [.cancelUpgradeTimer]
        case .polling, .upgrading, .websocket, .draining, .closed:
            return []
        }
    }

    /// A WebSocket message of this session that is not an Engine.IO packet.
    mutating func webSocketParseError(connection: ObjectIdentifier) -> [Action] {
        switch state {
        case .websocket(let socket) where socket.connection == connection:
            return [.close(.parseError)]
        case .upgrading(let queue, let probe) where probe.socket.connection == connection:
            state = .polling(queue)
            return [.cancelUpgradeTimer, .closeWebSocket(probe.socket, code: 1000)]
        case .draining(var draining) where draining.probe?.connection == connection:
            let probe = draining.probe!
            draining.probe = nil
            state = .draining(draining)
            return [.cancelUpgradeTimer, .closeWebSocket(probe, code: 1000)]
        case .polling, .upgrading, .websocket, .draining, .closed:
            return []
        }
    }
}
