import NIOCore
import EngineIOCore

extension EngineIOSessionStateMachine {
    /// The session ends for `reason`.
    ///
    /// - The client asked (`transportClose`): a held GET gets a noop, a
    ///   probe is closed; with no GET held, the session drains so that a GET
    ///   in flight still gets its noop.
    /// - The server closes (`forcedClose`, `serverShuttingDown`): the client
    ///   gets what was still queued for it (a Socket.IO DISCONNECT, say),
    ///   then the close packet in a response of its own: a held GET takes
    ///   the packets at once (or the close, when nothing is queued), and the
    ///   session drains (see ``State/draining``): its next GETs, or the
    ///   upgrade in progress completing, deliver the rest.
    /// - Any failure: a held GET gets what was queued and the close packet;
    ///   without one, the client finds the session gone.
    /// - On WebSocket: the connection closes (with 1000, or no close frame
    ///   when the client closed).
    mutating func close(_ reason: EngineIOCloseReason) -> [Action] {
        switch state {
        case .polling(let queue):
            return closePolling(queue, probe: nil, reason: reason)
        case .upgrading(let queue, let probe):
            return closePolling(queue, probe: probe.socket, reason: reason)
        case .websocket(let socket):
            state = .closed
            return [.closeWebSocket(socket, code: reason == .transportClose ? nil : 1000)]
        case .draining, .closed:
            return []
        }
    }

    private mutating func closePolling(_ queue: PollingQueue, probe: WebSocket?, reason: EngineIOCloseReason) -> [Action] {
        var queue = queue
        state = .closed
        var actions: [Action] = []
        if reason == .transportClose {
            guard let held = queue.heldPoll else {
                state = .draining(Draining(packets: [], probe: nil, clientClosed: true))
                if let probe { actions += [.cancelUpgradeTimer, .closeWebSocket(probe, code: 1000)] }
                return actions + [.startDraining(clientClosed: true)]
            }
            actions.append(.answer(held, .noop))
        } else if reason == .forcedClose || reason == .serverShuttingDown {
            // What the client is still owed goes first, the close after it,
            // in a later response (see ``pollArrived(_:)``'s draining case).
            guard let held = queue.heldPoll else {
                state = .draining(Draining(packets: queue.packets, probe: probe))
                return [.startDraining(clientClosed: false)]
            }
            guard queue.packets.isEmpty else {
                let payload = queue.takePayload(as: pollingFormat)
                state = .draining(Draining(packets: [], probe: probe))
                return [.answer(held, .payload(payload)), .startDraining(clientClosed: false)]
            }
            actions.append(.answer(held, .payload(closePayload)))
        } else if let held = queue.heldPoll {
            actions.append(.answer(held, .payload(queue.takePayload(as: pollingFormat, closing: true))))
        }
        if let probe { actions += [.cancelUpgradeTimer, .closeWebSocket(probe, code: 1000)] }
        return actions
    }

    /// The draining session's time is up: what it still owed is dropped
    /// (its client then finds the session gone).
    mutating func drainingExpired() -> [Action] {
        guard case .draining(let draining) = state else { return [] }
        state = .closed
        var actions: [Action] = []
        if let probe = draining.probe { actions += [.cancelUpgradeTimer, .closeWebSocket(probe, code: 1000)] }
        actions.append(.finishDraining)
        return actions
    }
}
