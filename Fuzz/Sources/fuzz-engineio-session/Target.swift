import FuzzSupport
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NIOCore
@testable import EngineIO
@testable import EngineIOCore

/// A stateful fuzz of one Engine.IO session (``EngineIOSessionStateMachine``,
/// v4 or v3): the input is a sequence of events, what clients and timers can do,
/// fed to the machine the way ``EngineIOSocket`` feeds it (the same
/// reactions to its answers: `.close` actions, overflow, an aborted held GET
/// and a close packet close the session; `.startDraining` keeps it in the
/// shard until `.finishDraining`), with fake transports that record what
/// the client receives.
///
/// Input: the first byte picks the start (bit 0: a session opened on a
/// WebSocket instead of by a polling handshake; bit 1: a backlog bound of
/// 48 bytes instead of 1 MiB, so overflow happens; bit 2: Engine.IO v3,
/// bit 3 its binary polling form, as for a client without `b64`), then one
/// event per byte,
/// `byte % 16`, some taking operand bytes:
/// 0 the server sends message number n (operand: 1/4 volatile, 1/8
/// binary, padding); 1 the server sends a control packet (`sendControl`: a
/// ping in v4, a pong in v3, where a client's ping is also answered so); 2 a GET on connection k
/// (k in 0...3; skipped while that connection has a request unanswered:
/// HTTP/1.1 answers in order); 3 connection k goes away (a held GET on it
/// is aborted); 4 a POST of 1-3 packets (message, ping, pong, close,
/// upgrade, noop); 5 a WebSocket opens with the sid (at most 6); 6/7/8
/// WebSocket i sends `2probe` / `5` / something else (message, ping, pong,
/// close, noop); 9/10/11 the probe noop / upgrade timeout / draining expiry
/// timer fires, only if armed and not cancelled (`EngineIOSocket` cancels
/// the upgrade and draining timers; the probe noop timer is never
/// cancelled, so once armed it fires whatever the state); 12 WebSocket i
/// closes (operand: with an error); 13 WebSocket i sends a message that is
/// not a packet; 14 the server closes the session (any reason: the
/// application, shutdown, heartbeat, transport failure); 15 the end-of-turn
/// flush runs (`answerHeldPoll`; `EngineIOSocket` schedules it when `send`
/// asks, and the input's end runs it if still pending). Events on a
/// WebSocket already closed (by either side) are skipped: the server
/// detaches a connection it closes, and a closed connection reads nothing.
/// At the end: the pending flush runs, an open session is closed by the
/// server ("forced close"), and a draining one gets the client's next GETs.
///
/// What the client receives: the decoded payloads of the answers to its
/// GETs (the session's `EngineIOPollingFormat.decode`) and the packets written on its
/// WebSockets, in the order the server produces them. Invariants, checked
/// after every event and at the end:
/// 1. Messages: every message the client receives was accepted by `send`
///    (not dropped, not over the bound), arrives at most once and in the
///    order sent (numbers strictly increase); the non-volatile ones arrive
///    as a prefix of those accepted (none skipped); none after a close
///    packet; none written on a WebSocket that either side had closed.
/// 2. Loss only by a close that may drop: at the end every accepted
///    non-volatile message has arrived, unless one of these happened (what
///    was still queued is then dropped, as docs/engine-io.md and
///    ``EngineIOSessionStateMachine/close(_:)`` say): the client closed
///    ("transport close": its `1`, or its WebSocket closed); a failure
///    ("transport error", "ping timeout", "parse error", overflow, an
///    aborted GET) with no GET held (with one held, the GET takes the queue
///    and the close: nothing may be lost); the draining expiry of a server
///    close (the client never came back). A server close ("forced close",
///    "server shutting down") itself drops nothing: the next GETs or the
///    completed upgrade deliver the rest.
/// 3. Requests: a GET is answered at most once, never after its connection
///    went away; a GET not answered is the one the machine holds (at most
///    one), never one it forgot; a held GET never waits while packets are
///    queued, unless the end-of-turn flush is pending; at the end every GET
///    was answered exactly once, or aborted by its client.
/// 4. No leak: the upgrade timer is armed exactly while a probe exists; the
///    draining timer and the shard's draining entry exactly while the
///    machine drains; a WebSocket the machine holds is open; at the end the
///    machine is `closed`, every WebSocket was closed, no timer is armed,
///    and every entry point answers a closed session without effect (a GET
///    and a POST get "unknown sid", a probe is closed with 1008, sends are
///    dropped, the rest does nothing).
/// 5. No trap on any sequence (the machine's own preconditions included).
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    var reader = Reader(bytes: input)
    let start = reader.next() ?? 0
    let format: EngineIOPollingFormat = start & 4 == 0 ? .v4 : .v3(binary: start & 8 != 0)
    let harness = Harness(webSocketStart: start & 1 != 0, maxBufferedBytes: start & 2 != 0 ? 48 : 1 << 20, format: format)
    while let op = reader.next() {
        harness.run(op % 16, &reader)
        harness.check()
    }
    harness.finish()
    return 0
}

