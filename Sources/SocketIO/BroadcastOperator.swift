public import NIOCore
public import SocketIOCore
public import SocketIOAdapter
import NIOConcurrencyHelpers

/// An immutable description of who receives a broadcast and how: each
/// modifier returns a new operator, so one can be kept and reused.
///
/// ```swift
/// io.sockets.to("room1").except("room2").volatile.emit("tick", 42)
/// let answers = try await io.sockets.timeout(.seconds(2)).emitWithAck("ready?")
/// ```
public struct BroadcastOperator: Sendable {
    /// The namespace addressed.
    public let namespace: SocketIONamespace
    /// Recipients and flags.
    public private(set) var options: BroadcastOptions

    init(namespace: SocketIONamespace, options: BroadcastOptions = BroadcastOptions()) {
        self.namespace = namespace
        self.options = options
    }

    private func with(_ change: (inout BroadcastOptions) -> Void) -> BroadcastOperator {
        var copy = self
        change(&copy.options)
        return copy
    }

    /// Adds target rooms.
    public func to(_ rooms: RoomName...) -> BroadcastOperator { to(rooms) }
    /// Adds target rooms.
    public func to(_ rooms: [RoomName]) -> BroadcastOperator { with { $0.rooms.formUnion(rooms) } }
    /// Adds target rooms (alias of ``to(_:)-(RoomName...)``).
    public func `in`(_ rooms: RoomName...) -> BroadcastOperator { to(rooms) }
    /// Excludes the sockets in `rooms`.
    public func except(_ rooms: RoomName...) -> BroadcastOperator { except(rooms) }
    /// Excludes the sockets in `rooms`.
    public func except(_ rooms: [RoomName]) -> BroadcastOperator { with { $0.except.formUnion(rooms) } }
    /// Drops the packet for clients that are not ready, never queues it.
    public var volatile: BroadcastOperator { with { $0.flags.volatile = true } }
    /// Only this server's clients.
    public var local: BroadcastOperator { with { $0.flags.local = true } }
    /// Whether the packet may be compressed (permessage-deflate).
    public func compress(_ compress: Bool) -> BroadcastOperator { with { $0.flags.compress = compress } }
    /// How long a broadcast with acks waits for answers.
    public func timeout(_ timeout: TimeAmount) -> BroadcastOperator { with { $0.flags.timeout = timeout } }

    /// Sends an event to every recipient; the packet is encoded once.
    public func emit(_ event: String, _ arguments: JSONValue...) { emit(event, arguments: arguments) }

    /// Sends an event with the given arguments to every recipient.
    public func emit(_ event: String, arguments: [JSONValue]) {
        namespace.adapter.broadcast(.event(event, arguments, namespace: namespace.name), options: options)
    }

    /// Sends an event whose one argument is a `Codable` value.
    public func emit<Payload: Encodable>(_ event: String, payload: Payload) throws {
        emit(event, arguments: [try JSONValueEncoder().encode(payload)])
    }

    /// Sends an event and collects every recipient's answer within the
    /// timeout (``timeout(_:)``, 5 s when unset): `done` gets the answers,
    /// and `.timeout` when some recipients did not answer in time.
    public func emit(
        _ event: String,
        arguments: [JSONValue],
        ack done: @escaping @Sendable (SocketIOAckError?, [[JSONValue]]) -> Void
    ) {
        let id = namespace.nextAckID()
        let collector = AckCollector(done: done)
        let loop = namespace.server.loops.first { $0.inEventLoop } ?? namespace.server.loops[0]
        let timer = loop.scheduleTask(in: options.flags.timeout ?? .seconds(5)) { collector.timeOut() }
        collector.onFinish { timer.cancel() }
        namespace.adapter.broadcastWithAck(
            .event(event, arguments, namespace: namespace.name, ackID: id),
            options: options,
            clientCount: { collector.expect($0) },
            response: { collector.add($0) }
        )
    }

    /// Sends an event and waits for every recipient's answer; throws
    /// ``SocketIOAckError/timeout`` when some did not answer in time.
    public func emitWithAck(_ event: String, _ arguments: JSONValue...) async throws -> [[JSONValue]] {
        try await withCheckedThrowingContinuation { continuation in
            emit(event, arguments: arguments) { error, responses in
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: responses) }
            }
        }
    }

    /// Snapshots of the matching sockets, which can still be addressed.
    public func fetchSockets() async throws -> [RemoteSocket] {
        let loop = namespace.server.loops[0]
        let snapshots = try await namespace.adapter.fetchSockets(options, on: loop).get()
        return snapshots.map { RemoteSocket(snapshot: $0, namespace: namespace) }
    }

    /// Makes the matching sockets join `rooms`.
    public func socketsJoin(_ rooms: RoomName...) { socketsJoin(rooms) }
    /// Makes the matching sockets join `rooms`.
    public func socketsJoin(_ rooms: [RoomName]) { namespace.adapter.addSockets(options, rooms: rooms) }
    /// Makes the matching sockets leave `rooms`.
    public func socketsLeave(_ rooms: RoomName...) { socketsLeave(rooms) }
    /// Makes the matching sockets leave `rooms`.
    public func socketsLeave(_ rooms: [RoomName]) { namespace.adapter.delSockets(options, rooms: rooms) }
    /// Disconnects the matching sockets (`close` closes their connections).
    public func disconnectSockets(close: Bool = false) { namespace.adapter.disconnectSockets(options, close: close) }
}

/// Collects the answers of a broadcast with acks until every recipient
/// answered or the timer fired; finishes once.
final class AckCollector: Sendable {
    private struct State {
        var expected: Int?
        var responses: [[JSONValue]] = []
        var finished = false
        var onFinish: [@Sendable () -> Void] = []
    }

    private let state = NIOLockedValueBox(State())
    private let done: @Sendable (SocketIOAckError?, [[JSONValue]]) -> Void

    init(done: @escaping @Sendable (SocketIOAckError?, [[JSONValue]]) -> Void) {
        self.done = done
    }

    func onFinish(_ action: @escaping @Sendable () -> Void) {
        let run = state.withLockedValue { state -> Bool in
            if state.finished { return true }
            state.onFinish.append(action)
            return false
        }
        if run { action() }
    }

    func expect(_ count: Int) {
        finish { state in
            state.expected = count
            return state.responses.count >= count ? nil : .pending
        }
    }

    func add(_ response: [JSONValue]) {
        finish { state in
            state.responses.append(response)
            if let expected = state.expected, state.responses.count >= expected { return nil }
            return .pending
        }
    }

    func timeOut() {
        finish { _ in .timeout }
    }

    private enum Outcome { case pending, timeout }

    /// Applies `change`; finishes when it returns nil (all answered) or `.timeout`.
    private func finish(_ change: (inout State) -> Outcome?) {
        let result: (SocketIOAckError?, [[JSONValue]], [@Sendable () -> Void])? = state.withLockedValue { state in
            guard !state.finished else { return nil }
            let outcome = change(&state)
            if case .pending? = outcome { return nil }
            state.finished = true
            let actions = state.onFinish
            state.onFinish = []
            return (outcome == nil ? nil : .timeout, state.responses, actions)
        }
        guard let (error, responses, actions) = result else { return }
        for action in actions { action() }
        done(error, responses)
    }
}
