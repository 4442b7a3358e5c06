import NIOCore
import EngineIOCore

extension EngineIOSessionStateMachine {
    /// What to do with a packet the application sends.
    enum SendAction {
        /// Write it on this WebSocket (a volatile packet only if the
        /// connection is writable: the caller knows).
        case write(WebSocket)
        /// Queued for the client's next GET; when `answerHeldPollSoon`, a GET
        /// is held and should be answered at the end of this turn of the
        /// loop (so packets sent together leave in one response), by
        /// ``answerHeldPoll()``.
        case queued(answerHeldPollSoon: Bool)
        /// Not sent: the session is closed, or a volatile packet found no
        /// GET waiting (as in the reference, volatile packets never queue).
        case dropped
        /// A reliable packet would push the polling backlog past its bound:
        /// close the session ("transport error") rather than grow memory.
        case overflow
    }

    /// The application sends `packet`.
    mutating func send(_ packet: EngineIOOutboundPacket, volatile: Bool) -> SendAction {
        if case .websocket(let socket) = state { return .write(socket) }
        let size = packet.packet.data.readableBytes
        let limit = maxBufferedBytes
        return withPollingQueue { queue -> SendAction in
            if volatile && queue.heldPoll == nil { return .dropped }
            if queue.bytes + size > limit { return volatile ? .dropped : .overflow }
            queue.append(packet)
            guard queue.heldPoll != nil, !queue.flushScheduled else { return .queued(answerHeldPollSoon: false) }
            queue.flushScheduled = true
            return .queued(answerHeldPollSoon: true)
        } ?? .dropped
    }

    /// A control packet (a ping) that must never be dropped: on the
    /// WebSocket, or queued whatever the backlog.
    mutating func sendControl(_ packet: EngineIOOutboundPacket) -> SendAction {
        if case .websocket(let socket) = state { return .write(socket) }
        return withPollingQueue { queue -> SendAction in
            queue.append(packet)
            guard queue.heldPoll != nil, !queue.flushScheduled else { return .queued(answerHeldPollSoon: false) }
            queue.flushScheduled = true
            return .queued(answerHeldPollSoon: true)
        } ?? .dropped
    }

    /// The end of the turn after ``send(_:volatile:)`` said
    /// `answerHeldPollSoon`: the held GET with everything queued, if both
    /// are still there.
    mutating func answerHeldPoll() -> (Poll, EngineIOPollingBody)? {
        let format = pollingFormat
        return withPollingQueue { queue -> (Poll, EngineIOPollingBody)? in
            queue.flushScheduled = false
            guard let poll = queue.heldPoll, !queue.packets.isEmpty else { return nil }
            queue.heldPoll = nil
            return (poll, queue.takePayload(as: format))
        } ?? nil
    }
}
