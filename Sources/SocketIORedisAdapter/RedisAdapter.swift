import Logging
import NIOConcurrencyHelpers
import NIOCore
import SocketIOAdapter
import SocketIOCore
import Synchronization

/// One namespace's adapter on a ``RedisCluster``: the in-memory adapter for
/// this server's sockets, plus the classic format of Node's
/// `@socket.io/redis-adapter` 8.x for everything other servers must see
/// (spec sections 1.6-1.8).
///
/// A broadcast is published once and delivered here at once; a broadcast
/// from another server is decoded once and encoded once for every local
/// recipient (the in-memory adapter's path). Made by
/// ``RedisCluster/makeAdapter(context:)``.
///
/// One deliberate difference from upstream: `socketsJoin`, `socketsLeave`
/// and `disconnectSockets` act on this server's sockets at once, and the
/// server ignores its own request when Redis echoes it (upstream waits for
/// the echo, so they never happen here while Redis is unreachable). Other
/// servers see the same request either way.
final class RedisAdapter: SocketIOAdapter {
    let local: InMemoryAdapter
    let context: AdapterContext
    let channels: ClassicChannels
    private let cluster: RedisCluster
    private let pending = NIOLockedValueBox(PendingRequests())
    /// Joins asked by other servers that some loop has not applied yet:
    /// while any is in flight, a broadcast is never dropped by the room
    /// filter (the join and the broadcast reach each loop in Redis's order;
    /// the filter reads the rooms before the join has landed).
    private let joinsInFlight = Atomic<Int>(0)
    private let logger: Logger

    init(context: AdapterContext, cluster: RedisCluster, logger: Logger) {
        self.local = InMemoryAdapter(context: context, tracksRoomPresence: true)
        self.context = context
        self.cluster = cluster
        self.channels = ClassicChannels(key: cluster.options.key, namespace: context.namespace, uid: AdapterUID.make())
        self.logger = logger
    }

    private var uid: String { channels.uid }
    private var loop: any EventLoop { cluster.eventLoop }

    /// Where answers to `requester` go.
    private func responseChannel(for requester: String?) -> String {
        if cluster.options.publishOnSpecificResponseChannel, let requester { return channels.specificResponse(for: requester) }
        return channels.response
    }

    // MARK: this server's sockets

    func register(_ socket: any AdapterSocket, on loop: any EventLoop) { local.register(socket, on: loop) }
    func addAll(_ id: SocketID, rooms: [RoomName], on loop: any EventLoop) { local.addAll(id, rooms: rooms, on: loop) }
    func del(_ id: SocketID, room: RoomName, on loop: any EventLoop) { local.del(id, room: room, on: loop) }
    func delAll(_ id: SocketID, on loop: any EventLoop) { local.delAll(id, on: loop) }
    func sockets(in rooms: Set<RoomName>, on loop: any EventLoop) -> EventLoopFuture<Set<SocketID>> { local.sockets(in: rooms, on: loop) }
    func persistSession(_ session: PersistedSession) { local.persistSession(session) }
    func restoreSession(pid: String, offset: String, on loop: any EventLoop) -> EventLoopFuture<RecoveredSession?> {
        local.restoreSession(pid: pid, offset: offset, on: loop)
    }

    // MARK: sending

    func broadcast(_ packet: SocketIOPacket, options: BroadcastOptions) {
        if !options.flags.local {
            let crossing = ClassicBroadcast(uid: uid, packet: withoutAck(packet), options: options)
            cluster.publish(channels.broadcast(toRooms: options.rooms), ClassicCodec.encode(crossing))
        }
        local.broadcast(packet, options: options)
    }

