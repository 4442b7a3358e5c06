import EngineIO
import Foundation
import HuddleTestSupport
import NIOCore
import NIOPosix
import RedisClient
import RoomClient
import RoomCluster
import RoomEngine
import RoomEngineSocketIO
import SQLiteSnapshotStore
import SnapshotStore
import SocketIO
import Synchronization
import Testing
import WhiteboardRoom

/// The Swift room client through a failover (docs/room-cluster.md,
/// "Failover"): two rooms servers in this process, each a node of one
/// cluster on a redis-server of the test's own, both recording into and
/// resuming from one SQLite store. The room's owner dies; the client's node
/// resumes the room and closes the client's transport (resync); the client
/// reconnects and rejoins its seat on its own.
@Suite("RoomClient: failover of its room's owner", .serialized, .needsRedisServer, .timeLimit(.minutes(2)))
struct FailoverLoopbackTests {
    @Test("the room client rides out the death of its room's owner: it rejoins its seat in the room resumed on another node and goes on")
    func ridesOutTheOwnersDeath() async throws {
        let redis = try await RedisTestServer.start()
        defer { redis.kill() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("client-failover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rooms.sqlite").path
        let recorder = try SQLiteSessionRecorder.open(path: path)
        defer { recorder.close() }
        let states = StoredRoomStates(store: try SQLiteSessionStore.open(path: path))

        let (seamsA, connectionA) = try failoverClustering(node: "node-a", redis: redis)
        let leasesA = MortalLeasing(seamsA.leasing)
        let a = RoomClustering(placement: seamsA.placement, leasing: leasesA, transport: seamsA.transport, states: states)
        var b = try failoverClustering(node: "node-b", redis: redis).0
        b.states = states

        try await withClusterNode(a, recorder: recorder) { portA in
            try await withClusterNode(b, recorder: recorder) { portB in
                // Alice reaches node A through a relay that can cut her off
                // with her node; she creates whiteboard-1, owned by node A.
                let proxyA = try await DroppingProxy.start(forwardingTo: portA)
                defer { proxyA.close() }
                let alice = try RoomClient(url: proxyA.url, options: fastReconnection())
                defer { alice.close() }
                let aliceBoard = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
                #expect(aliceBoard.id == "whiteboard-1")

                // Bob joins through node B: the same room, reached over the relay.
                let bob = try RoomClient(url: "http://127.0.0.1:\(portB)", options: fastReconnection())
                defer { bob.close() }
                let board = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
                #expect(board.id == "whiteboard-1")
                let before = board.membership
                #expect(before.seat != nil, "a seat to rejoin with")
                let log = UpdateLog()
                let reader = Task { await log.read(board) }
                defer { reader.cancel() }

                let drawn = try await board.send(.addShape(failoverShape(1)))
                #expect(board.state.shapes.map(\.id) == [1])
                try await eventually("alice sees bob's shape") { aliceBoard.state.shapes.map(\.id) == [1] }
                try await eventually("tick \(drawn.tick) of whiteboard-1 committed") {
                    guard let store = try? SQLiteSessionStore.open(path: path),
                          let summary = try? store.latestSession(of: "whiteboard-1") else { return false }
                    return summary.lastTick >= drawn.tick
                }

                // Node A dies: its room stops ticking, it stops listening and
                // loses Redis, its connections drop; its lease runs out
                // (played by deleting the key).
                leasesA.kill()
                await seamsA.transport.stop()
                await connectionA.close()
                proxyA.dropAll(refusingNew: true)
                let admin = RedisConnection(configuration: try RedisConfiguration(url: redis.url), eventLoop: MultiThreadedEventLoopGroup.singleton.next())
                _ = try await admin.send("DEL", ["huddle:room:whiteboard-1:lease"])

                // Node B resumes the room and closes bob's transport; bob's
                // client reconnects and rejoins its seat by itself.
                try await eventually("bob back in the room") { log.updates.contains { $0.isReturn } }
                #expect(try await admin.send("HGET", ["huddle:room:whiteboard-1", "owner"]).string == "node-b")
                await admin.close()
                let updates = log.updates
                let interruption = try #require(updates.firstIndex { $0.interruption != nil }, "interrupted before the return: \(updates)")
                let back = try #require(updates.firstIndex { $0.isReturn })
                #expect(interruption < back)
                #expect(updates[interruption].interruption?.code == .connectionLost)
                guard case .rejoined(let membership) = updates[back] else {
                    Issue.record("expected the seat answered with a snapshot (rejoined), got \(updates[back])")
                    return
                }
                #expect(membership.member == before.member && membership.room == before.room)
                #expect(membership.seat?.token == before.seat?.token)
                #expect(board.member == before.member)
                #expect(board.status == .joined)
                #expect(board.statistics.resumes == 1 && board.statistics.rejoins == 0)
                #expect(board.state.shapes.map(\.id) == [1], "the committed state")
                #expect(board.state.member(before.member) != nil)

                // It goes on: an input, its operation, its effect.
                let more = try await board.send(.addShape(failoverShape(2)))
                #expect(more.tick > drawn.tick)
                try await eventually("bob's second shape") {
                    log.updates.contains { update in
                        if case .operation(let operation) = update { return operation.operation == .shapeAdded(failoverShape(2)) }
                        return false
                    }
                }
                #expect(board.state.shapes.map(\.id) == [1, 2])
                #expect(log.failure == nil)
                let operationsAfter = log.updates[(back + 1)...].compactMap { update -> UInt64? in
                    if case .operation(let operation) = update { return operation.sequence }
                    return nil
                }
                #expect(operationsAfter.first.map { $0 > membership.snapshot.operationSequence } ?? false)
            }
        }
    }
}

/// ``RoomClustering/redis(...)`` for `node` on `redis`, and its Redis
/// connection (closed to play the node's death).
private func failoverClustering(node: String, redis: RedisTestServer) throws -> (RoomClustering, RedisConnection) {
    var configuration = try RedisConfiguration(url: redis.url)
    configuration.backoff = RedisBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))
    let group = MultiThreadedEventLoopGroup.singleton
    let connection = RedisConnection(configuration: configuration, eventLoop: group.next())
    let clustering = RoomClustering.redis(
        node: node, configuration: configuration, connection: connection, subscriberLoop: group.next(),
        lease: LeaseTiming(duration: .seconds(30), renewalInterval: .milliseconds(500)), requestTimeout: .seconds(30)
    )
    return (clustering, connection)
}

