#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore
import RoomEngine
import SocketIOCore

/// A rooms client speaking Engine.IO/Socket.IO over ``RawWebSocket``. Every
/// packet is applied to a ``ClientView`` on the channel's loop, in arrival
/// order (snapshot from the join ack, then operations and deltas), and tests
/// wait for conditions on that view — never for time to pass.
final class RoomTestClient: Sendable {
    static let namespace = "/rooms"

    /// How long an answer or a condition is waited for before the test
    /// fails. Only a guard against a hang: every wait ends on an event, the
    /// room's ticks take milliseconds, and a loaded machine (parallel builds
    /// on two cores) must not turn a slow pass into a failure.
    static let safetyBound: TimeAmount = .seconds(30)

    struct Timeout: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }

    struct Closed: Error {}

    /// A request sent whose answer has not been taken yet.
    struct Request: Sendable {
        fileprivate let id: UInt64
        let event: String
    }

    private enum PendingAnswer {
        /// Sent; nobody waits for it yet.
        case sent
        /// Sent, and ``answer(to:)`` waits for it.
        case awaited(CheckedContinuation<[JSONValue], any Error>)
        /// Arrived before anybody waited for it.
        case answered([JSONValue])
    }

    private struct Waiter {
        let id: Int
        let condition: @Sendable (ClientView) -> Bool
        let continuation: CheckedContinuation<ClientView, any Error>
    }

    private struct State {
        var view = ClientView()
        var decoder = SocketIOPacketDecoder()
        var acks: [UInt64: PendingAnswer] = [:]
        var nextAckID: UInt64 = 0
        var waiters: [Waiter] = []
        var nextWaiter = 0
        /// Acks of `snapshot-chunk` packets held back (``acknowledgesChunks`` off).
        var heldChunkAcks: [String] = []
        /// Acks of the `snapshot-chunk` packets of the message being handled.
        var newChunkAcks: [String] = []
    }

    private let state = NIOLockedValueBox(State())
    private let channelBox = NIOLockedValueBox<(any Channel)?>(nil)
    /// Frames held back by ``together(_:)``, written in one go at its end.
    private let held = NIOLockedValueBox<ByteBuffer?>(nil)
    /// What happens to each received delta (set before joining).
    let deltaPolicy: NIOLockedValueBox<@Sendable (UInt64) -> DeltaFate>
    /// Whether `ops` packets are acknowledged (a slow client does not).
    let acknowledgesOperations = NIOLockedValueBox(true)
    /// Whether `snapshot-chunk` packets are acknowledged at once; when not,
    /// their acks wait for ``resumeChunks()`` (a joiner that reads its
    /// snapshot slowly: the server sends no more than its window).
    let acknowledgesChunks = NIOLockedValueBox(true)

    private init(deltaPolicy: @escaping @Sendable (UInt64) -> DeltaFate) {
        self.deltaPolicy = NIOLockedValueBox(deltaPolicy)
    }

    /// Connects to `/rooms` on `port` and waits for the namespace CONNECT.
    static func connect(
        port: Int,
        group: any EventLoopGroup,
        deltaPolicy: @escaping @Sendable (UInt64) -> DeltaFate = { _ in .applyAndAck }
    ) async throws -> RoomTestClient {
        let client = RoomTestClient(deltaPolicy: deltaPolicy)
        let channel = try await RawWebSocket.connect(
            port: port, path: "/socket.io/?EIO=4&transport=websocket", group: group
        ) { [client] message, channel in client.received(message, on: channel) }
        client.channelBox.withLockedValue { $0 = channel }
        _ = try await client.waitUntil("the namespace CONNECT") { $0.socketID != nil }
        return client
    }

    /// The view as it is now.
    var view: ClientView { state.withLockedValue { $0.view } }

    // MARK: Sending

    /// Emits an event without asking for an ack.
    func emit(_ event: String, _ arguments: JSONValue...) {
        send(.event(event, arguments, namespace: Self.namespace))
    }

    /// Emits an event and waits for its ack.
    func request(_ event: String, _ arguments: JSONValue...) async throws -> JSONValue {
        try await answer(to: post(event, arguments))
    }

    /// Emits an event asking for an ack, without waiting: the answer is kept
    /// until ``answer(to:)`` takes it.
    func post(_ event: String, _ arguments: [JSONValue]) -> Request {
        let id = state.withLockedValue { state -> UInt64 in
            state.nextAckID += 1
            state.acks[state.nextAckID] = .sent
            return state.nextAckID
        }
        send(.event(event, arguments, namespace: Self.namespace, ackID: id))
        return Request(id: id, event: event)
    }

    /// The first argument of the ack of `request` (``safetyBound`` at most).
    func answer(to request: Request) async throws -> JSONValue {
        let answer: [JSONValue] = try await withCheckedThrowingContinuation { continuation in
            let ready: Result<[JSONValue], any Error>? = state.withLockedValue { state in
                switch state.acks[request.id] {
                case .answered(let arguments)?:
                    state.acks[request.id] = nil
                    return .success(arguments)
                case .sent? where !state.view.transportClosed:
                    state.acks[request.id] = .awaited(continuation)
                    return nil
                case .sent?, .awaited?, nil:
                    // The transport closed (or the answer was taken already).
                    state.acks[request.id] = nil
                    return .failure(Closed())
                }
            }
            if let ready { return continuation.resume(with: ready) }
            scheduleTimeout(after: Self.safetyBound) { [self] in
                let waiting = state.withLockedValue { state -> CheckedContinuation<[JSONValue], any Error>? in
                    guard case .awaited(let continuation)? = state.acks[request.id] else { return nil }
                    state.acks[request.id] = nil
                    return continuation
                }
                waiting?.resume(throwing: Timeout(what: "the ack of \(request.event)"))
            }
        }
        return answer.first ?? .null
    }

    /// Runs `body`, holding back every packet it sends, then writes them
    /// all in one write: the server reads them together (and hands inputs
    /// to the room between the same two ticks), where packets sent one by
    /// one could be spread over time by a busy machine.
    func together<T>(_ body: () throws -> T) rethrows -> T {
        held.withLockedValue { $0 = ByteBuffer() }
        defer {
            if let frames = held.withLockedValue({ buffer in defer { buffer = nil }; return buffer }),
               frames.readableBytes > 0, let channel = channelBox.withLockedValue({ $0 }) {
                channel.writeAndFlush(frames, promise: nil)
            }
        }
        return try body()
    }

    /// Joins a room of `kind`; returns the ack (`{room, member, snapshot, …}` or `{error}`).
    func join(_ kind: String) async throws -> JSONValue {
        try await request("join", .object(["kind": .string(kind)]))
    }

    /// Carries on from `previous`'s document (the client it replaces after
    /// a cut): what a client keeps across a reconnection.
    func takeOver(_ previous: ClientView) {
        state.withLockedValue { state in
            let socketID = state.view.socketID
            state.view = previous
            state.view.socketID = socketID
            state.view.transportClosed = false
            state.view.disconnected = false
            state.view.roomClosed = false
            state.view.closedReasons = []
        }
    }

    /// `rejoin {seat, sequence}` with `previous`'s seat and newest
    /// operation, carrying on from its document; returns the answer.
    func rejoin(as previous: ClientView, sequence: UInt64?? = .none) async throws -> JSONValue {
        takeOver(previous)
        var request: JSONObject = ["seat": .string(previous.seat ?? "")]
        switch sequence {
        case .none: request["sequence"] = .int(Int64(previous.operationSequence))
        case .some(.some(let value)): request["sequence"] = .int(Int64(value))
        case .some(.none): break
        }
        return try await self.request("rejoin", .object(request))
    }

    /// Cuts the connection at the socket level: the TCP connection is reset
    /// (SO_LINGER 0), no WebSocket close, no Socket.IO DISCONNECT.
    func cut() async {
        guard let channel = channelBox.withLockedValue({ $0 }) else { return }
        try? await (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        try? await channel.close()
    }

    /// Leaves the namespace on purpose (a Socket.IO DISCONNECT packet).
    func emitDisconnect() {
        send(.disconnect(namespace: Self.namespace))
    }

    /// Sends one encoded input, without ack.
    func input(_ bytes: [UInt8]) {
        emit("input", .binary(ByteBuffer(bytes: bytes)))
    }

    /// Sends one encoded input and waits for its answer.
    func inputWithAck(_ bytes: [UInt8]) async throws -> JSONValue {
        try await request("input", .binary(ByteBuffer(bytes: bytes)))
    }

    /// Acknowledges the chunks held back so far, and every later one at once.
    func resumeChunks() {
        acknowledgesChunks.withLockedValue { $0 = true }
        let acks = state.withLockedValue { state in
            defer { state.heldChunkAcks = [] }
            return state.heldChunkAcks
        }
        guard let channel = channelBox.withLockedValue({ $0 }), !acks.isEmpty else { return }
        for ack in acks { channel.write(RawWebSocket.frame(opcode: 0x1, payload: ByteBuffer(string: ack)), promise: nil) }
        channel.flush()
    }

    func close() async {
        let channel = channelBox.withLockedValue { $0 }
        try? await channel?.close()
    }

    private func send(_ packet: SocketIOPacket) {
        guard let channel = channelBox.withLockedValue({ $0 }),
              let encoded = try? SocketIOPacketEncoder().encode(packet) else { return }
        var text = ByteBuffer(string: "4")
        var header = encoded.header
        text.writeBuffer(&header)
        // One write for the header and its attachments, so that packets sent
        // from several tasks at once never interleave their frames.
        var frames = RawWebSocket.frame(opcode: 0x1, payload: text)
        for attachment in encoded.attachments {
            var frame = RawWebSocket.frame(opcode: 0x2, payload: attachment)
            frames.writeBuffer(&frame)
        }
        let kept = held.withLockedValue { buffer -> Bool in
            guard buffer != nil else { return false }
            buffer?.writeBuffer(&frames)
            return true
        }
        if !kept { channel.writeAndFlush(frames, promise: nil) }
    }

    // MARK: Waiting

    /// Waits until `condition` holds for the view (``safetyBound`` at most).
    @discardableResult
    func waitUntil(
        _ what: String,
        timeout: TimeAmount = RoomTestClient.safetyBound,
        _ condition: @escaping @Sendable (ClientView) -> Bool
    ) async throws -> ClientView {
        try await withCheckedThrowingContinuation { continuation in
            let id: Int? = state.withLockedValue { state in
                if condition(state.view) { return nil }
                state.nextWaiter += 1
                state.waiters.append(Waiter(id: state.nextWaiter, condition: condition, continuation: continuation))
                return state.nextWaiter
            }
            guard let id else { return continuation.resume(returning: view) }
            scheduleTimeout(after: timeout) { [self] in
                let waiter = state.withLockedValue { state -> Waiter? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index)
                }
                waiter?.continuation.resume(throwing: Timeout(what: what))
            }
        }
    }

    private func scheduleTimeout(after amount: TimeAmount, _ action: @escaping @Sendable () -> Void) {
        guard let channel = channelBox.withLockedValue({ $0 }) else { return action() }
        channel.eventLoop.scheduleTask(in: amount, action)
    }

    // MARK: Receiving (on the channel's loop)

    private func received(_ message: RawWebSocket.Message, on channel: any Channel) {
        var replies: [String] = []
        var resumed: [(CheckedContinuation<[JSONValue], any Error>, [JSONValue])] = []
        let policy = deltaPolicy.withLockedValue { $0 }
        let acknowledgeOperations = acknowledgesOperations.withLockedValue { $0 }
        let acknowledgeChunks = acknowledgesChunks.withLockedValue { $0 }
        let ready: [(Waiter, ClientView)] = state.withLockedValue { state in
            switch message {
            case .closed:
                state.view.transportClosed = true
            case .text(let text):
                handleEngineText(text, state: &state, replies: &replies, resumed: &resumed, policy: policy)
            case .binary(let bytes):
                if case .packet(let packet)? = try? state.decoder.receive(binary: bytes) {
                    handle(packet, state: &state, replies: &replies, resumed: &resumed, policy: policy)
                }
            }
            if acknowledgeChunks {
                replies += state.newChunkAcks
            } else {
                state.heldChunkAcks += state.newChunkAcks
            }
            state.newChunkAcks = []
            if !acknowledgeOperations { replies.removeAll { $0.hasPrefix("43") } }
            let view = state.view
            let satisfied = state.waiters.filter { $0.condition(view) }
            state.waiters.removeAll { waiter in satisfied.contains { $0.id == waiter.id } }
            return satisfied.map { ($0, view) }
        }
        for reply in replies {
            channel.write(RawWebSocket.frame(opcode: 0x1, payload: ByteBuffer(string: reply)), promise: nil)
        }
        if !replies.isEmpty { channel.flush() }
        for (continuation, arguments) in resumed { continuation.resume(returning: arguments) }
        for (waiter, view) in ready { waiter.continuation.resume(returning: view) }
        if case .closed = message {
            let (acks, waiters) = state.withLockedValue { state in
                // Answers that arrived stay to be taken; the rest never will.
                var awaited: [CheckedContinuation<[JSONValue], any Error>] = []
                for (id, pending) in state.acks {
                    switch pending {
                    case .awaited(let continuation):
                        awaited.append(continuation)
                        state.acks[id] = nil
                    case .sent:
                        state.acks[id] = nil
                    case .answered:
                        break
                    }
                }
                defer { state.waiters = [] }
                return (awaited, state.waiters)
            }
            acks.forEach { $0.resume(throwing: Closed()) }
            waiters.forEach { $0.continuation.resume(throwing: Closed()) }
        }
    }

    private func handleEngineText(
        _ text: String, state: inout State, replies: inout [String],
        resumed: inout [(CheckedContinuation<[JSONValue], any Error>, [JSONValue])],
        policy: @Sendable (UInt64) -> DeltaFate
    ) {
        guard let type = text.first else { return }
        switch type {
        case "0": replies.append("40\(Self.namespace),")
        case "2": replies.append("3")
        case "4":
            if case .packet(let packet)? = try? state.decoder.receive(text: String(text.dropFirst())) {
                handle(packet, state: &state, replies: &replies, resumed: &resumed, policy: policy)
            }
        default: break
        }
    }

    private func handle(
        _ packet: SocketIOPacket, state: inout State, replies: inout [String],
        resumed: inout [(CheckedContinuation<[JSONValue], any Error>, [JSONValue])],
        policy: @Sendable (UInt64) -> DeltaFate
    ) {
        switch packet.type {
        case .connect:
            state.view.socketID = packet.data?["sid"]?.stringValue ?? ""
        case .ack, .binaryAck:
            let arguments = Array(packet.arguments)
            if let answer = arguments.first, answer["snapshot"] != nil { state.view.adoptJoin(answer) }
            if let answer = arguments.first, answer["snapshotStream"] != nil { state.view.expectSnapshotStream(answer) }
            if let answer = arguments.first, answer["operations"] != nil { state.view.adoptRejoin(answer) }
            guard let id = packet.ackID else { return }
            switch state.acks[id] {
            case .sent?:
                state.acks[id] = .answered(arguments)
            case .awaited(let continuation)?:
                state.acks[id] = nil
                resumed.append((continuation, arguments))
            case .answered?, nil:
                break
            }
        case .event, .binaryEvent:
            let arguments = Array(packet.arguments)
            switch packet.eventName {
            case "delta":
                guard case .binary(let bytes)? = arguments.first else { return }
                if let tick = state.view.receiveDelta(Array(bytes.readableBytesView), policy: policy) {
                    replies.append("42\(Self.namespace),[\"delta-ack\",\(tick)]")
                }
            case "ops":
                if case .binary(let bytes)? = arguments.first { state.view.receiveOperations(Array(bytes.readableBytesView)) }
                if let id = packet.ackID { replies.append("43\(Self.namespace),\(id)[]") }
            case "snapshot-chunk":
                if arguments.count > 1, case .binary(let bytes) = arguments[1] {
                    state.view.receiveSnapshotChunk(arguments[0], Array(bytes.readableBytesView))
                }
                // Sent, or held back (see ``acknowledgesChunks``), by `received`.
                if let id = packet.ackID { state.newChunkAcks.append("43\(Self.namespace),\(id)[]") }
            case "room-error":
                state.view.errors.append(arguments.first ?? .null)
            case "room-closed":
                state.view.roomClosed = true
                state.view.closedReasons.append(arguments.first?["reason"]?.stringValue ?? "")
            default:
                break
            }
        case .disconnect:
            state.view.disconnected = true
        case .connectError:
            state.view.transportClosed = true
        }
    }
}