    func broadcastWithAck(
        _ packet: SocketIOPacket,
        options: BroadcastOptions,
        clientCount: @escaping @Sendable (Int) -> Void,
        response: @escaping @Sendable ([JSONValue]) -> Void
    ) {
        if options.flags.local {
            local.broadcastWithAck(packet, options: options, clientCount: clientCount, response: response)
            return
        }
        let requestID = AdapterUID.make()
        pending.withLockedValue {
            $0.ackBroadcasts[requestID] = PendingRequests.AckBroadcast(clientCount: clientCount, response: response)
        }
        let request = ClassicRequest.broadcastWithAck(requestID: requestID, broadcast: ClassicBroadcast(uid: uid, packet: withoutAck(packet), options: options))
        cluster.publish(channels.request, ClassicCodec.encode(request))
        cluster.serverCount(channels.request).whenComplete { [self] result in
            // Unreachable Redis: only this server is known to have answered.
            let servers = (try? result.get()).map { max($0, 1) } ?? 1
            updateAckBroadcast(requestID) { $0.expectedServers = servers }
        }
        local.broadcastWithAck(packet, options: options, clientCount: { [self] count in
            updateAckBroadcast(requestID) { state in
                state.reportedServers += 1
                state.clients += count
            }
        }, response: response)
        // The caller times the whole broadcast out; the entry goes with it.
        loop.scheduleTask(in: (options.flags.timeout ?? .seconds(5)) + .seconds(1)) { [self] in
            _ = pending.withLockedValue { $0.ackBroadcasts.removeValue(forKey: requestID) }
        }
    }

    private func updateAckBroadcast(_ requestID: String, _ change: (inout PendingRequests.AckBroadcast) -> Void) {
        let report: (@Sendable (Int) -> Void, Int)? = pending.withLockedValue { pending in
            guard var state = pending.ackBroadcasts[requestID] else { return nil }
            change(&state)
            let total = state.totalIfComplete()
            pending.ackBroadcasts[requestID] = state
            return total.map { (state.clientCount, $0) }
        }
        if let (clientCount, total) = report { clientCount(total) }
    }

    func fetchSockets(_ options: BroadcastOptions, on loop: any EventLoop) -> EventLoopFuture<[SocketSnapshot]> {
        let here = local.fetchSockets(options, on: loop)
        if options.flags.local { return here }
        let uid = self.uid
        let request: @Sendable (String) -> ClassicRequest = { requestID in .fetchSockets(uid: uid, requestID: requestID, options: options) }
        return here.and(gather(request, on: loop)).flatMapThrowing { mine, answers in
            mine + answers.flatMap { answer -> [SocketSnapshot] in
                guard case .array(let sockets)? = answer["sockets"] else { return [] }
                return sockets.compactMap(Self.snapshot)
            }
        }
    }

    /// Asks every other server and gathers one answer from each, within
    /// ``RedisAdapterOptions/requestsTimeout``.
    private func gather(_ request: @escaping @Sendable (String) -> ClassicRequest, on loop: any EventLoop) -> EventLoopFuture<[JSONObject]> {
        cluster.serverCount(channels.request).hop(to: loop).flatMap { [self] servers in
            let others = servers - 1
            guard others > 0 else { return loop.makeSucceededFuture([]) }
            let promise = loop.makePromise(of: [JSONObject].self)
            let requestID = startCollecting(in: \.gatherings, expected: others, timeout: cluster.options.requestsTimeout) { answers, complete in
                if complete { promise.succeed(answers) } else { promise.fail(RedisAdapterError.requestTimedOut) }
            }
            cluster.publish(channels.request, ClassicCodec.encode(request(requestID)))
            return promise.futureResult
        }
    }

    func addSockets(_ options: BroadcastOptions, rooms: [RoomName]) {
        local.addSockets(options, rooms: rooms)
        if !options.flags.local { cluster.publish(channels.request, ClassicCodec.encode(.socketsJoin(uid: uid, options: options, rooms: rooms))) }
    }

