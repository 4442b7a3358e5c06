import NIOCore
@testable import EngineIO
@testable import EngineIOCore

/// A WebSocket as the state machine sees it: a connection identity and a
/// name for the assertions. No I/O.
final class FakeWebSocket: EngineIOSessionTransport {
    let name: String
    init(_ name: String) { self.name = name }
    var connection: ObjectIdentifier { ObjectIdentifier(self) }
}

/// A held polling GET as the state machine sees it.
final class FakePoll: EngineIOSessionTransport {
    let name: String
    init(_ name: String) { self.name = name }
    var connection: ObjectIdentifier { ObjectIdentifier(self) }
}

typealias Machine = EngineIOSessionStateMachine<FakeWebSocket, FakePoll>

/// The record separator between packets of a polling payload.
let RS = "\u{1e}"

/// The OPEN packet a polling session starts with (its contents do not matter here).
let openText = #"0{"sid":"s"}"#

/// A polling session whose OPEN packet was already taken by the handshake GET.
func pollingMachine(maxBufferedBytes: Int = 1 << 20) -> Machine {
    var machine = Machine(pollingWithOpen: EngineIOOutboundPacket(packet: EngineIOPacket(type: .open, text: #"{"sid":"s"}"#)), maxBufferedBytes: maxBufferedBytes)
    let handshake = FakePoll("handshake")
    let actions = machine.pollArrived(handshake)
    precondition(describe(actions) == ["answer handshake payload \(openText)"])
    return machine
}

/// A session upgrading over `probe` (opened, not answered yet).
func upgradingMachine(probe: FakeWebSocket, maxBufferedBytes: Int = 1 << 20) -> Machine {
    var machine = pollingMachine(maxBufferedBytes: maxBufferedBytes)
    precondition(describe(machine.probeOpened(probe)) == ["start upgrade timer"])
    return machine
}

/// A text message packet `4<text>`.
func message(_ text: String) -> EngineIOOutboundPacket {
    EngineIOOutboundPacket(text: text)
}

/// A packet from the client.
func packet(_ type: EngineIOPacketType, _ text: String = "") -> EngineIOPacket {
    EngineIOPacket(type: type, text: text)
}

/// The polling text form of a packet (`4hello`, `b<base64>`).
func text(of packet: EngineIOPacket) -> String {
    var buffer = ByteBuffer()
    EngineIOPayload.append(packet, isFirst: true, to: &buffer)
    return String(buffer: buffer)
}

func describe(_ answer: Machine.PollAnswer) -> String {
    switch answer {
    case .payload(let body): "payload \(String(buffer: body.bytes))"
    case .noop: "noop"
    case .ok: "ok"
    case .error(let error): "error \(error)"
    }
}

func describe(_ action: Machine.Action) -> String {
    switch action {
    case .answer(let poll, let answer): "answer \(poll.name) \(describe(answer))"
    case .write(let packet, let socket): "write \(text(of: packet.packet)) on \(socket.name)"
    case .closeWebSocket(let socket, let code): "close \(socket.name) \(code.map { String($0) } ?? "without close frame")"
    case .startUpgradeTimer: "start upgrade timer"
    case .cancelUpgradeTimer: "cancel upgrade timer"
    case .startProbeNoopTimer: "start probe noop timer"
    case .becameWebSocket(let socket): "became websocket \(socket.name)"
    case .startDraining(let clientClosed): "start draining clientClosed=\(clientClosed)"
    case .finishDraining: "finish draining"
    case .close(let reason): "close session \(reason.rawValue)"
    }
}

func describe(_ actions: [Machine.Action]) -> [String] {
    actions.map { describe($0) }
}

func describe(_ action: Machine.ReceiveAction) -> String {
    switch action {
    case .deliver(.text(let text)): "deliver text \(String(buffer: text))"
    case .deliver(.binary(let bytes)): "deliver binary \(Array(bytes.readableBytesView))"
    case .pong: "pong"
    case .ping: "ping"
    case .close(let reason): "close session \(reason.rawValue)"
    case .ignore: "ignore"
    case .upgrade(let actions): "upgrade \(describe(actions))"
    }
}

func describe(_ action: Machine.SendAction) -> String {
    switch action {
    case .write(let socket): "write on \(socket.name)"
    case .queued(let soon): "queued answerHeldPollSoon=\(soon)"
    case .dropped: "dropped"
    case .overflow: "overflow"
    }
}

/// The state in a few words: the queue (as polling text), the held GET,
/// the probe, the draining debt.
func describe(_ machine: Machine) -> String {
    func queue(_ queue: Machine.PollingQueue) -> String {
        let packets = queue.packets.map { text(of: $0.packet) }.joined(separator: ",")
        return "queue [\(packets)] bytes \(queue.bytes) held \(queue.heldPoll?.name ?? "none")"
    }
    switch machine.state {
    case .polling(let q):
        return "polling \(queue(q))"
    case .upgrading(let q, let probe):
        return "upgrading \(queue(q)) probe \(probe.socket.name) answered \(probe.answered)"
    case .websocket(let socket):
        return "websocket \(socket.name)"
    case .draining(let draining):
        let packets = draining.packets.map { text(of: $0.packet) }.joined(separator: ",")
        return "draining [\(packets)] probe \(draining.probe?.name ?? "none") clientClosed \(draining.clientClosed)"
    case .closed:
        return "closed"
    }
}
