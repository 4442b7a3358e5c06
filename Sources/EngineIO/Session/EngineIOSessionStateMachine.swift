import NIOCore
import EngineIOCore
import DequeModule

/// Something a session refers to by the connection it came on: a WebSocket
/// (active or probing) or a held polling GET.
protocol EngineIOSessionTransport {
    /// The connection, which tells two transports apart.
    var connection: ObjectIdentifier { get }
}

/// One Engine.IO session as a pure value: which transport it is on, what
/// waits for the client, and the heartbeat; events in, actions out, no I/O.
/// ``EngineIOSocket`` feeds it what happens on the network and carries out
/// what it answers; the tests drive it directly.
///
/// ```
///              probe opened                "5" on the probe
///   polling ----------------> upgrading --------------------> websocket
///      ^    probe failed,        |                               |
///      +---- closed, timeout ----+                               |
///      |                         |  server close, nothing        |
///      | server close with       |  delivered yet                |
///      | no GET held             v                               |
///      +-----------------> draining --GET / "5" / expiry--> closed <--+
/// ```
///
/// - `polling`: packets wait in a queue for the client's GET; at most one
///   GET is held open at a time.
/// - `upgrading`: polling goes on while a WebSocket with the session's id
///   is probed (`2probe` -> `3probe`); a GET held once the probe went
///   through is released with a noop shortly after (so the client can pause
///   polling), or refused if the `5` comes first; `5` on the probe moves
///   everything still queued onto the WebSocket, in order.
/// - `websocket`: packets go straight to the one WebSocket.
/// - `draining`: the session is closed (the application sees it closed at
///   once) but its client is still owed something. When the server closed
///   it: the last packets (a Socket.IO DISCONNECT, typically) and then the
///   close in a response of its own, which wait for the client's next GETs,
///   or for the upgrade to complete (then they go over the WebSocket), as
///   the reference server's `close()` waits for its buffer to drain. When the client closed it (a `1` in a
///   POST) while no GET was held: the noop that releases a GET the client
///   sent before its close but that was read after it (two connections,
///   two event loops: nothing orders them). Bounded in time by the
///   caller's expiry.
/// - `closed`: nothing more happens.
///
/// Every request of a session reaches this value in the order it arrived
/// (see ``EngineIOServer``'s routing), so the decisions below never depend
/// on which event loop read a request.
struct EngineIOSessionStateMachine<WebSocket: EngineIOSessionTransport, Poll: EngineIOSessionTransport> {
    /// Where the session is (see the type's documentation).
    enum State {
        case polling(PollingQueue)
        case upgrading(PollingQueue, probe: Probe)
        case websocket(WebSocket)
        case draining(Draining)
        case closed
    }

    /// The polling side: packets for the next GET, and the GET held open.
    struct PollingQueue {
        var packets = Deque<EngineIOOutboundPacket>()
        /// Payload bytes of `packets` (what the backlog bound counts).
        var bytes = 0
        var heldPoll: Poll?
        /// An answer to the held GET is already due at the end of this turn.
        var flushScheduled = false

        mutating func append(_ packet: EngineIOOutboundPacket) {
            packets.append(packet)
            bytes += packet.packet.data.readableBytes
        }

        /// Every queued packet as one polling payload in `format`, then an
        /// empty queue; `closing` adds the close packet at the end.
        mutating func takePayload(as format: EngineIOPollingFormat, closing: Bool = false) -> EngineIOPollingBody {
            defer {
                packets.removeAll(keepingCapacity: true)
                bytes = 0
            }
            return EngineIOSessionStateMachine.payload(of: packets, bytes: bytes, as: format, closing: closing)
        }
    }

    /// `packets` (`bytes` of data in all) as one polling payload in
    /// `format`; `closing` adds the close packet at the end.
    static func payload(
        of packets: Deque<EngineIOOutboundPacket>, bytes: Int, as format: EngineIOPollingFormat, closing: Bool
    ) -> EngineIOPollingBody {
        guard case .v4 = format else {
            var all = packets.map(\.packet)
            if closing { all.append(EngineIOPacket(type: .close)) }
            return format.encode(all)
        }
        var body = ByteBuffer()
        body.reserveCapacity(bytes + packets.count * 2 + (closing ? 2 : 0))
        var first = true
        for packet in packets {
            EngineIOPayload.append(packet.packet, isFirst: first, to: &body)
            first = false
        }
        if closing { EngineIOPayload.append(EngineIOPacket(type: .close), isFirst: first, to: &body) }
        return EngineIOPollingBody(bytes: body, isBinary: false)
    }