    func delSockets(_ options: BroadcastOptions, rooms: [RoomName]) {
        local.delSockets(options, rooms: rooms)
        if !options.flags.local { cluster.publish(channels.request, ClassicCodec.encode(.socketsLeave(uid: uid, options: options, rooms: rooms))) }
    }

    func disconnectSockets(_ options: BroadcastOptions, close: Bool) {
        local.disconnectSockets(options, close: close)
        if !options.flags.local { cluster.publish(channels.request, ClassicCodec.encode(.disconnectSockets(uid: uid, options: options, close: close))) }
    }

    func serverSideEmit(_ packet: SocketIOPacket) {
        cluster.publish(channels.request, ClassicCodec.encode(.serverSideEmit(uid: uid, requestID: nil, arguments: packet.data?.arrayValue ?? [])))
    }

    func serverSideEmitWithAck(
        _ packet: SocketIOPacket,
        timeout: TimeAmount?,
        done: @escaping @Sendable (Result<[JSONValue], ServerSideEmitError>) -> Void
    ) {
        cluster.serverCount(channels.request).whenComplete { [self] result in
            guard case .success(let servers) = result else {
                done(.failure(.unavailable("the Redis server could not be asked how many servers there are")))
                return
            }
            let others = servers - 1
            guard others > 0 else { return done(.success([])) }
            let requestID = startCollecting(in: \.serverSideEmits, expected: others, timeout: timeout ?? cluster.options.requestsTimeout) {
                answers, complete in
                done(complete ? .success(answers) : .failure(.timedOut(responses: answers, expected: others)))
            }
            let request = ClassicRequest.serverSideEmit(uid: uid, requestID: requestID, arguments: packet.data?.arrayValue ?? [])
            cluster.publish(channels.request, ClassicCodec.encode(request))
        }
    }

    func serverCount(on loop: any EventLoop) -> EventLoopFuture<Int> {
        cluster.serverCount(channels.request).hop(to: loop)
    }

    private func withoutAck(_ packet: SocketIOPacket) -> SocketIOPacket {
        var packet = packet
        packet.ackID = nil
        packet.namespace = context.namespace
        return packet
    }

    /// A socket as another server describes it (`{id, handshake, rooms, data}`).
    static func snapshot(_ value: JSONValue) -> SocketSnapshot? {
        guard case .object(let object) = value, let id = object["id"]?.stringValue else { return nil }
        return SocketSnapshot(
            id: id, handshake: object["handshake"] ?? .object([:]),
            rooms: ClassicCodec.strings(object["rooms"]), data: object["data"] ?? .null
        )
    }

    static func object(_ snapshot: SocketSnapshot) -> JSONValue {
        .object(["id": .string(snapshot.id), "handshake": snapshot.handshake, "rooms": .array(snapshot.rooms.map(JSONValue.string)), "data": snapshot.data])
    }

    // MARK: receiving (on the cluster's loop, in Redis's order)

    /// A message on `K#N#*`.
    func receiveBroadcast(channel: String, payload: ByteBuffer) {
        guard let room = channels.room(inBroadcastChannel: channel) else { return }
        // A broadcast to one room nobody here is in: dropped undecoded (upstream's filter).
        guard room.isEmpty || local.hasRoom(room) || joinsInFlight.load(ordering: .acquiring) > 0 else { return }
        let broadcast: ClassicBroadcast
        do {
            broadcast = try ClassicCodec.decodeBroadcast(payload)
        } catch {
            logger.debug("dropped a malformed broadcast from Redis", metadata: ["channel": "\(channel)", "error": "\(error)"])
            return
        }
        guard broadcast.uid != uid, broadcast.packet.namespace == context.namespace else { return }
        var options = broadcast.options
        options.flags.local = true
        local.broadcast(broadcast.packet, options: options)
    }