/// The input, byte by byte (zeros past its end for operands).
struct Reader {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }
    mutating func operand() -> Int { Int(next() ?? 0) }
}

/// An HTTP connection of the client (what a poll's `connection` names).
final class FakeConnection {}

/// A GET as the machine sees it, and what became of it.
final class FakePoll: EngineIOSessionTransport {
    let name: String
    let slot: Int
    let owner: FakeConnection
    var answers = 0
    var aborted = false
    init(name: String, slot: Int, owner: FakeConnection) {
        self.name = name
        self.slot = slot
        self.owner = owner
    }
    var connection: ObjectIdentifier { ObjectIdentifier(owner) }
}

/// A WebSocket connection with the session's id.
final class FakeSocket: EngineIOSessionTransport {
    let name: String
    var closedByServer = false
    var closedByClient = false
    init(_ name: String) { self.name = name }
    var connection: ObjectIdentifier { ObjectIdentifier(self) }
    var isOpen: Bool { !closedByServer && !closedByClient }
}

typealias Machine = EngineIOSessionStateMachine<FakeSocket, FakePoll>

final class Harness {
    var machine: Machine
    /// The client's four HTTP connections, and the GET each is waiting on.
    var connections = (0..<4).map { _ in FakeConnection() }
    var waiting: [FakePoll?] = [nil, nil, nil, nil]
    /// Every GET and WebSocket (kept alive, so no identity is reused).
    var polls: [FakePoll] = []
    var sockets: [FakeSocket] = []
    var nextMessage = 0
    /// Non-volatile messages accepted, in order; how many the client has.
    var reliable: [Int] = []
    var reliableDelivered = 0
    var isReliable: Set<Int> = []
    var acceptedVolatile: Set<Int> = []
    var lastReceived = -1
    var clientSawClose = false
    var flushPending = false
    var upgradeTimerArmed = false
    var probeNoopTimerArmed = false
    var drainTimerArmed = false
    var keptDraining = false
    /// Why the client may have lost queued messages (nil: it may not).
    var lossyClose: String?
    /// The events and actions so far, kept only when the environment has
    /// FUZZ_SESSION_TRACE (reproducing a finding): building them costs
    /// most of a run.
    var trace: [String] = []
    static let tracing = getenv("FUZZ_SESSION_TRACE") != nil

    func note(_ line: @autoclosure () -> String) {
        if Self.tracing { trace.append(line()) }
    }

