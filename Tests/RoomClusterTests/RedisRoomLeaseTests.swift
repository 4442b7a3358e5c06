import HuddleTestSupport
import NIOCore
import NIOPosix
import RedisClient
import RoomCluster
import RoomEngine
import Synchronization
import Testing
import WhiteboardRoom

let group = MultiThreadedEventLoopGroup.singleton

func connect(_ server: RedisTestServer) throws -> RedisConnection {
    var configuration = try RedisConfiguration(url: server.url)
    configuration.backoff = RedisBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))
    return RedisConnection(configuration: configuration, eventLoop: group.next())
}

/// Losses a lease reported, in order.
final class Losses: Sendable {
    let values = Mutex<[LeaseLoss]>([])
    func append(_ loss: LeaseLoss) { values.withLock { $0.append(loss) } }
    var all: [LeaseLoss] { values.withLock { $0 } }
}

/// A sink that counts ticks and notes fencing.
final class CountingSink: RoomOutputSink {
    let ticks = Atomic<Int>(0)
    let fenced = Atomic<Bool>(false)
    func roomDidTick(_ output: RoomTickOutput) { ticks.add(1, ordering: .relaxed) }
    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation]) {}
    func roomDidLoseOwnership(_ room: RoomID) { fenced.store(true, ordering: .relaxed) }
}

@Suite("Room leases in Redis", .needsRedisServer)
struct RedisRoomLeaseTests {
    /// Short enough for the test where the lease must run out, long enough
    /// for a loaded machine not to let it lapse before (a CI run was seen
    /// to starve the test process for more than 10 s).
    let timing = LeaseTiming(duration: .seconds(10), renewalInterval: .milliseconds(100))
    /// Long, renewed often: for the tests where it must not run out, however
    /// loaded the machine is (the renewals are watched in Redis instead).
    let steady = LeaseTiming(duration: .seconds(30), renewalInterval: .milliseconds(50))

    @Test("one node holds a room's lease; another is refused until it is released, then gets a larger fence")
    func exclusive() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let a = try connect(server), b = try connect(server)
        let leaseA = RedisRoomLease(room: "whiteboard-1", node: "node-a", connection: a, timing: steady)
        let leaseB = RedisRoomLease(room: "whiteboard-1", node: "node-b", connection: b, timing: steady)
        let fenceA = try #require(try? await leaseA.acquire().get())
        #expect(await leaseA.acquire() == .success(fenceA))   // asking again changes nothing
        #expect(await leaseB.acquire() == .failure(.heldElsewhere("node-a/\(fenceA)")))
        #expect(leaseA.grant.holds(at: .now()))
        #expect(!leaseB.grant.holds(at: .now()))

        // Renewals push the key's expiry back: three times over, once 150 ms
        // have passed (without renewals, 30 s less those 150 ms would remain),
        // Redis says nearly the whole duration remains.
        for _ in 0..<3 {
            let since = NIODeadline.now()
            try await eventually("a renewal") {
                let remaining = try await b.send("PTTL", ["huddle:room:whiteboard-1:lease"]).int ?? 0
                return NIODeadline.now() - since >= .milliseconds(150) && remaining > 29_900
            }
        }
        #expect(leaseA.grant.holds(at: .now()))
        #expect(await leaseB.acquire() == .failure(.heldElsewhere("node-a/\(fenceA)")))

        await leaseA.release()
        #expect(!leaseA.grant.holds(at: .now()))
        let fenceB = try #require(try? await leaseB.acquire().get())
        #expect(fenceB > fenceA)
        #expect(leaseB.grant.fence == fenceB)
        await leaseB.release()
        await a.close()
        await b.close()
    }

    @Test("a holder whose key was taken over is revoked at its next renewal and its room is fenced")
    func takeoverFencesTheRoom() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let a = try connect(server), b = try connect(server)
        let losses = Losses()
        let leaseA = RedisRoomLease(room: "whiteboard-1", node: "node-a", connection: a, timing: steady) { losses.append($0) }
        _ = try #require(try? await leaseA.acquire().get())
        let sink = CountingSink()
        let room = RoomRunner(
            room: Room(id: "whiteboard-1", logic: WhiteboardLogic(), seed: 1),
            loop: EventLoopRoomLoop(group.next()), sink: sink, ownership: leaseA.grant
        )
        room.start()
        try await eventually("the room ticks") { sink.ticks.load(ordering: .relaxed) >= 3 }

        // As if the key had expired and node B had taken the room.
        _ = try await b.send("DEL", ["huddle:room:whiteboard-1:lease"])
        let leaseB = RedisRoomLease(room: "whiteboard-1", node: "node-b", connection: b, timing: steady)
        _ = try #require(try? await leaseB.acquire().get())

        try await eventually("node A is revoked") { losses.all == [.takenOver] }
        try await eventually("node A's room is fenced") { sink.fenced.load(ordering: .relaxed) }
        let ticks = sink.ticks.load(ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(200))   // four tick intervals: none may come
        #expect(sink.ticks.load(ordering: .relaxed) == ticks)
        #expect(leaseB.grant.holds(at: .now()))
        await leaseB.release()
        await room.close()
        await a.close()
        await b.close()
    }

    @Test("a node that loses Redis stops ticking its rooms before the lease could expire in Redis")
    func losingRedisStopsTicking() async throws {
        let server = try await RedisTestServer.start()
        defer { server.kill() }
        let a = try connect(server)
        let losses = Losses()
        let lease = RedisRoomLease(room: "whiteboard-1", node: "node-a", connection: a, timing: timing) { losses.append($0) }
        _ = try #require(try? await lease.acquire().get())
        let sink = CountingSink()
        let room = RoomRunner(
            room: Room(id: "whiteboard-1", logic: WhiteboardLogic(), seed: 1),
            loop: EventLoopRoomLoop(group.next()), sink: sink, ownership: lease.grant
        )
        room.start()
        try await eventually("the room ticks") { sink.ticks.load(ordering: .relaxed) >= 1 }

        server.kill()
        try await eventually("the lease expires here") { losses.all == [.expired] }
        try await eventually("the room is fenced") { sink.fenced.load(ordering: .relaxed) }
        #expect(!lease.grant.holds(at: .now()))

        // Redis back (empty): the room can be taken again, by this node or another.
        try await server.start()
        try await eventually("the lease is acquired again") {
            if case .success = await lease.acquire() { return true }
            return false
        }
        await lease.release()
        await room.close()
        await a.close()
    }
}