    /// A message on `K-request#N#`.
    func receiveRequest(_ payload: ByteBuffer) {
        let request: ClassicRequest
        do {
            guard let decoded = try ClassicCodec.decodeRequest(payload) else { return }
            request = decoded
        } catch {
            logger.debug("dropped a malformed request from Redis", metadata: ["error": "\(error)"])
            return
        }
        switch request {
        case .socketsJoin(let sender, let options, let rooms):
            if sender != uid { joinFromOtherServer(options, rooms: rooms) }
        case .socketsLeave(let sender, let options, let rooms):
            if sender != uid { local.delSockets(options, rooms: rooms) }
        case .disconnectSockets(let sender, let options, let close):
            if sender != uid { local.disconnectSockets(options, close: close) }
        case .legacyJoin(let requestID, let socket, let room):
            // Counted in flight from now: finding the socket takes a hop too.
            joinsInFlight.add(1, ordering: .releasing)
            local.sockets(in: [socket], on: loop).whenSuccess { [self] ids in
                guard ids.contains(socket) else { return joinLanded() }
                local.addSockets(BroadcastOptions(rooms: [socket]), rooms: [room]) { [self] in joinLanded() }
                respond(.plain(requestID: requestID, body: [:]), to: nil)
            }
        case .legacyLeave(let requestID, let socket, let room):
            actOnLocalSocket(socket, requestID: requestID) { $0.local.delSockets(BroadcastOptions(rooms: [socket]), rooms: [room]) }
        case .legacyDisconnect(let requestID, let socket, let close):
            actOnLocalSocket(socket, requestID: requestID) { $0.local.disconnectSockets(BroadcastOptions(rooms: [socket]), close: close) }
        case .fetchSockets(let sender, let requestID, let options):
            guard !isOwn(requestID) else { return }
            local.fetchSockets(options, on: loop).whenSuccess { [self] snapshots in
                respond(.plain(requestID: requestID, body: ["sockets": .array(snapshots.map(Self.object))]), to: sender)
            }
        case .sockets(let requestID, let rooms):
            guard !isOwn(requestID) else { return }
            local.sockets(in: Set(rooms), on: loop).whenSuccess { [self] ids in
                respond(.plain(requestID: requestID, body: ["sockets": .array(ids.sorted().map(JSONValue.string))]), to: nil)
            }
        case .allRooms(let sender, let requestID):
            guard !isOwn(requestID) else { return }
            local.allRooms(on: loop).whenSuccess { [self] rooms in
                respond(.plain(requestID: requestID, body: ["rooms": .array(rooms.sorted().map(JSONValue.string))]), to: sender)
            }
        case .serverSideEmit(let sender, let requestID, let arguments):
            guard sender != uid else { return }
            guard let requestID else { return context.serverSideEvent(arguments, nil) }
            let answered = NIOLockedValueBox(false)
            let cluster = self.cluster
            let channel = channels.response
            context.serverSideEvent(arguments) { answer in
                guard !answered.withLockedValue({ value in let was = value; value = true; return was }) else { return }
                cluster.publish(channel, ClassicCodec.encode(ClassicResponse.serverSideEmit(requestID: requestID, argument: answer)))
            }
        case .broadcastWithAck(let requestID, let broadcast):
            guard !isOwn(requestID), broadcast.uid != uid else { return }
            var packet = broadcast.packet
            packet.ackID = context.nextAckID()
            var options = broadcast.options
            options.flags.local = true
            let cluster = self.cluster
            let channel = responseChannel(for: broadcast.uid)
            local.broadcastWithAck(packet, options: options, clientCount: { count in
                cluster.publish(channel, ClassicCodec.encode(ClassicResponse.clientCount(requestID: requestID, count: count)))
            }, response: { arguments in
                cluster.publish(channel, ClassicCodec.encode(ClassicResponse.broadcastAck(requestID: requestID, argument: arguments.first ?? .null)))
            })
        }
    }

    /// Applies another server's `socketsJoin`, counted in flight until
    /// every loop has it.
    private func joinFromOtherServer(_ options: BroadcastOptions, rooms: [RoomName]) {
        joinsInFlight.add(1, ordering: .releasing)
        local.addSockets(options, rooms: rooms) { [self] in joinLanded() }
    }