    init(webSocketStart: Bool, maxBufferedBytes: Int, format: EngineIOPollingFormat) {
        if webSocketStart {
            let socket = FakeSocket("ws0")
            sockets.append(socket)
            machine = Machine(webSocket: socket, maxBufferedBytes: maxBufferedBytes, version: format.version)
            note("start on ws0, bound \(maxBufferedBytes)")
        } else {
            let open = EngineIOOutboundPacket(packet: EngineIOPacket(type: .open, text: #"{"sid":"s"}"#))
            machine = Machine(pollingWithOpen: open, maxBufferedBytes: maxBufferedBytes, format: format)
            note("start polling, bound \(maxBufferedBytes)")
            get(0)
        }
    }

    func fail(_ message: String) -> Never {
        let events = Self.tracing ? "events:\n" + trace.suffix(80).joined(separator: "\n") : "(run again with FUZZ_SESSION_TRACE=1 for the events)"
        fatalError("property failed: \(message)\n\(events)\nstate: \(machine.state)")
    }

    func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    // MARK: - Events

    func run(_ op: UInt8, _ reader: inout Reader) {
        switch op {
        case 0:
            let operand = reader.operand()
            send(volatile: operand & 3 == 0, binary: operand & 28 == 0, padding: (operand >> 2) % 16 * 3)
        case 1:
            sendControl()
        case 2:
            get(reader.operand() % 4)
        case 3:
            abort(reader.operand() % 4)
        case 4:
            post(&reader)
        case 5:
            guard sockets.count < 6 else { return }
            let socket = FakeSocket("ws\(sockets.count)")
            sockets.append(socket)
            note("\(socket.name) opens")
            perform(machine.probeOpened(socket))
        case 6, 7, 8:
            guard let socket = socket(reader.operand()) else { return }
            let packet: EngineIOPacket
            if op == 6 {
                packet = EngineIOPacket(type: .ping, text: "probe")
            } else if op == 7 {
                packet = EngineIOPacket(type: .upgrade)
            } else {
                let kinds: [EngineIOPacketType] = [.message, .ping, .pong, .close, .noop]
                let kind = kinds[reader.operand() % kinds.count]
                packet = EngineIOPacket(type: kind, text: kind == .message ? "from \(socket.name)" : "")
            }
            note("\(socket.name) sends \(packet.type) \(String(buffer: packet.data))")
            receive(machine.received(packet, from: .webSocket(socket.connection)))
        case 9:
            guard probeNoopTimerArmed else { return }
            probeNoopTimerArmed = false
            note("probe noop timer fires")
            perform(machine.probeNoopDue())
        case 10:
            guard upgradeTimerArmed else { return }
            upgradeTimerArmed = false
            note("upgrade timer fires")
            perform(machine.upgradeTimedOut())
        case 11:
            guard drainTimerArmed else { return }
            drainTimerArmed = false
            note("draining expires")
            if reliableDelivered < reliable.count { lossyClose = lossyClose ?? "draining expired" }
            perform(machine.drainingExpired())
        case 12:
            let error = reader.operand() & 1 != 0
            guard let socket = socket(reader.operand()) else { return }
            note("\(socket.name) closes\(error ? " with an error" : "")")
            socket.closedByClient = true
            perform(machine.webSocketClosed(connection: socket.connection, error: error))
        case 13:
            guard let socket = socket(reader.operand()) else { return }
            note("\(socket.name) sends a message that is not a packet")
            perform(machine.webSocketParseError(connection: socket.connection))
        case 14:
            let reasons: [EngineIOCloseReason] = [.forcedClose, .serverShuttingDown, .transportError, .pingTimeout, .parseError, .transportClose]
            close(reasons[reader.operand() % reasons.count])
        default:
            flush()
        }
    }

    /// WebSocket number `index` among those opened, if the client still has it open.
    func socket(_ index: Int) -> FakeSocket? {
        guard !sockets.isEmpty else { return nil }
        let socket = sockets[index % sockets.count]
        return socket.isOpen ? socket : nil
    }

    /// What EngineIOSocket's `sendControl` does: a ping (v4) or a pong (v3).
    func sendControl() {
        let type: EngineIOPacketType = machine.version == .v4 ? .ping : .pong
        note("server sends \(type)")
        switch machine.sendControl(EngineIOOutboundPacket(packet: EngineIOPacket(type: type))) {
        case .write(let socket): require(socket.isOpen, "\(type) written on closed \(socket.name)")
        case .queued(let soon): if soon { flushPending = true }
        case .dropped: require(!machine.isOpen, "\(type) dropped by an open session")
        case .overflow: fail("a control packet overflowed")
        }
    }

    func send(volatile: Bool, binary: Bool, padding: Int) {
        let number = nextMessage
        nextMessage += 1
        let data = "\(number)" + String(repeating: "x", count: padding)
        let packet = binary ? EngineIOOutboundPacket(packet: .binary(ByteBuffer(string: data))) : EngineIOOutboundPacket(text: data)
        let result = machine.send(packet, volatile: volatile)
        note("server sends \(number)\(volatile ? " volatile" : ""): \(result)")
        func accept() {
            if volatile {
                acceptedVolatile.insert(number)
            } else {
                reliable.append(number)
                isReliable.insert(number)
            }
        }
        switch result {
        case .write(let socket):
            // EngineIOSocket writes it at once (a volatile one only if writable: here always).
            accept()
            require(socket.isOpen, "message \(number) written on closed \(socket.name)")
            received(message: number)
        case .queued(let soon):
            accept()
            if soon { flushPending = true }
        case .dropped:
            require(volatile || !machine.isOpen, "non-volatile \(number) dropped by an open session")
        case .overflow:
            require(!volatile, "a volatile message overflowed instead of being dropped")
            close(.transportError)
        }
    }

    func get(_ slot: Int) {
        guard waiting[slot] == nil else { return }
        let poll = FakePoll(name: "get\(polls.count)", slot: slot, owner: connections[slot])
        polls.append(poll)
        waiting[slot] = poll
        note("\(poll.name) on connection \(slot)")
        perform(machine.pollArrived(poll))
    }

    func abort(_ slot: Int) {
        let connection = connections[slot].self
        note("connection \(slot) goes away")
        if let poll = waiting[slot] {
            poll.aborted = true
            waiting[slot] = nil
        }
        connections[slot] = FakeConnection()
        let wasHeld = machine.pollAborted(connection: ObjectIdentifier(connection))
        if wasHeld { close(.transportError) }
    }

    func post(_ reader: inout Reader) {
        let count = 1 + reader.operand() % 3
        var packets: [EngineIOPacket] = []
        for index in 0..<count {
            let kinds: [EngineIOPacketType] = [.message, .ping, .pong, .close, .upgrade, .noop]
            let kind = kinds[reader.operand() % kinds.count]
            packets.append(EngineIOPacket(type: kind, text: kind == .message ? "post \(index)" : ""))
        }
        note("POST \(packets.map { "\($0.type)" })")
        if machine.postArrived() != nil { return }
        // Through the project's encoder and decoder, as EngineIOSocket reads a body.
        let body = machine.pollingFormat.encode(packets)
        guard let decoded = try? machine.pollingFormat.decode(body.bytes, octetStream: body.isBinary, maxPackets: 10_000) else {
            fail("a POST body of valid packets does not decode")
        }
        for packet in decoded {
            receive(machine.received(packet, from: .polling))
            if !machine.isOpen { break }
        }
    }

    /// What EngineIOSocket does with a packet's meaning.
    func receive(_ action: Machine.ReceiveAction) {
        switch action {
        case .deliver, .pong, .ignore: break
        case .ping:
            require(machine.version == .v3, "a v4 session answered a client ping")
            sendControl()
        case .close(let reason): close(reason)
        case .upgrade(let actions): perform(actions)
        }
    }

    /// EngineIOSocket's `close(reason:)`: once, while open.
    func close(_ reason: EngineIOCloseReason) {
        guard machine.isOpen else { return }
        note("session closes: \(reason.rawValue)")
        if reliableDelivered < reliable.count {
            switch reason {
            case .transportClose:
                lossyClose = lossyClose ?? "the client closed"
            case .transportError, .pingTimeout, .parseError:
                if heldPoll == nil { lossyClose = lossyClose ?? "\(reason.rawValue) with no GET held" }
            case .forcedClose, .serverShuttingDown:
                break
            }
        }
        perform(machine.close(reason))
    }

    func flush() {
        note("end-of-turn flush")
        flushPending = false
        if let (poll, body) = machine.answerHeldPoll() { perform([.answer(poll, .payload(body))]) }
    }

    // MARK: - Actions (as EngineIOSocket's `perform`)

    func perform(_ actions: [Machine.Action]) {
        for action in actions {
            switch action {
            case .answer(let poll, let answer):
                note("  answer \(poll.name): \(describe(answer))")
                require(poll.answers == 0, "\(poll.name) answered twice")
                require(!poll.aborted, "\(poll.name) answered after its connection went away")
                poll.answers += 1
                if waiting[poll.slot] === poll { waiting[poll.slot] = nil }
                if case .payload(let body) = answer {
                    guard let packets = try? machine.pollingFormat.decode(body.bytes, octetStream: body.isBinary, maxPackets: .max) else { fail("an answer that does not decode: \(describe(answer))") }
                    for packet in packets { received(packet) }
                }
            case .write(let packet, let socket):
                note("  write \(String(buffer: packet.packet.data)) on \(socket.name)")
                require(socket.isOpen, "written on closed \(socket.name)")
                received(packet.packet)
            case .closeWebSocket(let socket, let code):
                note("  close \(socket.name) \(code.map { "\($0)" } ?? "-")")
                socket.closedByServer = true
            case .startUpgradeTimer:
                require(!upgradeTimerArmed, "the upgrade timer armed twice (the first would fire into the next probe)")
                upgradeTimerArmed = true
            case .cancelUpgradeTimer:
                upgradeTimerArmed = false
            case .startProbeNoopTimer:
                probeNoopTimerArmed = true
            case .becameWebSocket(let socket):
                note("  became websocket \(socket.name)")
                require(socket.isOpen, "upgraded to closed \(socket.name)")
            case .startDraining:
                note("  start draining")
                require(!keptDraining, "draining started twice")
                keptDraining = true
                drainTimerArmed = true
            case .finishDraining:
                note("  finish draining")
                require(keptDraining, "finished draining that never started")
                keptDraining = false
                drainTimerArmed = false
            case .close(let reason):
                close(reason)
            }
        }
        // As EngineIOSocket's: refusals that waited for the probe's answer.
        let due = machine.refusalsDue()
        if !due.isEmpty { perform(due) }
    }

    func describe(_ answer: Machine.PollAnswer) -> String {
        switch answer {
        case .payload(let body): "payload \(String(buffer: body.bytes).debugDescription)"
        case .noop: "noop"
        case .ok: "ok"
        case .error(let error): "error \(error)"
        }
    }

    /// A packet reaches the client.
    func received(_ packet: EngineIOPacket) {
        switch packet.type {
        case .message:
            let digits = packet.data.readableBytesView.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard let number = Int(String(decoding: digits, as: UTF8.self)) else { fail("a message the server never sent: \(String(buffer: packet.data))") }
            received(message: number)
        case .close:
            require(!clientSawClose, "the close packet twice")
            clientSawClose = true
        default:
            require(!clientSawClose, "\(packet.type) after the close packet")
        }
    }

    func received(message number: Int) {
        require(!clientSawClose, "message \(number) after the close packet")
        require(number > lastReceived, "message \(number) after \(lastReceived): duplicated or reordered")
        lastReceived = number
        if isReliable.contains(number) {
            require(reliable[reliableDelivered] == number, "message \(number) arrived before \(reliable[reliableDelivered]): lost or reordered")
            reliableDelivered += 1
        } else {
            require(acceptedVolatile.contains(number), "message \(number) arrived though dropped or never accepted")
        }
    }

    // MARK: - Invariants

    var heldPoll: FakePoll? {
        switch machine.state {
        case .polling(let queue), .upgrading(let queue, _): queue.heldPoll
        case .websocket, .draining, .closed: nil
        }
    }

    func check() {
        let held = heldPoll
        for case let poll? in waiting where poll !== held {
            fail("\(poll.name) neither answered nor held: lost")
        }
        if let held {
            require(held.answers == 0 && !held.aborted, "the held \(held.name) was answered or aborted")
            require(waiting[held.slot] === held, "the held \(held.name) is not its connection's request")
        }
        var probe: FakeSocket?
        switch machine.state {
        case .polling(let queue):
            require(queue.heldPoll == nil || queue.packets.isEmpty || flushPending, "a GET held while packets wait, no flush pending")
        case .upgrading(let queue, let upgrading):
            require(queue.heldPoll == nil || queue.packets.isEmpty || flushPending, "a GET held while packets wait, no flush pending")
            probe = upgrading.socket
        case .websocket(let socket):
            require(socket.isOpen, "the session is on closed \(socket.name)")
        case .draining(let draining):
            probe = draining.probe
        case .closed:
            break
        }
        if let probe { require(probe.isOpen, "the probe \(probe.name) is closed") }
        require(upgradeTimerArmed == (probe != nil), "upgrade timer armed \(upgradeTimerArmed), probe \(probe?.name ?? "none")")
        var draining = false
        if case .draining = machine.state { draining = true }
        require(keptDraining == draining && drainTimerArmed == draining, "draining \(draining), kept \(keptDraining), timer \(drainTimerArmed)")
    }

    func finish() {
        if flushPending { flush() }
        check()
        note("-- end of input")
        close(.forcedClose)
        check()
        for _ in 0..<3 {
            guard case .draining = machine.state else { break }
            guard let slot = waiting.firstIndex(where: { $0 == nil }) else { fail("every connection busy while draining") }
            get(slot)
            check()
        }
        guard case .closed = machine.state else { fail("not closed after the close and three GETs") }
        require(!keptDraining && !drainTimerArmed && !upgradeTimerArmed, "a timer or the shard entry left behind")
        if probeNoopTimerArmed {
            probeNoopTimerArmed = false
            require(machine.probeNoopDue().isEmpty, "the probe noop timer acts on a closed session")
        }
        for poll in polls {
            require(poll.answers == 1 || (poll.aborted && poll.answers == 0), "\(poll.name) never answered")
        }
        for socket in sockets {
            require(!socket.isOpen, "\(socket.name) left open")
        }
        if lossyClose == nil {
            require(reliableDelivered == reliable.count, "messages \(reliable[reliableDelivered...].prefix(5)) lost with no close that drops them")
        }
        closedSweep()
    }

    /// Every entry point on the closed machine: refusals, never a trap.
    func closedSweep() {
        let poll = FakePoll(name: "late", slot: 0, owner: FakeConnection())
        let actions = machine.pollArrived(poll)
        guard actions.count == 1, case .answer(let answered, .error(.unknownSessionID)) = actions[0], answered === poll else {
            fail("a GET on the closed session: \(actions)")
        }
        guard case .error(.unknownSessionID)? = machine.postArrived() else { fail("a POST on the closed session is taken") }
        let socket = FakeSocket("late")
        let opened = machine.probeOpened(socket)
        guard opened.count == 1, case .closeWebSocket(let closed, 1008) = opened[0], closed === socket else {
            fail("a probe on the closed session: \(opened)")
        }
        guard case .dropped = machine.send(EngineIOOutboundPacket(text: "late"), volatile: false) else { fail("a send taken when closed") }
        guard case .dropped = machine.sendControl(EngineIOOutboundPacket(packet: EngineIOPacket(type: .ping))) else { fail("a ping taken when closed") }
        for origin in [Machine.Origin.polling, .webSocket(socket.connection)] + sockets.map({ .webSocket($0.connection) }) {
            for type in [EngineIOPacketType.message, .ping, .pong, .close, .upgrade, .noop] {
                guard case .ignore = machine.received(EngineIOPacket(type: type, text: type == .ping ? "probe" : ""), from: origin) else {
                    fail("a packet acted on when closed")
                }
            }
        }
        for connection in connections.map(ObjectIdentifier.init) + [ObjectIdentifier(poll.owner)] {
            require(!machine.pollAborted(connection: connection), "an abort acted on when closed")
        }
        for reason in [EngineIOCloseReason.forcedClose, .serverShuttingDown, .transportError, .pingTimeout, .parseError, .transportClose] {
            require(machine.close(reason).isEmpty, "a close acted on when closed")
        }
        for socket in sockets + [socket] {
            require(machine.webSocketClosed(connection: socket.connection, error: true).isEmpty, "a WebSocket close acted on when closed")
            require(machine.webSocketParseError(connection: socket.connection).isEmpty, "a parse error acted on when closed")
        }
        require(machine.probeNoopDue().isEmpty && machine.upgradeTimedOut().isEmpty && machine.drainingExpired().isEmpty, "a timer acted on when closed")
        require(machine.answerHeldPoll() == nil, "a flush answered when closed")
        require(!machine.isOpen && machine.webSocket == nil, "the closed machine is open or holds a WebSocket")
        guard case .closed = machine.state else { fail("the sweep reopened the machine") }
    }
}