    /// A WebSocket with the session's id, opened to take over from polling.
    struct Probe {
        var socket: WebSocket
        /// `2probe` came and was answered.
        var answered = false
    }

    /// What a closed session still owes its client.
    struct Draining {
        /// Packets queued before the close, to be delivered before it.
        var packets: Deque<EngineIOOutboundPacket>
        /// A probe that may still complete the upgrade.
        var probe: WebSocket?
        /// The client closed: its GET still in flight is owed only the noop
        /// that would have released it, had it arrived first.
        var clientClosed = false
    }

    /// What an answer to a polling request says.
    enum PollAnswer {
        /// 200 with this payload.
        case payload(EngineIOPollingBody)
        /// 200 with a noop (`6`, in v3 `1:6`): releases a GET so the client can go on.
        case noop
        /// 200 `ok`: a POST was taken.
        case ok
        /// An Engine.IO error answer.
        case error(EngineIORequestError)
    }

    /// What ``EngineIOSocket`` must do, in order, after a (rare) event.
    enum Action {
        /// Answer a polling request.
        case answer(Poll, PollAnswer)
        /// Write a packet on a WebSocket.
        case write(EngineIOOutboundPacket, to: WebSocket)
        /// Send a close frame with `code` (none when nil) and close the connection.
        case closeWebSocket(WebSocket, code: UInt16?)
        /// Arm the upgrade timeout.
        case startUpgradeTimer
        /// Disarm the upgrade timeout.
        case cancelUpgradeTimer
        /// Arm the timer that releases a GET held during the probe with a
        /// noop (``probeNoopDue()``), unless it is armed already. Never
        /// disarmed: when it fires after the probe ended, it finds nothing
        /// to do.
        case startProbeNoopTimer
        /// The probe became the session's transport.
        case becameWebSocket(WebSocket)
        /// The session now only owes its client its last packets (or, when
        /// the client closed, the release of a GET in flight): keep it
        /// findable by id until the draining expiry.
        case startDraining(clientClosed: Bool)
        /// Nothing more is owed: forget the session.
        case finishDraining
        /// Close the session for this reason (after the actions before it).
        case close(EngineIOCloseReason)
    }

    /// Where the session is; the extensions move it.
    /// WebSockets with this session's id whose refusal waits for the
    /// probe's answer (``duplicateProbe(_:)``; at most ``maxDeferredRefusals``).
    var deferredRefusals: [WebSocket] = []
    var state: State
    /// The bound of the polling backlog (see ``EngineIOConfiguration/effectiveMaxBufferedBytes``).
    let maxBufferedBytes: Int
    /// The protocol revision: who pings (the client in v3, the server in v4).
    let version: EngineIOProtocolVersion
    /// How polling bodies are framed (chosen at the handshake).
    let pollingFormat: EngineIOPollingFormat

    /// A session opened by a polling handshake: the OPEN packet waits for the handshake GET.
    init(pollingWithOpen open: EngineIOOutboundPacket, maxBufferedBytes: Int, format: EngineIOPollingFormat = .v4) {
        var queue = PollingQueue()
        queue.append(open)
        self.state = .polling(queue)
        self.maxBufferedBytes = maxBufferedBytes
        self.pollingFormat = format
        self.version = format.version
    }

    /// A session opened directly over `socket` (its OPEN packet is written by the caller).
    init(webSocket socket: WebSocket, maxBufferedBytes: Int, version: EngineIOProtocolVersion = .v4) {
        self.state = .websocket(socket)
        self.maxBufferedBytes = maxBufferedBytes
        self.version = version
        self.pollingFormat = EngineIOPollingFormat(version: version, base64: nil)
    }

    /// True until the session closes (a draining session is closed for the application).
    var isOpen: Bool {
        switch state {
        case .polling, .upgrading, .websocket: true
        case .draining, .closed: false
        }
    }

    /// The active WebSocket, once the session is on one.
    var webSocket: WebSocket? {
        if case .websocket(let socket) = state { return socket }
        return nil
    }

    /// Runs `body` on the polling queue in place (no copy of its storage),
    /// when the session has one.
    mutating func withPollingQueue<Result>(_ body: (inout PollingQueue) -> Result) -> Result? {
        switch state {
        case .polling(var queue):
            state = .closed
            defer { state = .polling(queue) }
            return body(&queue)
        case .upgrading(var queue, let probe):
            state = .closed
            defer { state = .upgrading(queue, probe: probe) }
            return body(&queue)
        case .websocket, .draining, .closed:
            return nil
        }
    }
}