    private func joinLanded() {
        joinsInFlight.subtract(1, ordering: .releasing)
    }

    /// A new request waiting for `expected` answers in `table`; `done` runs
    /// once, when the last answer comes or at `timeout` with those that came.
    private func startCollecting<Answer: Sendable>(
        in table: any WritableKeyPath<PendingRequests, [String: PendingRequests.Collecting<Answer>]> & Sendable,
        expected: Int, timeout: TimeAmount,
        done: @escaping @Sendable (_ answers: [Answer], _ complete: Bool) -> Void
    ) -> String {
        let requestID = AdapterUID.make()
        pending.withLockedValue { $0[keyPath: table][requestID] = PendingRequests.Collecting(expected: expected, done: done) }
        let timer = loop.scheduleTask(in: timeout) { [self] in
            guard let state = pending.withLockedValue({ $0[keyPath: table].removeValue(forKey: requestID) }) else { return }
            state.done(state.answers, false)
        }
        pending.withLockedValue { $0[keyPath: table][requestID]?.timer = timer }
        return requestID
    }

    /// One server's answer to a request of `table`; the last one completes it.
    private func collect<Answer: Sendable>(
        _ answer: Answer, for requestID: String,
        in table: WritableKeyPath<PendingRequests, [String: PendingRequests.Collecting<Answer>]>
    ) {
        let finished: PendingRequests.Collecting<Answer>? = pending.withLockedValue { pending in
            guard var state = pending[keyPath: table][requestID] else { return nil }
            state.answers.append(answer)
            pending[keyPath: table][requestID] = state.answers.count < state.expected ? state : nil
            return state.answers.count < state.expected ? nil : state
        }
        guard let finished else { return }
        finished.timer?.cancel()
        finished.done(finished.answers, true)
    }

    private func isOwn(_ requestID: String) -> Bool { pending.withLockedValue { $0.isOwn(requestID) } }

    private func respond(_ response: ClassicResponse, to requester: String?) {
        cluster.publish(responseChannel(for: requester), ClassicCodec.encode(response))
    }

    /// A pre-8.0 per-socket request: acted on and answered only by the
    /// server that has the socket.
    private func actOnLocalSocket(_ socket: SocketID, requestID: String, _ action: @escaping @Sendable (RedisAdapter) -> Void) {
        local.sockets(in: [socket], on: loop).whenSuccess { [self] ids in
            guard ids.contains(socket) else { return }
            action(self)
            respond(.plain(requestID: requestID, body: [:]), to: nil)
        }
    }

    /// A message on `K-response#N#` or this server's own response channel.
    func receiveResponse(_ payload: ByteBuffer) {
        let response: ClassicResponse
        do {
            response = try ClassicCodec.decodeResponse(payload)
        } catch {
            logger.debug("dropped a malformed response from Redis", metadata: ["error": "\(error)"])
            return
        }
        switch response {
        case .clientCount(let requestID, let count):
            updateAckBroadcast(requestID) { state in
                state.reportedServers += 1
                state.clients += count
            }
        case .broadcastAck(let requestID, let argument):
            let handler = pending.withLockedValue { $0.ackBroadcasts[requestID]?.response }
            handler?([argument])
        case .serverSideEmit(let requestID, let argument):
            collect(argument, for: requestID, in: \.serverSideEmits)
        case .plain(let requestID, let body):
            collect(body, for: requestID, in: \.gatherings)
        }
    }
}

/// What a cluster-wide request of the Redis adapter can fail with.
public enum RedisAdapterError: Error, Sendable, Equatable {
    /// Not every server answered within ``RedisAdapterOptions/requestsTimeout``
    /// ("timeout reached while waiting for fetchSockets response" upstream).
    case requestTimedOut
}
