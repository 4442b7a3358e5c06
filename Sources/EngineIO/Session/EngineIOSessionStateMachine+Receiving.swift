import NIOCore
import EngineIOCore

extension EngineIOSessionStateMachine {
    /// Where a packet from the client came from.
    enum Origin {
        /// The body of a polling POST.
        case polling
        /// A WebSocket connection of this session (active, or probing).
        case webSocket(ObjectIdentifier)
    }

    /// What to do with a packet from the client.
    enum ReceiveAction {
        /// Hand the message to the application.
        case deliver(EngineIOMessage)
        /// A pong (v4): tell the heartbeat.
        case pong
        /// A client ping (v3): tell the heartbeat and answer with a pong.
        case ping
        /// Close the session for this reason.
        case close(EngineIOCloseReason)
        /// Nothing (a packet of a transport that is no longer the session's,
        /// or a type that means nothing here).
        case ignore
        /// A packet on the probing WebSocket: carry these out.
        case upgrade([Action])
    }

    /// A packet arrived from the client.
    mutating func received(_ packet: EngineIOPacket, from origin: Origin) -> ReceiveAction {
        switch origin {
        case .polling:
            switch state {
            case .polling, .upgrading: return meaning(of: packet)
            case .websocket, .draining, .closed: return .ignore
            }
        case .webSocket(let connection):
            switch state {
            case .websocket(let socket):
                return socket.connection == connection ? meaning(of: packet) : .ignore
            case .upgrading(_, let probe) where probe.socket.connection == connection:
                return .upgrade(probeReceived(packet))
            case .draining(let draining) where draining.probe?.connection == connection:
                return .upgrade(probeReceived(packet))
            case .polling, .upgrading, .draining, .closed:
                return .ignore
            }
        }
    }

    /// What a packet on the session's active transport means.
    private func meaning(of packet: EngineIOPacket) -> ReceiveAction {
        switch packet.type {
        case .message:
            return .deliver(packet.isBinary ? .binary(packet.data) : .text(packet.data))
        case .pong:
            // v3 heartbeats go from client to server: a client pong is a
            // protocol error ("invalid heartbeat direction" in the reference).
            return version == .v4 ? .pong : .close(.transportError)
        case .close:
            return .close(.transportClose)
        case .ping:
            // v4 heartbeats go from server to client: a client ping is a
            // protocol error, as above.
            return version == .v3 ? .ping : .close(.transportError)
        case .open, .upgrade, .noop:
            return .ignore
        }
    }

    /// A GET for this session.
    mutating func pollArrived(_ poll: Poll) -> [Action] {
        switch state {
        case .polling(var queue):
            if queue.heldPoll != nil {
                // A second GET while one is held: the reference refuses it
                // and closes the session ("overlap from client").
                return [.answer(poll, .error(.badRequest)), .close(.transportError)]
            }
            state = .closed
            let actions: [Action]
            if !queue.packets.isEmpty {
                actions = [.answer(poll, .payload(queue.takePayload(as: pollingFormat)))]
            } else {
                queue.heldPoll = poll
                actions = []
            }
            state = .polling(queue)
            return actions
        case .upgrading(var queue, let probe):
            if queue.heldPoll != nil { return [.answer(poll, .error(.badRequest)), .close(.transportError)] }
            state = .closed
            let actions: [Action]
            if !queue.packets.isEmpty {
                actions = [.answer(poll, .payload(queue.takePayload(as: pollingFormat)))]
            } else {
                // Held, as always; once the probe went through, a noop
                // releases it shortly (see ``probeNoopDue()``) unless the `5`
                // comes first, which refuses it: a GET that races the `5`
                // is taken after it, whichever loop read it first.
                queue.heldPoll = poll
                actions = probe.answered ? [.startProbeNoopTimer] : []
            }
            state = .upgrading(queue, probe: probe)
            return actions
        case .websocket:
            // The session left polling: its requests are refused (the session goes on).
            return [.answer(poll, .error(.badRequest))]
        case .draining(var draining):
            if !draining.clientClosed, !draining.packets.isEmpty {
                // The last packets, and the close in the next GET: never in
                // one payload, where the official client handles the close
                // before the packets (it defers a payload's packets by a
                // microtask) and reports "transport close" before an
                // "io server disconnect"; the reference keeps them apart too.
                let bytes = draining.packets.reduce(0) { $0 + $1.packet.data.readableBytes }
                let payload = Self.payload(of: draining.packets, bytes: bytes, as: pollingFormat, closing: false)
                draining.packets.removeAll()
                state = .draining(draining)
                return [.answer(poll, .payload(payload))]
            }
            state = .closed
            var actions: [Action] = [.answer(poll, draining.clientClosed ? .noop : .payload(closePayload))]
            if let probe = draining.probe {
                actions += [.cancelUpgradeTimer, .closeWebSocket(probe, code: 1000)]
            }
            actions.append(.finishDraining)
            return actions
        case .closed:
            return [.answer(poll, .error(.unknownSessionID))]
        }
    }

    /// A POST for this session: whether its packets are taken (then fed
    /// to ``received(_:from:)`` with origin `.polling`).
    func postArrived() -> PollAnswer? {
        switch state {
        case .polling, .upgrading:
            return nil
        case .websocket:
            return .error(.badRequest)
        case .draining:
            // The reference takes the body and ignores its packets.
            return .ok
        case .closed:
            return .error(.unknownSessionID)
        }
    }

    /// The connection of a held GET went away before it was answered.
    ///
    /// - Returns: true when that GET was held: the session then closes
    ///   ("transport error"), as the reference does.
    mutating func pollAborted(connection: ObjectIdentifier) -> Bool {
        withPollingQueue { queue -> Bool in
            guard let held = queue.heldPoll, held.connection == connection else { return false }
            queue.heldPoll = nil
            return true
        } ?? false
    }

    /// A payload of the close packet alone, in the session's format.
    var closePayload: EngineIOPollingBody {
        Self.payload(of: [], bytes: 0, as: pollingFormat, closing: true)
    }
}