/// Runs `body` with the port of a rooms server in this process that is a
/// node of `cluster` and records into `recorder`; its service runs in a
/// child task, stopped after the body.
private func withClusterNode(
    _ cluster: RoomClustering,
    recorder: SQLiteSessionRecorder,
    _ body: (Int) async throws -> Void
) async throws {
    let group = MultiThreadedEventLoopGroup.singleton
    var engine = SocketIOConfiguration()
    engine.engine.pingInterval = .seconds(60)
    engine.engine.pingTimeout = .seconds(60)
    var options = RoomServiceConfiguration()
    options.memberNodeCheckInterval = .milliseconds(50)
    options.seatGracePeriod = .seconds(60)
    options.cluster = cluster
    let io = SocketIOServer(configuration: engine, group: group)
    let rooms = RoomService(server: io, group: group, kinds: [.whiteboard], configuration: options, recorder: recorder)
    try await rooms.startClusterRelay()
    let http = try await HTTPServer.start(host: "127.0.0.1", port: 0, endpoints: [io.engine], group: group)
    let port = try #require(http.localAddress?.port)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { await rooms.run() }
        defer { tasks.cancelAll() }
        do {
            try await body(port)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }
}

/// Leases that end at once when the test says so: the death of their node
/// (its rooms stop at their next tick, as a killed process's would).
private final class MortalLeasing: RoomLeasing {
    private let inner: any RoomLeasing
    private let killed = Atomic<Bool>(false)

    init(_ inner: any RoomLeasing) { self.inner = inner }

    func kill() { killed.store(true, ordering: .relaxed) }

    var isKilled: Bool { killed.load(ordering: .relaxed) }

    func acquire(_ room: RoomID, onLost: @escaping @Sendable () -> Void) async -> (any RoomOwnership)? {
        guard !isKilled, let ownership = await inner.acquire(room, onLost: onLost) else { return nil }
        return MortalOwnership(inner: ownership, leasing: self)
    }

    func release(_ room: RoomID) async { await inner.release(room) }
    func isHeld(_ room: RoomID) async -> Bool { await inner.isHeld(room) }

    struct MortalOwnership: RoomOwnership {
        let inner: any RoomOwnership
        let leasing: MortalLeasing
        func holds(at now: NIODeadline) -> Bool { !leasing.isKilled && inner.holds(at: now) }
    }
}

/// A room's updates, read by ``read(_:)`` in a task of their own into a
/// list the test polls (so a missing update fails by `eventually`'s guard,
/// not a hang).
private final class UpdateLog: Sendable {
    private let state = Mutex<(updates: [RoomUpdate<WhiteboardLogic>], failure: String?)>(([], nil))

    func read(_ room: RemoteRoom<WhiteboardLogic>) async {
        do {
            for try await update in room.updates { state.withLock { $0.updates.append(update) } }
        } catch {
            state.withLock { $0.failure = "\(error)" }
        }
    }

    var updates: [RoomUpdate<WhiteboardLogic>] { state.withLock { $0.updates } }
    /// What ended the updates with an error, if anything did.
    var failure: String? { state.withLock { $0.failure } }
}

extension RoomUpdate {
    /// The membership lost (with why), if this is that.
    fileprivate var interruption: RoomClientError? {
        if case .interrupted(let error) = self { return error }
        return nil
    }

    /// Back in the room (resumed or rejoined).
    fileprivate var isReturn: Bool {
        switch self {
        case .resumed, .rejoined: true
        default: false
        }
    }
}

private func failoverShape(_ id: UInt32) -> Shape {
    Shape(id: id, kind: .rectangle, bounds: ShapeBounds(from: CanvasPoint(x: 1, y: 2), to: CanvasPoint(x: 30, y: 40)), color: 0x4488CC)
}
